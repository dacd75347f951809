package warning_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/demo"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/insight/warning"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

const (
	community = demo.CommunityJinguDongyuan // 金谷东园社区, 滨河街道
	street    = demo.StreetBinhe
)

var cst = time.FixedZone("CST", 8*3600)

type fixture struct {
	d        *db.DB
	clock    *clock.Fixed
	svc      *warning.Service
	tickets  *ticket.Service
	agent    auth.User
	handler  auth.User // 滨河街道办事处: where 0101 of 滨河街道 goes
	dept     auth.User // 区城市管理委员会: another unit
	disp     auth.User
	super    auth.User
	grid     auth.User
	sequence int
}

func setup(t *testing.T, d *db.DB, now time.Time) *fixture {
	t.Helper()
	ctx := context.Background()
	c := clock.NewFixed(now)
	log := slog.New(slog.DiscardHandler)
	g := gov.NewService(d, c)
	a := auth.NewService(d, c, g, log, auth.Options{BcryptCost: 4, Demo: true})
	ts := ticket.NewService(d, c, g, log)
	if _, err := demo.Load(ctx, d, g, a, ts, log); err != nil {
		t.Fatal(err)
	}
	staff := func(name string) auth.User {
		s, err := a.Login(ctx, name, "gongzhi-demo", auth.KindAPI)
		if err != nil {
			t.Fatalf("login %s: %v", name, err)
		}
		return s.User
	}
	ev := evaluation.NewService(d, c, g, log)
	return &fixture{d: d, clock: c, svc: warning.NewService(d, c, g, ts, ev, log), tickets: ts,
		agent: staff("demo-agent"), handler: staff("demo-handler"), dept: staff("demo-handler-dept"),
		disp: staff("demo-dispatcher"), super: staff("demo-supervisor"), grid: staff("demo-grid")}
}

// file registers a ticket at the clock's time.
func (f *fixture) file(t *testing.T, area, category string) ticket.Ticket {
	t.Helper()
	f.sequence++
	tk, err := f.tickets.Create(context.Background(), &f.agent, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: category,
		Description: fmt.Sprintf("垃圾堆积无人清理 %d", f.sequence), AreaCode: area, ReporterPhone: fmt.Sprintf("139%08d", f.sequence)})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func (f *fixture) detect(t *testing.T) warning.DetectStats {
	t.Helper()
	st, err := f.svc.Detect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func (f *fixture) active(t *testing.T, u auth.User) []warning.Warning {
	t.Helper()
	list, err := f.svc.List(context.Background(), u, warning.Filter{Status: "active"})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// TestSurgeWarnsByTheFifth: in a community and category with no history, a
// warning opens by the 5th ticket (at the 3rd with the defaults), not at
// the 1st, once, tells the responsible unit and the supervisors, and grows
// with the cluster.
func TestSurgeWarnsByTheFifth(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, time.Date(2026, 3, 4, 9, 0, 0, 0, cst))
		ctx := context.Background()
		opened := 0
		for i := 1; i <= 5; i++ {
			f.clock.Advance(10 * time.Minute)
			f.file(t, community, "0101")
			f.detect(t)
			list := f.active(t, auth.System())
			if len(list) > 1 {
				t.Fatalf("ticket %d: %d warnings for one surge: %+v", i, len(list), list)
			}
			if len(list) == 1 && opened == 0 {
				opened = i
			}
		}
		if opened == 0 || opened > 5 || opened < 2 {
			t.Fatalf("warning opened at ticket %d, want 2..5", opened)
		}
		list := f.active(t, auth.System())
		w := list[0]
		if w.AreaCode != community || w.Level != warning.LevelCommunity || w.CategoryCode != "0101" || w.Count != 5 ||
			w.Baseline != 0 || w.Status != warning.StatusOpen || w.OrgCode != demo.StreetOfficeCode(street) || w.Score < 2.5 {
			t.Fatalf("warning %+v", w)
		}
		var n int
		if err := d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE kind = 'warning' AND (org_code = $1 OR (role = 'supervisor' AND area_code = $2))`,
			w.OrgCode, community).Scan(&n); err != nil || n != 2 {
			t.Fatalf("notifications of the warning: %d %v, want 2 (the unit, the supervisors)", n, err)
		}
		// A step with nothing new changes nothing; the window moving on
		// leaves the warning as it was.
		if st := f.detect(t); st.Raised != 0 || st.Updated != 0 {
			t.Fatalf("idle step: %+v", st)
		}
	})
}

// TestSteadyHistoryDoesNotWarn: an area with three tickets a week for
// months does not warn for three this week; it warns when the week holds
// three times that.
func TestSteadyHistoryDoesNotWarn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		now := time.Date(2026, 3, 4, 10, 0, 0, 0, cst) // a Wednesday
		f := setup(t, d, now)
		monday := time.Date(2026, 3, 2, 10, 0, 0, 0, cst)
		for w := 15; w >= 2; w-- {
			for _, day := range []int{0, 2, 4} {
				f.clock.Set(monday.AddDate(0, 0, -7*w+day))
				f.file(t, community, "0101")
			}
		}
		f.clock.Set(now)
		for i := 0; i < 3; i++ {
			f.clock.Advance(time.Minute)
			f.file(t, community, "0101")
		}
		if st := f.detect(t); st.Raised != 0 || st.Rolled == 0 {
			t.Fatalf("usual week: %+v %+v", st, f.active(t, auth.System()))
		}
		for i := 0; i < 6; i++ {
			f.clock.Advance(time.Minute)
			f.file(t, community, "0101")
		}
		f.detect(t)
		list := f.active(t, auth.System())
		if len(list) != 1 || list[0].Count != 9 || list[0].Baseline != 3 || list[0].Score != 3 {
			t.Fatalf("three times the usual week: %+v", list)
		}
	})
}

// TestWarningActionsAndPolicy: who sees a warning, who acknowledges,
// converts and dismisses it, and a converted cluster counts afresh.
func TestWarningActionsAndPolicy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, time.Date(2026, 3, 4, 9, 0, 0, 0, cst))
		ctx := context.Background()
		for i := 0; i < 4; i++ {
			f.clock.Advance(time.Minute)
			f.file(t, community, "0101")
			f.file(t, community, "0102")
		}
		f.detect(t)
		all := f.active(t, f.super)
		if len(all) != 2 {
			t.Fatalf("supervisor sees %d warnings, want 2: %+v", len(all), all)
		}
		for _, u := range []auth.User{f.agent, f.grid} {
			if _, err := f.svc.List(ctx, u, warning.Filter{}); !errs.Is(err, errs.Forbidden) {
				t.Fatalf("%s lists warnings: %v", u.Username, err)
			}
		}
		var w warning.Warning
		for _, x := range all {
			if x.CategoryCode == "0101" {
				w = x
			}
		}
		// Another unit sees nothing of it and cannot act on it.
		if list, err := f.svc.List(ctx, f.dept, warning.Filter{}); err != nil || len(list) != 0 && list[0].ID == w.ID {
			t.Fatalf("another unit's list: %+v %v", list, err)
		}
		if _, err := f.svc.Acknowledge(ctx, f.dept, w.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("another unit acknowledges: %v", err)
		}
		if _, err := f.svc.Convert(ctx, f.dept, w.ID, warning.IntoTicket); !errs.Is(err, errs.NotFound) {
			t.Fatalf("another unit converts: %v", err)
		}
		// The unit sees, acknowledges and turns it into a ticket; it may not dismiss.
		if list := f.active(t, f.handler); len(list) == 0 {
			t.Fatal("the responsible unit sees no warning")
		}
		if _, err := f.svc.Dismiss(ctx, f.handler, w.ID, "不是问题"); !errs.Is(err, errs.Conflict) {
			t.Fatalf("the unit dismisses: %v", err)
		}
		got, err := f.svc.Acknowledge(ctx, f.handler, w.ID)
		if err != nil || got.Status != warning.StatusAcknowledged {
			t.Fatalf("acknowledge: %+v %v", got, err)
		}
		if _, err := f.svc.Acknowledge(ctx, f.handler, w.ID); !errs.Is(err, errs.Conflict) {
			t.Fatalf("acknowledged twice: %v", err)
		}
		f.clock.Advance(time.Minute)
		got, err = f.svc.Convert(ctx, f.handler, w.ID, warning.IntoTicket)
		if err != nil || got.Status != warning.StatusConverted || got.TicketNumber == "" {
			t.Fatalf("convert to a ticket: %+v %v", got, err)
		}
		tk, err := f.tickets.Get(ctx, f.handler, got.TicketNumber)
		if err != nil || tk.CategoryCode != "0101" || tk.AreaCode != community {
			t.Fatalf("the ticket made: %+v %v", tk, err)
		}
		// The converted cluster counts from its conversion: two more tickets
		// (and the one it made) raise nothing yet.
		f.clock.Advance(time.Minute)
		f.file(t, community, "0101")
		f.file(t, community, "0101")
		f.detect(t)
		for _, x := range f.active(t, auth.System()) {
			if x.CategoryCode == "0101" && x.Level == warning.LevelCommunity {
				t.Fatalf("a warning again right after the conversion: %+v", x)
			}
		}
		// The other: a supervisor sets a rectification task, or dismisses with a reason.
		var other warning.Warning
		for _, x := range all {
			if x.CategoryCode == "0102" {
				other = x
			}
		}
		if _, err := f.svc.Convert(ctx, f.super, other.ID, warning.IntoTicket); !errs.Is(err, errs.Conflict) {
			t.Fatalf("a supervisor makes a ticket: %v", err)
		}
		if _, err := f.svc.Dismiss(ctx, f.super, other.ID, "  "); !errs.Is(err, errs.Invalid) {
			t.Fatalf("dismiss without a reason: %v", err)
		}
		if other.OrgCode != "" {
			got, err = f.svc.Convert(ctx, f.super, other.ID, warning.IntoRectification)
			if err != nil || got.RectID == "" || got.Status != warning.StatusConverted {
				t.Fatalf("convert to a rectification task: %+v %v", got, err)
			}
		} else {
			got, err = f.svc.Dismiss(ctx, f.super, other.ID, "已知原因：施工")
			if err != nil || got.Status != warning.StatusDismissed || got.Reason != "已知原因：施工" {
				t.Fatalf("dismiss: %+v %v", got, err)
			}
		}
	})
}

// TestCloseTicketsAcrossABoundary: tickets within a few hundred metres, in
// two communities, warn once, as a cell, though neither community has
// enough; the street stays quiet, as the cell tells of the surge.
func TestCloseTicketsAcrossABoundary(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, time.Date(2026, 3, 4, 9, 0, 0, 0, cst))
		for i, area := range []string{community, "110117001002", community, "110117001002"} {
			f.clock.Advance(time.Minute)
			lat, lng := 40.1405+float64(i)*0.0001, 117.1205 // one cell of the grid
			f.sequence++
			if _, err := f.tickets.Create(context.Background(), &f.agent, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: "0101",
				Description: "路口垃圾堆积", AreaCode: area, Lat: &lat, Lng: &lng, ReporterPhone: fmt.Sprintf("139%08d", f.sequence)}); err != nil {
				t.Fatal(err)
			}
		}
		f.detect(t)
		list := f.active(t, auth.System())
		if len(list) != 1 || list[0].Level != warning.LevelCell || list[0].Count != 4 || list[0].Lat == nil || list[0].AreaCode != community {
			t.Fatalf("warnings: %+v", list)
		}
	})
}

// TestServersNumberingAsNodes: two servers number their tickets as nodes 2
// and 1, so node 1's later tickets sort below node 2's earlier one; the
// detection reads them all the same (its watermark is the time a ticket
// was made, not its number) and warns of the surge they make.
func TestServersNumberingAsNodes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, time.Date(2026, 3, 4, 9, 0, 0, 0, cst))
		f.tickets.SetNode(2)
		first := f.file(t, community, "0101")
		f.detect(t)
		f.clock.Advance(2 * time.Minute)
		f.detect(t)
		f.tickets.SetNode(1)
		for i := 1; i <= 5; i++ {
			f.clock.Advance(10 * time.Minute)
			if tk := f.file(t, community, "0101"); tk.Number >= first.Number {
				t.Fatalf("node 1's number %s not below node 2's %s", tk.Number, first.Number)
			}
			f.detect(t)
		}
		list := f.active(t, auth.System())
		if len(list) != 1 || list[0].Count != 6 {
			t.Fatalf("warnings %+v, want one of the 6 tickets", list)
		}
	})
}
