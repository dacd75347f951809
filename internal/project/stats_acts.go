package project

import (
	"context"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/evaluation"
)

// Participants are the residents who sent a need or an opinion or scored a
// project in [from, to), with the project's area.
func (s *Service) Participants(ctx context.Context, from, to time.Time) ([]evaluation.Act, error) {
	return evaluation.QueryActs(ctx, s.db.R, `SELECT i.phone, p.area_code FROM project_inputs i JOIN projects p ON p.number = i.number
WHERE i.created_at >= $1 AND i.created_at < $2
UNION SELECT e.phone, p.area_code FROM project_evaluations e JOIN projects p ON p.number = e.number
WHERE e.created_at >= $1 AND e.created_at < $2`, db.Millis(from), db.Millis(to))
}
