package survey

import (
	"context"
	"strconv"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Results are a survey's figures: per question, how many responses answered
// it and, for a choice or a scale, how many picked each option or value with
// its share of those who answered (a multiple choice's shares add up to more
// than 100); a scale's sum and mean. Counts are exact integers; shares are
// rounded half up to one decimal, means to two. Free-text answers are there
// only for those who run the survey.
type Results struct {
	SurveyID  string           `json:"survey_id"`
	Status    Status           `json:"status"`
	Responses int64            `json:"responses"`
	Questions []QuestionResult `json:"questions"`
	// Texts tells that the free-text answers are included.
	Texts bool `json:"texts"`
}

// QuestionResult is one question's figures.
type QuestionResult struct {
	QuestionID int64   `json:"question_id"`
	Position   int     `json:"position"`
	Kind       Kind    `json:"kind"`
	Prompt     string  `json:"prompt"`
	Answered   int64   `json:"answered"`
	Counts     []Count `json:"counts"`
	// A scale's: the sum of the values, and the mean (nil when unanswered).
	Sum  int64    `json:"sum"`
	Mean *float64 `json:"mean"`
	// A free-text question's answers, the newest MaxTexts (staff only).
	Answers []string `json:"answers,omitempty"`
	// LowLabel and HighLabel name a scale's ends.
	LowLabel  string `json:"low_label,omitempty"`
	HighLabel string `json:"high_label,omitempty"`
}

// Count is how many picked an option (ID is the option's) or a scale's
// value (ID is the value).
type Count struct {
	ID    int64   `json:"id"`
	Label string  `json:"label"`
	Count int64   `json:"count"`
	Share float64 `json:"share"`
}

// Share is n of total in percent, rounded half up to one decimal: exact
// integer arithmetic until the one division that makes the float.
func Share(n, total int64) float64 {
	if total <= 0 {
		return 0
	}
	tenths := (n*2000 + total) / (2 * total)
	return float64(tenths) / 10
}

// Mean is sum/count rounded half up to two decimals.
func Mean(sum, count int64) *float64 {
	if count <= 0 {
		return nil
	}
	hundredths := (sum*200 + count) / (2 * count)
	m := float64(hundredths) / 100
	return &m
}

// Results returns the survey's figures if u may read them now.
func (s *Service) Results(ctx context.Context, u auth.User, id string) (Results, Survey, error) {
	v, err := s.Get(ctx, u, id)
	if err != nil {
		return Results{}, v, err
	}
	if !v.ResultsOpen {
		return Results{}, v, errs.New(errs.Forbidden, "问卷结束后公布结果", "the results are published when the survey closes")
	}
	r := Results{SurveyID: v.ID, Status: v.Status, Responses: v.Responses, Texts: CanSeeTexts(u, v), Questions: []QuestionResult{}}
	counts, answered, err := s.tally(ctx, id)
	if err != nil {
		return r, v, err
	}
	for i, q := range v.Questions {
		qr := QuestionResult{QuestionID: q.ID, Position: i + 1, Kind: q.Kind, Prompt: q.Prompt, Answered: answered[q.ID], Counts: []Count{}}
		switch q.Kind {
		case Single, Multiple:
			for _, o := range q.Options {
				n := counts[key{q.ID, o.ID, 0}]
				qr.Counts = append(qr.Counts, Count{ID: o.ID, Label: o.Label, Count: n, Share: Share(n, qr.Answered)})
			}
		case Scale:
			qr.LowLabel, qr.HighLabel = q.LowLabel, q.HighLabel
			for x := int64(1); x <= q.ScaleMax; x++ {
				n := counts[key{q.ID, 0, x}]
				qr.Sum += n * x
				qr.Counts = append(qr.Counts, Count{ID: x, Label: strconv.FormatInt(x, 10), Count: n, Share: Share(n, qr.Answered)})
			}
			qr.Mean = Mean(qr.Sum, qr.Answered)
		case Text:
			if r.Texts {
				if qr.Answers, err = s.texts(ctx, id, q.ID); err != nil {
					return r, v, err
				}
			}
		}
		r.Questions = append(r.Questions, qr)
	}
	return r, v, nil
}

type key struct{ question, option, value int64 }

// tally counts the answers of a survey by question, option and value, and
// the responses that answered each question.
func (s *Service) tally(ctx context.Context, id string) (map[key]int64, map[int64]int64, error) {
	counts, answered := map[key]int64{}, map[int64]int64{}
	rows, err := s.db.R.QueryContext(ctx, `SELECT question_id, option_id, value, COUNT(*) FROM survey_answers
WHERE survey_id = $1 AND text = '' GROUP BY question_id, option_id, value`, id)
	if err != nil {
		return nil, nil, errs.Wrap(err, "tally")
	}
	for rows.Next() {
		var k key
		var n int64
		if err := rows.Scan(&k.question, &k.option, &k.value, &n); err != nil {
			rows.Close()
			return nil, nil, errs.Wrap(err, "tally")
		}
		counts[k] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, errs.Wrap(err, "tally")
	}
	rows, err = s.db.R.QueryContext(ctx, `SELECT question_id, COUNT(DISTINCT response_id) FROM survey_answers WHERE survey_id = $1 GROUP BY question_id`, id)
	if err != nil {
		return nil, nil, errs.Wrap(err, "answered")
	}
	defer rows.Close()
	for rows.Next() {
		var q, n int64
		if err := rows.Scan(&q, &n); err != nil {
			return nil, nil, errs.Wrap(err, "answered")
		}
		answered[q] = n
	}
	return counts, answered, errs.Wrap(rows.Err(), "answered")
}

// texts are the newest free-text answers to a question.
func (s *Service) texts(ctx context.Context, id string, qid int64) ([]string, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT a.text FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id
WHERE a.survey_id = $1 AND a.question_id = $2 AND a.text <> '' ORDER BY r.at DESC, r.id DESC LIMIT $3`, id, qid, MaxTexts)
	if err != nil {
		return nil, errs.Wrap(err, "texts")
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, errs.Wrap(err, "texts")
		}
		out = append(out, t)
	}
	return out, errs.Wrap(rows.Err(), "texts")
}
