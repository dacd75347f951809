package natcode

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Limits at the edge.
const (
	MaxReason = 200 // characters of a not-applicable reason
	MaxGrids  = 20000
)

// Service keeps the mapping and the grid codes.
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

// Input is a category's new decision: it replaces the old one whole.
type Input struct {
	Urban    bool     `json:"urban"`
	Classes  []Mapped `json:"classes"`
	NAReason string   `json:"not_applicable"`
}

// Decisions returns every decision, by category code.
func (s *Service) Decisions(ctx context.Context) ([]Decision, error) {
	return decisionsQ(ctx, s.db.R, "")
}

func decisionsQ(ctx context.Context, q db.Queryer, only string) ([]Decision, error) {
	where := ""
	args := []any{}
	if only != "" {
		where, args = ` WHERE category_code = $1`, []any{only}
	}
	rows, err := q.QueryContext(ctx, `SELECT category_code, urban, na_reason FROM category_national`+where+` ORDER BY category_code`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "category national")
	}
	defer rows.Close()
	out := []Decision{}
	at := map[string]int{}
	for rows.Next() {
		var d Decision
		if err := rows.Scan(&d.CategoryCode, &d.Urban, &d.NAReason); err != nil {
			return nil, errs.Wrap(err, "category national")
		}
		d.Classes = []Mapped{}
		at[d.CategoryCode] = len(out)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "category national")
	}
	rows.Close()
	crows, err := q.QueryContext(ctx, `SELECT category_code, scheme, national_code FROM category_national_classes`+where+` ORDER BY category_code, scheme DESC`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "category national classes")
	}
	defer crows.Close()
	for crows.Next() {
		var code string
		var m Mapped
		if err := crows.Scan(&code, &m.Scheme, &m.Code); err != nil {
			return nil, errs.Wrap(err, "category national classes")
		}
		if c, ok := FindClass(m.Scheme, m.Code); ok {
			m.Name = c.Name
		}
		i, ok := at[code]
		if !ok { // a class row without its decision row: shown as a decision of its own
			i = len(out)
			at[code] = i
			out = append(out, Decision{CategoryCode: code, Classes: []Mapped{}})
		}
		out[i].Classes = append(out[i].Classes, m)
	}
	return out, errs.Wrap(crows.Err(), "category national classes")
}

// Decision returns a category's decision (an empty one when the district has
// made none); the category must exist.
func (s *Service) Decision(ctx context.Context, code string) (Decision, error) {
	if _, err := s.tickets.Category(ctx, code); err != nil {
		return Decision{}, err
	}
	ds, err := decisionsQ(ctx, s.db.R, code)
	if err != nil || len(ds) == 0 {
		return Decision{CategoryCode: code, Classes: []Mapped{}}, err
	}
	return ds[0], nil
}

// validate checks an input at the edge: each class known and of its
// scheme's kind, one per scheme, a reason of sensible length, not both.
func (in *Input) validate() error {
	in.NAReason = strings.TrimSpace(in.NAReason)
	if utf8.RuneCountInString(in.NAReason) > MaxReason {
		return errs.Invalidf("不适用的理由不能超过%d个字", "the not-applicable reason may have at most %d characters", MaxReason)
	}
	if len(in.Classes) > len(Schemes) {
		return errs.Invalidf("每个分类体系只能对应一个类", "one class per scheme at most")
	}
	seen := map[string]bool{}
	in.Classes = append([]Mapped(nil), in.Classes...) // the caller's slice stays as it was
	for i, m := range in.Classes {
		m.Scheme, m.Code = strings.TrimSpace(m.Scheme), strings.TrimSpace(m.Code)
		if _, err := checkClass(m); err != nil {
			return err
		}
		if seen[m.Scheme] {
			return errs.Invalidf("%s 只能对应一个类", "only one class of %s", m.Scheme)
		}
		seen[m.Scheme] = true
		c, _ := FindClass(m.Scheme, m.Code)
		in.Classes[i] = Mapped{Scheme: m.Scheme, Code: m.Code, Name: c.Name}
	}
	if len(in.Classes) > 0 && in.NAReason != "" {
		return errs.Invalidf("已对应国家分类的诉求分类不能同时标明不适用", "a mapped category cannot also be marked not applicable")
	}
	return nil
}

// Set replaces a category's decision, recording the change as an event in
// the same transaction.
func (s *Service) Set(ctx context.Context, u auth.User, code string, in Input) (Decision, error) {
	if !CanEdit(u) {
		return Decision{}, errs.ErrForbidden
	}
	if err := in.validate(); err != nil {
		return Decision{}, err
	}
	before, err := s.Decision(ctx, code)
	if err != nil {
		return Decision{}, err
	}
	if in.Classes == nil {
		in.Classes = []Mapped{}
	}
	after := Decision{CategoryCode: code, Urban: in.Urban, Classes: in.Classes, NAReason: in.NAReason}
	now := s.clock.Now()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO category_national (category_code, urban, na_reason, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (category_code) DO UPDATE SET urban = excluded.urban, na_reason = excluded.na_reason, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			code, in.Urban, in.NAReason, db.Millis(now), u.ID); err != nil {
			return errs.Wrap(err, "set category national")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM category_national_classes WHERE category_code = $1`, code); err != nil {
			return errs.Wrap(err, "set category national")
		}
		for _, m := range in.Classes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO category_national_classes (category_code, scheme, national_code) VALUES ($1, $2, $3)`,
				code, m.Scheme, m.Code); err != nil {
				return errs.Wrap(err, "set category national")
			}
		}
		return s.event(ctx, tx, u, now, "category:"+code, "mapping", change{Before: before, After: after})
	})
	return after, err
}

type change struct {
	Before any    `json:"before"`
	After  any    `json:"after"`
	Role   string `json:"role,omitempty"`
}

func (s *Service) event(ctx context.Context, tx *sql.Tx, u auth.User, at time.Time, subject, kind string, c change) error {
	c.Role = string(u.Role)
	return db.AppendEvent(ctx, tx, db.Event{Table: "national_code_events", KeyColumn: "subject", Key: subject, At: at, Actor: u.ID, Kind: kind, Detail: c})
}
