package ticket_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

func actions(evs []ticket.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Action)
	}
	return out
}

func TestWithdraw(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		number, _ := build(t, ctx, f, "registered")
		for _, u := range []auth.User{f.dispatcher, f.handler, {Role: auth.RoleResident, Phone: "13900139000"}} {
			if _, err := f.tickets.Act(ctx, u, number, ticket.ActionWithdraw, ticket.ActionInput{}); err == nil {
				t.Fatalf("%s withdrew the reporter's request", u.Role)
			}
		}
		tk, err := f.tickets.Act(ctx, f.resident, number, ticket.ActionWithdraw, ticket.ActionInput{Note: "已自行解决"})
		must(t, err)
		if tk.Status != ticket.StatusWithdrawn || tk.ClosedAt == nil {
			t.Fatalf("withdrawn: %s %v", tk.Status, tk.ClosedAt)
		}
		if got := ticket.AvailableActions(f.dispatcher, tk); slices.Contains(got, ticket.ActionDispatch) {
			t.Fatalf("a withdrawn request can still be dispatched: %v", got)
		}
		evs, err := f.tickets.Events(ctx, f.resident, number)
		must(t, err)
		if last := evs[len(evs)-1]; last.Action != ticket.ActionWithdraw || last.Note != "已自行解决" {
			t.Fatalf("the reporter's timeline: %+v", last)
		}
		// Once a unit has it, it is the unit's to answer.
		dispatched, _ := build(t, ctx, f, "dispatched")
		if _, err := f.tickets.Act(ctx, f.resident, dispatched, ticket.ActionWithdraw, ticket.ActionInput{}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("withdraw after dispatch: %v", err)
		}
	})
}

func TestUrgeOnceADay(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		registered, _ := build(t, ctx, f, "registered")
		if _, err := f.tickets.Act(ctx, f.resident, registered, ticket.ActionUrge, ticket.ActionInput{}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("urge before dispatch: %v", err)
		}
		number, _ := build(t, ctx, f, "signed")
		if _, err := f.tickets.Act(ctx, f.handler, number, ticket.ActionUrge, ticket.ActionInput{}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("the unit urged itself: %v", err)
		}
		tk, err := f.tickets.Act(ctx, f.resident, number, ticket.ActionUrge, ticket.ActionInput{Note: "已经一周了"})
		must(t, err)
		if tk.UrgeCount != 1 {
			t.Fatalf("urge count %d", tk.UrgeCount)
		}
		// 23:59 business time is still the same day.
		f.clock.Set(time.Date(2026, 3, 2, 23, 59, 0, 0, time.FixedZone("CST", 8*3600)))
		_, err = f.tickets.Act(ctx, f.resident, number, ticket.ActionUrge, ticket.ActionInput{})
		if !errs.Is(err, errs.TooMany) || errs.As(err).RetryAfter < 1 || !strings.Contains(errs.As(err).Msg, "今天") {
			t.Fatalf("second urge the same day: %v", err)
		}
		f.clock.Advance(2 * time.Minute)
		tk, err = f.tickets.Act(ctx, f.resident, number, ticket.ActionUrge, ticket.ActionInput{})
		must(t, err)
		staff, err := f.tickets.Get(ctx, f.handler, number)
		must(t, err)
		if tk.UrgeCount != 2 || staff.UrgeCount != 2 {
			t.Fatalf("urge count %d, the unit sees %d", tk.UrgeCount, staff.UrgeCount)
		}
		notes, err := f.tickets.Notifications(ctx, f.handler, 50)
		must(t, err)
		if !slices.ContainsFunc(notes, func(n ticket.Notification) bool {
			return n.Kind == ticket.ActionUrge && strings.Contains(n.Text, "已经一周了")
		}) {
			t.Fatalf("the unit was not told: %+v", notes)
		}
		// The public does not see the reporter's urging.
		pub := ticket.Timeline([]ticket.Event{{Action: ticket.ActionUrge, Note: "x"}}, ticket.AudiencePublic)
		if len(pub) != 0 {
			t.Fatalf("public sees urging: %+v", pub)
		}
	})
}

func TestSupplement(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		number, _ := build(t, ctx, f, "in_progress")
		if _, err := f.tickets.Act(ctx, f.resident, number, ticket.ActionSupplement, ticket.ActionInput{}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("empty supplement: %v", err)
		}
		if _, err := f.tickets.Act(ctx, f.resident, number, ticket.ActionSupplement, ticket.ActionInput{Note: strings.Repeat("长", 2001)}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("supplement of 2001 characters: %v", err)
		}
		if _, err := f.tickets.Act(ctx, f.dispatcher, number, ticket.ActionSupplement, ticket.ActionInput{Note: "x"}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("staff supplement: %v", err)
		}
		_, err := f.tickets.Act(ctx, f.resident, number, ticket.ActionSupplement, ticket.ActionInput{Note: strings.Repeat("长", 1990) + "门牌号12号"})
		must(t, err)
		for _, u := range []auth.User{f.resident, f.handler} {
			evs, err := f.tickets.Events(ctx, u, number)
			must(t, err)
			last := evs[len(evs)-1]
			if last.Action != ticket.ActionSupplement || !strings.HasSuffix(last.Note, "门牌号12号") {
				t.Fatalf("%s's timeline ends with %+v (%v)", u.Role, last.Action, actions(evs))
			}
		}
		// Each addition is a message to the unit: a few a day.
		for i := 1; i < ticket.MaxSupplementsPerDay; i++ {
			_, err := f.tickets.Act(ctx, f.resident, number, ticket.ActionSupplement, ticket.ActionInput{Note: "又补充一条"})
			must(t, err)
		}
		_, err = f.tickets.Act(ctx, f.resident, number, ticket.ActionSupplement, ticket.ActionInput{Note: "再补充一条"})
		if e := errs.As(err); !errs.Is(err, errs.TooMany) || e.RetryAfter <= 0 {
			t.Fatalf("supplement %d the same day: %v", ticket.MaxSupplementsPerDay+1, err)
		}
		closed, _ := build(t, ctx, f, "closed")
		if _, err := f.tickets.Act(ctx, f.resident, closed, ticket.ActionSupplement, ticket.ActionInput{Note: "x"}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("supplement to a closed ticket: %v", err)
		}
	})
}
