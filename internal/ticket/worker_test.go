package ticket_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

func TestSweep(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d) // Monday 09:00
		a := newStreetTicket(t, f, "井盖松动")
		b := newStreetTicket(t, f, "路面积水")
		_, err := f.tickets.Act(ctx, f.handler, b.Number, ticket.ActionWhistle, ticket.ActionInput{OrgCodes: []string{"D-CG"}, WithinHours: 1})
		must(t, err)

		f.clock.Advance(95 * time.Minute) // 10:35: past 75% of the 2-hour sign limit
		st, err := f.tickets.Sweep(ctx)
		must(t, err)
		if st.Yellow != 2 || st.Red != 0 || st.Missed != 1 {
			t.Fatalf("at 10:35: %+v", st)
		}
		st, err = f.tickets.Sweep(ctx)
		must(t, err)
		if st != (ticket.SweepStats{}) {
			t.Fatalf("a second pass repeats work: %+v", st)
		}

		f.clock.Advance(30 * time.Minute) // 11:05: overdue for signing
		// Two processes sweeping at once remind each ticket once.
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := ticket.SweepStats{}
		for i := 0; i < 2; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				st, err := f.tickets.Sweep(ctx)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				total.Red += st.Red
				total.Escalated += st.Escalated
				mu.Unlock()
			}()
		}
		wg.Wait()
		if total.Red != 2 || total.Escalated != 2 {
			t.Fatalf("concurrent sweeps: %+v", total)
		}
		got, err := f.tickets.Get(ctx, f.handler, a.Number)
		must(t, err)
		if !got.Overdue || got.Light != ticket.LightRed {
			t.Fatalf("overdue ticket: %v %s", got.Overdue, got.Light)
		}
		evs, err := f.tickets.Events(ctx, f.handler, a.Number)
		must(t, err)
		count := map[string]int{}
		for _, e := range evs {
			count[e.Action]++
		}
		if count["yellow_light"] != 1 || count["overdue"] != 1 || count["unsigned_escalated"] != 1 {
			t.Fatalf("timeline: %v", count)
		}
		// Signing starts a new deadline: the marks clear and the light is green again.
		got, err = f.tickets.Act(ctx, f.handler, a.Number, ticket.ActionSign, ticket.ActionInput{})
		must(t, err)
		if got.Overdue {
			t.Fatalf("signed ticket still marked overdue with light %s", got.Light)
		}
	})
}
