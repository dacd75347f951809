package election

import (
	"context"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/evaluation"
)

// Participants are the voters whose ballot was cast in [from, to), with the
// election's area.
func (s *Service) Participants(ctx context.Context, from, to time.Time) ([]evaluation.Act, error) {
	return evaluation.QueryActs(ctx, s.db.R, `SELECT DISTINCT b.voter, e.area_code FROM election_ballots b
JOIN elections e ON e.id = b.election_id WHERE b.cast_at >= $1 AND b.cast_at < $2`, db.Millis(from), db.Millis(to))
}
