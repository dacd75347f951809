package meeting

import (
	"context"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Filter narrows a list of meetings.
type Filter struct {
	AreaCode string // the area and those below it
	Status   Status
	Cursor   string // the last ID of the page before
	Limit    int
}

// Page is a page of meetings and the cursor of the next ("" at the end).
type Page struct {
	Items []Meeting `json:"items"`
	Next  string    `json:"next_cursor"`
}

func (f *Filter) check() error {
	if f.AreaCode != "" && !gov.ValidCode(f.AreaCode) {
		return errArea
	}
	if f.Status != "" && !f.Status.Valid() {
		return errs.Invalidf("未知的议事会状态：%q", "unknown meeting status: %q", f.Status)
	}
	if f.Cursor != "" && !ValidID(f.Cursor) {
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

// List returns a page of the meetings u may see, the newest first. Items
// carry no roster and no record: Get has them.
func (s *Service) List(ctx context.Context, u auth.User, f Filter) (Page, error) {
	if !CanList(u) {
		return Page{}, errs.ErrForbidden
	}
	if err := f.check(); err != nil {
		return Page{}, err
	}
	conv, err := s.convener(ctx, s.db.R, u)
	if err != nil {
		return Page{}, err
	}
	var c db.Conds
	scopeCond(&c, u, conv)
	if f.AreaCode != "" {
		lo, hi := gov.UnderRange(f.AreaCode)
		c.Add(`m.area_code >= ? AND m.area_code < ?`, lo, hi)
	}
	if f.Status != "" {
		c.Add(`m.status = ?`, string(f.Status))
	}
	if f.Cursor != "" {
		c.Add(`m.id < ?`, f.Cursor)
	}
	where := ""
	if len(c.Where) > 0 {
		where = ` WHERE ` + c.And()
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+cols+from+where+` ORDER BY m.id DESC LIMIT `+c.Arg(f.Limit+1), c.Args...)
	if err != nil {
		return Page{}, errs.Wrap(err, "list meetings")
	}
	defer rows.Close()
	page := Page{Items: []Meeting{}}
	for rows.Next() {
		m, err := s.scan(rows)
		if err != nil {
			return Page{}, errs.Wrap(err, "scan meeting")
		}
		page.Items = append(page.Items, m)
	}
	if err := rows.Err(); err != nil {
		return Page{}, errs.Wrap(err, "list meetings")
	}
	rows.Close()
	if len(page.Items) > f.Limit {
		page.Items = page.Items[:f.Limit]
		page.Next = page.Items[f.Limit-1].ID
	}
	for i := range page.Items {
		if page.Items[i], err = s.listed(ctx, u, conv, page.Items[i]); err != nil {
			return Page{}, err
		}
	}
	return page, nil
}

// listed fills in what a list shows of a meeting for u.
func (s *Service) listed(ctx context.Context, u auth.User, conv bool, m Meeting) (Meeting, error) {
	m.CanRun = CanRun(u, conv, m.AreaCode)
	if !RecordVisible(m, m.CanRun) {
		m.Minutes = ""
	}
	if m.Status == StatusDraft {
		if err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM meeting_representatives WHERE area_code = $1`, m.AreaCode).Scan(&m.Roster); err != nil {
			return m, errs.Wrap(err, "count roster")
		}
	}
	s.figures(&m)
	var err error
	m.MyMemberID, m.SignedIn, err = s.memberOf(ctx, s.db.R, u, m.ID)
	return m, err
}

// scopeCond adds who may see what, the SQL twin of CanSee: those who run
// the meetings of the area see them all; others, once noticed, as the
// disclosure says or as members of the roster.
func scopeCond(c *db.Conds, u auth.User, convener bool) {
	if u.IsAdmin() {
		return
	}
	var ors []string
	if convener && u.Role.IsStaff() && u.AreaCode != "" {
		lo, hi := gov.UnderRange(u.AreaCode)
		ors = append(ors, c.Bind(`(m.area_code >= ? AND m.area_code < ?)`, lo, hi))
	}
	disclosure.Cond(c, u, "m.level", "m.area_code", "m.org_code", "m.created_by")
	seen := []string{c.Where[len(c.Where)-1]}
	c.Where = c.Where[:len(c.Where)-1]
	if u.Role == auth.RoleResident && u.Phone != "" {
		seen = append(seen, c.Bind(`EXISTS (SELECT 1 FROM meeting_members x WHERE x.meeting_id = m.id AND x.phone = ?)`, u.Phone))
	}
	ors = append(ors, `(m.status <> 'draft' AND (`+strings.Join(seen, " OR ")+`))`)
	c.Where = append(c.Where, `(`+strings.Join(ors, " OR ")+`)`)
}
