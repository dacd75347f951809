package needs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/agenda"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/plaintext"
	"github.com/gongzhi/gongzhi/internal/privacy"
)

// PlanItem is one resident in a grid worker's visit plan.
type PlanItem struct {
	ID           string     `json:"id"`
	AreaCode     string     `json:"area_code"`
	AreaName     string     `json:"area_name"`
	Name         string     `json:"name"`
	Phone        string     `json:"phone"` // masked
	Address      string     `json:"address"`
	Categories   []string   `json:"categories"`
	Note         string     `json:"note"`
	OnBehalf     bool       `json:"on_behalf"` // registered by staff with her consent in person
	IntervalDays int        `json:"interval_days"`
	LastVisit    *time.Time `json:"last_visit"`
	Due          time.Time  `json:"due"`
	DueNow       bool       `json:"due_now"`
}

func checkReason(reason *string) error {
	*reason = strings.TrimSpace(plaintext.Clean(*reason))
	if n := utf8.RuneCountInString(*reason); n < MinReason || n > MaxReason || strings.ContainsAny(*reason, "\r\n") {
		return errs.Invalidf("查看居民需求须说明理由（%d到%d字）", "reading residents' needs requires a reason (%d to %d characters)", MinReason, MaxReason)
	}
	return nil
}

type planRow struct {
	item  PlanItem
	phone string
}

// plan reads the active registrations in u's scope with their last visit.
func (s *Service) plan(ctx context.Context, q db.Queryer, u auth.User) ([]planRow, error) {
	lo, hi := gov.UnderRange(u.AreaCode)
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.phone, r.area_code, COALESCE(a.name, ''), r.name, r.address, r.categories, r.note, r.consent_mode, r.consent_at,
(SELECT MAX(v.at) FROM needs_visits v WHERE v.phone = r.phone)
FROM needs_registrations r LEFT JOIN areas a ON a.code = r.area_code
WHERE r.status = $1 AND r.area_code >= $2 AND r.area_code < $3 ORDER BY r.area_code, r.id LIMIT $4`, StatusActive, lo, hi, MaxPlan)
	if err != nil {
		return nil, errs.Wrap(err, "visit plan")
	}
	defer rows.Close()
	now := s.clock.Now()
	var out []planRow
	for rows.Next() {
		var p planRow
		var cats, mode string
		var consent, last sql.NullInt64
		if err := rows.Scan(&p.item.ID, &p.phone, &p.item.AreaCode, &p.item.AreaName, &p.item.Name, &p.item.Address, &cats, &p.item.Note, &mode, &consent, &last); err != nil {
			return nil, errs.Wrap(err, "scan plan")
		}
		if !CanRead(u, p.item.AreaCode) {
			continue
		}
		p.item.Categories = strings.Split(cats, ",")
		p.item.OnBehalf = mode == ModeInPerson
		p.item.Phone = privacy.Mask(p.phone)
		p.item.IntervalDays = s.Interval(p.item.Categories)
		p.item.LastVisit = s.opt(last)
		from := s.at(consent.Int64)
		if p.item.LastVisit != nil {
			from = *p.item.LastVisit
		}
		p.item.Due = from.AddDate(0, 0, p.item.IntervalDays)
		if p.item.LastVisit == nil {
			p.item.Due = from // never visited: a first visit is due
		}
		p.item.DueNow = !now.Before(p.item.Due)
		out = append(out, p)
	}
	return out, errs.Wrap(rows.Err(), "visit plan")
}

// Plan is u's visit plan: the residents with needs where she works, the
// most overdue first, with their last visit and when the next is due. It
// is a read of their needs: the reason is required and the read recorded
// for each resident shown.
func (s *Service) Plan(ctx context.Context, u auth.User, reason string) ([]PlanItem, error) {
	if !CanPlan(u) {
		return nil, errs.ErrForbidden
	}
	if err := checkReason(&reason); err != nil {
		return nil, err
	}
	now := s.clock.Now()
	var rows []planRow
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if rows, err = s.plan(ctx, tx, u); err != nil {
			return err
		}
		for _, p := range rows {
			if err := s.audit(ctx, tx, u, p.phone, reason, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]PlanItem, 0, len(rows))
	for _, p := range rows {
		out = append(out, p.item)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Due.Before(out[j].Due) })
	return out, nil
}

func (s *Service) audit(ctx context.Context, tx *sql.Tx, u auth.User, phone, reason string, now time.Time) error {
	name := u.Name
	if name == "" {
		name = u.Username
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO needs_reads (id, phone, at, actor, actor_name, org_code, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		db.NewID(), phone, db.Millis(now), u.ID, name, u.OrgCode, reason)
	return errs.Wrap(err, "record read")
}

// Visit records u's visit to the resident whose registration has the ID.
func (s *Service) Visit(ctx context.Context, u auth.User, id, note string) error {
	note = strings.TrimSpace(plaintext.Clean(note))
	if utf8.RuneCountInString(note) > MaxNote {
		return errs.Invalidf("走访记录不超过%d字", "the visit note is at most %d characters", MaxNote)
	}
	if !CanPlan(u) {
		return errs.ErrForbidden
	}
	now := s.clock.Now()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		var phone, area string
		err := tx.QueryRowContext(ctx, `SELECT phone, area_code FROM needs_registrations WHERE id = $1 AND status = $2`, id, StatusActive).Scan(&phone, &area)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !CanVisit(u, area)) {
			return errNotFound
		}
		if err != nil {
			return errs.Wrap(err, "read registration")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO needs_visits (id, phone, at, actor, note) VALUES ($1, $2, $3, $4, $5)`, db.NewID(), phone, db.Millis(now), u.ID, note); err != nil {
			return errs.Wrap(err, "record visit")
		}
		return s.event(ctx, tx, phone, u, false, "visit", nil, now)
	})
}

// Events returns the kinds and times of the changes of u's own
// registration (register, change, visit, withdraw).
func (s *Service) Events(ctx context.Context, u auth.User) ([]string, error) {
	if u.Role != auth.RoleResident || u.Phone == "" {
		return nil, errs.ErrForbidden
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT kind, on_behalf FROM needs_events WHERE phone = $1 ORDER BY seq`, u.Phone)
	if err != nil {
		return nil, errs.Wrap(err, "needs events")
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var k string
		var b bool
		if err := rows.Scan(&k, &b); err != nil {
			return nil, errs.Wrap(err, "scan event")
		}
		if b {
			k += ":in_person"
		}
		out = append(out, k)
	}
	return out, errs.Wrap(rows.Err(), "needs events")
}

// TodoItems are, for a grid worker's 待办, one line for the visits due in
// her grids: a count, no resident named (naming them is a read).
func (s *Service) TodoItems(ctx context.Context, u auth.User) ([]agenda.Item, error) {
	if !CanPlan(u) {
		return nil, nil
	}
	rows, err := s.plan(ctx, s.db.R, u)
	if err != nil {
		return nil, err
	}
	n := 0
	var first time.Time
	for _, p := range rows {
		if p.item.DueNow {
			if n == 0 || p.item.Due.Before(first) {
				first = p.item.Due
			}
			n++
		}
	}
	if n == 0 {
		return []agenda.Item{}, nil
	}
	return []agenda.Item{{Kind: "visit", Ref: "visits", Title: fmt.Sprintf("%d位居民到期需走访", n), Status: "due", Role: "visit",
		URL: "/staff/visits", NeedsAction: true, Due: &first, At: first}}, nil
}

// MineItems is, for the resident's 我的事项, the state of her consent.
func (s *Service) MineItems(ctx context.Context, u auth.User) ([]agenda.Item, error) {
	if u.Role != auth.RoleResident || u.Phone == "" {
		return nil, nil
	}
	r, err := s.get(ctx, u.Phone)
	if errs.Is(err, errs.NotFound) {
		return []agenda.Item{}, nil
	}
	if err != nil {
		return nil, err
	}
	title := "需求登记：已授权（" + r.ConsentVersion + "）"
	if r.Status == StatusWithdrawn {
		title = "需求登记：已撤回授权"
	}
	return []agenda.Item{{Kind: "needs", Ref: r.ID, Title: title, Status: r.Status, Role: "consent", URL: "/needs", At: r.UpdatedAt}}, nil
}
