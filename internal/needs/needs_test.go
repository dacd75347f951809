package needs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/needs"
)

const (
	street    = "110117001"
	community = "110117001001"
	grid      = "110117001001001"
	grid2     = "110117001001002"
)

type fixture struct {
	s                                                   *needs.Service
	clock                                               *clock.Fixed
	worker, worker2, committee, super, admin, dept, her auth.User
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
	return auth.User{ID: id, Username: id, Name: "工作人员" + id, Role: role, OrgCode: org, AreaCode: area}
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
	} {
		must(t, g.UpsertArea(ctx, a))
	}
	for _, o := range []gov.Org{
		{Code: "CC1", Name: "承平里社区居委会", Kind: gov.KindCommunityCommittee, AreaCode: community},
		{Code: "D-MZ", Name: "区民政局", Kind: gov.KindDepartment, AreaCode: "110117"},
	} {
		must(t, g.UpsertOrg(ctx, o))
	}
	return &fixture{s: needs.NewService(d, c, g), clock: c,
		worker: staff("gw", auth.RoleGridWorker, "CC1", grid), worker2: staff("gw2", auth.RoleGridWorker, "CC1", grid2),
		committee: staff("cc", auth.RoleHandler, "CC1", community), super: staff("sup", auth.RoleSupervisor, "", street),
		admin: auth.System(), dept: staff("mz", auth.RoleHandler, "D-MZ", "110117"),
		her: auth.User{ID: "r1", Role: auth.RoleResident, Phone: "13800138001"}}
}

func mine(grid string) needs.New {
	return needs.New{AreaCode: grid, Name: "王奶奶", Address: "承平里3号楼2单元501", Categories: []string{needs.Elderly, needs.Alone},
		Consent: true, ConsentVersion: needs.ConsentVersion}
}

func TestConsentWithdrawHides(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		r, err := f.s.Mine(ctx, f.her)
		must(t, err)
		if r.Status != needs.StatusNone {
			t.Fatalf("before: %+v", r)
		}
		for _, bad := range []needs.New{
			func() needs.New { n := mine(grid); n.Consent = false; return n }(),
			func() needs.New { n := mine(grid); n.ConsentVersion = "old"; return n }(),
			func() needs.New { n := mine(grid); n.Categories = nil; return n }(),
			func() needs.New { n := mine(grid); n.Categories = []string{"rich"}; return n }(),
			func() needs.New { n := mine(grid); n.Address = ""; return n }(),
			func() needs.New { n := mine(grid); n.Note = strings.Repeat("长", 201); return n }(),
			mine(street),
			mine("x y"),
		} {
			_, err := f.s.Register(ctx, f.her, bad)
			wantCode(t, err, errs.Invalid, "bad registration")
		}
		r, err = f.s.Register(ctx, f.her, mine(grid))
		must(t, err)
		if r.Status != needs.StatusActive || r.ConsentVersion != needs.ConsentVersion || r.ConsentAt == nil || r.ConsentMode != needs.ModeSelf ||
			strings.Join(r.Categories, ",") != "alone,elderly" {
			t.Fatalf("registered: %+v", r)
		}
		if got, _ := f.s.NeedsOf(ctx, f.her.Phone); strings.Join(got, ",") != "alone,elderly" {
			t.Fatalf("needs of: %v", got)
		}
		plan, err := f.s.Plan(ctx, f.worker, "每周走访")
		must(t, err)
		if len(plan) != 1 || plan[0].Address != "承平里3号楼2单元501" || plan[0].Phone == f.her.Phone || !plan[0].DueNow || plan[0].IntervalDays != 7 {
			t.Fatalf("plan: %+v", plan)
		}
		items, err := f.s.MineItems(ctx, f.her)
		must(t, err)
		if len(items) != 1 || items[0].Status != needs.StatusActive {
			t.Fatalf("mine items: %+v", items)
		}
		must(t, f.s.Visit(ctx, f.worker, plan[0].ID, "身体不错"))
		// Withdrawal: nothing shown to anyone, only the event remains.
		r, err = f.s.Withdraw(ctx, f.her)
		must(t, err)
		if r.Status != needs.StatusWithdrawn || r.Address != "" || len(r.Categories) != 0 || r.Name != "" || r.WithdrawnAt == nil {
			t.Fatalf("withdrawn: %+v", r)
		}
		_, err = f.s.Withdraw(ctx, f.her)
		wantCode(t, err, errs.Conflict, "withdraw twice")
		plan, err = f.s.Plan(ctx, f.worker, "每周走访")
		must(t, err)
		if len(plan) != 0 {
			t.Fatalf("plan after withdrawal: %+v", plan)
		}
		if got, _ := f.s.NeedsOf(ctx, f.her.Phone); len(got) != 0 {
			t.Fatalf("needs of after withdrawal: %v", got)
		}
		wantCode(t, f.s.Visit(ctx, f.worker, r.ID, ""), errs.NotFound, "visit after withdrawal")
		var n int
		must(t, d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM needs_visits WHERE phone = $1`, f.her.Phone).Scan(&n))
		var row string
		must(t, d.R.QueryRowContext(ctx, `SELECT address || categories || name || note || area_code FROM needs_registrations WHERE phone = $1`, f.her.Phone).Scan(&row))
		if n != 0 || row != "" {
			t.Fatalf("kept after withdrawal: visits %d, %q", n, row)
		}
		ev, err := f.s.Events(ctx, f.her)
		must(t, err)
		if strings.Join(ev, ",") != "register,visit,withdraw" {
			t.Fatalf("events: %v", ev)
		}
		var details string
		must(t, d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM needs_events WHERE detail LIKE '%elderly%' OR detail LIKE '%501%'`).Scan(&n))
		if n != 0 {
			t.Fatalf("events hold the needs: %s", details)
		}
		items, _ = f.s.MineItems(ctx, f.her)
		if len(items) != 1 || items[0].Status != needs.StatusWithdrawn {
			t.Fatalf("mine items after: %+v", items)
		}
		// Registering again asks the consent again.
		r, err = f.s.Register(ctx, f.her, mine(grid))
		must(t, err)
		if r.Status != needs.StatusActive {
			t.Fatalf("again: %+v", r)
		}
	})
}

func TestReadsAuditedAndPolicy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		_, err := f.s.Register(ctx, f.her, mine(grid))
		must(t, err)
		_, err = f.s.Plan(ctx, f.worker, " ")
		wantCode(t, err, errs.Invalid, "no reason")
		for _, u := range []auth.User{f.super, f.admin, f.dept, f.committee, f.her} {
			_, err = f.s.Plan(ctx, u, "查看")
			wantCode(t, err, errs.Forbidden, "plan of "+u.ID)
		}
		plan, err := f.s.Plan(ctx, f.worker2, "每周走访")
		must(t, err)
		if len(plan) != 0 {
			t.Fatalf("other grid sees her: %+v", plan)
		}
		reads, err := f.s.Reads(ctx, f.her)
		must(t, err)
		if len(reads) != 0 {
			t.Fatalf("reads before: %+v", reads)
		}
		f.clock.Set(monday.Add(time.Hour))
		_, err = f.s.Plan(ctx, f.worker, "寒潮前走访")
		must(t, err)
		reads, err = f.s.Reads(ctx, f.her)
		must(t, err)
		if len(reads) != 1 || reads[0].Reason != "寒潮前走访" || reads[0].ActorName != "工作人员gw" || reads[0].OrgName != "承平里社区居委会" || !reads[0].At.Equal(monday.Add(time.Hour)) {
			t.Fatalf("reads: %+v", reads)
		}
		_, err = f.s.Reads(ctx, f.worker)
		wantCode(t, err, errs.Forbidden, "staff reads the reads")
		// Visits due: every 7 days for one living alone.
		todo, err := f.s.TodoItems(ctx, f.worker)
		must(t, err)
		if len(todo) != 1 || !todo[0].NeedsAction || strings.Contains(todo[0].Title, "王") {
			t.Fatalf("todo: %+v", todo)
		}
		plan, _ = f.s.Plan(ctx, f.worker, "走访")
		must(t, f.s.Visit(ctx, f.worker, plan[0].ID, "已上门"))
		wantCode(t, f.s.Visit(ctx, f.worker2, plan[0].ID, ""), errs.NotFound, "other grid visits")
		todo, _ = f.s.TodoItems(ctx, f.worker)
		if len(todo) != 0 {
			t.Fatalf("todo after visit: %+v", todo)
		}
		f.clock.Set(monday.Add(time.Hour).AddDate(0, 0, 7))
		plan, _ = f.s.Plan(ctx, f.worker, "走访")
		if len(plan) != 1 || !plan[0].DueNow || plan[0].LastVisit == nil {
			t.Fatalf("due again: %+v", plan)
		}
		// Configurable intervals.
		must(t, f.s.SetIntervals("alone=3, elderly=2"))
		if f.s.Interval([]string{needs.Alone, needs.Elderly}) != 2 || f.s.Interval([]string{needs.Disability}) != 14 {
			t.Fatal("intervals")
		}
		for _, bad := range []string{"alone", "rich=3", "alone=0", "alone=x", "alone=999"} {
			wantCode(t, f.s.SetIntervals(bad), errs.Invalid, "interval "+bad)
		}
		// Staff register for her only with consent in person, in her area.
		other := needs.New{Phone: "13800138002", AreaCode: grid, Address: "承平里5号楼", Categories: []string{needs.Disability}, Consent: true, ConsentVersion: needs.ConsentVersion}
		_, err = f.s.Register(ctx, f.worker, other)
		wantCode(t, err, errs.Invalid, "not in person")
		other.InPerson = true
		for _, u := range []auth.User{f.worker2, f.dept, f.admin, f.super} {
			_, err = f.s.Register(ctx, u, other)
			wantCode(t, err, errs.Forbidden, "on behalf by "+u.ID)
		}
		r, err := f.s.Register(ctx, f.committee, other)
		must(t, err)
		if r.ConsentMode != needs.ModeInPerson || r.Phone == "13800138002" {
			t.Fatalf("on behalf: %+v", r)
		}
		ev, _ := f.s.Events(ctx, auth.User{Role: auth.RoleResident, Phone: "13800138002"})
		if strings.Join(ev, ",") != "register:in_person" {
			t.Fatalf("on behalf events: %v", ev)
		}
		_, err = f.s.Register(ctx, f.worker, needs.New{Phone: "123", AreaCode: grid, Address: "x", Categories: []string{needs.Care}, Consent: true, ConsentVersion: needs.ConsentVersion, InPerson: true})
		wantCode(t, err, errs.Invalid, "bad phone")
	})
}
