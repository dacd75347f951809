package ticket_test

import (
	"context"
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// repliedTicket is a resident's ticket answered by its unit, waiting for the rating.
func repliedTicket(t *testing.T, f *fixture, desc string) ticket.Ticket {
	t.Helper()
	ctx := context.Background()
	tk := newStreetTicket(t, f, desc)
	for _, a := range []string{ticket.ActionSign, ticket.ActionContact} {
		_, err := f.tickets.Act(ctx, f.handler, tk.Number, a, ticket.ActionInput{})
		must(t, err)
	}
	tk, err := f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionReply, ticket.ActionInput{ReplyText: "已清理", Resolved: boolp(true)})
	must(t, err)
	return tk
}

// Only the reporter rates; a hotline agent or a dispatcher may record the
// rating she gives on a follow-up call, and the timeline says so. Staff who
// handled or oversee the ticket cannot rate it for her.
func TestWhoRates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		rating := ticket.ActionInput{Resolved: boolp(true), Satisfaction: ticket.Satisfied, Comment: "很好"}
		tk := repliedTicket(t, f, "楼道堆物")

		code, err := f.auth.RequestCode(ctx, "13900139000")
		must(t, err)
		s, err := f.auth.LoginWithCode(ctx, "13900139000", code, auth.KindAPI)
		must(t, err)
		neighbour := s.User
		for _, c := range []struct {
			name string
			u    auth.User
			code errs.Code
		}{
			{"grid worker", f.grid, errs.Forbidden},
			{"lead handler", f.handler, errs.Forbidden},
			{"supervisor", f.supervisor, errs.Forbidden},
			{"another resident", neighbour, errs.NotFound},
		} {
			if _, err := f.tickets.Act(ctx, c.u, tk.Number, ticket.ActionRate, rating); !errs.Is(err, c.code) {
				t.Errorf("%s rates: %v, want %s", c.name, err, c.code)
			}
			if got, err := f.tickets.Get(ctx, f.dispatcher, tk.Number); err != nil || got.Status != ticket.StatusReplied {
				t.Fatalf("after %s: %v %v", c.name, got.Status, err)
			}
			if c.code == errs.Forbidden {
				for _, a := range ticket.AvailableActions(c.u, tk) {
					if a == ticket.ActionRate {
						t.Errorf("%s is offered the rating", c.name)
					}
				}
			}
		}

		rateNote := func(number string) (string, bool) {
			evs, err := f.tickets.Events(ctx, f.dispatcher, number)
			must(t, err)
			for _, e := range evs {
				if e.Action == ticket.ActionRate {
					return e.Note, e.ByPhone
				}
			}
			t.Fatalf("no rating event on %s", number)
			return "", false
		}
		got, err := f.tickets.Act(ctx, f.resident, tk.Number, ticket.ActionRate, rating)
		must(t, err)
		if got.Status != ticket.StatusClosed {
			t.Fatalf("reporter's rating closes: %s", got.Status)
		}
		if n, byPhone := rateNote(tk.Number); byPhone || n != "satisfied: 很好" {
			t.Fatalf("reporter's own rating: %q", n)
		}
		for _, staff := range []auth.User{f.agent, f.dispatcher} {
			tk := repliedTicket(t, f, "回访 "+staff.Username)
			got, err := f.tickets.Act(ctx, staff, tk.Number, ticket.ActionRate, rating)
			must(t, err)
			if got.Status != ticket.StatusClosed || got.Rating == nil || got.Rating.Satisfaction != ticket.Satisfied {
				t.Fatalf("%s records the rating: %+v", staff.Username, got)
			}
			if n, byPhone := rateNote(tk.Number); !byPhone || n != "satisfied: 很好" {
				t.Fatalf("%s's recording is not marked as by phone: %q", staff.Username, n)
			}
		}
		// The other street's dispatcher is not the one to call back.
		other := repliedTicket(t, f, "别的街道的调度员")
		if _, err := f.tickets.Act(ctx, f.streetDispatcher, other.Number, ticket.ActionRate, rating); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("dispatcher outside the area: %v", err)
		}
	})
}
