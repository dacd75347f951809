package app

import (
	"context"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/service"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// serviceTickets is how the service circle reaches the tickets: a
// complaint about a provider is a complaint ticket of the resident's
// community, reported by her; a request made from a ticket reads it as the
// staff member may and leaves a note on it by the ticket's ordinary
// actions (the contact with the reporter, where the ticket takes one now).
type serviceTickets struct{ t *ticket.Service }

var _ service.Tickets = serviceTickets{}

func (x serviceTickets) Complain(ctx context.Context, resident auth.User, areaCode, text string) (string, error) {
	t, err := x.t.Create(ctx, &resident, ticket.NewTicket{Kind: ticket.KindComplaint, Description: text, AreaCode: areaCode, ReporterPhone: resident.Phone})
	return t.Number, err
}

func (x serviceTickets) Read(ctx context.Context, u auth.User, number string) (string, string, error) {
	t, err := x.t.Get(ctx, u, number)
	return t.ReporterPhone, t.AreaCode, err
}

func (x serviceTickets) Note(ctx context.Context, u auth.User, number, text string) error {
	t, err := x.t.Get(ctx, u, number)
	if err != nil {
		return err
	}
	for _, a := range ticket.AvailableActions(u, t) {
		if a == ticket.ActionContact {
			_, err := x.t.Act(ctx, u, number, a, ticket.ActionInput{Note: text})
			return err
		}
	}
	return nil
}
