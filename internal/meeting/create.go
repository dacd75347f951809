package meeting

import (
	"context"
	"database/sql"
	"fmt"
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

// New is what it takes to convene a meeting.
type New struct {
	AreaCode string           `json:"area_code"`
	Title    string           `json:"title"`
	Agenda   []string         `json:"agenda"`
	Place    string           `json:"place"`
	StartsAt time.Time        `json:"starts_at"`
	Quorum   Quorum           `json:"quorum"`
	Level    disclosure.Level `json:"level"`
}

// oneLine cleans s and checks that it is 1 to max characters on one line.
func oneLine(s *string, max int, zh, en string) error {
	*s = strings.TrimSpace(plaintext.Clean(*s))
	if *s == "" || utf8.RuneCountInString(*s) > max || strings.ContainsAny(*s, "\r\n") {
		return errs.New(errs.Invalid, fmt.Sprintf("%s不能为空，不超过%d字，且只占一行", zh, max), fmt.Sprintf("%s must be 1 to %d characters on one line", en, max))
	}
	return nil
}

func (n *New) check(now time.Time) error {
	n.AreaCode = strings.TrimSpace(n.AreaCode)
	if !gov.ValidCode(n.AreaCode) {
		return errArea
	}
	if err := oneLine(&n.Title, MaxTitle, "议题名称", "the title"); err != nil {
		return err
	}
	if err := oneLine(&n.Place, MaxPlace, "会议地点", "the place"); err != nil {
		return err
	}
	var items []string
	for _, x := range n.Agenda {
		if x = strings.TrimSpace(plaintext.Clean(x)); x != "" {
			items = append(items, x)
		}
	}
	if len(items) == 0 || len(items) > MaxAgendaItems {
		return errs.Invalidf("议程须有1到%d项", "the agenda must have 1 to %d items", MaxAgendaItems)
	}
	for i, x := range items {
		if utf8.RuneCountInString(x) > MaxAgendaItem || strings.ContainsAny(x, "\r\n") {
			return errs.Invalidf("议程第%d项须只占一行，不超过%d字", "agenda item %d must be one line of at most %d characters", i+1, MaxAgendaItem)
		}
	}
	n.Agenda = items
	if n.StartsAt.IsZero() || n.StartsAt.Before(now.AddDate(0, 0, -MaxPastDays)) || n.StartsAt.After(now.AddDate(0, 0, MaxAheadDays)) {
		return errs.Invalidf("会议时间须在%d天前到一年之内", "starts_at must be between %d days ago and a year ahead", MaxPastDays)
	}
	if err := n.Quorum.Check(); err != nil {
		return err
	}
	return disclosure.Check(&n.Level, DefaultLevel)
}

// Create convenes a meeting of the area, in draft: its roster is the
// area's until the notice.
func (s *Service) Create(ctx context.Context, u auth.User, n New) (Meeting, error) {
	disclosure.Fill(ctx, s.db.R, &n.Level, "meeting", DefaultLevel)
	now := s.clock.Now()
	if err := n.check(now); err != nil {
		return Meeting{}, err
	}
	var id string
	for try := 0; try < 4; try++ {
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			var err error
			id, err = s.insert(ctx, tx, u, n, now)
			return err
		})
		if !db.IsUnique(err) {
			if err != nil {
				return Meeting{}, err
			}
			return s.Get(ctx, u, id)
		}
	}
	return Meeting{}, errs.Conflictf("议事会编号冲突，请重试", "meeting number taken; try again")
}

func (s *Service) insert(ctx context.Context, tx *sql.Tx, u auth.User, n New, now time.Time) (string, error) {
	area, err := gov.AreaQ(ctx, tx, n.AreaCode)
	if errs.Is(err, errs.NotFound) {
		return "", errs.Invalidf("区划 %s 不存在", "area %s does not exist", n.AreaCode)
	}
	if err != nil {
		return "", err
	}
	if !holdsMeetings(area.Level) {
		return "", errs.Invalidf("议事会在街道、社区或院落召开，%s 不是", "meetings are held by a street, a community or a courtyard; %s is none", area.Name)
	}
	conv, err := s.convener(ctx, tx, u)
	if err != nil {
		return "", err
	}
	if !CanRun(u, conv, area.Code) {
		return "", errs.New(errs.Forbidden, "只有街道办事处、社区（村）委员会的工作人员可以在本辖区召集议事会", "only the staff of a street office or a community committee convene meetings, within their area")
	}
	id, err := nextID(ctx, tx, now.In(s.loc))
	if err != nil {
		return "", err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO meetings (id, area_code, org_code, title, agenda, place, starts_at, quorum, level, status, created_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)`,
		id, area.Code, u.OrgCode, n.Title, strings.Join(n.Agenda, "\n"), n.Place, db.Millis(n.StartsAt), string(n.Quorum), string(n.Level),
		string(StatusDraft), u.ID, db.Millis(now))
	if err != nil {
		return "", errs.Wrap(db.MapError(err), "insert meeting")
	}
	detail := map[string]any{"title": n.Title, "area_code": area.Code, "starts_at": n.StartsAt.In(s.loc), "quorum": n.Quorum, "level": n.Level}
	return id, s.event(ctx, tx, id, u, "", "create", detail, now)
}

func holdsMeetings(l gov.Level) bool {
	for _, x := range Levels {
		if x == l {
			return true
		}
	}
	return false
}

// nextID is YS, the business date and a four-digit sequence of the day:
// YS202612030001.
func nextID(ctx context.Context, tx *sql.Tx, now time.Time) (string, error) {
	return db.NextDayNumber(ctx, tx, "meetings", "id", "YS", now, [2]string{"议事会", "meetings"})
}
