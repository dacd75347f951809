package vote

import (
	"context"

	"github.com/gongzhi/gongzhi/internal/agenda"
	"github.com/gongzhi/gongzhi/internal/auth"
)

// MineItems are the votes u is an owner in, for her 我的事项: one that takes
// ballots and still waits for one of her units' ballot needs her.
func (s *Service) MineItems(ctx context.Context, u auth.User) ([]agenda.Item, error) {
	if u.Role != auth.RoleResident || u.Phone == "" {
		return nil, nil
	}
	votes, _, err := s.List(ctx, u, Filter{Limit: MaxList})
	if err != nil {
		return nil, err
	}
	out := []agenda.Item{}
	for _, v := range votes {
		it := agenda.Item{Kind: "vote", Ref: v.ID, Title: v.Title, Status: v.Status, Role: "owner", URL: "/votes#v-" + v.ID, At: v.CreatedAt}
		if v.ClosedAt != nil {
			it.At = *v.ClosedAt
		}
		if s.TakesBallots(v) {
			units, err := s.Register(ctx, u, v.ID)
			if err != nil {
				return nil, err
			}
			for _, b := range units {
				if !b.Voted {
					closes := v.ClosesAt
					it.NeedsAction, it.Due = true, &closes
					break
				}
			}
		}
		out = append(out, it)
	}
	return out, nil
}
