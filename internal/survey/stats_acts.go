package survey

import (
	"context"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/evaluation"
)

// Participants are the residents who answered a survey in [from, to),
// with its area (staff respondents are not residents and drop out).
func (s *Service) Participants(ctx context.Context, from, to time.Time) ([]evaluation.Act, error) {
	return evaluation.QueryActs(ctx, s.db.R, `SELECT DISTINCT r.respondent, v.area_code FROM survey_respondents r
JOIN surveys v ON v.id = r.survey_id WHERE r.at >= $1 AND r.at < $2`, db.Millis(from), db.Millis(to))
}
