package screening

import (
	"context"

	"github.com/gongzhi/gongzhi/internal/agenda"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// TodoItems are, for a grid worker's 待办, the rounds under way in her
// grids with places still to check, due at their end.
func (s *Service) TodoItems(ctx context.Context, u auth.User) ([]agenda.Item, error) {
	if u.Role != auth.RoleGridWorker || u.AreaCode == "" {
		return nil, nil
	}
	now := s.clock.Now()
	lo, hi := gov.UnderRange(u.AreaCode)
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+roundCols+roundFrom+`
WHERE r.area_code >= $1 AND r.area_code < $2 AND r.status = 'open' AND r.starts_at <= $3 AND r.checked < r.listed ORDER BY r.ends_at LIMIT 50`, lo, hi, db.Millis(now))
	if err != nil {
		return nil, errs.Wrap(err, "rounds to do")
	}
	defer rows.Close()
	out := []agenda.Item{}
	for rows.Next() {
		r, err := s.scan(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan round")
		}
		due := r.EndsAt
		out = append(out, agenda.Item{Kind: "screening", Ref: r.ID, Title: r.AreaName + "：" + r.Title, Status: string(r.Status),
			Role: "record", URL: "/staff/screening/" + r.ID, NeedsAction: true, Due: &due, At: r.UpdatedAt})
	}
	return out, errs.Wrap(rows.Err(), "rounds to do")
}
