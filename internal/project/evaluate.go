package project

import (
	"context"
	"database/sql"
	"errors"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// The residents' evaluation after the works: one per resident (her
// phone), a score of 1 to 5 and a comment if she likes, which she may
// change until the project closes. The project keeps the count and the sum
// of the scores, exact; its mean is shown with one decimal.

// EvaluationIn is a resident's evaluation; Phone is set by staff entering
// it on her behalf: hers.
type EvaluationIn struct {
	Score int64  `json:"score"`
	Text  string `json:"text"`
	Phone string `json:"phone"`
}

// MaxComments is how many comments a project's page shows.
const MaxComments = 50

// Evaluate records the resident's evaluation while the project is
// evaluated, or changes the one she gave; created tells which.
func (s *Service) Evaluate(ctx context.Context, u auth.User, number string, in EvaluationIn) (Detail, bool, error) {
	in.Text = cleanText(in.Text)
	if in.Score < 1 || in.Score > 5 {
		return Detail{}, false, errs.Invalidf("评分须为1到5", "the score must be 1 to 5")
	}
	if utf8.RuneCountInString(in.Text) > MaxInput {
		return Detail{}, false, errs.Invalidf("评价意见不超过%d字", "the comment is at most %d characters", MaxInput)
	}
	created := false
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		p, err := s.lock(ctx, tx, number)
		if err != nil {
			return err
		}
		phone, behalf, err := participant(ctx, tx, u, p, in.Phone)
		if err != nil {
			return err
		}
		if p.Phase != Evaluating {
			return errs.Conflictf("只有在居民评价阶段可以评价", "evaluations are taken while the project is evaluated")
		}
		now := db.Millis(s.clock.Now())
		var old int64
		err = tx.QueryRowContext(ctx, `SELECT score FROM project_evaluations WHERE number = $1 AND phone = $2`, number, phone).Scan(&old)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			created = true
			_, err = tx.ExecContext(ctx, `INSERT INTO project_evaluations (number, phone, score, text, actor_id, on_behalf, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`, number, phone, in.Score, in.Text, u.ID, behalf != "", now)
			if err == nil {
				_, err = tx.ExecContext(ctx, `UPDATE projects SET eval_count = eval_count + 1, eval_sum = eval_sum + $2, updated_at = $3 WHERE number = $1`, number, in.Score, now)
			}
		case err == nil:
			_, err = tx.ExecContext(ctx, `UPDATE project_evaluations SET score = $3, text = $4, actor_id = $5, on_behalf = $6, updated_at = $7 WHERE number = $1 AND phone = $2`,
				number, phone, in.Score, in.Text, u.ID, behalf != "", now)
			if err == nil {
				_, err = tx.ExecContext(ctx, `UPDATE projects SET eval_sum = eval_sum + $2, updated_at = $3 WHERE number = $1`, number, in.Score-old, now)
			}
		}
		if err != nil {
			return errs.Wrap(err, "evaluate project")
		}
		kind := "evaluate"
		if !created {
			kind = "re-evaluate"
		}
		return s.event(ctx, tx, number, u, behalf, s.at(now), Event{Kind: kind, Percent: in.Score, Text: in.Text})
	})
	d, err := s.after(ctx, u, number, err)
	return d, created, err
}

// scores fills in the histogram of scores, the comments and u's own
// evaluation.
func (s *Service) scores(ctx context.Context, q db.Queryer, u auth.User, d *Detail) error {
	rows, err := q.QueryContext(ctx, `SELECT score, COUNT(*) FROM project_evaluations WHERE number = $1 GROUP BY score`, d.Number)
	if err != nil {
		return errs.Wrap(err, "scores")
	}
	for rows.Next() {
		var score, n int64
		if err := rows.Scan(&score, &n); err != nil {
			rows.Close()
			return errs.Wrap(err, "scan score")
		}
		if score >= 1 && score <= 5 {
			d.Scores[score-1] = n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "scores")
	}
	rows, err = q.QueryContext(ctx, `SELECT score, text, on_behalf, updated_at FROM project_evaluations WHERE number = $1 AND text <> ''
ORDER BY updated_at DESC LIMIT $2`, d.Number, MaxComments)
	if err != nil {
		return errs.Wrap(err, "comments")
	}
	d.Comments = []Evaluation{}
	for rows.Next() {
		var e Evaluation
		var at int64
		if err := rows.Scan(&e.Score, &e.Text, &e.OnBehalf, &at); err != nil {
			rows.Close()
			return errs.Wrap(err, "scan comment")
		}
		e.UpdatedAt = s.at(at)
		d.Comments = append(d.Comments, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "comments")
	}
	if u.Role != auth.RoleResident || u.Phone == "" {
		return nil
	}
	var e Evaluation
	var at int64
	err = q.QueryRowContext(ctx, `SELECT score, text, on_behalf, updated_at FROM project_evaluations WHERE number = $1 AND phone = $2`, d.Number, u.Phone).
		Scan(&e.Score, &e.Text, &e.OnBehalf, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return errs.Wrap(err, "my evaluation")
	}
	e.UpdatedAt = s.at(at)
	d.Mine = &e
	return nil
}
