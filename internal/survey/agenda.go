package survey

import (
	"context"

	"github.com/gongzhi/gongzhi/internal/agenda"
	"github.com/gongzhi/gongzhi/internal/auth"
)

// MineItems are the open surveys u may answer or has answered, for her
// 我的事项.
func (s *Service) MineItems(ctx context.Context, u auth.User) ([]agenda.Item, error) {
	if u.Role != auth.RoleResident || u.Phone == "" {
		return nil, nil
	}
	page, err := s.List(ctx, u, Filter{Status: StatusOpen, Limit: 50})
	if err != nil {
		return nil, err
	}
	out := []agenda.Item{}
	for _, v := range page.Items {
		if !v.CanAnswer && !v.Answered {
			continue
		}
		it := agenda.Item{Kind: "survey", Ref: v.ID, Title: v.Title, Status: string(v.Status), Role: "respondent", URL: "/surveys/" + v.ID, At: v.CreatedAt}
		if v.CanAnswer {
			closes := v.ClosesAt
			it.NeedsAction, it.Due = true, &closes
		}
		out = append(out, it)
	}
	return out, nil
}
