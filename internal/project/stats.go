package project

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// What the residents' evaluations of key projects give the unit's
// evaluation. A project counts in the period in which it closed, when its
// scores can no longer change, so a past period's figures stay as they were.

// ScoreStats are the residents' scores of the projects a unit ran that
// closed in a period.
type ScoreStats struct {
	Evaluations int64 `json:"evaluations"` // scores given
	Sum         int64 `json:"sum"`         // their sum
	Projects    int64 `json:"projects"`    // projects with at least one score
	Closed      int64 `json:"closed"`      // projects closed
}

// Mean is the mean score with one decimal, "" with none.
func (st ScoreStats) Mean() string { return Mean(st.Sum, st.Evaluations) }

func checkPeriod(from, to time.Time) error {
	if !from.Before(to) {
		return errs.Invalidf("统计期间的开始须早于结束", "a period's start must be before its end")
	}
	return nil
}

// ScoreStatsOf sums the scores of the organisation's projects closed in
// [from, to).
func (s *Service) ScoreStatsOf(ctx context.Context, orgCode string, from, to time.Time) (ScoreStats, error) {
	var st ScoreStats
	if err := checkPeriod(from, to); err != nil {
		return st, err
	}
	err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(eval_count), 0), COALESCE(SUM(eval_sum), 0),
COALESCE(SUM(CASE WHEN eval_count > 0 THEN 1 ELSE 0 END), 0) FROM projects WHERE org_code = $1 AND closed_at >= $2 AND closed_at < $3`,
		orgCode, db.Millis(from), db.Millis(to)).Scan(&st.Closed, &st.Evaluations, &st.Sum, &st.Projects)
	return st, errs.Wrap(err, "project scores")
}

// Share is how many of the key projects closed in a period had a
// residents' evaluation, of how many closed.
type Share struct {
	Evaluated int64 `json:"evaluated"`
	Closed    int64 `json:"closed"`
}

// Ratio is Evaluated/Closed, 0 when none closed.
func (sh Share) Ratio() float64 {
	if sh.Closed == 0 {
		return 0
	}
	return float64(sh.Evaluated) / float64(sh.Closed)
}

// EvaluatedShare counts the key projects closed in [from, to) and those of
// them with at least one residents' evaluation, in an area (code an area's:
// the area and those below it) or of an organisation (code an
// organisation's). An area's code wins over an organisation's of the same
// spelling; a code that is neither is not found.
func (s *Service) EvaluatedShare(ctx context.Context, code string, from, to time.Time) (Share, error) {
	var sh Share
	if err := checkPeriod(from, to); err != nil {
		return sh, err
	}
	if !gov.ValidCode(code) {
		return sh, errArea
	}
	var c db.Conds
	var found string
	err := s.db.R.QueryRowContext(ctx, `SELECT code FROM areas WHERE code = $1`, code).Scan(&found)
	switch {
	case err == nil:
		lo, hi := gov.UnderRange(code)
		c.Add(`area_code >= ? AND area_code < ?`, lo, hi)
	case errors.Is(err, sql.ErrNoRows):
		if _, err := gov.OrgQ(ctx, s.db.R, code); errs.Is(err, errs.NotFound) {
			return sh, errs.NotFoundf("没有代码为 %s 的区划或单位", "no area or organisation %s", code)
		} else if err != nil {
			return sh, err
		}
		c.Add(`org_code = ?`, code)
	default:
		return sh, errs.Wrap(err, "find area")
	}
	c.Add(`closed_at >= ? AND closed_at < ?`, db.Millis(from), db.Millis(to))
	err = s.db.R.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN eval_count > 0 THEN 1 ELSE 0 END), 0) FROM projects WHERE `+c.And(),
		c.Args...).Scan(&sh.Closed, &sh.Evaluated)
	return sh, errs.Wrap(err, "evaluated share")
}

// EvaluatedCounts counts, by responsible organisation, the projects closed
// in [from, to) and those of them residents evaluated: the evaluation's
// participation indicator "key projects evaluated".
func (s *Service) EvaluatedCounts(ctx context.Context, from, to time.Time) (map[string][2]int64, error) {
	return s.closedCounts(ctx, from, to, `COUNT(*), COALESCE(SUM(CASE WHEN eval_count > 0 THEN 1 ELSE 0 END), 0)`)
}

// ScoreCounts gives, by responsible organisation, the residents' scores of
// the projects closed in [from, to): how many were given and their sum, the
// evaluation's indicator "residents' score of key projects".
func (s *Service) ScoreCounts(ctx context.Context, from, to time.Time) (map[string][2]int64, error) {
	return s.closedCounts(ctx, from, to, `COALESCE(SUM(eval_count), 0), COALESCE(SUM(eval_sum), 0)`)
}

// closedCounts groups two sums (the SQL of the select list) of the projects
// closed in [from, to) by organisation.
func (s *Service) closedCounts(ctx context.Context, from, to time.Time, sums string) (map[string][2]int64, error) {
	if err := checkPeriod(from, to); err != nil {
		return nil, err
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT org_code, `+sums+`
FROM projects WHERE closed_at >= $1 AND closed_at < $2 GROUP BY org_code`, db.Millis(from), db.Millis(to))
	if err != nil {
		return nil, errs.Wrap(err, "closed projects")
	}
	defer rows.Close()
	out := map[string][2]int64{}
	for rows.Next() {
		var org string
		var a, b int64
		if err := rows.Scan(&org, &a, &b); err != nil {
			return nil, errs.Wrap(err, "scan closed projects")
		}
		out[org] = [2]int64{a, b}
	}
	return out, errs.Wrap(rows.Err(), "closed projects")
}
