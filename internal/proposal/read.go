package proposal

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

const cols = `p.number, p.level, p.area_code, a.name, p.origin_area_code, p.title, p.body, p.proposer_phone, p.status, p.population, p.threshold,
p.cosigns, p.collect_until, p.org_code, p.accepted_at, p.answer_due, p.answered_at, p.answered_late, p.answer_text, p.progress, p.tickets,
p.created_at, p.updated_at, p.visibility, p.theme`

const from = ` FROM proposals p JOIN areas a ON a.code = p.area_code`

func (s *Service) scan(sc interface{ Scan(...any) error }) (Proposal, error) {
	var p Proposal
	var until, created, updated int64
	var accepted, due, answered sql.NullInt64
	var tickets string
	err := sc.Scan(&p.Number, &p.Level, &p.AreaCode, &p.AreaName, &p.OriginAreaCode, &p.Title, &p.Body, &p.proposerPhone, &p.Status,
		&p.Population, &p.Threshold, &p.Cosigns, &until, &p.OrgCode, &accepted, &due, &answered, &p.AnsweredLate, &p.Answer,
		&p.Progress, &tickets, &created, &updated, &p.Visibility, &p.Theme)
	if err != nil {
		return p, err
	}
	p.CollectUntil, p.CreatedAt, p.UpdatedAt = s.at(until), s.at(created), s.at(updated)
	p.AcceptedAt, p.AnswerDue, p.AnsweredAt = s.opt(accepted), s.opt(due), s.opt(answered)
	p.Tickets = []string{}
	if tickets != "" {
		p.Tickets = strings.Split(tickets, ",")
	}
	return p, nil
}

func (s *Service) opt(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := s.at(v.Int64)
	return &t
}

func (s *Service) read(ctx context.Context, q db.Queryer, number string) (Proposal, error) {
	if !validNumber(number) {
		return Proposal{}, errNotFound
	}
	p, err := s.scan(q.QueryRowContext(ctx, `SELECT `+cols+from+` WHERE p.number = $1`, number))
	if errors.Is(err, sql.ErrNoRows) {
		return Proposal{}, errNotFound
	}
	return p, errs.Wrap(err, "read proposal")
}

func validNumber(n string) bool {
	return db.ValidDayNumber(n, "TA")
}

// visible reads the proposal for u, or not found when she may not see it;
// it fills in what is hers.
func (s *Service) visible(ctx context.Context, q db.Queryer, u auth.User, number string) (Proposal, bool, error) {
	p, err := s.read(ctx, q, number)
	if err != nil {
		return p, false, err
	}
	resident := false
	if u.Role == auth.RoleResident {
		if resident, err = livesIn(ctx, q, u.Phone, p.AreaCode); err != nil {
			return p, false, err
		}
	}
	if !CanSee(u, p, resident) {
		return Proposal{}, false, errNotFound
	}
	return s.fill(ctx, q, u, p), resident, nil
}

func (s *Service) fill(ctx context.Context, q db.Queryer, u auth.User, p Proposal) Proposal {
	p.Mine = isProposer(u, p)
	if u.Role == auth.RoleResident && u.Phone != "" {
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM proposal_cosigns WHERE number = $1 AND phone = $2`, p.Number, u.Phone).Scan(&n); err == nil {
			p.Cosigned = n > 0
		}
	}
	return p
}

// Get returns the proposal if u may read it.
func (s *Service) Get(ctx context.Context, u auth.User, number string) (Proposal, error) {
	p, _, err := s.visible(ctx, s.db.R, u, number)
	return p, err
}

// Events returns the proposal's history, oldest first, if u may read it.
func (s *Service) Events(ctx context.Context, u auth.User, number string) ([]Event, error) {
	if _, err := s.Get(ctx, u, number); err != nil {
		return nil, err
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT at, kind, from_status, to_status, level, area_code, org_code, late, percent, text, on_behalf <> ''
FROM proposal_events WHERE number = $1 ORDER BY seq LIMIT 500`, number)
	if err != nil {
		return nil, errs.Wrap(err, "proposal events")
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var e Event
		var at int64
		if err := rows.Scan(&at, &e.Kind, &e.FromStatus, &e.ToStatus, &e.Level, &e.AreaCode, &e.OrgCode, &e.Late, &e.Percent, &e.Text, &e.OnBehalf); err != nil {
			return nil, errs.Wrap(err, "scan event")
		}
		e.At = s.at(at)
		out = append(out, e)
	}
	return out, errs.Wrap(rows.Err(), "proposal events")
}

// Filter narrows a list of proposals.
type Filter struct {
	AreaCode string // the area and those below it
	Status   Status
	// Due lists what the caller's organisation must answer, the earliest
	// due first (staff); Mine what the caller raised (residents).
	Due, Mine bool
	Cursor    string // the last number of the page before
	Limit     int
}

// Page is a page of proposals and the cursor of the next ("" at the end).
type Page struct {
	Items []Proposal `json:"items"`
	Next  string     `json:"next_cursor"`
}

func (f *Filter) check() error {
	if f.AreaCode != "" && !gov.ValidCode(f.AreaCode) {
		return errArea
	}
	if f.Status != "" && !f.Status.Valid() {
		return errs.Invalidf("未知的提案状态：%q", "unknown proposal status: %q", f.Status)
	}
	if f.Cursor != "" && !validNumber(f.Cursor) {
		return errs.Invalidf("游标不正确", "malformed cursor")
	}
	if f.Limit == 0 {
		f.Limit = DefaultList
	}
	if f.Limit < 1 || f.Limit > MaxList {
		return errs.Invalidf("limit 须为1到%d", "limit must be 1 to %d", MaxList)
	}
	return nil
}

// scopeCond adds who may see what, the SQL twin of CanSee.
func scopeCond(c *db.Conds, u auth.User) {
	switch {
	case u.IsAdmin():
	case u.Role == auth.RoleResident && u.Phone != "":
		disclosure.Cond(c, u, "p.visibility", "p.area_code", "p.org_code", "")
		last := len(c.Where) - 1
		c.Where[last] = "(" + c.Bind("p.proposer_phone = ?", u.Phone) + " OR " + c.Where[last] + ")"
	default:
		disclosure.Cond(c, u, "p.visibility", "p.area_code", "p.org_code", "")
	}
}
