package project

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

const cols = `p.number, p.area_code, a.name, p.org_code, COALESCE(o.name, ''), p.title, p.description, p.budget, p.level, p.phase, p.progress,
p.eval_count, p.eval_sum, p.created_by, p.created_at, p.updated_at, p.phase_at, p.closed_at,
(SELECT COUNT(*) FROM project_inputs i WHERE i.number = p.number AND NOT i.answered)`

const from = ` FROM projects p JOIN areas a ON a.code = p.area_code LEFT JOIN orgs o ON o.code = p.org_code`

func (s *Service) scan(sc interface{ Scan(...any) error }) (Project, error) {
	var p Project
	var budget, closed sql.NullInt64
	var created, updated, phaseAt int64
	err := sc.Scan(&p.Number, &p.AreaCode, &p.AreaName, &p.OrgCode, &p.OrgName, &p.Title, &p.Description, &budget, &p.Level, &p.Phase,
		&p.Progress, &p.Evaluations, &p.ScoreSum, &p.createdBy, &created, &updated, &phaseAt, &closed, &p.Unanswered)
	if err != nil {
		return p, err
	}
	if budget.Valid {
		p.BudgetFen = &budget.Int64
	}
	p.CreatedAt, p.UpdatedAt, p.PhaseAt = s.at(created), s.at(updated), s.at(phaseAt)
	if closed.Valid {
		t := s.at(closed.Int64)
		p.ClosedAt = &t
	}
	p.Mean = Mean(p.ScoreSum, p.Evaluations)
	return p, nil
}

// Mean is sum/count with one decimal, rounded half up, computed in
// integers: "4.3"; "" when count is 0.
func Mean(sum, count int64) string {
	if count <= 0 {
		return ""
	}
	tenths := (sum*20 + count) / (2 * count)
	return itoa(tenths/10) + "." + itoa(tenths%10)
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

func (s *Service) read(ctx context.Context, q db.Queryer, number string) (Project, error) {
	if !ValidNumber(number) {
		return Project{}, errNotFound
	}
	p, err := s.scan(q.QueryRowContext(ctx, `SELECT `+cols+from+` WHERE p.number = $1`, number))
	if errors.Is(err, sql.ErrNoRows) {
		return Project{}, errNotFound
	}
	return p, errs.Wrap(err, "read project")
}

// lock reads the project in tx, and on PostgreSQL holds its row until tx
// ends, so each change (a phase, a report, an input, an answer, an
// evaluation) is one step against the others (SQLite has one writer).
func (s *Service) lock(ctx context.Context, tx *sql.Tx, number string) (Project, error) {
	if !ValidNumber(number) {
		return Project{}, errNotFound
	}
	if s.db.Engine == db.Postgres {
		var n string
		err := tx.QueryRowContext(ctx, `SELECT number FROM projects WHERE number = $1 FOR UPDATE`, number).Scan(&n)
		if errors.Is(err, sql.ErrNoRows) {
			return Project{}, errNotFound
		}
		if err != nil {
			return Project{}, errs.Wrap(err, "lock project")
		}
	}
	return s.read(ctx, tx, number)
}

// visible reads the project for u, or not found when she may not read it;
// resident tells whether she lives in its area.
func (s *Service) visible(ctx context.Context, q db.Queryer, u auth.User, number string) (Project, bool, error) {
	p, err := s.read(ctx, q, number)
	if err != nil {
		return p, false, err
	}
	resident, err := disclosure.Resident(ctx, q, u, p.AreaCode)
	if err != nil {
		return p, false, err
	}
	if !CanSee(u, p, resident) {
		return Project{}, false, errNotFound
	}
	return p, resident, nil
}

// Project returns the project alone if u may read it.
func (s *Service) Project(ctx context.Context, u auth.User, number string) (Project, error) {
	p, _, err := s.visible(ctx, s.db.R, u, number)
	return p, err
}

// Get returns the project with its milestones, reports, inputs and
// scores, as u may read it.
func (s *Service) Get(ctx context.Context, u auth.User, number string) (Detail, error) {
	var d Detail
	err := s.db.ReadTx(ctx, func(tx *sql.Tx) error {
		p, resident, err := s.visible(ctx, tx, u, number)
		if err != nil {
			return err
		}
		d = Detail{Project: p, May: OffersTo(u, p, resident)}
		d.Next, _ = p.Phase.Next()
		if d.Milestones, err = s.milestones(ctx, tx, number); err != nil {
			return err
		}
		if d.Updates, err = s.updates(ctx, tx, number); err != nil {
			return err
		}
		if d.Inputs, err = s.inputs(ctx, tx, u, p); err != nil {
			return err
		}
		return s.scores(ctx, tx, u, &d)
	})
	return d, err
}

// Filter narrows a list of projects.
type Filter struct {
	AreaCode string // the area and those below it
	Phase    Phase
	Mine     bool   // those the caller's unit runs (staff)
	Cursor   string // the last number of the page before
	Limit    int
}

// Page is a page of projects and the cursor of the next ("" at the end).
type Page struct {
	Items []Project `json:"items"`
	Next  string    `json:"next_cursor"`
}

func (f *Filter) check() error {
	if f.AreaCode != "" && !gov.ValidCode(f.AreaCode) {
		return errArea
	}
	if f.Phase != "" && !f.Phase.Valid() {
		return errs.Invalidf("未知的项目阶段：%q", "unknown project phase: %q", f.Phase)
	}
	if f.Cursor != "" && !ValidNumber(f.Cursor) {
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

// List returns a page of the projects u may read, the newest first.
func (s *Service) List(ctx context.Context, u auth.User, f Filter) (Page, error) {
	if err := f.check(); err != nil {
		return Page{}, err
	}
	if !CanList(u) || (f.Mine && !u.Role.IsStaff()) {
		return Page{}, errs.ErrForbidden
	}
	var c db.Conds
	disclosure.Cond(&c, u, "p.level", "p.area_code", "p.org_code", "p.created_by")
	if f.AreaCode != "" {
		lo, hi := gov.UnderRange(f.AreaCode)
		c.Add(`p.area_code >= ? AND p.area_code < ?`, lo, hi)
	}
	if f.Phase != "" {
		c.Add(`p.phase = ?`, string(f.Phase))
	}
	if f.Mine {
		c.Add(`p.org_code = ?`, u.OrgCode)
	}
	if f.Cursor != "" {
		c.Add(`p.number < ?`, f.Cursor)
	}
	where := ""
	if len(c.Where) > 0 {
		where = ` WHERE ` + c.And()
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+cols+from+where+` ORDER BY p.number DESC LIMIT `+c.Arg(f.Limit+1), c.Args...)
	if err != nil {
		return Page{}, errs.Wrap(err, "list projects")
	}
	defer rows.Close()
	page := Page{Items: []Project{}}
	for rows.Next() {
		p, err := s.scan(rows)
		if err != nil {
			return Page{}, errs.Wrap(err, "scan project")
		}
		page.Items = append(page.Items, p)
	}
	if err := rows.Err(); err != nil {
		return Page{}, errs.Wrap(err, "list projects")
	}
	if len(page.Items) > f.Limit {
		page.Items = page.Items[:f.Limit]
		page.Next = page.Items[f.Limit-1].Number
	}
	return page, nil
}

// Events returns the project's history, oldest first, to those who run it.
func (s *Service) Events(ctx context.Context, u auth.User, number string) ([]Event, error) {
	p, err := s.Project(ctx, u, number)
	if err != nil {
		return nil, err
	}
	if !CanRun(u, p) && !CanActFor(u, p) {
		return nil, errs.ErrForbidden
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT at, kind, from_phase, to_phase, percent, ref, text, on_behalf
FROM project_events WHERE number = $1 ORDER BY seq LIMIT 1000`, number)
	if err != nil {
		return nil, errs.Wrap(err, "project events")
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var e Event
		var at int64
		var behalf string
		if err := rows.Scan(&at, &e.Kind, &e.FromPhase, &e.ToPhase, &e.Percent, &e.Ref, &e.Text, &behalf); err != nil {
			return nil, errs.Wrap(err, "scan event")
		}
		e.At, e.OnBehalf = s.at(at), behalf != ""
		out = append(out, e)
	}
	return out, errs.Wrap(rows.Err(), "project events")
}

// day is the business day's midnight of t.
func (s *Service) day(t time.Time) time.Time {
	t = t.In(s.loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, s.loc)
}
