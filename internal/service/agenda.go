package service

import (
	"context"

	"github.com/gongzhi/gongzhi/internal/agenda"
	"github.com/gongzhi/gongzhi/internal/auth"
)

// TodoItems are the open requests of u's organisation, for her 待办: those
// awaiting confirmation (overdue first, then by due time) need her answer;
// confirmed ones await the completion on the provider's side.
func (s *Service) TodoItems(ctx context.Context, u auth.User) ([]agenda.Item, error) {
	if u.IsAdmin() || u.OrgCode == "" || !CanAnswer(u, u.OrgCode) {
		return nil, nil
	}
	rs, err := s.List(ctx, u, Filter{OrgCode: u.OrgCode, OpenOnly: true, Limit: 50})
	if err != nil {
		return nil, err
	}
	out := []agenda.Item{}
	for _, r := range rs {
		it := agenda.Item{Kind: "service", Ref: r.Number, Title: r.ServiceName + "：" + r.AreaName, Status: string(r.Status),
			Role: "provider", URL: "/staff/services/requests/" + r.Number, At: r.UpdatedAt}
		switch {
		case r.Status == StatusRequested:
			due := r.DueAt
			it.NeedsAction, it.Due = true, &due
		case r.ProviderDoneAt == nil:
			it.NeedsAction = true
			if r.SlotEndsAt != nil {
				end := *r.SlotEndsAt
				it.Due = &end
			}
		}
		out = append(out, it)
	}
	return out, nil
}

// MineItems are the resident's open requests, for her 我的事项: one confirmed
// that she has not confirmed done, or done and not rated, waits for her.
func (s *Service) MineItems(ctx context.Context, u auth.User) ([]agenda.Item, error) {
	if u.Role != auth.RoleResident || u.Phone == "" {
		return nil, nil
	}
	rs, err := s.List(ctx, u, Filter{Mine: true, Limit: 50})
	if err != nil {
		return nil, err
	}
	out := []agenda.Item{}
	for _, r := range rs {
		waits := (r.Status == StatusConfirmed && r.ResidentDoneAt == nil && r.ProviderDoneAt != nil) || (r.Status == StatusDone && r.Rating == 0)
		if !r.Status.Open() && !waits {
			continue
		}
		it := agenda.Item{Kind: "service", Ref: r.Number, Title: r.ProviderName + "：" + r.ServiceName, Status: string(r.Status),
			Role: "requester", URL: "/services/requests/" + r.Number, At: r.UpdatedAt, NeedsAction: waits}
		if r.SlotStartsAt != nil {
			st := *r.SlotStartsAt
			it.Due = &st
		}
		out = append(out, it)
	}
	return out, nil
}
