package evaluation

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Rectification statuses. A task is open until the unit submits its
// measures; a supervisor accepts or rejects them; a rejected task is
// submitted again.
const (
	RectOpen      = "open"
	RectSubmitted = "submitted"
	RectAccepted  = "accepted"
	RectRejected  = "rejected"
)

// Sources of a task.
const (
	SourceScore      = "score"      // the unit was in 整改 in a month's ranking
	SourceSupervisor = "supervisor" // a supervisor's decision
)

// Rectification is a task (整改) set for a unit.
type Rectification struct {
	ID          string     `json:"id"`
	OrgCode     string     `json:"org_code"`
	OrgName     string     `json:"org_name"`
	Title       string     `json:"title"`
	Reason      string     `json:"reason"`
	Source      string     `json:"source"`
	Period      string     `json:"period"`
	OwnerUserID string     `json:"owner_user_id"`
	Deadline    time.Time  `json:"deadline"`
	Status      string     `json:"status"`
	Measures    string     `json:"measures"`
	Evidence    string     `json:"evidence"`
	ReviewNote  string     `json:"review_note"`
	CreatedBy   string     `json:"created_by"`
	CreatedAt   time.Time  `json:"created_at"`
	SubmittedAt *time.Time `json:"submitted_at"`
	ReviewedBy  string     `json:"reviewed_by"`
	ReviewedAt  *time.Time `json:"reviewed_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	// Overdue: the deadline passed while the unit still owes its measures
	// (open or rejected).
	Overdue bool `json:"overdue"`
}

// NewRectification is what a supervisor gives to set a task.
type NewRectification struct {
	OrgCode     string `json:"org_code"`
	Title       string `json:"title"`
	Reason      string `json:"reason"`
	OwnerUserID string `json:"owner_user_id"`
	Deadline    string `json:"deadline"` // YYYY-MM-DD (end of that day) or RFC 3339
}

// Limits of the texts.
const (
	maxTitle = 200
	maxText  = 5000
)

func canSupervise(u auth.User) bool {
	return u.Role == auth.RoleAdmin || u.Role == auth.RoleSupervisor
}

// CanSetRects reports whether u sets rectification tasks and reviews what
// units submit: supervisors and the admin.
func CanSetRects(u auth.User) bool { return canSupervise(u) }

// CanListRects reports whether u has rectification tasks to see at all:
// those who set them, dispatchers of an area, and handlers of a unit.
func CanListRects(u auth.User) bool {
	switch u.Role {
	case auth.RoleAdmin, auth.RoleSupervisor, auth.RoleDispatcher:
		return true
	case auth.RoleHandler:
		return u.OrgCode != ""
	}
	return false
}

// CanSubmitRect reports whether u may now report the measures of r: a
// handler of its unit, while it is open or was sent back.
func CanSubmitRect(u auth.User, r Rectification) bool {
	return u.Role == auth.RoleHandler && u.OrgCode != "" && u.OrgCode == r.OrgCode &&
		(r.Status == RectOpen || r.Status == RectRejected)
}

// CanReviewRect reports whether u may now accept or send back r.
func CanReviewRect(u auth.User, r Rectification) bool {
	return canSupervise(u) && r.Status == RectSubmitted
}

// canSeeRect: supervisors and the admin see every task in their area; a
// handler sees the tasks of its own unit.
func canSeeRect(u auth.User, r Rectification, orgArea string) bool {
	switch u.Role {
	case auth.RoleAdmin:
		return true
	case auth.RoleSupervisor, auth.RoleDispatcher:
		return u.InArea(orgArea)
	case auth.RoleHandler:
		return u.OrgCode != "" && u.OrgCode == r.OrgCode
	}
	return false
}

func (s *Service) parseDeadline(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", v, s.loc); err == nil {
		return t.AddDate(0, 0, 1).Add(-time.Millisecond), nil
	}
	return time.Time{}, errs.Invalidf("期限格式应为 YYYY-MM-DD：%q", "deadline must be YYYY-MM-DD or RFC 3339: %q", v)
}

// CreateRectification sets a task for a unit (supervisors and the admin).
func (s *Service) CreateRectification(ctx context.Context, u auth.User, in NewRectification) (Rectification, error) {
	return s.createRect(ctx, u, in, SourceSupervisor, "")
}

func (s *Service) createRect(ctx context.Context, u auth.User, in NewRectification, source, period string) (Rectification, error) {
	if !canSupervise(u) {
		return Rectification{}, errs.ErrForbidden
	}
	in.Title, in.Reason = strings.TrimSpace(in.Title), strings.TrimSpace(in.Reason)
	if in.Title == "" || utf8.RuneCountInString(in.Title) > maxTitle {
		return Rectification{}, errs.Invalidf("请填写标题（不超过%d字）", "title is required (at most %d characters)", maxTitle)
	}
	if utf8.RuneCountInString(in.Reason) > maxText {
		return Rectification{}, errs.Invalidf("原因不能超过%d字", "reason must be at most %d characters", maxText)
	}
	if !gov.ValidCode(in.OrgCode) {
		return Rectification{}, errs.Invalidf("请选择整改单位", "org_code is required")
	}
	o, err := s.gov.Org(ctx, in.OrgCode)
	if err != nil {
		return Rectification{}, errs.Invalidf("组织 %s 不存在", "unknown organisation %s", in.OrgCode)
	}
	if !u.InArea(o.AreaCode) {
		return Rectification{}, errs.New(errs.Forbidden, "该单位不在您的管辖范围内", "the unit is outside your scope")
	}
	deadline, err := s.parseDeadline(in.Deadline)
	if err != nil {
		return Rectification{}, err
	}
	now := s.clock.Now()
	if !deadline.After(now) {
		return Rectification{}, errs.Invalidf("期限须晚于现在", "the deadline must be in the future")
	}
	r := Rectification{ID: db.NewID(), OrgCode: o.Code, OrgName: o.Name, Title: in.Title, Reason: in.Reason, Source: source, Period: period,
		OwnerUserID: strings.TrimSpace(in.OwnerUserID), Deadline: deadline.In(s.loc), Status: RectOpen, CreatedBy: u.ID,
		CreatedAt: now.In(s.loc), UpdatedAt: now.In(s.loc)}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if r.OwnerUserID != "" {
			var org sql.NullString
			err := tx.QueryRowContext(ctx, `SELECT org_code FROM users WHERE id = $1`, r.OwnerUserID).Scan(&org)
			if err == sql.ErrNoRows || (err == nil && org.String != r.OrgCode) {
				return errs.Invalidf("负责人须是该单位的用户", "the owner must be a user of the unit")
			}
			if err != nil {
				return errs.Wrap(err, "check owner")
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO rectifications (id, org_code, title, reason, source, period, owner_user_id, deadline, status,
created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			r.ID, r.OrgCode, r.Title, r.Reason, r.Source, r.Period, r.OwnerUserID, db.Millis(deadline), r.Status, r.CreatedBy,
			db.Millis(now), db.Millis(now))
		if db.IsUnique(err) {
			return errs.Conflictf("该单位 %s 已有整改任务", "the unit already has a rectification task for %s", period)
		}
		return errs.Wrap(err, "create rectification")
	})
	if err != nil {
		return Rectification{}, err
	}
	return r, nil
}

// RectifyFromRanking sets a task for every unit in 整改 in the month's
// ranking of the units under areaCode that has none for that month yet.
func (s *Service) RectifyFromRanking(ctx context.Context, u auth.User, month, areaCode, deadline string) ([]Rectification, error) {
	if !canSupervise(u) {
		return nil, errs.ErrForbidden
	}
	rk, err := s.Rank(ctx, month, GroupOrg, areaCode)
	if err != nil {
		return nil, err
	}
	out := []Rectification{}
	for _, r := range rk.Rows {
		if !has(r.Classes, ClassRectify) {
			continue
		}
		reason := "考核得分 " + fmtScore(r.Score) + "，列入整改类"
		t, err := s.createRect(ctx, u, NewRectification{OrgCode: r.OrgCode, Title: rk.Month + " 考核整改", Reason: reason, Deadline: deadline}, SourceScore, rk.Month)
		if errs.Is(err, errs.Conflict) {
			continue
		}
		if err != nil {
			return out, err
		}
		out = append(out, t)
	}
	return out, nil
}

func fmtScore(v *float64) string {
	if v == nil {
		return "—"
	}
	return strings.TrimRight(strings.TrimRight(strconvF(*v), "0"), ".")
}

const rectCols = `r.id, r.org_code, o.name, o.area_code, r.title, r.reason, r.source, r.period, r.owner_user_id, r.deadline, r.status, r.measures,
r.evidence, r.review_note, r.created_by, r.created_at, r.submitted_at, r.reviewed_by, r.reviewed_at, r.updated_at`

func (s *Service) scanRect(sc interface{ Scan(...any) error }, now time.Time) (Rectification, string, error) {
	var r Rectification
	var area string
	var deadline, created, updated int64
	var submitted, reviewed sql.NullInt64
	err := sc.Scan(&r.ID, &r.OrgCode, &r.OrgName, &area, &r.Title, &r.Reason, &r.Source, &r.Period, &r.OwnerUserID, &deadline, &r.Status,
		&r.Measures, &r.Evidence, &r.ReviewNote, &r.CreatedBy, &created, &submitted, &r.ReviewedBy, &reviewed, &updated)
	if err != nil {
		return r, "", err
	}
	r.Deadline, r.CreatedAt, r.UpdatedAt = time.UnixMilli(deadline).In(s.loc), time.UnixMilli(created).In(s.loc), time.UnixMilli(updated).In(s.loc)
	r.SubmittedAt, r.ReviewedAt = s.tp(submitted), s.tp(reviewed)
	r.Overdue = (r.Status == RectOpen || r.Status == RectRejected) && now.After(r.Deadline)
	return r, area, nil
}

// RectFilter narrows the list of tasks.
type RectFilter struct {
	OrgCode string `json:"org_code"`
	Status  string `json:"status"`
	Overdue bool   `json:"overdue"`
	Cursor  string `json:"cursor"` // the id of the last task of the previous page
	Limit   int    `json:"limit"`
}

// Rectifications lists the tasks u may see, newest first... by id for a
// stable keyset: ids are random, so pages follow id order.
func (s *Service) Rectifications(ctx context.Context, u auth.User, f RectFilter) ([]Rectification, string, error) {
	if !u.Role.IsStaff() {
		return nil, "", errs.ErrForbidden
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	now := s.clock.Now()
	q := `SELECT ` + rectCols + ` FROM rectifications r JOIN orgs o ON o.code = r.org_code WHERE r.id > $1`
	args := []any{f.Cursor}
	if u.Role == auth.RoleHandler {
		f.OrgCode = u.OrgCode
		if f.OrgCode == "" {
			return []Rectification{}, "", nil
		}
	}
	if f.OrgCode != "" {
		args = append(args, f.OrgCode)
		q += ` AND r.org_code = $2`
	}
	if f.Status != "" {
		args = append(args, f.Status)
		q += ` AND r.status = $` + strconvI(len(args))
	}
	if f.Overdue {
		args = append(args, db.Millis(now))
		q += ` AND r.status IN ('open', 'rejected') AND r.deadline < $` + strconvI(len(args))
	}
	q += ` ORDER BY r.id`
	rows, err := s.db.Reader(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", errs.Wrap(err, "list rectifications")
	}
	defer rows.Close()
	out := []Rectification{}
	for rows.Next() {
		r, area, err := s.scanRect(rows, now)
		if err != nil {
			return nil, "", errs.Wrap(err, "scan rectification")
		}
		if !canSeeRect(u, r, area) {
			continue
		}
		out = append(out, r)
		if len(out) > f.Limit {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return nil, "", errs.Wrap(err, "list rectifications")
	}
	next := ""
	if len(out) > f.Limit {
		out = out[:f.Limit]
		next = out[f.Limit-1].ID
	}
	return out, next, nil
}

// Rectification returns one task.
func (s *Service) Rectification(ctx context.Context, u auth.User, id string) (Rectification, error) {
	return s.getRect(ctx, s.db.R, u, id)
}

// getRect reads a task u may see; one she may not is not found, as one that
// does not exist.
func (s *Service) getRect(ctx context.Context, q db.Queryer, u auth.User, id string) (Rectification, error) {
	r, area, err := s.scanRect(q.QueryRowContext(ctx, `SELECT `+rectCols+` FROM rectifications r JOIN orgs o ON o.code = r.org_code WHERE r.id = $1`, id), s.clock.Now())
	if err == sql.ErrNoRows || err == nil && !canSeeRect(u, r, area) {
		return Rectification{}, errs.NotFoundf("整改任务不存在", "no such rectification task")
	}
	return r, errs.Wrap(err, "read rectification")
}

// Submission is the unit's report of what it did.
type Submission struct {
	Measures string `json:"measures"`
	Evidence string `json:"evidence"`
}

// SubmitRectification records the measures a unit took: a handler of the
// unit, while the task is open or was rejected.
func (s *Service) SubmitRectification(ctx context.Context, u auth.User, id string, in Submission) (Rectification, error) {
	in.Measures, in.Evidence = strings.TrimSpace(in.Measures), strings.TrimSpace(in.Evidence)
	if in.Measures == "" || utf8.RuneCountInString(in.Measures) > maxText || utf8.RuneCountInString(in.Evidence) > maxText {
		return Rectification{}, errs.Invalidf("请填写整改措施（不超过%d字）", "measures are required (at most %d characters, evidence too)", maxText)
	}
	now := s.clock.Now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		r, err := s.getRect(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if !CanSubmitRect(u, r) {
			if u.Role != auth.RoleHandler || u.OrgCode != r.OrgCode {
				return errs.New(errs.Forbidden, "只有整改单位的承办人可以提交整改情况", "only handlers of the unit submit its measures")
			}
			return errs.Conflictf("整改任务当前状态（%s）不能提交", "the task is %s and cannot be submitted", r.Status)
		}
		_, err = tx.ExecContext(ctx, `UPDATE rectifications SET status = $1, measures = $2, evidence = $3, submitted_at = $4, updated_at = $4 WHERE id = $5`,
			RectSubmitted, in.Measures, in.Evidence, db.Millis(now), id)
		return errs.Wrap(err, "submit rectification")
	})
	if err != nil {
		return Rectification{}, err
	}
	return s.Rectification(ctx, u, id)
}

// Review is a supervisor's verdict on submitted measures.
type Review struct {
	Accept *bool  `json:"accept"`
	Note   string `json:"note"`
}

// ReviewRectification accepts or rejects submitted measures (supervisors and
// the admin). A rejection needs a note and sends the task back to the unit.
func (s *Service) ReviewRectification(ctx context.Context, u auth.User, id string, in Review) (Rectification, error) {
	if !canSupervise(u) {
		return Rectification{}, errs.ErrForbidden
	}
	in.Note = strings.TrimSpace(in.Note)
	if in.Accept == nil {
		return Rectification{}, errs.Invalidf("请选择通过或退回", "accept (true or false) is required")
	}
	if !*in.Accept && in.Note == "" {
		return Rectification{}, errs.Invalidf("退回须说明理由", "a rejection needs a note")
	}
	if utf8.RuneCountInString(in.Note) > maxText {
		return Rectification{}, errs.Invalidf("意见不能超过%d字", "note must be at most %d characters", maxText)
	}
	now := s.clock.Now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		r, err := s.getRect(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if r.Status != RectSubmitted {
			return errs.Conflictf("整改任务当前状态（%s）不能审核", "the task is %s; only submitted tasks are reviewed", r.Status)
		}
		st := RectRejected
		if *in.Accept {
			st = RectAccepted
		}
		_, err = tx.ExecContext(ctx, `UPDATE rectifications SET status = $1, review_note = $2, reviewed_by = $3, reviewed_at = $4, updated_at = $4 WHERE id = $5`,
			st, in.Note, u.ID, db.Millis(now), id)
		return errs.Wrap(err, "review rectification")
	})
	if err != nil {
		return Rectification{}, err
	}
	return s.Rectification(ctx, u, id)
}
