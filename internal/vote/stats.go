package vote

import (
	"context"
	"time"

	"github.com/gongzhi/gongzhi/internal/evaluation"
)

// Voters are the owners whose ballot was cast in [from, to), by themselves
// or from their paper, with the vote's area: residents taking part.
func (s *Service) Voters(ctx context.Context, from, to time.Time) ([]evaluation.Act, error) {
	return evaluation.QueryActs(ctx, s.db.R, `SELECT DISTINCT u.owner, v.area_code FROM vote_ballots b
JOIN vote_units u ON u.vote_id = b.vote_id AND u.unit = b.unit JOIN votes v ON v.id = b.vote_id
WHERE b.cast_at >= $1 AND b.cast_at < $2`, from.UnixMilli(), to.UnixMilli())
}
