package project

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/plaintext"
)

// New is what staff give to create a project.
type New struct {
	AreaCode    string           `json:"area_code"`
	OrgCode     string           `json:"org_code"` // the unit that runs it; the creator's own when empty
	Title       string           `json:"title"`
	Description string           `json:"description"`
	BudgetFen   *int64           `json:"budget_fen"`
	Level       disclosure.Level `json:"level"` // public when empty
}

func (n *New) check() error {
	n.Title, n.Description = cleanText(n.Title), cleanText(n.Description)
	n.AreaCode, n.OrgCode = strings.TrimSpace(n.AreaCode), strings.TrimSpace(n.OrgCode)
	if !gov.ValidCode(n.AreaCode) {
		return errArea
	}
	if n.OrgCode != "" && !gov.ValidCode(n.OrgCode) {
		return errs.Invalidf("负责单位代码格式不正确", "malformed organisation code")
	}
	if n.Title == "" || utf8.RuneCountInString(n.Title) > MaxTitle || strings.ContainsAny(n.Title, "\r\n") {
		return errs.Invalidf("项目名称不能为空，不超过%d字，且只占一行", "the title must be 1 to %d characters on one line", MaxTitle)
	}
	if n.Description == "" || utf8.RuneCountInString(n.Description) > MaxText {
		return errs.Invalidf("项目简介不能为空且不超过%d字", "the description must be 1 to %d characters", MaxText)
	}
	if n.BudgetFen != nil && (*n.BudgetFen < 0 || *n.BudgetFen > MaxBudgetFen) {
		return errs.Invalidf("预算须为0到一万亿元", "the budget must be from 0 to one trillion yuan")
	}
	return disclosure.Check(&n.Level, disclosure.Public)
}

// cleanText takes text as the platform takes it: no control or invisible
// format characters, trimmed.
func cleanText(s string) string { return strings.TrimSpace(plaintext.Clean(s)) }

// Create creates a project in its planning phase.
func (s *Service) Create(ctx context.Context, u auth.User, n New) (Detail, error) {
	disclosure.Fill(ctx, s.db.R, &n.Level, "project", disclosure.Public)
	if err := n.check(); err != nil {
		return Detail{}, err
	}
	if !CanCreate(u, n.AreaCode) {
		return Detail{}, errs.New(errs.Forbidden, "只有辖区覆盖该区域的工作人员可以设立项目", "only staff whose area covers it create a project there")
	}
	if n.OrgCode == "" {
		n.OrgCode = u.OrgCode
	}
	if n.OrgCode == "" {
		return Detail{}, errs.Invalidf("请指定负责实施的单位", "name the unit that runs the project")
	}
	var number string
	for try := 0; try < 4; try++ {
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			var err error
			number, err = s.insert(ctx, tx, u, n)
			return err
		})
		if !db.IsUnique(err) {
			if err != nil {
				return Detail{}, err
			}
			return s.Get(ctx, u, number)
		}
	}
	return Detail{}, errs.Conflictf("项目编号冲突，请重试", "project number taken; try again")
}

func (s *Service) insert(ctx context.Context, tx *sql.Tx, u auth.User, n New) (string, error) {
	area, err := gov.AreaQ(ctx, tx, n.AreaCode)
	if err != nil {
		return "", err
	}
	if _, err := gov.OrgQ(ctx, tx, n.OrgCode); errs.Is(err, errs.NotFound) {
		return "", errs.Invalidf("负责单位 %s 不存在", "no organisation %s", n.OrgCode)
	} else if err != nil {
		return "", err
	}
	now := s.clock.Now()
	number, err := nextNumber(ctx, tx, now.In(s.loc))
	if err != nil {
		return "", err
	}
	var budget sql.NullInt64
	if n.BudgetFen != nil {
		budget = sql.NullInt64{Int64: *n.BudgetFen, Valid: true}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO projects (number, area_code, org_code, title, description, budget, level, phase, created_by, created_at, updated_at, phase_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $10)`,
		number, area.Code, n.OrgCode, n.Title, n.Description, budget, string(n.Level), string(Planning), u.ID, db.Millis(now))
	if err != nil {
		return "", errs.Wrap(db.MapError(err), "insert project")
	}
	return number, s.event(ctx, tx, number, u, "", now, Event{Kind: "create", ToPhase: Planning, Text: n.Title})
}

// nextNumber is XM, the business date and a four-digit sequence of the
// day: XM202612010001.
func nextNumber(ctx context.Context, tx *sql.Tx, now time.Time) (string, error) {
	return db.NextDayNumber(ctx, tx, "projects", "number", "XM", now, [2]string{"新设项目", "projects"})
}

// ValidNumber reports whether n is shaped as a project's number.
func ValidNumber(n string) bool {
	return db.ValidDayNumber(n, "XM")
}

// event appends a line to the project's history in the caller's
// transaction (whose project row is locked); onBehalf is the phone of the
// resident u acted for.
func (s *Service) event(ctx context.Context, tx *sql.Tx, number string, u auth.User, onBehalf string, now time.Time, e Event) error {
	seq, err := db.NextSeq(ctx, tx, "project_events", "number", number)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO project_events (id, number, seq, at, actor_id, on_behalf, kind, from_phase, to_phase, percent, ref, text)
VALUES ($1, $2, $12, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		db.NewID(), number, db.Millis(now), u.ID, onBehalf, e.Kind, string(e.FromPhase), string(e.ToPhase), e.Percent, e.Ref, e.Text, seq)
	return errs.Wrap(err, "project event")
}

// notify records a notification for a resident's phone or an organisation
// in the notifications the ticket capability delivers and lists.
func (s *Service) notify(ctx context.Context, tx *sql.Tx, now time.Time, phone, org, text string) error {
	if phone == "" && org == "" {
		return nil
	}
	return db.Notify(ctx, tx, db.Note{At: now, OrgCode: org, Phone: phone, Kind: "project", Text: text})
}
