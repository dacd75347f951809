package gov

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Service manages areas, organisations and memberships.
type Service struct {
	db    *db.DB
	clock clock.Clock
}

// NewService returns the service.
func NewService(d *db.DB, c clock.Clock) *Service { return &Service{db: d, clock: c} }

var codeRE = regexp.MustCompile(`^[0-9A-Za-z_-]{1,40}$`)

// ValidCode reports whether s may be an area or organisation code.
func ValidCode(s string) bool { return codeRE.MatchString(s) }

func validLevel(l Level) bool {
	for _, x := range Levels {
		if x == l {
			return true
		}
	}
	return false
}

func validKind(k OrgKind) bool {
	for _, x := range OrgKinds {
		if x == k {
			return true
		}
	}
	return false
}

func checkName(name string) error {
	if strings.TrimSpace(name) == "" || utf8.RuneCountInString(name) > 100 {
		return errs.Invalidf("名称不能为空且不超过100字", "name must be 1 to 100 characters")
	}
	return nil
}

func (a Area) validate() error {
	if !ValidCode(a.Code) {
		return errs.Invalidf("区划代码格式不正确：%q", "malformed area code: %q", a.Code)
	}
	if a.ParentCode != "" && (!strings.HasPrefix(a.Code, a.ParentCode) || a.Code == a.ParentCode) {
		return errs.Invalidf("区划代码 %s 必须以上级代码 %s 开头", "area code %s must start with its parent's code %s", a.Code, a.ParentCode)
	}
	if !validLevel(a.Level) {
		return errs.Invalidf("未知的区划层级：%q", "unknown area level: %q", a.Level)
	}
	if a.Population < 0 {
		return errs.Invalidf("人口数不能为负", "population cannot be negative")
	}
	return checkName(a.Name)
}

const upsertAreaSQL = `INSERT INTO areas (code, parent_code, name, level, population) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (code) DO UPDATE SET parent_code = excluded.parent_code, name = excluded.name, level = excluded.level, population = excluded.population`

// UpsertArea creates or updates an area.
func (s *Service) UpsertArea(ctx context.Context, a Area) error {
	if err := a.validate(); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if a.ParentCode != "" {
			if _, err := areaQ(ctx, tx, a.ParentCode); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, upsertAreaSQL, a.Code, a.ParentCode, a.Name, a.Level, a.Population)
		return errs.Wrap(err, "upsert area")
	})
}

const areaCols = `code, parent_code, name, level, population`

func scanArea(sc interface{ Scan(...any) error }) (Area, error) {
	var a Area
	err := sc.Scan(&a.Code, &a.ParentCode, &a.Name, &a.Level, &a.Population)
	return a, err
}

func areaQ(ctx context.Context, q db.Queryer, code string) (Area, error) {
	a, err := scanArea(q.QueryRowContext(ctx, `SELECT `+areaCols+` FROM areas WHERE code = $1`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return Area{}, errs.NotFoundf("区划 %s 不存在", "area %s does not exist", code)
	}
	return a, errs.Wrap(err, "get area")
}

// Area returns the area with the code.
func (s *Service) Area(ctx context.Context, code string) (Area, error) {
	if !ValidCode(code) {
		return Area{}, errs.Invalidf("区划代码格式不正确：%q", "malformed area code: %q", code)
	}
	return areaQ(ctx, s.db.R, code)
}

// Areas returns the children of the parent area, by code; an empty parent
// gives the top-level areas.
func (s *Service) Areas(ctx context.Context, parentCode string) ([]Area, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+areaCols+` FROM areas WHERE parent_code = $1 ORDER BY code LIMIT 5000`, parentCode)
	if err != nil {
		return nil, errs.Wrap(err, "list areas")
	}
	defer rows.Close()
	items := []Area{}
	for rows.Next() {
		a, err := scanArea(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan area")
		}
		items = append(items, a)
	}
	return items, errs.Wrap(rows.Err(), "list areas")
}

// AreaPath returns the area and its ancestors, the top first.
func (s *Service) AreaPath(ctx context.Context, code string) ([]Area, error) {
	var path []Area
	for code != "" && len(path) < 16 {
		a, err := s.Area(ctx, code)
		if err != nil {
			return nil, err
		}
		path = append([]Area{a}, path...)
		code = a.ParentCode
	}
	return path, nil
}

func (o Org) validate() error {
	if !ValidCode(o.Code) {
		return errs.Invalidf("组织代码格式不正确：%q", "malformed organisation code: %q", o.Code)
	}
	if !validKind(o.Kind) {
		return errs.Invalidf("未知的组织类型：%q", "unknown organisation kind: %q", o.Kind)
	}
	if utf8.RuneCountInString(o.Phone) > 40 {
		return errs.Invalidf("电话号码过长", "phone number too long")
	}
	return checkName(o.Name)
}

// UpsertOrg creates or updates an organisation; its area must exist.
func (s *Service) UpsertOrg(ctx context.Context, o Org) error {
	if err := o.validate(); err != nil {
		return err
	}
	now := db.Millis(s.clock.Now())
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := areaQ(ctx, tx, o.AreaCode); err != nil {
			return err
		}
		if err := keepsGovernment(ctx, tx, o); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO orgs (code, name, kind, area_code, parent_code, phone, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind, area_code = excluded.area_code, parent_code = excluded.parent_code, phone = excluded.phone`,
			o.Code, o.Name, o.Kind, o.AreaCode, o.ParentCode, o.Phone, now)
		return errs.Wrap(err, "upsert org")
	})
}

// keepsGovernment refuses to make an organisation with administrators or
// supervisors among its accounts one outside the government: those roles
// are the government's alone (auth.GovernmentOnly).
func keepsGovernment(ctx context.Context, tx *sql.Tx, o Org) error {
	if o.Kind.Government() {
		return nil
	}
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE org_code = $1 AND role IN ('admin', 'supervisor')`, o.Code).Scan(&n)
	if err != nil {
		return errs.Wrap(err, "count org admins")
	}
	if n > 0 {
		return errs.Conflictf("组织 %s 有系统管理员或督办人员账号，不能改为非政府组织类型", "organisation %s has administrator or supervisor accounts and cannot become a kind outside the government", o.Code)
	}
	return nil
}

const orgCols = `code, name, kind, area_code, parent_code, phone, created_at`

func scanOrg(sc interface{ Scan(...any) error }) (Org, error) {
	var o Org
	var created int64
	err := sc.Scan(&o.Code, &o.Name, &o.Kind, &o.AreaCode, &o.ParentCode, &o.Phone, &created)
	o.CreatedAt = db.Time(sql.NullInt64{Int64: created, Valid: true})
	return o, err
}

// OrgQ reads an organisation inside a caller's transaction.
func OrgQ(ctx context.Context, q db.Queryer, code string) (Org, error) {
	o, err := scanOrg(q.QueryRowContext(ctx, `SELECT `+orgCols+` FROM orgs WHERE code = $1`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return Org{}, errs.NotFoundf("组织 %s 不存在", "organisation %s does not exist", code)
	}
	return o, errs.Wrap(err, "get org")
}

// AreaQ reads an area inside a caller's transaction.
func AreaQ(ctx context.Context, q db.Queryer, code string) (Area, error) { return areaQ(ctx, q, code) }

// Org returns the organisation with the code.
func (s *Service) Org(ctx context.Context, code string) (Org, error) {
	if !ValidCode(code) {
		return Org{}, errs.Invalidf("组织代码格式不正确：%q", "malformed organisation code: %q", code)
	}
	return OrgQ(ctx, s.db.R, code)
}

// OrgFilter narrows a list of organisations; empty fields match all.
type OrgFilter struct {
	AreaCode string  // the area and the areas under it
	Kind     OrgKind // one kind
}

// Orgs returns organisations by code.
func (s *Service) Orgs(ctx context.Context, f OrgFilter) ([]Org, error) {
	q := `SELECT ` + orgCols + ` FROM orgs WHERE 1 = 1`
	var args []any
	if f.AreaCode != "" {
		lo, hi := UnderRange(f.AreaCode)
		args = append(args, lo, hi)
		q += ` AND area_code >= $1 AND area_code < $2`
	}
	if f.Kind != "" {
		args = append(args, string(f.Kind))
		q += ` AND kind = $` + strconv.Itoa(len(args))
	}
	q += ` ORDER BY code LIMIT 10000`
	rows, err := s.db.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, errs.Wrap(err, "list orgs")
	}
	defer rows.Close()
	items := []Org{}
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan org")
		}
		items = append(items, o)
	}
	return items, errs.Wrap(rows.Err(), "list orgs")
}

// AddMembershipTx records, inside the caller's transaction, that a user
// belongs to an organisation; adding it again changes only the title.
func AddMembershipTx(ctx context.Context, tx *sql.Tx, m Membership) error {
	if _, err := OrgQ(ctx, tx, m.OrgCode); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO memberships (user_id, org_code, title, created_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (user_id, org_code) DO UPDATE SET title = excluded.title`, m.UserID, m.OrgCode, m.Title, db.Millis(m.CreatedAt))
	return errs.Wrap(err, "add membership")
}

// Memberships returns the organisations a user belongs to.
func (s *Service) Memberships(ctx context.Context, userID string) ([]Membership, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT user_id, org_code, title, created_at FROM memberships WHERE user_id = $1 ORDER BY org_code`, userID)
	if err != nil {
		return nil, errs.Wrap(err, "list memberships")
	}
	defer rows.Close()
	items := []Membership{}
	for rows.Next() {
		var m Membership
		var created int64
		if err := rows.Scan(&m.UserID, &m.OrgCode, &m.Title, &created); err != nil {
			return nil, errs.Wrap(err, "scan membership")
		}
		m.CreatedAt = db.Time(sql.NullInt64{Int64: created, Valid: true})
		items = append(items, m)
	}
	return items, errs.Wrap(rows.Err(), "list memberships")
}
