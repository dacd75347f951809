package evaluation_test

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// TestAggregatesMatchDirect changes random tickets through ticket.Service —
// creation, signing, contact, reply, rating, close, redo, merge, returns,
// extensions, the sweep's overdue marks — refreshes the aggregates at random
// points, and after every step checks that the evaluation read from the
// aggregates equals the evaluation read from the tickets, by unit and by
// area, for several periods and month start days 1 and 26. At the end the
// incrementally kept aggregates must equal a full rebuild's.
// GONGZHI_AGG_STEPS sets the number of steps (300).
func TestAggregatesMatchDirect(t *testing.T) {
	steps := 300
	if n, err := strconv.Atoi(os.Getenv("GONGZHI_AGG_STEPS")); err == nil && n > 0 {
		steps = n
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := clock.NewFixed(time.Date(2026, 2, 20, 9, 0, 0, 0, loc))
		g := gov.NewService(d, c)
		for _, a := range []gov.Area{
			{Code: "110117", Name: "平谷区", Level: gov.LevelDistrict},
			{Code: "110117001", ParentCode: "110117", Name: "街道一", Level: gov.LevelStreet, Population: 50000},
			{Code: "110117002", ParentCode: "110117", Name: "街道二", Level: gov.LevelStreet, Population: 20000},
			{Code: "110117001001", ParentCode: "110117001", Name: "社区一", Level: gov.LevelCommunity},
			{Code: "110117001002", ParentCode: "110117001", Name: "社区二", Level: gov.LevelCommunity},
			{Code: "110117002001", ParentCode: "110117002", Name: "社区三", Level: gov.LevelCommunity},
		} {
			must(t, g.UpsertArea(ctx, a))
		}
		orgs := []string{"S1", "S2", "D1", "D2"}
		for _, o := range []gov.Org{
			{Code: "S1", Name: "街道一办事处", Kind: gov.KindStreetOffice, AreaCode: "110117001"},
			{Code: "S2", Name: "街道二办事处", Kind: gov.KindStreetOffice, AreaCode: "110117002"},
			{Code: "D1", Name: "城管委", Kind: gov.KindDepartment, AreaCode: "110117"},
			{Code: "D2", Name: "水务局", Kind: gov.KindDepartment, AreaCode: "110117"},
		} {
			must(t, g.UpsertOrg(ctx, o))
		}
		ts := ticket.NewService(d, c, g, nil)
		for _, cat := range []ticket.Category{
			{Code: "01", Name: "城市管理", Active: true},
			{Code: "0101", ParentCode: "01", Name: "道路破损", Active: true},
			{Code: "0102", ParentCode: "01", Name: "街巷环境", Active: true},
			{Code: "02", Name: "水务", Active: true},
		} {
			must(t, ts.UpsertCategory(ctx, cat))
		}
		must(t, ts.UpsertRule(ctx, ticket.Rule{CategoryCode: "01", AreaCode: "110117", OrgCode: "D1"}))
		must(t, ts.UpsertRule(ctx, ticket.Rule{CategoryCode: "0102", AreaCode: "110117001", OrgCode: "S1"}))
		must(t, ts.UpsertRule(ctx, ticket.Rule{CategoryCode: "0102", AreaCode: "110117002", OrgCode: "S2"}))
		must(t, ts.UpsertRule(ctx, ticket.Rule{CategoryCode: "02", AreaCode: "110117", OrgCode: "D2"}))

		admin := auth.User{ID: "admin", Username: "admin", Role: auth.RoleAdmin}
		disp := auth.User{ID: "disp", Username: "disp", Role: auth.RoleDispatcher, OrgCode: "S1", AreaCode: "110117", AreaLevel: gov.LevelDistrict}
		handler := func(org string) auth.User {
			return auth.User{ID: "h-" + org, Username: "h-" + org, Role: auth.RoleHandler, OrgCode: org, AreaCode: "110117", AreaLevel: gov.LevelDistrict}
		}

		on := newService(d, c)
		on.SetAggregates(evaluation.AggregatesOn)
		on.SetFreshness(0) // every step checked at once
		off := newService(d, c)
		off.SetAggregates(evaluation.AggregatesOff)
		// Build the (empty) aggregates now, so that every later change is
		// taken in incrementally.
		if _, err := on.Refresh(ctx); err != nil {
			t.Fatal(err)
		}

		rng := rand.New(rand.NewSource(int64(len(d.Engine)) * 7919))
		areas := []string{"110117001001", "110117001002", "110117002001"}
		cats := []string{"0101", "0102", "02"}
		var numbers []string
		pick := func() (ticket.Ticket, bool) {
			if len(numbers) == 0 {
				return ticket.Ticket{}, false
			}
			tk, err := ts.Get(ctx, admin, numbers[rng.Intn(len(numbers))])
			if err != nil {
				t.Fatal(err)
			}
			return tk, true
		}
		act := func(u auth.User, number, action string, in ticket.ActionInput) {
			if _, err := ts.Act(ctx, u, number, action, in); err != nil && os.Getenv("AGGDEBUG") != "" {
				t.Logf("%s %s: %v", action, number, err)
			} // a step the ticket's state does not allow is skipped
		}
		sats := []ticket.Satisfaction{"satisfied", "basic", "unsatisfied"}

		check := func(step int) {
			t.Helper()
			now := c.Now()
			var periods []evaluation.Period
			for _, start := range []int{1, 26} {
				m := on.MonthOf(now, start)
				periods = append(periods, m, m.Prev())
			}
			if p, err := on.DatePeriod(now.AddDate(0, 0, -9).Format("2006-01-02"), now.Format("2006-01-02"), 1); err == nil {
				periods = append(periods, p)
			}
			for _, p := range periods {
				for _, q := range []evaluation.Query{
					{Period: p, Group: evaluation.GroupOrg, AreaCode: "110117"},
					{Period: p, Group: evaluation.GroupArea, AreaCode: "110117"},
					{Period: p, Group: evaluation.GroupArea, AreaCode: "110117001"},
				} {
					a, err := on.Evaluate(ctx, q)
					if err != nil {
						t.Fatal(err)
					}
					b, err := off.Evaluate(ctx, q)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(a.Rows, b.Rows) {
						t.Fatalf("step %d, %s %s %s – %s: aggregates differ from the tickets\naggregates %s\ntickets    %s",
							step, q.Group, q.AreaCode, p.From.Format("01-02"), p.To.Format("01-02"), rowsText(a.Rows), rowsText(b.Rows))
					}
				}
			}
		}

		for step := 0; step < steps; step++ {
			switch op := rng.Intn(20); {
			case op < 4:
				tk, err := ts.Create(ctx, &admin, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: cats[rng.Intn(len(cats))],
					Description: "路灯不亮已经三天了", AreaCode: areas[rng.Intn(len(areas))], ReporterName: "王芳", ReporterPhone: "13800138000",
					Channel: ticket.ChannelHotline})
				if err != nil {
					t.Fatal(err)
				}
				numbers = append(numbers, tk.Number)
			case op < 10:
				// One step along the ticket's life, whatever it is.
				if tk, ok := pick(); ok {
					h := handler(tk.AssignedOrgCode)
					switch tk.Status {
					case ticket.StatusDispatched:
						act(h, tk.Number, ticket.ActionSign, ticket.ActionInput{})
					case ticket.StatusSigned:
						act(h, tk.Number, ticket.ActionContact, ticket.ActionInput{Note: "已联系"})
					case ticket.StatusInProgress:
						act(h, tk.Number, ticket.ActionReply, ticket.ActionInput{ReplyText: "已修复", Resolved: boolp(rng.Intn(2) == 0)})
					case ticket.StatusReplied:
						act(disp, tk.Number, ticket.ActionRate, ticket.ActionInput{Resolved: boolp(rng.Intn(3) > 0), Satisfaction: sats[rng.Intn(3)]})
					case ticket.StatusClosed:
						if tk.Rating == nil && rng.Intn(2) == 0 {
							act(disp, tk.Number, ticket.ActionRate, ticket.ActionInput{Resolved: boolp(rng.Intn(3) > 0), Satisfaction: sats[rng.Intn(3)]})
						} else {
							act(admin, tk.Number, ticket.ActionRedo, ticket.ActionInput{Reason: "群众不满意", Note: "重办"})
						}
					}
				}
			case op < 11:
				if tk, ok := pick(); ok {
					act(admin, tk.Number, ticket.ActionClose, ticket.ActionInput{Note: "结案"})
				}
			case op < 12:
				if tk, ok := pick(); ok {
					act(admin, tk.Number, ticket.ActionRedo, ticket.ActionInput{Reason: "群众不满意", Note: "重办"})
				}
			case op < 13:
				if tk, ok := pick(); ok {
					act(handler(tk.AssignedOrgCode), tk.Number, ticket.ActionReturn, ticket.ActionInput{Reason: "wrong_area"})
					if rng.Intn(2) == 0 {
						act(admin, tk.Number, ticket.ActionApproveReturn, ticket.ActionInput{OrgCode: orgs[rng.Intn(len(orgs))]})
					} else {
						act(admin, tk.Number, ticket.ActionRejectReturn, ticket.ActionInput{Reason: "属于本单位"})
					}
				}
			case op < 14:
				if tk, ok := pick(); ok {
					until := c.Now().Add(time.Duration(48+rng.Intn(200)) * time.Hour).Format(time.RFC3339)
					act(handler(tk.AssignedOrgCode), tk.Number, ticket.ActionRequestExtension, ticket.ActionInput{Until: until, Reason: "需要施工"})
					act(admin, tk.Number, ticket.ActionApproveExtension, ticket.ActionInput{Note: "同意"})
				}
			case op < 15:
				a, ok1 := pick()
				b, ok2 := pick()
				if ok1 && ok2 && a.Number != b.Number {
					act(admin, a.Number, ticket.ActionMerge, ticket.ActionInput{Into: b.Number})
				}
			case op < 18:
				c.Advance(time.Duration(rng.Intn(36*60)) * time.Minute)
				if _, err := ts.Sweep(ctx); err != nil {
					t.Fatal(err)
				}
			default:
				if _, err := on.Refresh(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if step%5 == 4 || step == steps-1 {
				check(step)
			}
		}
		// The kept aggregates equal a full rebuild's.
		before := dumpDays(t, d)
		if err := on.Rebuild(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if after := dumpDays(t, d); !reflect.DeepEqual(before, after) {
			t.Fatalf("incremental aggregates differ from a rebuild:\nkept    %v\nrebuilt %v", before, after)
		}
		// Refreshing again changes nothing.
		st, err := on.Refresh(ctx)
		if err != nil || st.Changed != 0 {
			t.Fatalf("second refresh: %+v %v", st, err)
		}
		// A refresh reads again only what changed since the last one (and
		// the tickets with counted events in the window).
		base, err := on.Refresh(ctx)
		must(t, err)
		for i := range 20 {
			_, err := ts.Create(ctx, &admin, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: cats[i%len(cats)],
				Description: "路灯不亮已经三天了", AreaCode: areas[i%len(areas)], ReporterName: "王芳", ReporterPhone: "13800138000",
				Channel: ticket.ChannelHotline})
			must(t, err)
		}
		if got, err := on.Refresh(ctx); err != nil || got.Scanned != base.Scanned+20 {
			t.Fatalf("after 20 new tickets a refresh read %+v, want %d tickets; %v", got, base.Scanned+20, err)
		}
		if got, err := on.Refresh(ctx); err != nil || got.Scanned != base.Scanned {
			t.Fatalf("with nothing new a refresh read %+v, want %d tickets; %v", got, base.Scanned, err)
		}
		// More new tickets than one refresh batch, all at the same moment:
		// the refresh pages through them by number and takes in each once.
		const many = 5100
		var wg sync.WaitGroup
		errc := make(chan error, many)
		for w := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < many; i += 16 {
					_, err := ts.Create(ctx, &admin, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: cats[i%len(cats)],
						Description: "路灯不亮已经三天了", AreaCode: areas[i%len(areas)], ReporterName: "王芳", ReporterPhone: "13800138000",
						Channel: ticket.ChannelHotline})
					if err != nil {
						errc <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Fatal(err)
		}
		if got, err := on.Refresh(ctx); err != nil || got.Scanned != base.Scanned+many {
			t.Fatalf("after %d new tickets a refresh read %+v, want %d tickets; %v", many, got, base.Scanned+many, err)
		}
		kept := dumpDays(t, d)
		must(t, on.Rebuild(ctx, nil))
		if rebuilt := dumpDays(t, d); !reflect.DeepEqual(kept, rebuilt) {
			t.Fatal("after a refresh of many tickets the aggregates differ from a rebuild")
		}
		var evs int
		d.R.QueryRow(`SELECT COUNT(*) FROM ticket_events WHERE action IN ('return', 'approve_extension', 'redo', 'overdue')`).Scan(&evs)
		t.Logf("%d tickets, %d counted events, %d day rows; %s; %s", len(numbers), evs, len(before),
			summary(t, d, `SELECT action, COUNT(*) FROM ticket_events GROUP BY action ORDER BY action`),
			summary(t, d, `SELECT status, COUNT(*) FROM tickets GROUP BY status ORDER BY status`))
	})
}

func rowsText(rows []evaluation.Row) string {
	s := ""
	for _, r := range rows {
		s += fmt.Sprintf("\n  %s %+v", r.Key(), r.Counts)
	}
	return s
}

// dumpDays lists the non-zero rows of the aggregates.
func dumpDays(t *testing.T, d *db.DB) map[string]string {
	out := map[string]string{}
	rows, err := d.R.Query(`SELECT kind, day, code, tickets, rated, resolved, satisfied, basic, unsatisfied, contact_due, contacted_on_time,
complete_due, on_time, returns, extensions, redos, overdue FROM evaluation_days`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, day, code string
		var v [14]int64
		dest := []any{&k, &day, &code}
		for i := range v {
			dest = append(dest, &v[i])
		}
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		if v != [14]int64{} {
			out[k+" "+day+" "+code] = fmt.Sprint(v)
		}
	}
	rr, err := d.R.Query(`SELECT kind, day, code, prev_day, n FROM evaluation_overdue_repeats WHERE n <> 0`)
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Close()
	for rr.Next() {
		var k, day, code, prev string
		var n int64
		if err := rr.Scan(&k, &day, &code, &prev, &n); err != nil {
			t.Fatal(err)
		}
		out["r "+k+" "+day+" "+code+" "+prev] = fmt.Sprint(n)
	}
	return out
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func summary(t *testing.T, d *db.DB, q string) string {
	rows, err := d.R.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := ""
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			t.Fatal(err)
		}
		out += fmt.Sprintf("%s %d ", k, n)
	}
	return out
}

func TestMarkStale(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := clock.NewFixed(time.Date(2026, 2, 20, 9, 0, 0, 0, loc))
		s := evaluation.NewService(d, c, gov.NewService(d, c), nil)
		st, err := s.Refresh(ctx)
		must(t, err)
		if !st.Rebuilt {
			t.Fatal("the first refresh builds the aggregates")
		}
		if st, err = s.Refresh(ctx); err != nil || st.Rebuilt {
			t.Fatalf("a second refresh rebuilt again: %+v %v", st, err)
		}
		must(t, evaluation.MarkStale(ctx, d))
		if st, err = s.Refresh(ctx); err != nil || !st.Rebuilt {
			t.Fatalf("a refresh after MarkStale must rebuild: %+v %v", st, err)
		}
	})
}
