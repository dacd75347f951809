package screening_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/screening"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

const (
	street    = "110117001"
	community = "110117001001"
	grid      = "110117001001001"
	grid2     = "110117001001002"
)

type fixture struct {
	s                                                                 *screening.Service
	d                                                                 *db.DB
	clock                                                             *clock.Fixed
	tickets                                                           *ticket.Service
	admin, committee, super, worker, worker2, agent, dept, otherSuper auth.User
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, code errs.Code, what string) {
	t.Helper()
	if !errs.Is(err, code) {
		t.Fatalf("%s: got %v, want %s", what, err, code)
	}
}

func staff(id string, role auth.Role, org, area string) auth.User {
	return auth.User{ID: id, Username: id, Name: id, Role: role, OrgCode: org, AreaCode: area}
}

var monday = time.Date(2026, 11, 30, 9, 0, 0, 0, clock.BusinessZone())

func setup(t *testing.T, d *db.DB) *fixture {
	ctx := context.Background()
	c := clock.NewFixed(monday)
	g := gov.NewService(d, c)
	for _, a := range []gov.Area{
		{Code: "110117", Name: "平谷区", Level: gov.LevelDistrict},
		{Code: street, ParentCode: "110117", Name: "滨河街道", Level: gov.LevelStreet},
		{Code: community, ParentCode: street, Name: "承平里社区", Level: gov.LevelCommunity},
		{Code: grid, ParentCode: community, Name: "承平里第一网格", Level: gov.LevelGrid},
		{Code: grid2, ParentCode: community, Name: "承平里第二网格", Level: gov.LevelGrid},
		{Code: "110117002", ParentCode: "110117", Name: "兴谷街道", Level: gov.LevelStreet},
	} {
		must(t, g.UpsertArea(ctx, a))
	}
	for _, o := range []gov.Org{
		{Code: "HOT", Name: "12345热线中心", Kind: gov.KindHotlineCenter, AreaCode: "110117"},
		{Code: "CC1", Name: "承平里社区居委会", Kind: gov.KindCommunityCommittee, AreaCode: community},
		{Code: "D-CG", Name: "区城管委", Kind: gov.KindDepartment, AreaCode: "110117"},
	} {
		must(t, g.UpsertOrg(ctx, o))
	}
	ts := ticket.NewService(d, c, g, slog.New(slog.NewTextHandler(io.Discard, nil)))
	must(t, ts.UpsertCategory(ctx, ticket.Category{Code: "09", Name: "其他", Active: true}))
	f := &fixture{d: d, clock: c, tickets: ts, s: screening.NewService(d, c, g, ts)}
	f.admin = auth.System()
	f.committee = staff("cc", auth.RoleHandler, "CC1", community)
	f.super = staff("sup", auth.RoleSupervisor, "HOT", street)
	f.otherSuper = staff("sup2", auth.RoleSupervisor, "HOT", "110117002")
	f.worker = staff("gw", auth.RoleGridWorker, "CC1", grid)
	f.worker2 = staff("gw2", auth.RoleGridWorker, "CC1", grid2)
	f.agent = staff("ag", auth.RoleAgent, "HOT", "110117")
	f.dept = staff("dp", auth.RoleHandler, "D-CG", "110117")
	return f
}

func (f *fixture) round(t *testing.T, u auth.User, area, places string) screening.Round {
	t.Helper()
	r, err := f.s.Create(context.Background(), u, screening.New{AreaCode: area, Title: "十二月安全排查", StartsAt: monday, EndsAt: monday.AddDate(0, 0, 7), Places: places})
	must(t, err)
	return r
}

func TestScheduleAndPolicy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		places := "承平里1号楼101\n承平里1号楼102,household\n便民超市,场所\n\n"
		r := f.round(t, f.committee, grid, places)
		if !screening.ValidID(r.ID) || r.Listed != 3 || r.Checked != 0 || len(r.Places) != 3 || r.Places[2].Kind != screening.KindPlace || r.Status != screening.StatusOpen {
			t.Fatalf("round: %+v", r)
		}
		f.round(t, f.super, grid2, "a")
		for _, u := range []auth.User{f.worker, f.agent, f.dept, f.otherSuper} {
			_, err := f.s.Create(ctx, u, screening.New{AreaCode: grid, Title: "x", StartsAt: monday, EndsAt: monday.AddDate(0, 0, 1), Places: "a"})
			wantCode(t, err, errs.Forbidden, "schedule by "+u.ID)
		}
		for _, bad := range []screening.New{
			{AreaCode: grid, Title: "", StartsAt: monday, EndsAt: monday.AddDate(0, 0, 1), Places: "a"},
			{AreaCode: grid, Title: "x", StartsAt: monday, EndsAt: monday, Places: "a"},
			{AreaCode: grid, Title: "x", StartsAt: monday, EndsAt: monday.AddDate(0, 0, 100), Places: "a"},
			{AreaCode: grid, Title: "x", StartsAt: monday, EndsAt: monday.AddDate(0, 0, 1), Places: ""},
			{AreaCode: grid, Title: "x", StartsAt: monday, EndsAt: monday.AddDate(0, 0, 1), Places: "a\na"},
			{AreaCode: grid, Title: "x", StartsAt: monday, EndsAt: monday.AddDate(0, 0, 1), Places: "a,shop"},
			{AreaCode: grid, Title: "x", StartsAt: monday, EndsAt: monday.AddDate(0, 0, 1), Places: "a,b,c"},
			{AreaCode: grid, Title: "x", StartsAt: monday, EndsAt: monday.AddDate(0, 0, 1), Places: strings.Repeat("长", 101)},
			{AreaCode: street, Title: "x", StartsAt: monday, EndsAt: monday.AddDate(0, 0, 1), Places: "a"},
			{AreaCode: "bad code", Title: "x", StartsAt: monday, EndsAt: monday.AddDate(0, 0, 1), Places: "a"},
			{AreaCode: grid, Title: "x", StartsAt: monday, EndsAt: monday.AddDate(0, 0, 1), Places: "a", FromPrevious: true},
		} {
			_, err := f.s.Create(ctx, f.committee, bad)
			wantCode(t, err, errs.Invalid, "bad round "+bad.Title+bad.Places)
		}
		var many strings.Builder
		for i := 0; i <= screening.MaxPlaces; i++ {
			many.WriteString(fmt.Sprintf("户%d\n", i))
		}
		_, err := f.s.Create(ctx, f.committee, screening.New{AreaCode: grid, Title: "x", StartsAt: monday, EndsAt: monday.AddDate(0, 0, 1), Places: many.String()})
		wantCode(t, err, errs.Invalid, "too many places")
		// The previous round's list.
		next, err := f.s.Create(ctx, f.committee, screening.New{AreaCode: grid, Title: "复查", StartsAt: monday, EndsAt: monday.AddDate(0, 0, 3), FromPrevious: true})
		must(t, err)
		if next.Listed != 3 || next.Places[0].Address != "承平里1号楼101" {
			t.Fatalf("from previous: %+v", next)
		}
		// Where each may schedule.
		for _, c := range []struct {
			u    auth.User
			want int
		}{{f.committee, 3}, {f.super, 3}, {f.worker, 0}, {f.otherSuper, 0}} {
			gs, err := f.s.Grids(ctx, c.u)
			must(t, err)
			if len(gs) != c.want {
				t.Fatalf("%s's grids: %+v", c.u.ID, gs)
			}
		}
		// Who reads.
		for _, u := range []auth.User{f.admin, f.committee, f.super, f.worker} {
			if _, err := f.s.Get(ctx, u, r.ID); err != nil {
				t.Fatalf("%s reads: %v", u.ID, err)
			}
		}
		for _, u := range []auth.User{f.worker2, f.agent, f.dept, f.otherSuper} {
			_, err := f.s.Get(ctx, u, r.ID)
			wantCode(t, err, errs.NotFound, u.ID+" reads")
		}
		list, err := f.s.List(ctx, f.worker, screening.Filter{})
		must(t, err)
		if len(list) != 2 {
			t.Fatalf("worker's list: %d", len(list))
		}
		_, err = f.s.List(ctx, auth.User{ID: "r", Role: auth.RoleResident, Phone: "13800138000"}, screening.Filter{})
		wantCode(t, err, errs.Forbidden, "resident lists")
	})
}

func TestRecordCoverageAndConverters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		var handed screening.Finding
		f.s.RegisterConverter("mediation", func(ctx context.Context, u auth.User, fd screening.Finding) (string, error) {
			if strings.Contains(fd.Note, "拒绝") {
				return "", errs.Invalidf("调解申请不完整", "incomplete")
			}
			handed = fd
			return "TJ202611300001", nil
		})
		if k := f.s.ConvertKinds(); len(k) != 2 || k[0] != "ticket" || k[1] != "mediation" {
			t.Fatalf("kinds: %v", k)
		}
		r := f.round(t, f.committee, grid, "1号楼101\n1号楼102\n1号楼201\n便民超市,place")
		// Nothing found.
		p, err := f.s.Record(ctx, f.worker, r.ID, screening.Check{Seq: 1, Result: screening.ResultClear})
		must(t, err)
		if p.Status != screening.PlaceChecked || p.Result != screening.ResultClear || p.Ref != "" {
			t.Fatalf("clear: %+v", p)
		}
		_, err = f.s.Record(ctx, f.worker, r.ID, screening.Check{Seq: 1, Result: screening.ResultClear})
		wantCode(t, err, errs.Conflict, "twice")
		// A finding becomes a ticket made by the grid worker.
		p, err = f.s.Record(ctx, f.worker, r.ID, screening.Check{Seq: 2, Result: screening.ResultFinding, Note: "楼道堆放杂物堵塞消防通道", CategoryCode: "09"})
		must(t, err)
		if p.ConvertedTo != "ticket" || p.Ref == "" {
			t.Fatalf("finding: %+v", p)
		}
		tk, err := f.tickets.Get(ctx, f.worker, p.Ref)
		must(t, err)
		if tk.Channel != ticket.ChannelGrid || tk.AreaCode != grid || tk.Address != "1号楼102" {
			t.Fatalf("ticket: %+v", tk)
		}
		// Through a registered converter; a refusal writes nothing.
		_, err = f.s.Record(ctx, f.worker, r.ID, screening.Check{Seq: 3, Result: screening.ResultFinding, Note: "邻里纠纷，一方拒绝", ConvertTo: "mediation"})
		wantCode(t, err, errs.Invalid, "refused conversion")
		p, err = f.s.Record(ctx, f.super, r.ID, screening.Check{Seq: 3, Result: screening.ResultFinding, Note: "楼上漏水邻里纠纷", ConvertTo: "mediation"})
		must(t, err)
		if p.Ref != "TJ202611300001" || p.ConvertedTo != "mediation" || handed.Address != "1号楼201" || handed.AreaCode != grid {
			t.Fatalf("mediation: %+v %+v", p, handed)
		}
		for _, c := range []screening.Check{
			{Seq: 4, Result: "maybe"},
			{Seq: 4, Result: screening.ResultFinding, Note: "短"},
			{Seq: 4, Result: screening.ResultFinding, Note: "需要家政服务的老人", ConvertTo: "service"},
			{Seq: 4, Result: screening.ResultClear, ConvertTo: "ticket"},
			{Seq: 4, Result: screening.ResultClear, Note: strings.Repeat("长", 501)},
		} {
			_, err = f.s.Record(ctx, f.worker, r.ID, c)
			wantCode(t, err, errs.Invalid, "bad check "+c.Result+c.Note)
		}
		_, err = f.s.Record(ctx, f.worker, r.ID, screening.Check{Seq: 9, Result: screening.ResultClear})
		wantCode(t, err, errs.NotFound, "no such place")
		_, err = f.s.Record(ctx, f.worker2, r.ID, screening.Check{Seq: 4, Result: screening.ResultClear})
		wantCode(t, err, errs.NotFound, "other grid's worker")
		_, err = f.s.Record(ctx, f.committee, r.ID, screening.Check{Seq: 4, Result: screening.ResultClear})
		wantCode(t, err, errs.Forbidden, "committee records")
		got, err := f.s.Get(ctx, f.worker, r.ID)
		must(t, err)
		if got.Listed != 4 || got.Checked != 3 || got.Coverage != 0.75 {
			t.Fatalf("round coverage: %+v", got)
		}
		// A second round in the other grid: 1 of 3.
		r2 := f.round(t, f.committee, grid2, "a\nb\nc")
		_, err = f.s.Record(ctx, f.worker2, r2.ID, screening.Check{Seq: 1, Result: screening.ResultClear, Note: "已入户"})
		must(t, err)
		c, err := f.s.Coverage(ctx, f.committee, community, "2026-12")
		must(t, err)
		if c.Total.Listed != 7 || c.Total.Checked != 4 || c.Total.Rounds != 2 || c.Total.Coverage != 0.5714 || len(c.Grids) != 2 || c.Grids[1].Coverage != 0.3333 {
			t.Fatalf("coverage: %+v", c)
		}
		c, err = f.s.Coverage(ctx, f.worker, grid, "2026-12")
		must(t, err)
		if c.Total.Listed != 4 || c.Total.Checked != 3 || len(c.Grids) != 1 {
			t.Fatalf("grid coverage: %+v", c)
		}
		c, err = f.s.Coverage(ctx, f.super, street, "2026-11")
		must(t, err)
		if c.Total.Listed != 0 || c.Total.Coverage != 0 {
			t.Fatalf("another month: %+v", c)
		}
		_, err = f.s.Coverage(ctx, f.worker, community, "2026-12")
		wantCode(t, err, errs.Forbidden, "worker reads the community")
		_, err = f.s.Coverage(ctx, f.committee, community, "2026-13")
		wantCode(t, err, errs.Invalid, "bad month")
		// Every change an event.
		ev, err := f.s.Events(ctx, f.committee, r.ID)
		must(t, err)
		if len(ev) != 4 || ev[0].Kind != "create" || ev[2].Kind != "check" {
			t.Fatalf("events: %+v", ev)
		}
		todo, err := f.s.TodoItems(ctx, f.worker)
		must(t, err)
		if len(todo) != 1 || todo[0].Ref != r.ID || !todo[0].NeedsAction {
			t.Fatalf("todo: %+v", todo)
		}
	})
}

func TestRegisterConverterRefusesBadKinds(t *testing.T) {
	s := screening.NewService(nil, clock.NewFixed(monday), nil, nil)
	for _, k := range []string{"", "Mediation", "a-b", strings.Repeat("x", 21)} {
		func() {
			defer func() {
				if recover() == nil {
					t.Fatalf("kind %q registered", k)
				}
			}()
			s.RegisterConverter(k, func(context.Context, auth.User, screening.Finding) (string, error) { return "x", nil })
		}()
	}
}

func TestRemindAndEnd(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		r := f.round(t, f.super, grid, "a\nb\nc")
		_, err := f.s.Record(ctx, f.worker, r.ID, screening.Check{Seq: 1, Result: screening.ResultClear})
		must(t, err)
		st, err := f.s.Sweep(ctx)
		must(t, err)
		if st != (screening.Swept{}) {
			t.Fatalf("early sweep: %+v", st)
		}
		f.clock.Set(r.EndsAt.Add(-23 * time.Hour))
		st, err = f.s.Sweep(ctx)
		must(t, err)
		if st.Reminded != 1 || st.Ended != 0 {
			t.Fatalf("reminder: %+v", st)
		}
		st, err = f.s.Sweep(ctx)
		must(t, err)
		if st.Reminded != 0 {
			t.Fatalf("reminded twice: %+v", st)
		}
		var n int
		must(t, d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE kind = 'screening' AND area_code = $1 AND role IN ('grid_worker', 'supervisor')`, grid).Scan(&n))
		if n != 2 {
			t.Fatalf("notifications: %d", n)
		}
		f.clock.Set(r.EndsAt)
		_, err = f.s.Record(ctx, f.worker, r.ID, screening.Check{Seq: 2, Result: screening.ResultClear})
		wantCode(t, err, errs.Conflict, "after the end")
		st, err = f.s.Sweep(ctx)
		must(t, err)
		if st.Ended != 1 {
			t.Fatalf("end: %+v", st)
		}
		got, err := f.s.Get(ctx, f.super, r.ID)
		must(t, err)
		if got.Status != screening.StatusEnded || got.Places[1].Status != screening.PlaceMissed || got.Places[2].Status != screening.PlaceMissed || got.Places[0].Status != screening.PlaceChecked || got.Listed != 3 || got.Checked != 1 {
			t.Fatalf("ended: %+v", got)
		}
		ev, err := f.s.Events(ctx, f.super, r.ID)
		must(t, err)
		if ev[len(ev)-1].Kind != "end" || ev[len(ev)-2].Kind != "remind" {
			t.Fatalf("events: %+v", ev)
		}
		// Before its start a round takes no check.
		later, err := f.s.Create(ctx, f.super, screening.New{AreaCode: grid, Title: "下月", StartsAt: r.EndsAt.AddDate(0, 0, 2), EndsAt: r.EndsAt.AddDate(0, 0, 5), Places: "a"})
		must(t, err)
		_, err = f.s.Record(ctx, f.worker, later.ID, screening.Check{Seq: 1, Result: screening.ResultClear})
		wantCode(t, err, errs.Conflict, "before the start")
	})
}

// TestOneFindingOnce records the same place from several clients at once:
// one finding is recorded and one ticket made; the others are refused.
func TestOneFindingOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		calls := make(chan string, 10)
		f.s.RegisterConverter("service", func(ctx context.Context, u auth.User, fd screening.Finding) (string, error) {
			calls <- fd.Address
			return "FW202611300001", nil
		})
		r := f.round(t, f.committee, grid, "1号楼101")
		const n = 8
		errsc := make(chan error, n)
		for i := 0; i < n; i++ {
			go func() {
				_, err := f.s.Record(ctx, f.worker, r.ID, screening.Check{Seq: 1, Result: screening.ResultFinding, Note: "独居老人需要助餐服务", ConvertTo: "service"})
				errsc <- err
			}()
		}
		ok := 0
		for i := 0; i < n; i++ {
			if err := <-errsc; err == nil {
				ok++
			} else if !errs.Is(err, errs.Conflict) {
				t.Fatalf("unexpected: %v", err)
			}
		}
		if ok != 1 || len(calls) != 1 {
			t.Fatalf("%d recorded, %d converted", ok, len(calls))
		}
		got, err := f.s.Get(ctx, f.worker, r.ID)
		must(t, err)
		if got.Checked != 1 || got.Places[0].Ref != "FW202611300001" {
			t.Fatalf("round: %+v", got)
		}
	})
}
