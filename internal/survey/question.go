package survey

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/plaintext"
)

// QuestionIn is a question to add. Options are a choice question's (2 to
// 20); MaxPicks bounds a multiple choice (0: any number); ScaleMax is 5 or
// 10, LowLabel and HighLabel name the ends of a scale.
type QuestionIn struct {
	Kind      Kind     `json:"kind"`
	Prompt    string   `json:"prompt"`
	Required  bool     `json:"required"`
	Options   []string `json:"options"`
	MaxPicks  int64    `json:"max_picks"`
	ScaleMax  int64    `json:"scale_max"`
	LowLabel  string   `json:"low_label"`
	HighLabel string   `json:"high_label"`
}

func oneLine(s string, max int) bool {
	return utf8.RuneCountInString(s) <= max && !strings.ContainsAny(s, "\r\n")
}

func (q *QuestionIn) check() error {
	q.Prompt = strings.TrimSpace(plaintext.Clean(q.Prompt))
	q.LowLabel, q.HighLabel = strings.TrimSpace(plaintext.Clean(q.LowLabel)), strings.TrimSpace(plaintext.Clean(q.HighLabel))
	if !q.Kind.Valid() {
		return errs.Invalidf("题型须为 single（单选）、multiple（多选）、scale（量表）或 text（填空）", "kind must be single, multiple, scale or text")
	}
	if q.Prompt == "" || utf8.RuneCountInString(q.Prompt) > MaxPrompt {
		return errs.Invalidf("题目不能为空且不超过%d字", "the question must be 1 to %d characters", MaxPrompt)
	}
	if !q.Kind.Choice() && len(q.Options) > 0 {
		return errs.Invalidf("只有选择题有选项", "only choice questions have options")
	}
	if q.Kind != Multiple && q.MaxPicks != 0 {
		return errs.Invalidf("只有多选题可限定最多选几项", "only a multiple choice takes max_picks")
	}
	if q.Kind != Scale && (q.ScaleMax != 0 || q.LowLabel != "" || q.HighLabel != "") {
		return errs.Invalidf("只有量表题有分值范围和两端说明", "only a scale takes scale_max and end labels")
	}
	switch q.Kind {
	case Single, Multiple:
		return q.checkOptions()
	case Scale:
		if q.ScaleMax != 5 && q.ScaleMax != 10 {
			return errs.Invalidf("量表须为1到5或1到10", "a scale goes from 1 to 5 or from 1 to 10")
		}
		if !oneLine(q.LowLabel, MaxScaleLabel) || !oneLine(q.HighLabel, MaxScaleLabel) {
			return errs.Invalidf("量表两端的说明各不超过%d字且只占一行", "each end label must be at most %d characters on one line", MaxScaleLabel)
		}
	}
	return nil
}

func (q *QuestionIn) checkOptions() error {
	var opts []string
	seen := map[string]bool{}
	for _, o := range q.Options {
		o = strings.TrimSpace(plaintext.Clean(o))
		switch {
		case o == "":
			continue
		case !oneLine(o, MaxOption):
			return errs.Invalidf("每个选项不超过%d字且只占一行", "each option must be at most %d characters on one line", MaxOption)
		case seen[o]:
			return errs.Invalidf("选项「%s」重复", "option %q repeats", o)
		}
		seen[o] = true
		opts = append(opts, o)
	}
	if len(opts) < MinOptions || len(opts) > MaxOptions {
		return errs.Invalidf("选择题须有%d到%d个选项", "a choice question needs %d to %d options", MinOptions, MaxOptions)
	}
	if q.MaxPicks < 0 || q.MaxPicks > int64(len(opts)) {
		return errs.Invalidf("最多可选项数须为0（不限）到选项数", "max_picks must be 0 (no limit) to the number of options")
	}
	q.Options = opts
	return nil
}

// AddQuestion adds a question at the end of a draft survey.
func (s *Service) AddQuestion(ctx context.Context, u auth.User, id string, q QuestionIn) (Survey, error) {
	if err := q.check(); err != nil {
		return Survey{}, err
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		v, err := s.editable(ctx, tx, u, id)
		if err != nil {
			return err
		}
		var n, high int64
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(id), 0) FROM survey_questions WHERE survey_id = $1`, id).Scan(&n, &high); err != nil {
			return errs.Wrap(err, "count questions")
		}
		if n >= MaxQuestions {
			return errs.Conflictf("一份问卷最多%d题", "a survey has at most %d questions", MaxQuestions)
		}
		qid := high + 1
		_, err = tx.ExecContext(ctx, `INSERT INTO survey_questions (survey_id, id, kind, prompt, required, max_picks, scale_max, low_label, high_label)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, id, qid, string(q.Kind), q.Prompt, q.Required, q.MaxPicks, q.ScaleMax, q.LowLabel, q.HighLabel)
		if err != nil {
			return errs.Wrap(err, "insert question")
		}
		for i, o := range q.Options {
			if _, err := tx.ExecContext(ctx, `INSERT INTO survey_options (survey_id, question_id, id, label) VALUES ($1, $2, $3, $4)`, id, qid, i+1, o); err != nil {
				return errs.Wrap(err, "insert option")
			}
		}
		return s.touch(ctx, tx, v, u, "question", map[string]any{"question": qid, "kind": q.Kind})
	})
	if err != nil {
		return Survey{}, err
	}
	return s.Get(ctx, u, id)
}

// DeleteQuestion removes a question of a draft survey.
func (s *Service) DeleteQuestion(ctx context.Context, u auth.User, id string, qid int64) (Survey, error) {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		v, err := s.editable(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM survey_options WHERE survey_id = $1 AND question_id = $2`, id, qid); err != nil {
			return errs.Wrap(err, "delete options")
		}
		x, err := tx.ExecContext(ctx, `DELETE FROM survey_questions WHERE survey_id = $1 AND id = $2`, id, qid)
		if err != nil {
			return errs.Wrap(err, "delete question")
		}
		if k, _ := x.RowsAffected(); k == 0 {
			return errs.NotFoundf("问卷中没有第 %d 号题目", "the survey has no question %d", qid)
		}
		return s.touch(ctx, tx, v, u, "unquestion", map[string]any{"question": qid})
	})
	if err != nil {
		return Survey{}, err
	}
	return s.Get(ctx, u, id)
}

// editable locks a survey u runs that is still a draft.
func (s *Service) editable(ctx context.Context, tx *sql.Tx, u auth.User, id string) (Survey, error) {
	v, err := s.lock(ctx, tx, u, id)
	if err != nil {
		return v, err
	}
	if v.Status != StatusDraft {
		return v, errDraft
	}
	return v, nil
}

// lock reads the survey for a change by u, who must run it, holding its row
// (PostgreSQL) until the transaction ends: changes of one survey, and its
// events' numbers, go one at a time.
func (s *Service) lock(ctx context.Context, tx *sql.Tx, u auth.User, id string) (Survey, error) {
	v, err := s.read(ctx, tx, id, true)
	if err != nil {
		return v, err
	}
	if !CanManage(u, v) {
		resident, err := disclosure.Resident(ctx, tx, u, v.AreaCode)
		if err != nil {
			return Survey{}, err
		}
		if !CanSee(u, v, resident) {
			return Survey{}, errNotFound
		}
		return Survey{}, errs.New(errs.Forbidden, "只有发起问卷的辖区工作人员可以修改问卷", "only the staff of the survey's area change it")
	}
	return v, nil
}

// touch marks the survey changed and appends the event.
func (s *Service) touch(ctx context.Context, tx *sql.Tx, v Survey, u auth.User, kind string, detail any) error {
	now := s.clock.Now()
	if _, err := tx.ExecContext(ctx, `UPDATE surveys SET updated_at = $2 WHERE id = $1`, v.ID, db.Millis(now)); err != nil {
		return errs.Wrap(err, "touch survey")
	}
	return s.event(ctx, tx, v.ID, kind, detail, u, now)
}

// questions reads a survey's questions with their options, in order.
func questions(ctx context.Context, q db.Queryer, id string) ([]Question, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, kind, prompt, required, max_picks, scale_max, low_label, high_label FROM survey_questions
WHERE survey_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, errs.Wrap(err, "questions")
	}
	out := []Question{}
	at := map[int64]int{}
	for rows.Next() {
		var x Question
		if err := rows.Scan(&x.ID, &x.Kind, &x.Prompt, &x.Required, &x.MaxPicks, &x.ScaleMax, &x.LowLabel, &x.HighLabel); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan question")
		}
		x.Options = []Option{}
		at[x.ID] = len(out)
		out = append(out, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "questions")
	}
	rows, err = q.QueryContext(ctx, `SELECT question_id, id, label FROM survey_options WHERE survey_id = $1 ORDER BY question_id, id`, id)
	if err != nil {
		return nil, errs.Wrap(err, "options")
	}
	defer rows.Close()
	for rows.Next() {
		var qid int64
		var o Option
		if err := rows.Scan(&qid, &o.ID, &o.Label); err != nil {
			return nil, errs.Wrap(err, "scan option")
		}
		if i, ok := at[qid]; ok {
			out[i].Options = append(out[i].Options, o)
		}
	}
	if err := rows.Err(); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, errs.Wrap(err, "options")
	}
	return out, nil
}
