package survey

import (
	"context"
	"database/sql"
	"strings"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/plaintext"
)

// AnswerIn is the answer to one question: the IDs of the options picked
// (single and multiple choice), the value (scale) or the text (free text).
// A question left out, or given nothing, is not answered.
type AnswerIn struct {
	QuestionID int64   `json:"question_id"`
	Options    []int64 `json:"options"`
	Value      int64   `json:"value"`
	Text       string  `json:"text"`
}

// ResponseIn is one response. Phone and Channel (paper or phone) are given
// by the staff recording a resident's answer for her.
type ResponseIn struct {
	Answers []AnswerIn `json:"answers"`
	Phone   string     `json:"phone,omitempty"`
	Channel string     `json:"channel,omitempty"`
}

// answerRow is one row of survey_answers.
type answerRow struct {
	question, option, value int64
	text                    string
}

var errAgain = errs.Conflictf("已填写过此问卷，每人只能填写一次", "this survey has been answered already: once per person")

// check checks the response's answers against the questions, in the order
// of the questions, and returns the rows to store or the first problem.
func check(qs []Question, in []AnswerIn) ([]answerRow, error) {
	if len(in) > len(qs) {
		return nil, errs.Invalidf("答案多于题目", "more answers than questions")
	}
	pos := map[int64]int{}
	for i, q := range qs {
		pos[q.ID] = i + 1
	}
	given := map[int64]*AnswerIn{}
	for i := range in {
		a := &in[i]
		n, ok := pos[a.QuestionID]
		if !ok {
			return nil, errs.Invalidf("问卷中没有第 %d 号题目", "the survey has no question %d", a.QuestionID)
		}
		if given[a.QuestionID] != nil {
			return nil, errs.Invalidf("第%d题回答了两次", "question %d is answered twice", n)
		}
		given[a.QuestionID] = a
	}
	var rows []answerRow
	for i, q := range qs {
		got, err := checkOne(i+1, q, given[q.ID])
		if err != nil {
			return nil, err
		}
		if len(got) == 0 && q.Required {
			return nil, errs.Invalidf("第%d题为必答题，请作答", "question %d must be answered", i+1)
		}
		rows = append(rows, got...)
	}
	if len(rows) == 0 {
		return nil, errs.Invalidf("请至少回答一题", "answer at least one question")
	}
	return rows, nil
}

// checkOne checks the answer to the question at position n (nil: none).
func checkOne(n int, q Question, a *AnswerIn) ([]answerRow, error) {
	if a == nil {
		return nil, nil
	}
	text := strings.TrimSpace(plaintext.Clean(a.Text))
	switch q.Kind {
	case Single, Multiple:
		if a.Value != 0 || text != "" {
			return nil, errs.Invalidf("第%d题是选择题，请选择选项", "question %d is a choice: pick options", n)
		}
		return checkPicks(n, q, a.Options)
	case Scale:
		if len(a.Options) > 0 || text != "" {
			return nil, errs.Invalidf("第%d题是量表题，请选择1到%d之间的分值", "question %d is a scale: give a value from 1 to %d", n, q.ScaleMax)
		}
		if a.Value == 0 {
			return nil, nil
		}
		if a.Value < 1 || a.Value > q.ScaleMax {
			return nil, errs.Invalidf("第%d题的分值须为1到%d", "question %d takes a value from 1 to %d", n, q.ScaleMax)
		}
		return []answerRow{{question: q.ID, value: a.Value}}, nil
	}
	if len(a.Options) > 0 || a.Value != 0 {
		return nil, errs.Invalidf("第%d题是填空题，请填写文字", "question %d takes text", n)
	}
	if text == "" {
		return nil, nil
	}
	if utf8.RuneCountInString(text) > MaxText {
		return nil, errs.Invalidf("第%d题的回答不超过%d字", "the answer to question %d must be at most %d characters", n, MaxText)
	}
	return []answerRow{{question: q.ID, text: text}}, nil
}

func checkPicks(n int, q Question, picks []int64) ([]answerRow, error) {
	if len(picks) == 0 {
		return nil, nil
	}
	if q.Kind == Single && len(picks) > 1 {
		return nil, errs.Invalidf("第%d题是单选题，只能选一项", "question %d takes one option", n)
	}
	if q.Kind == Multiple && q.MaxPicks > 0 && int64(len(picks)) > q.MaxPicks {
		return nil, errs.Invalidf("第%d题最多选%d项", "question %d takes at most %d options", n, q.MaxPicks)
	}
	known := map[int64]bool{}
	for _, o := range q.Options {
		known[o.ID] = true
	}
	seen := map[int64]bool{}
	var rows []answerRow
	for _, p := range picks {
		if !known[p] {
			return nil, errs.Invalidf("第%d题没有第 %d 号选项", "question %d has no option %d", n, p)
		}
		if seen[p] {
			return nil, errs.Invalidf("第%d题的选项重复", "question %d has an option picked twice", n)
		}
		seen[p] = true
		rows = append(rows, answerRow{question: q.ID, option: p})
	}
	return rows, nil
}

// Respond records a response: u's own, or (Phone set) a resident's that u
// records from paper or the phone. All of it or nothing is stored; a
// respondent answers once (409 the second time).
func (s *Service) Respond(ctx context.Context, u auth.User, id string, in ResponseIn) (Survey, error) {
	who, channel, by := respondent(u), ChannelOnline, ""
	if in.Phone != "" || in.Channel != "" {
		who, channel, by = auth.NormalizePhone(in.Phone), in.Channel, u.ID
		if !auth.ValidPhone(who) {
			return Survey{}, errs.Invalidf("请填写代录居民的手机号", "give the mobile number of the resident whose answer you record")
		}
		if channel != ChannelPaper && channel != ChannelPhone {
			return Survey{}, errs.Invalidf("代录方式须为 paper（纸质问卷）或 phone（电话）", "channel must be paper or phone")
		}
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		v, resident, err := s.visible(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if err := s.mayRespond(ctx, tx, u, v, resident, who, by != ""); err != nil {
			return err
		}
		if done, err := countRespondent(ctx, tx, id, who); err != nil {
			return err
		} else if done {
			return errAgain
		}
		qs, err := questions(ctx, tx, id)
		if err != nil {
			return err
		}
		rows, err := check(qs, in.Answers)
		if err != nil {
			return err
		}
		return s.store(ctx, tx, u, v, who, channel, by, rows)
	})
	if err != nil {
		return Survey{}, err
	}
	return s.Get(ctx, u, id)
}

// mayRespond says why u may not give or record (record) the response of who
// to v now, or nil.
func (s *Service) mayRespond(ctx context.Context, tx *sql.Tx, u auth.User, v Survey, resident bool, who string, record bool) error {
	now := s.clock.Now()
	switch {
	case v.Status == StatusDraft:
		return errs.Conflictf("问卷尚未发布", "the survey is not open yet")
	case v.Status == StatusClosed || !now.Before(v.ClosesAt):
		return errs.Conflictf("问卷已结束，不再接受答卷", "the survey has closed: it takes no more answers")
	case !v.Taking(now):
		return errs.Conflictf("问卷尚未开始，请于%s后填写", "the survey opens at %s", v.OpensAt.Format("2006-01-02 15:04"))
	case !record && !CanAnswer(u, v, resident):
		if v.Level == disclosure.Residents {
			return errs.New(errs.Forbidden, "只有本区域的居民可以填写此问卷", "only residents of the area answer this survey")
		}
		return errs.New(errs.Forbidden, "您不能填写此问卷", "you may not answer this survey")
	case record && !CanRecord(u, v):
		if CanManage(u, v) {
			return errs.Conflictf("本问卷面向工作人员，不能代录居民答卷", "this survey asks staff: residents' answers are not recorded")
		}
		return errs.New(errs.Forbidden, "只有发起问卷的辖区工作人员可以代录答卷", "only the staff of the survey's area record answers")
	}
	if record && v.Level == disclosure.Residents {
		lives, err := disclosure.LivesIn(ctx, tx, who, v.AreaCode)
		if err != nil {
			return err
		}
		if !lives {
			return errs.New(errs.Forbidden, "该手机号的居民未登记住在本区域，请先核实居住地", "the resident of this number is not known to live in the area: verify her residence first")
		}
	}
	return nil
}

func countRespondent(ctx context.Context, q db.Queryer, id, who string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM survey_respondents WHERE survey_id = $1 AND respondent = $2`, id, who).Scan(&n)
	return n > 0, errs.Wrap(err, "respondent")
}

// store writes the response in the caller's transaction. The count goes
// first: its update waits for a close under way, and takes nothing once the
// survey no longer takes answers.
func (s *Service) store(ctx context.Context, tx *sql.Tx, u auth.User, v Survey, who, channel, by string, rows []answerRow) error {
	now := db.Millis(s.clock.Now())
	x, err := tx.ExecContext(ctx, `UPDATE surveys SET responses = responses + 1 WHERE id = $1 AND status = 'open' AND closes_at > $2
AND (opens_at IS NULL OR opens_at <= $2)`, v.ID, now)
	if err != nil {
		return errs.Wrap(err, "count response")
	}
	if k, _ := x.RowsAffected(); k == 0 {
		return errs.Conflictf("问卷已结束，不再接受答卷", "the survey has closed: it takes no more answers")
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO survey_respondents (survey_id, respondent, channel, recorded_by, at) VALUES ($1, $2, $3, $4, $5)`,
		v.ID, who, channel, by, now); err != nil {
		if db.IsUnique(db.MapError(err)) {
			return errAgain
		}
		return errs.Wrap(err, "respondent")
	}
	rid, rwho, rat := db.NewID(), who, now
	if v.Anonymous {
		rwho, rat = "", 0
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO survey_responses (id, survey_id, respondent, channel, at) VALUES ($1, $2, $3, $4, $5)`,
		rid, v.ID, rwho, channel, rat); err != nil {
		return errs.Wrap(err, "response")
	}
	for _, r := range rows {
		if _, err := tx.ExecContext(ctx, `INSERT INTO survey_answers (response_id, survey_id, question_id, option_id, value, text) VALUES ($1, $2, $3, $4, $5, $6)`,
			rid, v.ID, r.question, r.option, r.value, r.text); err != nil {
			return errs.Wrap(err, "answer")
		}
	}
	if by == "" {
		return nil
	}
	return s.event(ctx, tx, v.ID, "record", map[string]any{"phone": auth.MaskPhone(who), "channel": channel}, u, s.clock.Now())
}
