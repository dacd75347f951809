package ticket

import (
	"context"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// AwaitingRating counts the tickets of a logged-in resident that have been
// answered and wait for her rating (待评价): the same tickets her list
// shows, replied and not held for an on-site check. Anyone else has none.
func (s *Service) AwaitingRating(ctx context.Context, u auth.User) (int, error) {
	if u.Role != auth.RoleResident || u.ID == "" {
		return 0, nil
	}
	var n int
	err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets WHERE reporter_user_id = $1 AND status = $2 AND check_status <> 'requested'`,
		u.ID, string(StatusReplied)).Scan(&n)
	return n, errs.Wrap(err, "count tickets awaiting rating")
}
