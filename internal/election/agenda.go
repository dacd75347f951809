package election

import (
	"context"

	"github.com/gongzhi/gongzhi/internal/agenda"
	"github.com/gongzhi/gongzhi/internal/auth"
)

// MineItems are the elections u is on the roll of, for her 我的事项: one
// that takes ballots and has none of hers yet waits for her.
func (s *Service) MineItems(ctx context.Context, u auth.User) ([]agenda.Item, error) {
	if u.Role != auth.RoleResident || u.Phone == "" {
		return nil, nil
	}
	list, _, err := s.List(ctx, u, Filter{Limit: 50})
	if err != nil {
		return nil, err
	}
	out := []agenda.Item{}
	for _, x := range list {
		e, err := s.Get(ctx, u, x.ID)
		if err != nil {
			return nil, err
		}
		if !e.Eligible {
			continue
		}
		it := agenda.Item{Kind: "election", Ref: e.ID, Title: e.Title, Status: e.Status, Role: "voter", URL: "/elections/" + e.ID, At: e.CreatedAt}
		if s.TakesBallots(e) && !e.Voted {
			closes := e.ClosesAt
			it.NeedsAction, it.Due = true, &closes
		}
		out = append(out, it)
	}
	return out, nil
}
