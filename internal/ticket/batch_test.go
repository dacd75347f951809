package ticket_test

import (
	"context"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/idem"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

func countEvents(t *testing.T, d *db.DB, number, action string) int {
	t.Helper()
	var n int
	must(t, d.R.QueryRow(`SELECT COUNT(*) FROM ticket_events WHERE ticket_number = $1 AND action = $2`, number, action).Scan(&n))
	return n
}

// A batch dispatch acts on each ticket with its own event and its own check:
// a ticket the dispatcher may not touch and one already dispatched are
// refused with their reasons while the others are done, and a retry under
// the same Idempotency-Key repeats nothing.
func TestActMany(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		var numbers []string
		for _, area := range []string{"110117002001", "110117002001", "110117002001", "110117001001"} {
			tk, err := f.tickets.Create(ctx, &f.agent, ticket.NewTicket{Kind: ticket.KindHelp, CategoryCode: "09",
				Description: "邻居装修噪音扰民", AreaCode: area, ReporterPhone: "13912345678", ReporterName: "李强"})
			must(t, err)
			numbers = append(numbers, tk.Number)
		}
		_, err := f.tickets.Act(ctx, f.dispatcher, numbers[2], ticket.ActionDispatch, ticket.ActionInput{OrgCode: "S2"})
		must(t, err)

		kctx := idem.With(ctx, idem.Key{Scope: "u:" + f.streetDispatcher.ID, Key: "batch-1", RequestHash: "h"})
		res, err := f.tickets.ActMany(kctx, f.streetDispatcher, ticket.ActionDispatch, numbers, ticket.ActionInput{OrgCode: "S2", Note: "属地办理"})
		must(t, err)
		if len(res) != 4 || !res[0].OK || !res[1].OK || res[0].Status != ticket.StatusDispatched {
			t.Fatalf("results %+v", res)
		}
		if res[2].OK || res[2].Error.Code != errs.Conflict || res[2].Reason.Message == "" {
			t.Fatalf("an already dispatched ticket: %+v", res[2])
		}
		if res[3].OK || res[3].Error == nil { // another street's ticket
			t.Fatalf("a ticket out of her area: %+v", res[3])
		}
		for _, n := range numbers[:2] {
			if c := countEvents(t, d, n, ticket.ActionDispatch); c != 1 {
				t.Fatalf("%s has %d dispatch events, want 1", n, c)
			}
		}
		again, err := f.tickets.ActMany(kctx, f.streetDispatcher, ticket.ActionDispatch, numbers, ticket.ActionInput{OrgCode: "S2", Note: "属地办理"})
		must(t, err)
		if !again[0].OK || !again[1].OK || countEvents(t, d, numbers[0], ticket.ActionDispatch) != 1 {
			t.Fatalf("the retried batch: %+v", again)
		}

		res, err = f.tickets.ActMany(ctx, f.supervisor, ticket.ActionRemind, numbers[:2], ticket.ActionInput{Note: "请加快办理"})
		must(t, err)
		if !res[0].OK || !res[1].OK || countEvents(t, d, numbers[1], ticket.ActionRemind) != 1 {
			t.Fatalf("remind %+v", res)
		}
		res, err = f.tickets.ActMany(ctx, f.handler, ticket.ActionRemind, numbers[:1], ticket.ActionInput{})
		must(t, err)
		if res[0].OK {
			t.Fatal("a handler reminded a ticket")
		}

		many := make([]string, ticket.MaxBatch+1)
		for i := range many {
			many[i] = numbers[0]
		}
		for _, bad := range []struct {
			action  string
			numbers []string
		}{
			{ticket.ActionClose, numbers},
			{ticket.ActionRemind, nil},
			{ticket.ActionRemind, many},
			{ticket.ActionRemind, []string{numbers[0], numbers[0]}},
			{ticket.ActionRemind, []string{"nope"}},
		} {
			if _, err := f.tickets.ActMany(ctx, f.supervisor, bad.action, bad.numbers, ticket.ActionInput{}); !errs.Is(err, errs.Invalid) {
				t.Fatalf("%s %d: %v, want invalid", bad.action, len(bad.numbers), err)
			}
		}
		if _, err := f.tickets.ActMany(ctx, f.dispatcher, ticket.ActionDispatch, numbers[:1], ticket.ActionInput{}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("a dispatch without a unit: %v", err)
		}
	})
}
