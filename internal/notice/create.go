package notice

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

// New is what staff give to publish an item.
type New struct {
	Kind     Kind   `json:"kind"`
	AreaCode string `json:"area_code"`
	// OrgCode is the publishing organisation: the staff's own (left empty
	// or naming it); the administrator names any.
	OrgCode     string           `json:"org_code"`
	Level       disclosure.Level `json:"level"`
	Title       string           `json:"title"`
	Body        string           `json:"body"`
	Period      string           `json:"period"`
	CommentDays int              `json:"comment_days"`
	NoticeDays  int              `json:"notice_days"`
	Lines       []Line           `json:"lines"`
	// Draft keeps the item unpublished; otherwise its first period opens
	// at once.
	Draft bool `json:"draft"`
}

func (n *New) check(now time.Time) error {
	n.Title, n.Body = strings.TrimSpace(plaintext.Clean(n.Title)), strings.TrimSpace(plaintext.Clean(n.Body))
	if !n.Kind.Valid() {
		return errs.Invalidf("类型应为 topic、announcement、village_affairs 或 finance", "kind must be topic, announcement, village_affairs or finance")
	}
	if !gov.ValidCode(n.AreaCode) {
		return errArea
	}
	if n.OrgCode != "" && !gov.ValidCode(n.OrgCode) {
		return errs.Invalidf("组织代码格式不正确", "malformed organisation code")
	}
	if err := disclosure.Check(&n.Level, n.Kind.DefaultLevel()); err != nil {
		return err
	}
	if n.Title == "" || utf8.RuneCountInString(n.Title) > MaxTitle || strings.ContainsAny(n.Title, "\r\n") {
		return errs.Invalidf("标题不能为空，不超过%d字，且只占一行", "the title must be 1 to %d characters on one line", MaxTitle)
	}
	if n.Body == "" || utf8.RuneCountInString(n.Body) > MaxBody {
		return errs.Invalidf("正文不能为空且不超过%d字", "the text must be 1 to %d characters", MaxBody)
	}
	if err := n.checkDays(); err != nil {
		return err
	}
	if n.Kind.Scheduled() {
		if err := checkPeriod(n.Period, now); err != nil {
			return err
		}
	} else if n.Period != "" {
		return errs.Invalidf("只有村务公开和财务公开注明所属期间", "only village affairs and finance items name a period")
	}
	if len(n.Lines) > 0 && n.Kind != KindFinance {
		return errs.Invalidf("只有财务公开可以列收支明细", "only finance items carry income and expense lines")
	}
	return checkLines(n.Lines)
}

func (n *New) checkDays() error {
	if n.NoticeDays == 0 {
		n.NoticeDays = DefaultNoticeDays
	}
	if n.NoticeDays < MinNoticeDays || n.NoticeDays > MaxNoticeDays {
		return errs.Invalidf("公示期应为%d到%d天", "the public-notice period must be %d to %d days", MinNoticeDays, MaxNoticeDays)
	}
	if n.Kind != KindTopic {
		if n.CommentDays != 0 {
			return errs.Invalidf("只有议题有意见征集期", "only topics have a comment period")
		}
		return nil
	}
	if n.CommentDays == 0 {
		n.CommentDays = DefaultCommentDays
	}
	if n.CommentDays < MinCommentDays || n.CommentDays > MaxCommentDays {
		return errs.Invalidf("意见征集期应为%d到%d天", "the comment period must be %d to %d days", MinCommentDays, MaxCommentDays)
	}
	return nil
}

// Create publishes an item for u's organisation (or keeps it a draft).
func (s *Service) Create(ctx context.Context, u auth.User, n New) (Notice, error) {
	if !u.Role.IsStaff() {
		return Notice{}, errs.New(errs.Forbidden, "只有工作人员可以发布公示公告", "only staff publish notices")
	}
	disclosure.Fill(ctx, s.db.R, &n.Level, string(n.Kind), n.Kind.DefaultLevel())
	if err := n.check(s.clock.Now()); err != nil {
		return Notice{}, err
	}
	if !u.IsAdmin() {
		if n.OrgCode != "" && n.OrgCode != u.OrgCode {
			return Notice{}, errs.New(errs.Forbidden, "只能以本单位名义发布", "you publish for your own organisation only")
		}
		n.OrgCode = u.OrgCode
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
				return Notice{}, err
			}
			return s.Get(ctx, u, number)
		}
	}
	return Notice{}, errs.Conflictf("编号冲突，请重试", "number taken; try again")
}

func (s *Service) insert(ctx context.Context, tx *sql.Tx, u auth.User, n New) (string, error) {
	area, err := gov.AreaQ(ctx, tx, n.AreaCode)
	if err != nil {
		return "", err
	}
	orgArea := ""
	if n.OrgCode != "" {
		org, err := gov.OrgQ(ctx, tx, n.OrgCode)
		if err != nil {
			return "", err
		}
		orgArea = org.AreaCode
	}
	if !CanPublish(u, area.Code, orgArea) {
		return "", errs.New(errs.Forbidden, "只能在本单位所在、本人辖区内的区域发布", "you publish in your own area, for your organisation there")
	}
	now := s.clock.Now()
	number, err := nextNumber(ctx, tx, now.In(s.loc))
	if err != nil {
		return "", err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO notices (number, kind, area_code, org_code, level, title, body, period, status,
comment_days, notice_days, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'draft', $9, $10, $11, $12, $12)`,
		number, string(n.Kind), area.Code, n.OrgCode, string(n.Level), n.Title, n.Body, n.Period, n.CommentDays, n.NoticeDays, u.ID, db.Millis(now))
	if err != nil {
		return "", errs.Wrap(db.MapError(err), "insert notice")
	}
	if err := insertLines(ctx, tx, number, n.Lines); err != nil {
		return "", err
	}
	if err := s.event(ctx, tx, number, u, "", now, Event{Kind: "create", ToStatus: StatusDraft, Text: n.Title}); err != nil {
		return "", err
	}
	if n.Draft {
		return number, nil
	}
	x, err := s.lock(ctx, tx, number)
	if err != nil {
		return "", err
	}
	return number, s.open(ctx, tx, u, x, now, OpenInput{})
}

// insertLines writes a finance item's lines in one statement.
func insertLines(ctx context.Context, tx *sql.Tx, number string, lines []Line) error {
	if len(lines) == 0 {
		return nil
	}
	var c db.Conds
	rows := make([]string, len(lines))
	for i, l := range lines {
		rows[i] = c.Bind(`(?, ?, ?, ?, ?)`, number, i+1, l.Direction, l.Item, l.AmountFen)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO notice_lines (number, seq, direction, item, amount_fen) VALUES `+strings.Join(rows, ", "), c.Args...)
	return errs.Wrap(err, "insert notice lines")
}

// nextNumber is GS, the business date and a four-digit sequence of the
// day: GS202612030001.
func nextNumber(ctx context.Context, tx *sql.Tx, now time.Time) (string, error) {
	return db.NextDayNumber(ctx, tx, "notices", "number", "GS", now, [2]string{"发布", "notices"})
}

func validNumber(n string) bool {
	return db.ValidDayNumber(n, "GS")
}

// event appends a line to the item's history in the caller's transaction;
// behalf is the phone of the resident u acted for, if any.
func (s *Service) event(ctx context.Context, tx *sql.Tx, number string, u auth.User, behalf string, now time.Time, e Event) error {
	seq, err := db.NextSeq(ctx, tx, "notice_events", "number", number)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO notice_events (number, seq, at, actor_id, on_behalf, kind, from_status, to_status, objection, text)
VALUES ($1, $10, $2, $3, $4, $5, $6, $7, $8, $9)`,
		number, db.Millis(now), u.ID, behalf, e.Kind, string(e.FromStatus), string(e.ToStatus), e.Objection, e.Text, seq)
	return errs.Wrap(err, "notice event")
}

// notify records a notification for a resident's phone or an organisation,
// in the notifications the ticket capability delivers and lists.
func (s *Service) notify(ctx context.Context, tx *sql.Tx, now time.Time, phone, org, text string) error {
	if phone == "" && org == "" {
		return nil
	}
	return db.Notify(ctx, tx, db.Note{At: now, OrgCode: org, Phone: phone, Kind: "notice", Text: text})
}
