package notice

import (
	"context"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/evaluation"
)

// Participants are the residents who raised an objection in [from, to),
// with the item's area.
func (s *Service) Participants(ctx context.Context, from, to time.Time) ([]evaluation.Act, error) {
	return evaluation.QueryActs(ctx, s.db.R, `SELECT DISTINCT o.phone, n.area_code FROM notice_objections o
JOIN notices n ON n.number = o.number WHERE o.at >= $1 AND o.at < $2`, db.Millis(from), db.Millis(to))
}
