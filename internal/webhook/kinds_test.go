package webhook_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/ticket"
	"github.com/gongzhi/gongzhi/internal/webhook"
)

// TestEveryEventKindDeliveredOrExcluded checks that each kind the ticket
// package can write is either one a subscription may name or listed, with
// its reason, as deliberately not delivered; and nothing else.
func TestEveryEventKindDeliveredOrExcluded(t *testing.T) {
	offered := webhook.EventKinds()
	for _, k := range ticket.EventKinds {
		in, why := slices.Contains(offered, k), webhook.NotDelivered[k]
		if in == (why != "") {
			t.Errorf("event kind %q: offered %v, not delivered because %q; want exactly one", k, in, why)
		}
	}
	for _, k := range offered {
		if !slices.Contains(ticket.EventKinds, k) {
			t.Errorf("subscriptions offer %q, which no ticket event carries", k)
		}
	}
	for k := range webhook.NotDelivered {
		if !slices.Contains(ticket.EventKinds, k) {
			t.Errorf("%q is listed as not delivered but is no event kind", k)
		}
	}
}

// TestMergedAndPhotoEventsDelivered subscribes by name to the news a merged
// request gets of the one it was merged into and to photos, which
// subscriptions could not name before; they go to the units of the ticket
// that carries them.
func TestMergedAndPhotoEventsDelivered(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		street := newReceiver(t)
		street.subscribe(t, f, f.handler, "S1", ticket.ActionParentReply, ticket.ActionParentClosed, ticket.ActionAttach)

		child := f.newTicket(t, "0102")  // S1
		parent := f.newTicket(t, "0101") // D-CG
		must(t, f.tickets.RecordAttachment(ctx, &f.handler, child.Number, "before", "photo-1", nil, nil))
		f.act(t, f.dispatcher, child.Number, ticket.ActionMerge, ticket.ActionInput{Into: parent.Number})
		f.act(t, f.dept, parent.Number, ticket.ActionSign, ticket.ActionInput{})
		f.act(t, f.dept, parent.Number, ticket.ActionContact, ticket.ActionInput{Note: "已电话联系"})
		f.act(t, f.dept, parent.Number, ticket.ActionReply, ticket.ActionInput{ReplyText: "已修复", Resolved: boolp(true)})
		f.act(t, f.dispatcher, parent.Number, ticket.ActionClose, ticket.ActionInput{Note: "已修复"})
		f.clock.Advance(time.Minute)
		f.run(t, f.hooks)

		var got []string
		for _, h := range street.got() {
			if !h.signed || h.payload.Event.TicketNumber != child.Number {
				t.Fatalf("S1's receiver got %+v", h.payload.Event)
			}
			got = append(got, h.payload.Event.Action)
		}
		if want := []string{ticket.ActionAttach, ticket.ActionParentReply, ticket.ActionParentClosed}; !slices.Equal(got, want) {
			t.Fatalf("S1 got %v, want %v", got, want)
		}
	})
}
