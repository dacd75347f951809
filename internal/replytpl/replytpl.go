// Package replytpl is the reply templates (答复模板): texts a unit's staff
// start a reply from, per category (a template of a category applies to the
// categories below it) and per unit (a unit's own, or the whole district's),
// with placeholders filled from the ticket. Who keeps which templates is
// policy.go; which apply to a ticket, in which order, is Templates.
package replytpl

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/plaintext"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Template is one reply template.
type Template struct {
	ID string `json:"id"`
	// OrgCode is the unit whose own template it is; "" for the district's.
	OrgCode string `json:"org_code"`
	// CategoryCode is the category (and those below it) it is for; "" for any.
	CategoryCode string    `json:"category_code"`
	Name         string    `json:"name"`
	Body         string    `json:"body"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Limits.
const (
	MaxName = 40
	MaxBody = 2000
	// MaxPerUnit is how many templates a unit, or the district, keeps.
	MaxPerUnit = 200
)

// Service keeps the templates.
type Service struct {
	db      *db.DB
	clock   clock.Clock
	tickets *ticket.Service
	gov     *gov.Service
}

// NewService returns the service.
func NewService(d *db.DB, c clock.Clock, t *ticket.Service, g *gov.Service) *Service {
	return &Service{db: d, clock: c, tickets: t, gov: g}
}

var errNotFound = errs.NotFoundf("答复模板不存在", "no such reply template")

// check cleans and validates a template's own fields.
func (t *Template) check() error {
	t.Name, t.Body = strings.TrimSpace(plaintext.Clean(t.Name)), strings.TrimSpace(plaintext.Clean(t.Body))
	t.OrgCode, t.CategoryCode = strings.TrimSpace(t.OrgCode), strings.TrimSpace(t.CategoryCode)
	if t.Name == "" || utf8.RuneCountInString(t.Name) > MaxName || strings.ContainsAny(t.Name, "\r\n") {
		return errs.Invalidf("模板名称不能为空，不超过%d字，且只占一行", "the name must be 1 to %d characters on one line", MaxName)
	}
	if t.Body == "" || utf8.RuneCountInString(t.Body) > MaxBody {
		return errs.Invalidf("模板内容不能为空且不超过%d字", "the text must be 1 to %d characters", MaxBody)
	}
	if t.OrgCode != "" && !gov.ValidCode(t.OrgCode) {
		return errs.Invalidf("单位代码格式不正确", "malformed unit code")
	}
	if t.CategoryCode != "" && !gov.ValidCode(t.CategoryCode) {
		return errs.Invalidf("分类代码格式不正确", "malformed category code")
	}
	return CheckBody(t.Body)
}

// refs checks that the template's unit and category exist.
func (s *Service) refs(ctx context.Context, t Template) error {
	if t.OrgCode != "" {
		if _, err := s.gov.Org(ctx, t.OrgCode); errs.Is(err, errs.NotFound) {
			return errs.Invalidf("单位 %s 不存在", "unit %s does not exist", t.OrgCode)
		} else if err != nil {
			return err
		}
	}
	if t.CategoryCode != "" {
		if _, err := s.tickets.Category(ctx, t.CategoryCode); errs.Is(err, errs.NotFound) {
			return errs.Invalidf("诉求分类 %s 不存在", "category %s does not exist", t.CategoryCode)
		} else if err != nil {
			return err
		}
	}
	return nil
}

func forbidden(orgCode string) error {
	if orgCode == "" {
		return errs.New(errs.Forbidden, "全区通用的答复模板由派单中心或管理员维护", "district-wide templates are kept by the dispatch centre or the administrator")
	}
	return errs.New(errs.Forbidden, "只能维护本单位的答复模板", "you can only keep your own unit's templates")
}

// Create adds a template of t.OrgCode ("" for the district's).
func (s *Service) Create(ctx context.Context, u auth.User, t Template) (Template, error) {
	if err := t.check(); err != nil {
		return Template{}, err
	}
	if !CanEdit(u, t.OrgCode) {
		return Template{}, forbidden(t.OrgCode)
	}
	if err := s.refs(ctx, t); err != nil {
		return Template{}, err
	}
	var b [8]byte
	rand.Read(b[:])
	t.ID, t.UpdatedAt = hex.EncodeToString(b[:]), s.clock.Now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.lockUnit(ctx, tx, t.OrgCode); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM reply_templates WHERE org_code = $1`, t.OrgCode).Scan(&n); err != nil {
			return errs.Wrap(err, "count reply templates")
		}
		if n >= MaxPerUnit {
			return errs.New(errs.Conflict, "每个单位最多保存200个答复模板，请先删除不用的", "a unit keeps at most 200 reply templates; delete some first")
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO reply_templates (id, org_code, category_code, name, body, created_at, updated_at, updated_by)
VALUES ($1, $2, $3, $4, $5, $6, $6, $7)`, t.ID, t.OrgCode, t.CategoryCode, t.Name, t.Body, db.Millis(t.UpdatedAt), u.ID)
		return sameName(err, "insert reply template")
	})
	if err != nil {
		return Template{}, err
	}
	return t, nil
}

// lockUnit makes the count of a unit's templates and the insert one step on
// PostgreSQL (SQLite has one writer).
func (s *Service) lockUnit(ctx context.Context, tx *sql.Tx, orgCode string) error {
	if s.db.Engine != db.Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, "reply_templates:"+orgCode)
	return errs.Wrap(err, "lock reply templates")
}

func sameName(err error, what string) error {
	if db.IsUnique(err) {
		return errs.Conflictf("本单位已有同名的答复模板", "your unit already has a template of this name")
	}
	return errs.Wrap(err, what)
}

// Update replaces a template's name, body and category; its unit stays.
func (s *Service) Update(ctx context.Context, u auth.User, t Template) (Template, error) {
	old, err := s.get(ctx, t.ID)
	if err != nil {
		return Template{}, err
	}
	if !CanEdit(u, old.OrgCode) {
		if canRead(u, old.OrgCode) {
			return Template{}, forbidden(old.OrgCode)
		}
		return Template{}, errNotFound
	}
	if t.OrgCode = strings.TrimSpace(t.OrgCode); t.OrgCode != "" && t.OrgCode != old.OrgCode {
		return Template{}, errs.Invalidf("模板所属单位不能更改", "a template's unit cannot change")
	}
	t.OrgCode = old.OrgCode
	if err := t.check(); err != nil {
		return Template{}, err
	}
	if err := s.refs(ctx, t); err != nil {
		return Template{}, err
	}
	t.UpdatedAt = s.clock.Now()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE reply_templates SET category_code = $1, name = $2, body = $3, updated_at = $4, updated_by = $5 WHERE id = $6`,
			t.CategoryCode, t.Name, t.Body, db.Millis(t.UpdatedAt), u.ID, t.ID)
		if err != nil {
			return sameName(err, "update reply template")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound
		}
		return nil
	})
	if err != nil {
		return Template{}, err
	}
	return t, nil
}

// Delete removes a template.
func (s *Service) Delete(ctx context.Context, u auth.User, id string) error {
	old, err := s.get(ctx, id)
	if err != nil {
		return err
	}
	if !CanEdit(u, old.OrgCode) {
		if canRead(u, old.OrgCode) {
			return forbidden(old.OrgCode)
		}
		return errNotFound
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM reply_templates WHERE id = $1`, id)
		if err != nil {
			return errs.Wrap(err, "delete reply template")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound
		}
		return nil
	})
}

// Get returns a template u may read.
func (s *Service) Get(ctx context.Context, u auth.User, id string) (Template, error) {
	t, err := s.get(ctx, id)
	if err != nil {
		return Template{}, err
	}
	if !canRead(u, t.OrgCode) {
		return Template{}, errNotFound
	}
	return t, nil
}

const cols = `id, org_code, category_code, name, body, updated_at`

func scanTemplate(sc interface{ Scan(...any) error }) (Template, error) {
	var t Template
	var at int64
	err := sc.Scan(&t.ID, &t.OrgCode, &t.CategoryCode, &t.Name, &t.Body, &at)
	t.UpdatedAt = time.UnixMilli(at)
	return t, err
}

func (s *Service) get(ctx context.Context, id string) (Template, error) {
	if id == "" || len(id) > 64 {
		return Template{}, errNotFound
	}
	t, err := scanTemplate(s.db.R.QueryRowContext(ctx, `SELECT `+cols+` FROM reply_templates WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Template{}, errNotFound
	}
	return t, errs.Wrap(err, "get reply template")
}

// List returns the templates u may read: the administrator all, other staff
// the district's and their unit's; by unit (the district's first), then
// category and name.
func (s *Service) List(ctx context.Context, u auth.User) ([]Template, error) {
	if !u.Role.IsStaff() {
		return nil, errs.ErrForbidden
	}
	q, args := `SELECT `+cols+` FROM reply_templates WHERE org_code IN ('', $1) ORDER BY org_code, category_code, name, id`, []any{u.OrgCode}
	if u.IsAdmin() {
		q, args = `SELECT `+cols+` FROM reply_templates ORDER BY org_code, category_code, name, id`, nil
	}
	return s.query(ctx, q, args...)
}

func (s *Service) query(ctx context.Context, q string, args ...any) ([]Template, error) {
	rows, err := s.db.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, errs.Wrap(err, "list reply templates")
	}
	defer rows.Close()
	out := []Template{}
	for rows.Next() {
		t, err := scanTemplate(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan reply template")
		}
		out = append(out, t)
	}
	return out, errs.Wrap(rows.Err(), "list reply templates")
}

// Import creates or replaces templates by ID as the system: the demo's.
func (s *Service) Import(ctx context.Context, list []Template) error {
	now := db.Millis(s.clock.Now())
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, t := range list {
			if err := t.check(); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO reply_templates (id, org_code, category_code, name, body, created_at, updated_at, updated_by)
VALUES ($1, $2, $3, $4, $5, $6, $6, $7) ON CONFLICT (id) DO UPDATE SET org_code = excluded.org_code, category_code = excluded.category_code,
  name = excluded.name, body = excluded.body, updated_at = excluded.updated_at`, t.ID, t.OrgCode, t.CategoryCode, t.Name, t.Body, now, auth.SystemUsername)
			if err != nil {
				return sameName(err, "import reply template")
			}
		}
		return nil
	})
}
