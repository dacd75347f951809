package survey

import (
	"context"
	"database/sql"
	"errors"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

const cols = `s.id, s.area_code, a.name, s.org_code, s.level, s.title, s.intro, s.target, s.anonymous, s.live_results, s.status,
s.opens_at, s.closes_at, s.closed_at, s.responses, s.created_by, s.created_at, s.updated_at`

const from = ` FROM surveys s JOIN areas a ON a.code = s.area_code`

func (s *Service) scan(sc interface{ Scan(...any) error }) (Survey, error) {
	var v Survey
	var opens, closed sql.NullInt64
	var closes, created, updated int64
	err := sc.Scan(&v.ID, &v.AreaCode, &v.AreaName, &v.OrgCode, &v.Level, &v.Title, &v.Intro, &v.Target, &v.Anonymous, &v.LiveResults,
		&v.Status, &opens, &closes, &closed, &v.Responses, &v.createdBy, &created, &updated)
	if err != nil {
		return v, err
	}
	v.ClosesAt, v.CreatedAt, v.UpdatedAt = s.at(closes), s.at(created), s.at(updated)
	if opens.Valid {
		v.OpensAt = s.opt(&opens.Int64)
	}
	if closed.Valid {
		v.ClosedAt = s.opt(&closed.Int64)
	}
	return v, nil
}

// read reads a survey; lock holds its row until the transaction ends.
func (s *Service) read(ctx context.Context, q db.Queryer, id string, lock bool) (Survey, error) {
	if !ValidID(id) {
		return Survey{}, errNotFound
	}
	query := `SELECT ` + cols + from + ` WHERE s.id = $1`
	if lock && s.db.Engine == db.Postgres {
		query += ` FOR UPDATE OF s`
	}
	v, err := s.scan(q.QueryRowContext(ctx, query, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Survey{}, errNotFound
	}
	return v, errs.Wrap(err, "read survey")
}

// visible reads the survey for u, or not found when she may not read it;
// resident tells whether she lives in its area.
func (s *Service) visible(ctx context.Context, q db.Queryer, u auth.User, id string) (v Survey, resident bool, err error) {
	if v, err = s.read(ctx, q, id, false); err != nil {
		return v, false, err
	}
	if resident, err = disclosure.Resident(ctx, q, u, v.AreaCode); err != nil {
		return v, false, err
	}
	if !CanSee(u, v, resident) {
		return Survey{}, false, errNotFound
	}
	return v, resident, nil
}

// fill sets what the survey is to its reader.
func (s *Service) fill(v *Survey, u auth.User, resident, answered bool) {
	v.Answered = answered
	v.CanAnswer = !answered && CanAnswer(u, *v, resident) && v.Taking(s.clock.Now())
	v.ResultsOpen = CanSeeResults(u, *v, resident, answered)
}

// answered reports whether u has answered the survey.
func answered(ctx context.Context, q db.Queryer, u auth.User, id string) (bool, error) {
	if u.ID == "" && u.Phone == "" {
		return false, nil
	}
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM survey_respondents WHERE survey_id = $1 AND respondent = $2`, id, respondent(u)).Scan(&n)
	return n > 0, errs.Wrap(err, "answered")
}

// Get returns the survey with its questions if u may read it.
func (s *Service) Get(ctx context.Context, u auth.User, id string) (Survey, error) {
	v, resident, err := s.visible(ctx, s.db.R, u, id)
	if err != nil {
		return Survey{}, err
	}
	done, err := answered(ctx, s.db.R, u, id)
	if err != nil {
		return Survey{}, err
	}
	s.fill(&v, u, resident, done)
	if v.Questions, err = questions(ctx, s.db.R, id); err != nil {
		return Survey{}, err
	}
	v.Link = s.link(ctx, u, v.Target)
	return v, nil
}

// Filter narrows a list of surveys.
type Filter struct {
	AreaCode string // the area and those below it
	Status   Status
	Cursor   string // the last ID of the page before
	Limit    int
}

// Page is a page of surveys and the cursor of the next ("" at the end).
type Page struct {
	Items []Survey `json:"items"`
	Next  string   `json:"next_cursor"`
}

func (f *Filter) check() error {
	if f.AreaCode != "" && !gov.ValidCode(f.AreaCode) {
		return errArea
	}
	if f.Status != "" && !f.Status.Valid() {
		return errs.Invalidf("未知的问卷状态：%q", "unknown survey status: %q", f.Status)
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

// List returns a page of the surveys u may read, the newest first.
func (s *Service) List(ctx context.Context, u auth.User, f Filter) (Page, error) {
	if !CanList(u) {
		return Page{}, errs.ErrForbidden
	}
	if err := f.check(); err != nil {
		return Page{}, err
	}
	var c db.Conds
	scopeCond(&c, u)
	if f.AreaCode != "" {
		lo, hi := gov.UnderRange(f.AreaCode)
		c.Add(`s.area_code >= ? AND s.area_code < ?`, lo, hi)
	}
	if f.Status != "" {
		c.Add(`s.status = ?`, string(f.Status))
	}
	if f.Cursor != "" {
		c.Add(`s.id < ?`, f.Cursor)
	}
	where := ""
	if len(c.Where) > 0 {
		where = ` WHERE ` + c.And()
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+cols+from+where+` ORDER BY s.id DESC LIMIT `+c.Arg(f.Limit+1), c.Args...)
	if err != nil {
		return Page{}, errs.Wrap(err, "list surveys")
	}
	page := Page{Items: []Survey{}}
	for rows.Next() {
		v, err := s.scan(rows)
		if err != nil {
			rows.Close()
			return Page{}, errs.Wrap(err, "scan survey")
		}
		page.Items = append(page.Items, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Page{}, errs.Wrap(err, "list surveys")
	}
	if len(page.Items) > f.Limit {
		page.Items = page.Items[:f.Limit]
		page.Next = page.Items[f.Limit-1].ID
	}
	return page, s.fillList(ctx, u, page.Items)
}

// fillList sets what each listed survey is to its reader.
func (s *Service) fillList(ctx context.Context, u auth.User, items []Survey) error {
	lives := map[string]bool{}
	for i := range items {
		v := &items[i]
		resident, ok := lives[v.AreaCode]
		if !ok {
			var err error
			if resident, err = disclosure.Resident(ctx, s.db.R, u, v.AreaCode); err != nil {
				return err
			}
			lives[v.AreaCode] = resident
		}
		done, err := answered(ctx, s.db.R, u, v.ID)
		if err != nil {
			return err
		}
		s.fill(v, u, resident, done)
	}
	return nil
}
