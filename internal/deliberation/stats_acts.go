package deliberation

import (
	"context"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/evaluation"
)

// Participants are the residents who commented in [from, to), with the
// area of the item: residents taking part, for the evaluation.
func (s *Service) Participants(ctx context.Context, from, to time.Time) ([]evaluation.Act, error) {
	return evaluation.QueryActs(ctx, s.db.R, `SELECT DISTINCT author_phone, area_code FROM comments
WHERE author_phone <> '' AND created_at >= $1 AND created_at < $2`, db.Millis(from), db.Millis(to))
}
