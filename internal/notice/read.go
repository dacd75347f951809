package notice

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

const cols = `n.number, n.kind, n.area_code, a.name, n.org_code, COALESCE(o.name, ''), n.level, n.title, n.body, n.period, n.status,
n.comment_days, n.notice_days, n.comment_until, n.notice_from, n.notice_until, n.decision, n.summary, n.reason, n.objections, n.pending,
n.created_by, n.created_at, n.published_at, n.final_at, n.updated_at`

const from = ` FROM notices n JOIN areas a ON a.code = n.area_code LEFT JOIN orgs o ON o.code = n.org_code`

func (s *Service) scan(sc interface{ Scan(...any) error }) (Notice, error) {
	var n Notice
	var created, updated int64
	var commentUntil, noticeFrom, noticeUntil, published, final sql.NullInt64
	err := sc.Scan(&n.Number, &n.Kind, &n.AreaCode, &n.AreaName, &n.OrgCode, &n.OrgName, &n.Level, &n.Title, &n.Body, &n.Period, &n.Status,
		&n.CommentDays, &n.NoticeDays, &commentUntil, &noticeFrom, &noticeUntil, &n.Decision, &n.Summary, &n.Reason, &n.Objections, &n.Pending,
		&n.createdBy, &created, &published, &final, &updated)
	if err != nil {
		return n, err
	}
	n.CreatedAt, n.UpdatedAt = s.at(created), s.at(updated)
	n.CommentUntil, n.NoticeFrom, n.NoticeUntil = s.opt(commentUntil), s.opt(noticeFrom), s.opt(noticeUntil)
	n.PublishedAt, n.FinalAt = s.opt(published), s.opt(final)
	n.Income, n.Expense, n.Balance = Yuan(0), Yuan(0), Yuan(0)
	return n, nil
}

func (s *Service) opt(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := s.at(v.Int64)
	return &t
}

func (s *Service) read(ctx context.Context, q db.Queryer, number string) (Notice, error) {
	if !validNumber(number) {
		return Notice{}, errNotFound
	}
	n, err := s.scan(q.QueryRowContext(ctx, `SELECT `+cols+from+` WHERE n.number = $1`, number))
	if errors.Is(err, sql.ErrNoRows) {
		return Notice{}, errNotFound
	}
	return n, errs.Wrap(err, "read notice")
}

// lock reads the item in tx, and on PostgreSQL holds its row until tx ends,
// so an objection, an answer and the end of a period are one step each
// (SQLite has one writer).
func (s *Service) lock(ctx context.Context, tx *sql.Tx, number string) (Notice, error) {
	if s.db.Engine == db.Postgres && validNumber(number) {
		var x string
		err := tx.QueryRowContext(ctx, `SELECT number FROM notices WHERE number = $1 FOR UPDATE`, number).Scan(&x)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return Notice{}, errs.Wrap(err, "lock notice")
		}
	}
	return s.read(ctx, tx, number)
}

// visible reads the item for u, or not found when she may not see it; it
// tells whether she lives in its area.
func (s *Service) visible(ctx context.Context, q db.Queryer, u auth.User, number string) (Notice, bool, error) {
	n, err := s.read(ctx, q, number)
	if err != nil {
		return n, false, err
	}
	resident, err := disclosure.Resident(ctx, q, u, n.AreaCode)
	if err != nil {
		return n, false, err
	}
	if !CanSee(u, n, resident) {
		return Notice{}, false, errNotFound
	}
	return n, resident, s.fill(ctx, q, u, &n)
}

// fill adds what the reader raised.
func (s *Service) fill(ctx context.Context, q db.Queryer, u auth.User, n *Notice) error {
	if u.Role != auth.RoleResident || u.Phone == "" || n.Objections == 0 {
		return nil
	}
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM notice_objections WHERE number = $1 AND phone = $2`, n.Number, u.Phone).Scan(&n.Mine)
	return errs.Wrap(err, "count own objections")
}

// Get returns the item if u may read it, with its finance table and its
// objections and their answers.
func (s *Service) Get(ctx context.Context, u auth.User, number string) (Notice, error) {
	n, _, err := s.visible(ctx, s.db.R, u, number)
	if err != nil {
		return n, err
	}
	return n, s.details(ctx, s.db.R, u, &n)
}

func (s *Service) details(ctx context.Context, q db.Queryer, u auth.User, n *Notice) error {
	rows, err := q.QueryContext(ctx, `SELECT direction, item, amount_fen FROM notice_lines WHERE number = $1 ORDER BY seq`, n.Number)
	if err != nil {
		return errs.Wrap(err, "notice lines")
	}
	for rows.Next() {
		var l Line
		if err := rows.Scan(&l.Direction, &l.Item, &l.AmountFen); err != nil {
			rows.Close()
			return errs.Wrap(err, "scan line")
		}
		l.Amount = Yuan(l.AmountFen)
		n.Lines = append(n.Lines, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "notice lines")
	}
	n.IncomeFen, n.ExpenseFen = totals(n.Lines)
	n.Income, n.Expense, n.Balance = Yuan(n.IncomeFen), Yuan(n.ExpenseFen), Yuan(n.IncomeFen-n.ExpenseFen)
	n.List, err = s.objections(ctx, q, u, n.Number)
	return err
}

func (s *Service) objections(ctx context.Context, q db.Queryer, u auth.User, number string) ([]Objection, error) {
	rows, err := q.QueryContext(ctx, `SELECT seq, phone, on_behalf, text, at, answer, changed, answered_at FROM notice_objections
WHERE number = $1 ORDER BY seq LIMIT $2`, number, MaxObjections)
	if err != nil {
		return nil, errs.Wrap(err, "objections")
	}
	defer rows.Close()
	var out []Objection
	for rows.Next() {
		var o Objection
		var phone string
		var at int64
		var answered sql.NullInt64
		if err := rows.Scan(&o.ID, &phone, &o.OnBehalf, &o.Text, &at, &o.Answer, &o.Changed, &answered); err != nil {
			return nil, errs.Wrap(err, "scan objection")
		}
		o.At, o.AnsweredAt = s.at(at), s.opt(answered)
		o.Mine = u.Role == auth.RoleResident && u.Phone != "" && u.Phone == phone
		out = append(out, o)
	}
	return out, errs.Wrap(rows.Err(), "objections")
}

// Events returns the item's history, oldest first, if u may read it.
func (s *Service) Events(ctx context.Context, u auth.User, number string) ([]Event, error) {
	if _, _, err := s.visible(ctx, s.db.R, u, number); err != nil {
		return nil, err
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT at, kind, from_status, to_status, objection, on_behalf, text
FROM notice_events WHERE number = $1 ORDER BY seq LIMIT 1000`, number)
	if err != nil {
		return nil, errs.Wrap(err, "notice events")
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var e Event
		var at int64
		var behalf string
		if err := rows.Scan(&at, &e.Kind, &e.FromStatus, &e.ToStatus, &e.Objection, &behalf, &e.Text); err != nil {
			return nil, errs.Wrap(err, "scan event")
		}
		e.At, e.OnBehalf = s.at(at), behalf != ""
		if e.Kind == "object" { // an objection's words are on its own line, and say nothing of who
			e.Text = ""
		}
		out = append(out, e)
	}
	return out, errs.Wrap(rows.Err(), "notice events")
}

// Filter narrows a list of items.
type Filter struct {
	AreaCode string // the area and those below it
	Kind     Kind
	Status   Status
	// Org lists only the caller's organisation's items (staff).
	Org    bool
	Cursor string // the last number of the page before
	Limit  int
}

// Page is a page of items and the cursor of the next ("" at the end).
type Page struct {
	Items []Notice `json:"items"`
	Next  string   `json:"next_cursor"`
}

func (f *Filter) check() error {
	if f.AreaCode != "" && !gov.ValidCode(f.AreaCode) {
		return errArea
	}
	if f.Kind != "" && !f.Kind.Valid() {
		return errs.Invalidf("未知的类型：%q", "unknown kind: %q", f.Kind)
	}
	if f.Status != "" && !f.Status.Valid() {
		return errs.Invalidf("未知的状态：%q", "unknown status: %q", f.Status)
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

// List returns a page of the items u may see, the newest first; a guest
// (the zero user) sees the public ones.
func (s *Service) List(ctx context.Context, u auth.User, f Filter) (Page, error) {
	if err := f.check(); err != nil {
		return Page{}, err
	}
	var c db.Conds
	scopeCond(&c, u)
	if f.AreaCode != "" {
		lo, hi := gov.UnderRange(f.AreaCode)
		c.Add(`n.area_code >= ? AND n.area_code < ?`, lo, hi)
	}
	if f.Kind != "" {
		c.Add(`n.kind = ?`, string(f.Kind))
	}
	if f.Status != "" {
		c.Add(`n.status = ?`, string(f.Status))
	}
	if f.Org {
		c.Add(`n.org_code = ?`, u.OrgCode)
	}
	if f.Cursor != "" {
		c.Add(`n.number < ?`, f.Cursor)
	}
	where := ""
	if len(c.Where) > 0 {
		where = ` WHERE ` + c.And()
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+cols+from+where+` ORDER BY n.number DESC LIMIT `+c.Arg(f.Limit+1), c.Args...)
	if err != nil {
		return Page{}, errs.Wrap(err, "list notices")
	}
	defer rows.Close()
	page := Page{Items: []Notice{}}
	for rows.Next() {
		n, err := s.scan(rows)
		if err != nil {
			return Page{}, errs.Wrap(err, "scan notice")
		}
		page.Items = append(page.Items, n)
	}
	if err := rows.Err(); err != nil {
		return Page{}, errs.Wrap(err, "list notices")
	}
	if len(page.Items) > f.Limit {
		page.Items = page.Items[:f.Limit]
		page.Next = page.Items[f.Limit-1].Number
	}
	return page, nil
}
