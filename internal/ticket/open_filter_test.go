package ticket_test

import (
	"context"
	"slices"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// The filter value "open" lists what is still being worked, whatever its
// step, and nothing replied, closed or otherwise ended; an unknown status
// is refused.
func TestListOpen(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		mk := func() ticket.Ticket { // category 09 has no rule: it waits in the dispatchers' queue
			tk, err := f.tickets.Create(ctx, &f.agent, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: "09",
				Description: "楼道灯不亮", AreaCode: "110117001001", ReporterPhone: "13911114444"})
			must(t, err)
			return tk
		}
		queued, dispatched, signed, replied := mk(), mk(), mk(), mk()
		for _, tk := range []ticket.Ticket{dispatched, signed, replied} {
			_, err := f.tickets.Act(ctx, f.dispatcher, tk.Number, ticket.ActionDispatch, ticket.ActionInput{OrgCode: "S1"})
			must(t, err)
		}
		for _, tk := range []ticket.Ticket{signed, replied} {
			_, err := f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionSign, ticket.ActionInput{})
			must(t, err)
		}
		_, err := f.tickets.Act(ctx, f.handler, replied.Number, ticket.ActionContact, ticket.ActionInput{})
		must(t, err)
		yes := true
		_, err = f.tickets.Act(ctx, f.handler, replied.Number, ticket.ActionReply, ticket.ActionInput{ReplyText: "已修复楼道灯", Resolved: &yes})
		must(t, err)

		p, err := f.tickets.List(ctx, f.dispatcher, ticket.Filter{Status: ticket.StatusOpen})
		must(t, err)
		got := numbersOf(p)
		for _, tk := range []ticket.Ticket{queued, dispatched, signed} {
			if !slices.Contains(got, tk.Number) {
				t.Errorf("open: %v lacks %s (%s)", got, tk.Number, tk.Status)
			}
		}
		if slices.Contains(got, replied.Number) {
			t.Errorf("open: %v holds the replied %s", got, replied.Number)
		}
		p, err = f.tickets.List(ctx, f.handler, ticket.Filter{Status: ticket.StatusOpen})
		must(t, err)
		if got := numbersOf(p); len(got) != 2 || !slices.Contains(got, dispatched.Number) || !slices.Contains(got, signed.Number) {
			t.Errorf("the unit's open tickets: %v, want %s and %s", got, dispatched.Number, signed.Number)
		}
		if _, err := f.tickets.List(ctx, f.dispatcher, ticket.Filter{Status: "opened"}); err == nil {
			t.Error("an unknown status was taken")
		}
	})
}
