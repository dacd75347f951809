package project

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Residents' needs (before) and opinions (during), each answered by the
// responsible unit within the answer time.

// InputIn is a need or an opinion. Phone is set by staff entering it on a
// resident's behalf: hers.
type InputIn struct {
	Kind  string `json:"kind"`
	Text  string `json:"text"`
	Phone string `json:"phone"`
}

var kindWord = map[string][2]string{KindNeed: {"需求", "need"}, KindOpinion: {"意见", "opinion"}}

func (in *InputIn) check() error {
	in.Text = cleanText(in.Text)
	if _, ok := InputPhase(in.Kind); !ok {
		return errs.Invalidf("类型须为 need（需求）或 opinion（意见）", "kind must be need or opinion")
	}
	if in.Text == "" || utf8.RuneCountInString(in.Text) > MaxInput {
		return errs.Invalidf("内容不能为空且不超过%d字", "the text must be 1 to %d characters", MaxInput)
	}
	return nil
}

// participant tells whose input or evaluation u sends to p: her own phone,
// or, when she is staff acting for a resident, the resident's phone, which
// must be of a resident of the area. It is run in the change's
// transaction, with the project read; onBehalf is "" for her own.
func participant(ctx context.Context, tx *sql.Tx, u auth.User, p Project, phone string) (who, onBehalf string, err error) {
	resident, err := disclosure.Resident(ctx, tx, u, p.AreaCode)
	if err != nil {
		return "", "", err
	}
	if !CanSee(u, p, resident) {
		return "", "", errNotFound
	}
	if p.Phase == Closed {
		return "", "", errClosed
	}
	if strings.TrimSpace(phone) == "" {
		if !CanTakePart(u, resident) {
			return "", "", errs.New(errs.Forbidden, "只有本区域的居民可以参与", "only residents of the area take part")
		}
		return u.Phone, "", nil
	}
	if !CanActFor(u, p) {
		return "", "", errs.New(errs.Forbidden, "只有负责单位或辖区工作人员可以代居民提交", "only the unit running it or staff of the area enter for a resident")
	}
	phone = auth.NormalizePhone(phone)
	if !auth.ValidPhone(phone) {
		return "", "", errs.Invalidf("手机号格式不正确", "malformed mobile number")
	}
	lives, err := disclosure.LivesIn(ctx, tx, phone, p.AreaCode)
	if err != nil {
		return "", "", err
	}
	if !lives {
		return "", "", errs.New(errs.Forbidden, "该手机号未核实为本区域居民", "that phone is not verified as a resident's of the area")
	}
	return phone, phone, nil
}

// Submit records a resident's need (while the project is planned) or
// opinion (while it is built), due for an answer within the answer time.
func (s *Service) Submit(ctx context.Context, u auth.User, number string, in InputIn) (Input, error) {
	if err := in.check(); err != nil {
		return Input{}, err
	}
	var id string
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		p, err := s.lock(ctx, tx, number)
		if err != nil {
			return err
		}
		phone, behalf, err := participant(ctx, tx, u, p, in.Phone)
		if err != nil {
			return err
		}
		if want, _ := InputPhase(in.Kind); want != p.Phase {
			if in.Kind == KindNeed {
				return errs.Conflictf("需求只在需求征集阶段收集", "needs are taken while the project is planned")
			}
			return errs.Conflictf("意见只在实施阶段收集", "opinions are taken while the project is built")
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM project_inputs WHERE number = $1 AND phone = $2`, number, phone).Scan(&n); err != nil {
			return errs.Wrap(err, "count inputs")
		}
		if n >= MaxInputsEach {
			return errs.Conflictf("每位居民对一个项目最多提交%d条", "a resident sends at most %d inputs to a project", MaxInputsEach)
		}
		now := s.clock.Now()
		due := s.cal.AddWorkingDays(now, s.answerDays)
		id = db.NewID()
		_, err = tx.ExecContext(ctx, `INSERT INTO project_inputs (id, number, kind, phase, text, phone, actor_id, on_behalf, org_code, created_at, answer_due)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, id, number, in.Kind, string(p.Phase), in.Text, phone, u.ID, behalf != "", p.OrgCode, db.Millis(now), db.Millis(due))
		if err != nil {
			return errs.Wrap(err, "insert input")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE projects SET updated_at = $2 WHERE number = $1`, number, db.Millis(now)); err != nil {
			return errs.Wrap(err, "touch project")
		}
		if err := s.event(ctx, tx, number, u, behalf, now, Event{Kind: "input", Ref: id, Text: in.Kind}); err != nil {
			return err
		}
		return s.notify(ctx, tx, now, "", p.OrgCode, fmt.Sprintf("居民对项目「%s」（%s）提出了%s，请于%s前答复。", p.Title, number,
			kindWord[in.Kind][0], due.In(s.loc).Format("2006-01-02 15:04")))
	})
	if err != nil {
		return Input{}, err
	}
	return s.Input(ctx, u, number, id)
}

// Answer records the responsible unit's answer to an input; one after its
// due time is marked late. An input is answered once.
func (s *Service) Answer(ctx context.Context, u auth.User, number, id, text string) (Input, error) {
	text = cleanText(text)
	if text == "" || utf8.RuneCountInString(text) > MaxAnswer {
		return Input{}, errs.Invalidf("答复内容不能为空且不超过%d字", "the answer must be 1 to %d characters", MaxAnswer)
	}
	err := s.change(ctx, u, number, func(tx *sql.Tx, p Project, now time.Time) error {
		var kind, phone string
		var answered bool
		var due int64
		err := tx.QueryRowContext(ctx, `SELECT kind, phone, answered, answer_due FROM project_inputs WHERE id = $1 AND number = $2`, id, number).
			Scan(&kind, &phone, &answered, &due)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFoundf("该条需求或意见不存在", "no such need or opinion")
		}
		if err != nil {
			return errs.Wrap(err, "read input")
		}
		if answered {
			return errs.Conflictf("已答复过", "it has already been answered")
		}
		late := db.Millis(now) > due
		if _, err := tx.ExecContext(ctx, `UPDATE project_inputs SET answered = TRUE, answer = $2, answered_at = $3, answered_by = $4, answered_late = $5 WHERE id = $1`,
			id, text, db.Millis(now), u.ID, late); err != nil {
			return errs.Wrap(err, "answer input")
		}
		if err := s.event(ctx, tx, number, u, "", now, Event{Kind: "answer", Ref: id, Text: text}); err != nil {
			return err
		}
		return s.notify(ctx, tx, now, phone, "", fmt.Sprintf("您对项目「%s」（%s）提出的%s已答复：%s", p.Title, number, kindWord[kind][0], text))
	})
	if err != nil {
		return Input{}, err
	}
	return s.Input(ctx, u, number, id)
}

const inputCols = `i.id, i.number, pr.title, i.kind, i.phase, i.text, i.phone, i.on_behalf, i.created_at, i.answer_due, i.answered, i.answer, i.answered_at, i.answered_late`

// scanInput reads an input for u; run tells whether she runs its project
// (she then sees the resident's phone masked).
func (s *Service) scanInput(sc interface{ Scan(...any) error }, u auth.User, run bool) (Input, error) {
	var in Input
	var phone string
	var created, due int64
	var answeredAt sql.NullInt64
	err := sc.Scan(&in.ID, &in.Number, &in.ProjectTitle, &in.Kind, &in.Phase, &in.Text, &phone, &in.OnBehalf, &created, &due,
		&in.Answered, &in.Answer, &answeredAt, &in.AnsweredLate)
	if err != nil {
		return in, err
	}
	in.CreatedAt, in.AnswerDue = s.at(created), s.at(due)
	if answeredAt.Valid {
		t := s.at(answeredAt.Int64)
		in.AnsweredAt = &t
	}
	in.Overdue = !in.Answered && s.clock.Now().After(in.AnswerDue)
	in.Mine = u.Role == auth.RoleResident && u.Phone != "" && u.Phone == phone
	if run {
		in.PhoneMasked = auth.MaskPhone(phone)
	}
	return in, nil
}

// Input returns one input of the project as u may read it.
func (s *Service) Input(ctx context.Context, u auth.User, number, id string) (Input, error) {
	p, _, err := s.visible(ctx, s.db.R, u, number)
	if err != nil {
		return Input{}, err
	}
	in, err := s.scanInput(s.db.R.QueryRowContext(ctx, `SELECT `+inputCols+` FROM project_inputs i JOIN projects pr ON pr.number = i.number
WHERE i.id = $1 AND i.number = $2`, id, number), u, CanRun(u, p))
	if errors.Is(err, sql.ErrNoRows) {
		return Input{}, errs.NotFoundf("该条需求或意见不存在", "no such need or opinion")
	}
	return in, errs.Wrap(err, "read input")
}

// inputs are a project's inputs for its page: the unanswered first, then the
// newest, at most MaxDetailInputs.
func (s *Service) inputs(ctx context.Context, q db.Queryer, u auth.User, p Project) ([]Input, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+inputCols+` FROM project_inputs i JOIN projects pr ON pr.number = i.number
WHERE i.number = $1 ORDER BY i.answered, i.created_at DESC, i.id DESC LIMIT $2`, p.Number, MaxDetailInputs)
	if err != nil {
		return nil, errs.Wrap(err, "inputs")
	}
	defer rows.Close()
	run := CanRun(u, p)
	out := []Input{}
	for rows.Next() {
		in, err := s.scanInput(rows, u, run)
		if err != nil {
			return nil, errs.Wrap(err, "scan input")
		}
		out = append(out, in)
	}
	return out, errs.Wrap(rows.Err(), "inputs")
}

// Queue is a page of inputs awaiting an answer, the earliest due first.
type Queue struct {
	Items   []Input `json:"items"`
	Next    string  `json:"next_cursor"`
	Total   int64   `json:"total"`
	Overdue int64   `json:"overdue"`
}

// Unanswered lists the inputs u's unit must answer (every unit's for the
// administrator), the earliest due first, a page of at most limit after
// the cursor, with how many there are and how many are overdue.
func (s *Service) Unanswered(ctx context.Context, u auth.User, cursor string, limit int) (Queue, error) {
	if !CanSeeQueue(u) {
		return Queue{}, errs.ErrForbidden
	}
	if limit == 0 {
		limit = DefaultList
	}
	if limit < 1 || limit > MaxList {
		return Queue{}, errs.Invalidf("limit 须为1到%d", "limit must be 1 to %d", MaxList)
	}
	scope := func() db.Conds {
		var c db.Conds
		c.Add(`NOT i.answered`)
		if !u.IsAdmin() {
			c.Add(`i.org_code = ?`, u.OrgCode)
		}
		return c
	}
	q := Queue{Items: []Input{}}
	c := scope()
	now := c.Arg(db.Millis(s.clock.Now()))
	err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN i.answer_due < `+now+` THEN 1 ELSE 0 END), 0)
FROM project_inputs i WHERE `+c.And(), c.Args...).Scan(&q.Total, &q.Overdue)
	if err != nil {
		return Queue{}, errs.Wrap(err, "count unanswered")
	}
	c = scope()
	if cursor != "" {
		ms, id, err := db.ParseKeysetCursor(cursor)
		if err != nil {
			return Queue{}, err
		}
		c.Add(`(i.answer_due > ? OR (i.answer_due = ? AND i.id > ?))`, ms, ms, id)
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+inputCols+` FROM project_inputs i JOIN projects pr ON pr.number = i.number
WHERE `+c.And()+` ORDER BY i.answer_due, i.id LIMIT `+c.Arg(limit+1), c.Args...)
	if err != nil {
		return Queue{}, errs.Wrap(err, "unanswered")
	}
	defer rows.Close()
	for rows.Next() {
		in, err := s.scanInput(rows, u, true)
		if err != nil {
			return Queue{}, errs.Wrap(err, "scan input")
		}
		q.Items = append(q.Items, in)
	}
	if len(q.Items) > limit {
		q.Items = q.Items[:limit]
		last := q.Items[limit-1]
		q.Next = db.KeysetCursor(db.Millis(last.AnswerDue), last.ID)
	}
	return q, errs.Wrap(rows.Err(), "unanswered")
}
