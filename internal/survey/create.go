package survey

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

// New is what it takes to create a survey. Level defaults to residents;
// OpensAt, when set, is the earliest time it takes answers once opened.
type New struct {
	AreaCode    string           `json:"area_code"`
	Level       disclosure.Level `json:"level"`
	Title       string           `json:"title"`
	Intro       string           `json:"intro"`
	Target      string           `json:"target"`
	OpensAt     *time.Time       `json:"opens_at"`
	ClosesAt    time.Time        `json:"closes_at"`
	Anonymous   bool             `json:"anonymous"`
	LiveResults bool             `json:"live_results"`
}

func (n *New) check(u auth.User, now time.Time) error {
	n.Title, n.Intro = strings.TrimSpace(plaintext.Clean(n.Title)), strings.TrimSpace(plaintext.Clean(n.Intro))
	n.AreaCode, n.Target = strings.TrimSpace(n.AreaCode), strings.TrimSpace(n.Target)
	if err := disclosure.Check(&n.Level, disclosure.Residents); err != nil {
		return err
	}
	switch {
	case n.Title == "" || utf8.RuneCountInString(n.Title) > MaxTitle || strings.ContainsAny(n.Title, "\r\n"):
		return errs.Invalidf("标题不能为空，不超过%d字，且只占一行", "the title must be 1 to %d characters on one line", MaxTitle)
	case utf8.RuneCountInString(n.Intro) > MaxIntro:
		return errs.Invalidf("说明不超过%d字", "the introduction must be at most %d characters", MaxIntro)
	case !gov.ValidCode(n.AreaCode):
		return errArea
	case n.Level == disclosure.Members && u.OrgCode == "":
		return errs.Invalidf("您不属于任何组织，不能发起仅本组织成员可见的问卷", "you belong to no organisation: a members-only survey needs one")
	}
	if err := checkWindow(n.OpensAt, n.ClosesAt, now); err != nil {
		return err
	}
	if n.Target != "" {
		if _, _, err := ParseTarget(n.Target); err != nil {
			return err
		}
	}
	return nil
}

// checkWindow checks the times a survey takes answers between.
func checkWindow(opens *time.Time, closes, now time.Time) error {
	if !closes.After(now) || closes.After(now.AddDate(0, 0, MaxOpenDays)) {
		return errs.Invalidf("截止时间须在现在之后、一年之内", "closes_at must be after now and within a year")
	}
	if opens != nil && !opens.Before(closes) {
		return errs.Invalidf("开始时间须早于截止时间", "opens_at must be before closes_at")
	}
	return nil
}

// Create makes a draft survey of n.AreaCode; its organisation is u's.
func (s *Service) Create(ctx context.Context, u auth.User, n New) (Survey, error) {
	disclosure.Fill(ctx, s.db.R, &n.Level, "survey", disclosure.Residents)
	now := s.clock.Now()
	if err := n.check(u, now); err != nil {
		return Survey{}, err
	}
	if !CanCreate(u, n.AreaCode) {
		return Survey{}, errs.New(errs.Forbidden, "只能在本辖区发起问卷", "you may only create surveys within your area")
	}
	if _, err := s.gov.Area(ctx, n.AreaCode); err != nil {
		if errs.Is(err, errs.NotFound) {
			return Survey{}, errs.Invalidf("区划 %s 不存在", "area %s does not exist", n.AreaCode)
		}
		return Survey{}, err
	}
	if err := s.checkTarget(ctx, u, n.Target); err != nil {
		return Survey{}, err
	}
	var id string
	for try := 0; try < 4; try++ {
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			var err error
			if id, err = nextID(ctx, tx, now.In(s.loc)); err != nil {
				return err
			}
			var opens *int64
			if n.OpensAt != nil {
				ms := db.Millis(*n.OpensAt)
				opens = &ms
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO surveys (id, area_code, org_code, level, title, intro, target, anonymous, live_results, status,
opens_at, closes_at, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)`,
				id, n.AreaCode, u.OrgCode, string(n.Level), n.Title, n.Intro, n.Target, n.Anonymous, n.LiveResults, string(StatusDraft),
				opens, db.Millis(n.ClosesAt), u.ID, db.Millis(now))
			if err != nil {
				return errs.Wrap(db.MapError(err), "insert survey")
			}
			return s.event(ctx, tx, id, "create", map[string]any{"title": n.Title, "level": n.Level, "area_code": n.AreaCode}, u, now)
		})
		if !db.IsUnique(err) {
			if err != nil {
				return Survey{}, err
			}
			return s.Get(ctx, u, id)
		}
	}
	return Survey{}, errs.Conflictf("问卷编号冲突，请重试", "survey number taken; try again")
}

// nextID is WJ, the business date and a four-digit sequence of the day:
// WJ202612030001.
func nextID(ctx context.Context, tx *sql.Tx, now time.Time) (string, error) {
	return db.NextDayNumber(ctx, tx, "surveys", "id", "WJ", now, [2]string{"问卷", "surveys"})
}

// ValidID reports whether id has the form of a survey's number.
func ValidID(id string) bool {
	return db.ValidDayNumber(id, "WJ")
}

// event appends a line to the survey's history in the caller's transaction.
func (s *Service) event(ctx context.Context, tx *sql.Tx, id, kind string, detail any, u auth.User, now time.Time) error {
	return db.AppendEvent(ctx, tx, db.Event{Table: "survey_events", KeyColumn: "survey_id", Key: id, At: now, Actor: u.ID, Kind: kind, Detail: detail})
}

// notify tells an organisation, in the notifications the ticket capability
// delivers and lists.
func (s *Service) notify(ctx context.Context, tx *sql.Tx, now time.Time, org, text string) error {
	if org == "" {
		return nil
	}
	return db.Notify(ctx, tx, db.Note{At: now, OrgCode: org, Kind: "survey", Text: text})
}
