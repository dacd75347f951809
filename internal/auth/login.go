package auth

import (
	"context"
	"database/sql"
	"math"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Limits of failed staff logins (等保 2.0 level 3: login failure handling).
// A wrong password or second-factor code counts against the account and
// against the client address; at the limit within the window the account
// (or the address) is locked: the next tries are refused before the password
// is hashed, so the lock also spares the CPU. An administrator can unlock an
// account; a successful login clears its count.
const (
	LoginFailuresPerAccount = 5
	// LoginFailuresPerAddress is larger: a whole office may share an address.
	LoginFailuresPerAddress = 20
	LoginFailureWindow      = 15 * time.Minute
	LoginLockout            = 15 * time.Minute
)

// Audit-log actions of logins and account controls.
const (
	AuditLoginFailed    = "login_failed"
	AuditLoginLocked    = "login_locked"
	AuditUnlock         = "unlock_account"
	AuditChangePassword = "change_password"
	AuditResetPassword  = "reset_password"
	AuditEnrolTOTP      = "enrol_totp"
	AuditRemoveTOTP     = "remove_totp"
)

// Credentials are what a staff member logs in with.
type Credentials struct {
	Username string
	Password string
	// TOTP is the code of her authenticator app, needed once she has one.
	TOTP string
	// Addr is the client's address, for the limit per address; "" leaves
	// only the limit per account.
	Addr string
}

var (
	errBadLogin     = errs.New(errs.Unauthorized, "用户名或密码错误", "wrong username or password")
	errDisabled     = errs.New(errs.Unauthorized, "账号已停用", "this account is disabled")
	errTOTPRequired = errs.New(errs.Unauthorized, "请输入身份验证器上的6位动态验证码", "enter the 6-digit code of your authenticator app (totp)")
	errBadTOTP      = errs.New(errs.Unauthorized, "动态验证码错误或已用过", "wrong or already used authenticator code")
)

// Login checks a staff password and opens a session of the kind.
func (s *Service) Login(ctx context.Context, username, password, kind string) (Session, error) {
	return s.LoginWith(ctx, Credentials{Username: username, Password: password}, kind)
}

// LoginWith checks a staff member's credentials, within the limits of
// failed logins, and opens a session of the kind.
func (s *Service) LoginWith(ctx context.Context, c Credentials, kind string) (Session, error) {
	username := strings.TrimSpace(strings.ToLower(c.Username))
	if username == "" || c.Password == "" || len(username) > 40 || len(c.Password) > maxPasswordBytes {
		return Session{}, errBadLogin
	}
	keys := []string{"user:" + username}
	if c.Addr != "" {
		keys = append(keys, "addr:"+c.Addr)
	}
	if err := s.checkLocked(ctx, keys); err != nil {
		return Session{}, err
	}
	u, hash, err := s.userWhere(ctx, s.db.R, `username = $1`, username)
	if errs.Is(err, errs.NotFound) {
		// The same work and the same count as for a known name.
		bcrypt.CompareHashAndPassword(s.dummyHash, []byte(c.Password))
		return Session{}, s.loginFailed(ctx, keys, User{Username: username}, "wrong password", c.Addr)
	}
	if err != nil {
		return Session{}, err
	}
	if hash == "" || bcrypt.CompareHashAndPassword([]byte(hash), []byte(c.Password)) != nil {
		return Session{}, s.loginFailed(ctx, keys, u, "wrong password", c.Addr)
	}
	if u.Disabled {
		return Session{}, errDisabled
	}
	if u.TOTP {
		if strings.TrimSpace(c.TOTP) == "" {
			return Session{}, errTOTPRequired
		}
		ok, err := s.useTOTP(ctx, u.ID, c.TOTP)
		if err != nil {
			return Session{}, err
		}
		if !ok {
			if err := s.loginFailed(ctx, keys, u, "wrong authenticator code", c.Addr); err != errBadLogin {
				return Session{}, err
			}
			return Session{}, errBadTOTP
		}
	}
	return s.openSession(ctx, u, kind, keys[0])
}

// checkLocked refuses a login while its account or address is locked.
func (s *Service) checkLocked(ctx context.Context, keys []string) error {
	args := []any{db.Millis(s.clock.Now())}
	ph := make([]string, len(keys))
	for i, k := range keys {
		args = append(args, k)
		ph[i] = "$" + strconv.Itoa(i+2)
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT key, locked_until FROM login_failures
WHERE locked_until > $1 AND key IN (`+strings.Join(ph, ", ")+`)`, args...)
	if err != nil {
		return errs.Wrap(err, "check login lock")
	}
	defer rows.Close()
	var key string
	var until int64
	for rows.Next() {
		var k string
		var u int64
		if err := rows.Scan(&k, &u); err != nil {
			return errs.Wrap(err, "check login lock")
		}
		if u > until {
			key, until = k, u
		}
	}
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "check login lock")
	}
	if until == 0 {
		return nil
	}
	return lockedError(key, time.UnixMilli(until).Sub(s.clock.Now()))
}

func lockedError(key string, wait time.Duration) error {
	secs := max(int(math.Ceil(wait.Seconds())), 1)
	mins := strconv.Itoa((secs + 59) / 60)
	e := errs.New(errs.TooMany, "该账号登录失败次数过多，已暂时锁定，请"+mins+"分钟后再试，或请管理员解锁",
		"too many failed logins: this account is locked; try again in "+mins+" min or ask an administrator to unlock it")
	if strings.HasPrefix(key, "addr:") {
		e = errs.New(errs.TooMany, "此网络地址登录失败次数过多，请"+mins+"分钟后再试",
			"too many failed logins from this address; try again in "+mins+" min")
	}
	e.RetryAfter = secs
	return e
}

// loginFailed counts a failure against each key, locks those that reach
// their limit, and writes the audit log. It returns the error of a failed
// login, or the error of the database.
func (s *Service) loginFailed(ctx context.Context, keys []string, u User, why, addr string) error {
	now := s.clock.Now()
	windowStart := db.Millis(now.Add(-LoginFailureWindow))
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		// Counts whose window has passed and that lock nothing are dead.
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE window_start < $1 AND locked_until < $2`,
			windowStart, db.Millis(now)); err != nil {
			return errs.Wrap(err, "prune login failures")
		}
		detail := why
		if addr != "" {
			detail += " from " + addr
		}
		if err := AuditTx(ctx, tx, now, u, AuditLoginFailed, "login:"+u.Username, detail); err != nil {
			return err
		}
		for _, key := range keys {
			// One statement, so that failures at the same moment on several
			// servers all count.
			var n int
			err := tx.QueryRowContext(ctx, `INSERT INTO login_failures (key, failures, window_start, locked_until) VALUES ($1, 1, $2, 0)
ON CONFLICT (key) DO UPDATE SET
  failures = CASE WHEN login_failures.window_start < $3 THEN 1 ELSE login_failures.failures + 1 END,
  window_start = CASE WHEN login_failures.window_start < $3 THEN $2 ELSE login_failures.window_start END
RETURNING failures`, key, db.Millis(now), windowStart).Scan(&n)
			if err != nil {
				return errs.Wrap(err, "count login failure")
			}
			limit := LoginFailuresPerAccount
			if strings.HasPrefix(key, "addr:") {
				limit = LoginFailuresPerAddress
			}
			if n < limit {
				continue
			}
			// Locked: the count starts again when the lock ends.
			if _, err := tx.ExecContext(ctx, `UPDATE login_failures SET failures = 0, window_start = $1, locked_until = $2 WHERE key = $3`,
				db.Millis(now), db.Millis(now.Add(LoginLockout)), key); err != nil {
				return errs.Wrap(err, "lock login")
			}
			object := strings.Replace(key, "user:", "login:", 1) // objects user:ID are accounts by id
			if err := AuditTx(ctx, tx, now, u, AuditLoginLocked, object,
				strconv.Itoa(n)+" failed logins within "+LoginFailureWindow.String()+"; locked for "+LoginLockout.String()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return errBadLogin
}

// Unlock lets an account log in again at once after too many failures.
// Only an administrator may.
func (s *Service) Unlock(ctx context.Context, admin User, userID string) error {
	if admin.Role != RoleAdmin {
		return errs.ErrForbidden
	}
	u, err := s.User(ctx, userID)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE key = $1`, "user:"+u.Username); err != nil {
			return errs.Wrap(err, "unlock")
		}
		return AuditTx(ctx, tx, s.clock.Now(), admin, AuditUnlock, "user:"+u.ID, u.Username)
	})
}

// LockedAccounts returns the usernames that are locked now and until when.
func (s *Service) LockedAccounts(ctx context.Context) (map[string]time.Time, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT key, locked_until FROM login_failures WHERE locked_until > $1`, db.Millis(s.clock.Now()))
	if err != nil {
		return nil, errs.Wrap(err, "locked accounts")
	}
	defer rows.Close()
	locked := map[string]time.Time{}
	for rows.Next() {
		var key string
		var until int64
		if err := rows.Scan(&key, &until); err != nil {
			return nil, errs.Wrap(err, "locked accounts")
		}
		if name, ok := strings.CutPrefix(key, "user:"); ok {
			locked[name] = time.UnixMilli(until)
		}
	}
	return locked, errs.Wrap(rows.Err(), "locked accounts")
}
