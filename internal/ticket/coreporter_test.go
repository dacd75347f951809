package ticket_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// residentWith logs a resident in by a one-time code to the phone.
func residentWith(t *testing.T, f *fixture, phone string) auth.User {
	t.Helper()
	ctx := context.Background()
	code, err := f.auth.RequestCode(ctx, phone)
	must(t, err)
	s, err := f.auth.LoginWithCode(ctx, phone, code, auth.KindAPI)
	must(t, err)
	return s.User
}

func countTickets(t *testing.T, d *db.DB) int {
	t.Helper()
	var n int
	must(t, d.R.QueryRow(`SELECT COUNT(*) FROM tickets`).Scan(&n))
	return n
}

// A second resident who meets the same problem joins the open request
// (我也遇到) instead of filing a duplicate: no new ticket, pressing twice
// does nothing more, she finds it among hers, is told of its reply once,
// and the staff see the count. A closed request takes no one more.
func TestMeTooJoinsTheRequest(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		lat, lng := 40.1441, 117.1107
		tk, err := f.tickets.Create(ctx, &f.resident, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: "0102",
			Description: "路口垃圾堆了三天，有事打13800138000", AreaCode: "110117001001", Lat: &lat, Lng: &lng, ReporterName: "王秀英"})
		must(t, err)
		before := countTickets(t, d)
		neighbour := residentWith(t, f, "13900139000")

		if added, err := f.tickets.MeToo(ctx, neighbour, tk.Number); err != nil || !added {
			t.Fatalf("me too: %v %v", added, err)
		}
		if added, err := f.tickets.MeToo(ctx, neighbour, tk.Number); err != nil || added {
			t.Fatalf("me too again: %v %v, want no change", added, err)
		}
		if added, err := f.tickets.MeToo(ctx, f.resident, tk.Number); err != nil || added {
			t.Fatalf("the reporter's own me too: %v %v", added, err)
		}
		if _, err := f.tickets.MeToo(ctx, auth.User{Role: auth.RoleResident}, tk.Number); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("me too without a phone: %v", err)
		}
		if _, err := f.tickets.MeToo(ctx, f.dispatcher, tk.Number); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("staff me too: %v", err)
		}
		if n := countTickets(t, d); n != before {
			t.Fatalf("tickets %d, want %d: me too filed one", n, before)
		}
		nums, err := f.tickets.CoReportedBy(ctx, "13900139000")
		if err != nil || len(nums) != 1 || nums[0] != tk.Number {
			t.Fatalf("co-reported by her: %v %v", nums, err)
		}
		staff, err := f.tickets.Get(ctx, f.dispatcher, tk.Number)
		if err != nil || staff.CoReporterCount != 1 {
			t.Fatalf("staff see %d co-reporters: %v", staff.CoReporterCount, err)
		}
		if !ticket.IsCoReporter(neighbour, staff) || ticket.IsCoReporter(f.resident, staff) {
			t.Fatal("co-reporter predicate")
		}
		counts, err := f.tickets.CoReporterCounts(ctx, []string{tk.Number, "X"})
		if err != nil || counts[tk.Number] != 1 || len(counts) != 1 {
			t.Fatalf("counts %v %v", counts, err)
		}

		// The reply reaches her, once.
		for _, a := range []string{ticket.ActionSign, ticket.ActionContact} {
			_, err := f.tickets.Act(ctx, f.handler, tk.Number, a, ticket.ActionInput{})
			must(t, err)
		}
		_, err = f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionReply, ticket.ActionInput{ReplyText: "已清运", Resolved: boolp(true)})
		must(t, err)
		for range 2 {
			_, err := f.tickets.Sweep(ctx)
			must(t, err)
		}
		ns, err := f.tickets.Notifications(ctx, neighbour, 10)
		must(t, err)
		if len(ns) != 1 || ns[0].Kind != "replied" || ns[0].TicketNumber != tk.Number || !strings.Contains(ns[0].Text, tk.Number) {
			t.Fatalf("her notifications: %+v", ns)
		}

		// She follows it as her own: in her list, open to her without the
		// reporter's name or phone, and hers to rate.
		mine, err := f.tickets.List(ctx, neighbour, ticket.Filter{})
		must(t, err)
		if len(mine.Items) != 1 || mine.Items[0].Number != tk.Number {
			t.Fatalf("her list: %+v", mine.Items)
		}
		seen, err := f.tickets.Get(ctx, neighbour, tk.Number)
		must(t, err)
		if seen.ReporterPhone == f.resident.Phone || seen.ReporterName == "王秀英" || strings.Contains(seen.Description, "13800138000") ||
			seen.Lat == nil || *seen.Lat == lat {
			t.Fatalf("a co-reporter sees the reporter: %q %q", seen.ReporterName, seen.ReporterPhone)
		}
		if !slices.Contains(ticket.AvailableActions(neighbour, seen), ticket.ActionRate) {
			t.Fatalf("a co-reporter may not rate: %v", ticket.AvailableActions(neighbour, seen))
		}
		other := residentWith(t, f, "13500135000")
		if _, err := f.tickets.Get(ctx, other, tk.Number); !errs.Is(err, errs.NotFound) {
			t.Fatalf("a stranger opens it: %v", err)
		}
		_, err = f.tickets.Act(ctx, neighbour, tk.Number, ticket.ActionRate, ticket.ActionInput{Resolved: boolp(true), Satisfaction: ticket.Satisfied})
		must(t, err)

		// Each join counts for a hotspot: a phone joins a few requests a day.
		busy := residentWith(t, f, "13600136111")
		for i := 0; i <= ticket.MaxMeTooPerDay; i++ {
			o, err := f.tickets.Create(ctx, &f.resident, ticket.NewTicket{CategoryCode: "0102", Description: "另一处垃圾", AreaCode: "110117001001"})
			must(t, err)
			_, err = f.tickets.MeToo(ctx, busy, o.Number)
			if i < ticket.MaxMeTooPerDay {
				must(t, err)
			} else if !errs.Is(err, errs.TooMany) {
				t.Fatalf("join %d the same day: %v", i+1, err)
			}
		}
		third := residentWith(t, f, "13700137000")
		if _, err := f.tickets.MeToo(ctx, third, tk.Number); !errs.Is(err, errs.Conflict) {
			t.Fatalf("me too on a closed request: %v", err)
		}
	})
}

// Requests near a place are listed as the public sees them: never the
// reporter's name or phone, nor a confidential request, nor the exact place.
func TestNearbyShowsOnlyThePublicView(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		lat, lng := 40.14412, 117.11073
		open, err := f.tickets.Create(ctx, &f.resident, ticket.NewTicket{CategoryCode: "0102", Description: "垃圾桶满了，联系我13800138000",
			AreaCode: "110117001001", Lat: &lat, Lng: &lng, ReporterName: "王秀英", Address: "平谷区承平里5号楼"})
		must(t, err)
		secret, err := f.tickets.Create(ctx, &f.resident, ticket.NewTicket{CategoryCode: "0102", Description: "举报邻居",
			AreaCode: "110117001001", Lat: &lat, Lng: &lng, Confidential: true})
		must(t, err)
		far := lat + 0.05
		_, err = f.tickets.Create(ctx, &f.resident, ticket.NewTicket{CategoryCode: "0102", Description: "远处的问题",
			AreaCode: "110117001001", Lat: &far, Lng: &lng})
		must(t, err)
		neighbour := residentWith(t, f, "13900139000")
		_, err = f.tickets.MeToo(ctx, neighbour, open.Number)
		must(t, err)

		for _, who := range []*auth.User{nil, &neighbour, &f.resident} {
			list, err := f.tickets.Nearby(ctx, who, lat+0.001, lng, 500, 10)
			must(t, err)
			if len(list) != 1 || list[0].Ticket.Number != open.Number || list[0].CoReporters != 1 || !list[0].Joinable {
				t.Fatalf("nearby: %+v", list)
			}
			if list[0].Following != (who != nil) {
				t.Fatalf("following for %v: %v", who, list[0].Following)
			}
			raw, _ := json.Marshal(list)
			for _, leak := range []string{"13800138000", "13900139000", "王秀英", secret.Number, "40.14412", "117.11073"} {
				if strings.Contains(string(raw), leak) {
					t.Fatalf("nearby leaks %q: %s", leak, raw)
				}
			}
		}
		for _, bad := range [][3]float64{{91, 0, 500}, {0, 181, 500}, {40, 117, 5}, {40, 117, 99999}} {
			if _, err := f.tickets.Nearby(ctx, nil, bad[0], bad[1], bad[2], 10); !errs.Is(err, errs.Invalid) {
				t.Fatalf("nearby %v: %v", bad, err)
			}
		}
	})
}
