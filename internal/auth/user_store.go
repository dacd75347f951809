package auth

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

var (
	usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,39}$`)
	phoneRE    = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
)

// ValidPhone reports whether s is a mainland mobile number of 11 digits.
func ValidPhone(s string) bool { return phoneRE.MatchString(s) }

// NormalizePhone writes a mobile number the one way it is stored and
// compared: full-width digits as ASCII, without spaces, dashes or dots, and
// without the country code (+86, 0086, or 86 before 11 digits). A resident's
// account is her phone, so the same number must always be the same text.
func NormalizePhone(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '＋':
			return '+'
		case r == ' ' || r == '-' || r == '.' || r == '\u3000' || r == '\u00a0':
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	switch {
	case strings.HasPrefix(s, "+86"):
		s = s[3:]
	case strings.HasPrefix(s, "0086") && len(s) == 15:
		s = s[4:]
	case strings.HasPrefix(s, "86") && len(s) == 13:
		s = s[2:]
	}
	return s
}

// errNoAccountAdmin refuses account changes to all but administrators.
var errNoAccountAdmin = errs.New(errs.Forbidden, "只有系统管理员可以管理用户", "only administrators can manage users")

func (nu *NewUser) validate() error {
	nu.Username = strings.TrimSpace(strings.ToLower(nu.Username))
	nu.Phone = NormalizePhone(nu.Phone)
	if !nu.Role.Valid() {
		return errs.Invalidf("未知的角色：%q", "unknown role: %q", nu.Role)
	}
	if nu.Username == SystemUsername {
		return errs.Invalidf("用户名 %s 保留给系统", "the username %s is kept for the system", SystemUsername)
	}
	if utf8.RuneCountInString(nu.Name) > 50 {
		return errs.Invalidf("姓名不超过50字", "name must be at most 50 characters")
	}
	if nu.Phone != "" && !ValidPhone(nu.Phone) {
		return errs.Invalidf("手机号格式不正确", "malformed mobile number")
	}
	if nu.Role == RoleResident {
		if nu.Phone == "" {
			return errs.Invalidf("居民账号需要手机号", "a resident account needs a mobile number")
		}
		if nu.Username != "" && !usernameRE.MatchString(nu.Username) {
			return errs.Invalidf("用户名须为3到40位小写字母、数字或 . _ -", "username must be 3 to 40 lowercase letters, digits or . _ -")
		}
		return nil
	}
	if !usernameRE.MatchString(nu.Username) {
		return errs.Invalidf("用户名须为3到40位小写字母、数字或 . _ -", "username must be 3 to 40 lowercase letters, digits or . _ -")
	}
	if err := CheckPassword(nu.Username, nu.Password); err != nil {
		return err
	}
	if nu.Role != RoleAdmin && nu.Role != RoleAuditor && nu.AreaCode == "" {
		return errs.Invalidf("工作人员须指定管辖区域", "staff need an area scope")
	}
	if (nu.Role == RoleHandler || nu.Role == RoleDispatcher || nu.Role == RoleAgent) && nu.OrgCode == "" {
		return errs.Invalidf("该角色须指定所属组织", "this role needs an organisation")
	}
	if nu.Role == RoleAuditor && (nu.OrgCode != "" || nu.AreaCode != "") {
		return errs.Invalidf("审计员不属于任何组织或区域", "an auditor has no organisation or area")
	}
	return nil
}

// GovernmentOnly refuses the roles that administer gongzhi or supervise
// (admin, supervisor) to an account of an organisation outside the
// government (gov.OrgKind.Government): the administrator is the
// government, and a vendor's staff never hold them. An account of no
// organisation (the installation's first administrator) is the
// government's own.
func GovernmentOnly(r Role, kind gov.OrgKind) error {
	if (r == RoleAdmin || r == RoleSupervisor) && !kind.Government() {
		return errs.Invalidf("系统管理员和督办人员只能是政府部门或基层组织的账号，%s 类组织的人员不能担任",
			"administrators and supervisors must belong to a government organisation; staff of a %s cannot hold these roles", kind)
	}
	return nil
}

// CreateUser creates an account for the actor, who must be an
// administrator (or the system), and writes the audit entry in the same
// transaction.
func (s *Service) CreateUser(ctx context.Context, actor User, nu NewUser) (User, error) {
	if !actor.IsAdmin() {
		return User{}, errNoAccountAdmin
	}
	return s.createUser(ctx, nu, func(tx *sql.Tx, u User) error {
		return AuditTx(ctx, tx, u.CreatedAt, actor, AuditCreateUser, "user:"+u.ID, string(u.Role)+" "+u.Username)
	})
}

// createUser validates and stores an account; then, in the same
// transaction, runs also when it is not nil.
func (s *Service) createUser(ctx context.Context, nu NewUser, also func(*sql.Tx, User) error) (User, error) {
	if err := nu.validate(); err != nil {
		return User{}, err
	}
	var hash string
	if nu.Password != "" {
		h, err := bcrypt.GenerateFromPassword([]byte(nu.Password), s.opts.BcryptCost)
		if err != nil {
			return User{}, errs.Wrap(err, "hash password")
		}
		hash = string(h)
	}
	u := User{ID: db.NewID(), Username: nu.Username, Phone: nu.Phone, Name: strings.TrimSpace(nu.Name), Role: nu.Role,
		OrgCode: nu.OrgCode, AreaCode: nu.AreaCode, CreatedAt: s.clock.Now()}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if u.OrgCode != "" {
			o, err := gov.OrgQ(ctx, tx, u.OrgCode)
			if err != nil {
				return errs.Invalidf("组织 %s 不存在", "organisation %s does not exist", u.OrgCode)
			}
			if err := GovernmentOnly(u.Role, o.Kind); err != nil {
				return err
			}
		}
		if u.AreaCode != "" {
			if _, err := gov.AreaQ(ctx, tx, u.AreaCode); err != nil {
				return errs.Invalidf("区划 %s 不存在", "area %s does not exist", u.AreaCode)
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, username, phone, name, role, org_code, area_code, password_hash, disabled, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			u.ID, nullStr(u.Username), nullStr(u.Phone), u.Name, u.Role, nullStr(u.OrgCode), nullStr(u.AreaCode), hash, false, db.Millis(u.CreatedAt))
		if db.IsUnique(err) {
			return errs.Conflictf("用户名或手机号已被使用", "username or phone already in use")
		}
		if err != nil {
			return errs.Wrap(err, "insert user")
		}
		if u.OrgCode != "" {
			if err := gov.AddMembershipTx(ctx, tx, gov.Membership{UserID: u.ID, OrgCode: u.OrgCode, CreatedAt: u.CreatedAt}); err != nil {
				return err
			}
		}
		if also != nil {
			return also(tx, u)
		}
		return nil
	})
	return u, err
}

func nullStr(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

const userCols = `id, username, phone, name, role, org_code, area_code, disabled, created_at, must_change_password, totp_secret, password_hash`

func scanUser(sc interface{ Scan(...any) error }) (User, string, error) {
	var u User
	var username, phone, org, area sql.NullString
	var created int64
	var hash, totp string
	err := sc.Scan(&u.ID, &username, &phone, &u.Name, &u.Role, &org, &area, &u.Disabled, &created, &u.MustChangePassword, &totp, &hash)
	u.TOTP = totp != ""
	u.Username, u.Phone, u.OrgCode, u.AreaCode = username.String, phone.String, org.String, area.String
	u.CreatedAt = db.Time(sql.NullInt64{Int64: created, Valid: true})
	return u, hash, err
}

func (s *Service) userWhere(ctx context.Context, q db.Queryer, where string, arg any) (User, string, error) {
	u, hash, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, "", errs.NotFoundf("用户不存在", "no such user")
	}
	if err != nil {
		return User{}, "", errs.Wrap(err, "get user")
	}
	return u, hash, nil
}

// User returns the user with the id.
func (s *Service) User(ctx context.Context, id string) (User, error) {
	u, _, err := s.userWhere(ctx, s.db.R, `id = $1`, id)
	return u, err
}

// UserByUsername returns the user with the username.
func (s *Service) UserByUsername(ctx context.Context, username string) (User, error) {
	u, _, err := s.userWhere(ctx, s.db.R, `username = $1`, strings.ToLower(username))
	return u, err
}

// Users lists accounts by username, at most 1000; residents are left out
// unless withResidents.
func (s *Service) Users(ctx context.Context, withResidents bool) ([]User, error) {
	q := `SELECT ` + userCols + ` FROM users`
	if !withResidents {
		q += ` WHERE role <> 'resident'`
	}
	rows, err := s.db.R.QueryContext(ctx, q+` ORDER BY role, username LIMIT 1000`)
	if err != nil {
		return nil, errs.Wrap(err, "list users")
	}
	defer rows.Close()
	items := []User{}
	for rows.Next() {
		u, _, err := scanUser(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan user")
		}
		items = append(items, u)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "list users")
	}
	locked, err := s.LockedAccounts(ctx)
	if err != nil {
		return nil, err
	}
	for i, u := range items {
		if t, ok := locked[u.Username]; ok {
			items[i].LockedUntil = &t
		}
	}
	return items, nil
}

// SetDisabled turns an account off or on for the actor, an administrator
// (never her own account off); a disabled account's sessions end. The audit
// entry is written in the same transaction.
func (s *Service) SetDisabled(ctx context.Context, actor User, id string, disabled bool) error {
	if !actor.IsAdmin() {
		return errNoAccountAdmin
	}
	if disabled && id == actor.ID {
		return errs.Invalidf("不能停用自己的账号", "you cannot disable your own account")
	}
	u, err := s.User(ctx, id)
	if err != nil {
		return err
	}
	action := AuditEnableUser
	if disabled {
		action = AuditDisableUser
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled = $1 WHERE id = $2`, disabled, u.ID); err != nil {
			return errs.Wrap(err, "disable user")
		}
		if disabled {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, u.ID); err != nil {
				return errs.Wrap(err, "end sessions")
			}
		}
		return AuditTx(ctx, tx, s.clock.Now(), actor, action, "user:"+u.ID, u.Username)
	})
}
