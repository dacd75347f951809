package vote_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/demo"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
	"github.com/gongzhi/gongzhi/internal/vote"
)

const community = demo.CommunityJinguDongyuan

type fixture struct {
	d     *db.DB
	clock *clock.Fixed
	svc   *vote.Service
	grid  auth.User // 金谷东园社区's grid worker
	other auth.User // a grid worker of another community
	hand  auth.User // a handler: runs no vote
	super auth.User
}

func resident(phone string) auth.User {
	return auth.User{ID: "r-" + phone, Role: auth.RoleResident, Phone: phone}
}

func setup(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	c := clock.NewFixed(time.Date(2026, 12, 1, 9, 0, 0, 0, clock.BusinessZone()))
	log := slog.New(slog.DiscardHandler)
	g := gov.NewService(d, c)
	a := auth.NewService(d, c, g, log, auth.Options{BcryptCost: 4, Demo: true})
	if _, err := demo.Load(ctx, d, g, a, ticket.NewService(d, c, g, log), log); err != nil {
		t.Fatal(err)
	}
	return &fixture{d: d, clock: c, svc: vote.NewService(d, c, g),
		grid:  auth.User{ID: "g1", Role: auth.RoleGridWorker, AreaCode: community},
		other: auth.User{ID: "g2", Role: auth.RoleGridWorker, AreaCode: "110117001002"},
		hand:  auth.User{ID: "h1", Role: auth.RoleHandler, AreaCode: demo.StreetBinhe, OrgCode: "x"},
		super: auth.User{ID: "s1", Role: auth.RoleSupervisor, AreaCode: demo.DistrictCode}}
}

func (f *fixture) create(t *testing.T, matter string, secret bool) vote.Vote {
	t.Helper()
	v, err := f.svc.Create(context.Background(), f.grid, vote.New{AreaCode: community, Title: "更换电梯", Matter: matter,
		ClosesAt: f.clock.Now().Add(72 * time.Hour), Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func wantCode(t *testing.T, err error, code errs.Code, what string) {
	t.Helper()
	if !errs.Is(err, code) {
		t.Fatalf("%s: %v, want %s", what, err, code)
	}
}

// register: 1-1-101 and 1-1-102 belong to 13800000001 (one owner, two
// units), 1-1-201 to 13800000002, 1-1-202 to 13800000003.
var register = []vote.UnitIn{
	{Unit: "1-1-101", AreaM2: "100", Owner: "13800000001"},
	{Unit: "1-1-102", AreaM2: "50.50", Owner: "+86 138-0000-0001"},
	{Unit: "1-1-201", AreaM2: "100", Owner: "13800000002"},
	{Unit: "1-1-202", AreaM2: "49.50", Owner: "13800000003"},
}

func TestVoteFlow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		_, err := f.svc.Create(ctx, f.other, vote.New{AreaCode: community, Title: "x", Matter: vote.MatterOrdinary, ClosesAt: f.clock.Now().Add(time.Hour)})
		wantCode(t, err, errs.Forbidden, "another community's grid worker")
		_, err = f.svc.Create(ctx, f.hand, vote.New{AreaCode: community, Title: "x", Matter: vote.MatterOrdinary, ClosesAt: f.clock.Now().Add(time.Hour)})
		wantCode(t, err, errs.Forbidden, "a handler")
		_, err = f.svc.Create(ctx, f.grid, vote.New{AreaCode: community, Title: "x", Matter: "big", ClosesAt: f.clock.Now().Add(time.Hour)})
		wantCode(t, err, errs.Invalid, "unknown matter")
		_, err = f.svc.Create(ctx, f.grid, vote.New{AreaCode: community, Title: "x", Matter: vote.MatterMajor, ClosesAt: f.clock.Now().Add(-time.Hour)})
		wantCode(t, err, errs.Invalid, "closing in the past")

		v := f.create(t, vote.MatterOrdinary, false)
		_, err = f.svc.AddUnits(ctx, f.grid, v.ID, []vote.UnitIn{{Unit: "a", AreaM2: "1.234", Owner: "13800000001"}})
		wantCode(t, err, errs.Invalid, "three decimals")
		_, err = f.svc.AddUnits(ctx, f.other, v.ID, register)
		wantCode(t, err, errs.NotFound, "another community's register")
		v, err = f.svc.AddUnits(ctx, f.grid, v.ID, register)
		if err != nil || v.Units != 4 {
			t.Fatalf("add units: %+v %v", v, err)
		}
		_, err = f.svc.AddUnits(ctx, f.grid, v.ID, register[:1])
		wantCode(t, err, errs.Conflict, "a unit twice")

		owner := resident("13800000001")
		_, err = f.svc.Get(ctx, resident("13900000000"), v.ID)
		wantCode(t, err, errs.NotFound, "a stranger reads the vote")
		v, err = f.svc.Cast(ctx, owner, v.ID, []vote.BallotIn{{Unit: "1-1-101", Choice: vote.ChoiceAgree}, {Unit: "1-1-102", Choice: vote.ChoiceDisagree}})
		if err != nil || v.Ballots != 2 {
			t.Fatalf("owner votes her two units: %+v %v", v, err)
		}
		_, err = f.svc.Cast(ctx, owner, v.ID, []vote.BallotIn{{Unit: "1-1-101", Choice: vote.ChoiceDisagree}})
		wantCode(t, err, errs.Conflict, "second ballot")
		_, err = f.svc.Cast(ctx, owner, v.ID, []vote.BallotIn{{Unit: "1-1-201", Choice: vote.ChoiceAgree}})
		wantCode(t, err, errs.NotFound, "another owner's unit")
		_, err = f.svc.AddUnits(ctx, f.grid, v.ID, []vote.UnitIn{{Unit: "9", AreaM2: "1", Owner: "13800000009"}})
		wantCode(t, err, errs.Conflict, "units after the first ballot")
		if _, err := f.svc.Cast(ctx, f.grid, v.ID, []vote.BallotIn{{Unit: "1-1-201", Choice: vote.ChoiceDisagree, PaperRef: "纸质票 0007"}}); err != nil {
			t.Fatalf("paper ballot: %v", err)
		}
		reg, err := f.svc.Register(ctx, f.grid, v.ID)
		if err != nil || len(reg) != 4 || reg[0].Choice != vote.ChoiceAgree || strings.Contains(reg[0].Owner, "13800000001") {
			t.Fatalf("register as the staff see it: %+v %v", reg, err)
		}
		mine, err := f.svc.Register(ctx, owner, v.ID)
		if err != nil || len(mine) != 2 || mine[1].Choice != vote.ChoiceDisagree || mine[0].Owner != "" {
			t.Fatalf("her own units: %+v %v", mine, err)
		}
		// 250.50 of 300.00 m² voted, 2 of 3 owners: participation met;
		// agree: 100 m² (not more than half of 250.50), 1 owner of 2: not passed.
		_, err = f.svc.Close(ctx, owner, v.ID)
		wantCode(t, err, errs.Forbidden, "an owner closes")
		v, err = f.svc.Close(ctx, f.grid, v.ID)
		if err != nil || v.Result == nil {
			t.Fatalf("close: %+v %v", v, err)
		}
		r := *v.Result
		if r.AreaTotal != 300_00 || r.OwnersTotal != 3 || r.AreaVoted != 250_50 || r.OwnersVoted != 2 || r.AreaAgree != 100_00 || r.OwnersAgree != 1 || !r.QuorumMet || r.Passed {
			t.Errorf("result: %+v", r)
		}
		_, err = f.svc.Cast(ctx, resident("13800000003"), v.ID, []vote.BallotIn{{Unit: "1-1-202", Choice: vote.ChoiceAgree}})
		wantCode(t, err, errs.Conflict, "ballot after close")
		_, err = f.svc.Close(ctx, f.grid, v.ID)
		wantCode(t, err, errs.Conflict, "close twice")
		// Each owner on the register is told the result once, whether she
		// voted or not, and one of two units once.
		var told, toldOwner1 int
		if err := d.R.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN phone = '13800000001' THEN 1 ELSE 0 END), 0) FROM notifications
WHERE kind = 'vote' AND text LIKE '%结果已公布%'`).Scan(&told, &toldOwner1); err != nil || told != 3 || toldOwner1 != 1 {
			t.Errorf("owners told the result: %d (owner of two units %d) %v", told, toldOwner1, err)
		}
		ev, err := f.svc.Events(ctx, f.grid, v.ID)
		if err != nil || len(ev) != 6 || ev[0].Kind != "created" || ev[5].Kind != "closed" {
			t.Errorf("events: %+v %v", ev, err)
		}
		seen, err := f.svc.Get(ctx, owner, v.ID)
		if err != nil || seen.Result == nil || seen.Result.Passed {
			t.Errorf("the owner reads the result: %+v %v", seen, err)
		}
	})
}

func TestVoteSecret(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		v := f.create(t, vote.MatterMajor, true)
		if _, err := f.svc.AddUnits(ctx, f.grid, v.ID, register); err != nil {
			t.Fatal(err)
		}
		owner := resident("13800000002")
		if _, err := f.svc.Cast(ctx, owner, v.ID, []vote.BallotIn{{Unit: "1-1-201", Choice: vote.ChoiceDisagree}}); err != nil {
			t.Fatal(err)
		}
		got, err := f.svc.Get(ctx, f.grid, v.ID)
		if err != nil || got.Result != nil || got.Ballots != 1 {
			t.Errorf("staff see totals of an open secret vote: %+v %v", got, err)
		}
		reg, _ := f.svc.Register(ctx, f.super, v.ID)
		for _, u := range reg {
			if u.Choice != "" {
				t.Errorf("staff see a choice of a secret vote: %+v", u)
			}
		}
		mine, _ := f.svc.Register(ctx, owner, v.ID)
		if len(mine) != 1 || mine[0].Choice != vote.ChoiceDisagree {
			t.Errorf("the owner's own choice: %+v", mine)
		}
		ev, _ := f.svc.Events(ctx, f.grid, v.ID)
		for _, e := range ev {
			if strings.Contains(string(e.Detail), "disagree") || strings.Contains(string(e.Detail), "choice") {
				t.Errorf("an event tells the choice: %s", e.Detail)
			}
		}
		v, err = f.svc.Close(ctx, f.grid, v.ID)
		if err != nil || v.Result == nil || v.Result.OwnersVoted != 1 {
			t.Errorf("totals after closing: %+v %v", v, err)
		}
		reg, _ = f.svc.Register(ctx, f.grid, v.ID)
		for _, u := range reg {
			if u.Choice != "" {
				t.Errorf("a choice after closing: %+v", u)
			}
		}
	})
}

func TestVoteCloseDueAndList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		v := f.create(t, vote.MatterOrdinary, false)
		if _, err := f.svc.AddUnits(ctx, f.grid, v.ID, register); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			f.clock.Advance(time.Minute)
			f.create(t, vote.MatterOrdinary, false)
		}
		page, next, err := f.svc.List(ctx, f.grid, vote.Filter{AreaCode: community, Limit: 3})
		if err != nil || len(page) != 3 || next == "" {
			t.Fatalf("first page: %d %q %v", len(page), next, err)
		}
		rest, next, err := f.svc.List(ctx, f.grid, vote.Filter{AreaCode: community, Limit: 3, Cursor: next})
		if err != nil || len(rest) != 1 || next != "" || rest[0].ID != v.ID {
			t.Fatalf("second page: %+v %q %v", rest, next, err)
		}
		if l, _, _ := f.svc.List(ctx, f.other, vote.Filter{}); len(l) != 0 {
			t.Errorf("another community lists %d", len(l))
		}
		if l, _, _ := f.svc.List(ctx, resident("13800000003"), vote.Filter{}); len(l) != 1 || l[0].ID != v.ID {
			t.Errorf("an owner lists %+v", l)
		}
		f.clock.Advance(72 * time.Hour)
		_, err = f.svc.Cast(ctx, resident("13800000003"), v.ID, []vote.BallotIn{{Unit: "1-1-202", Choice: vote.ChoiceAgree}})
		wantCode(t, err, errs.Conflict, "ballot after the closing time")
		n, err := f.svc.CloseDue(ctx)
		if err != nil || n != 4 {
			t.Fatalf("close due: %d %v", n, err)
		}
		got, _ := f.svc.Get(ctx, f.grid, v.ID)
		if got.Status != vote.StatusClosed || got.Result == nil || got.Result.QuorumMet {
			t.Errorf("closed by the background work: %+v", got)
		}
	})
}

func TestVoteCSV(t *testing.T) {
	good := "\ufeffunit,area_m2,owner\n1-1-101,88.50,13800000001\n\"1-1-102\",70,13800000001\n"
	units, err := vote.ParseCSV(strings.NewReader(good))
	if err != nil || len(units) != 2 || units[1].Unit != "1-1-102" {
		t.Fatalf("good CSV: %+v %v", units, err)
	}
	for csv, line := range map[string]string{
		"unit,area_m2,owner\n1-1-101,88.50,13800000001\n1-1-102,88.555,13800000001\n": "第3行",
		"1-1-101,88.50,13800000001\n1-1-102,88,12345\n":                               "第2行",
		"1-1-101,88.50,13800000001\n1-1-102,88\n":                                     "第2行",
		"1-1-101,88.50,13800000001\n\n1-1-101,88,13800000002\n":                       "第3行",
	} {
		_, err := vote.ParseCSV(strings.NewReader(csv))
		if e := errs.As(err); e == nil || e.Code != errs.Invalid || !strings.Contains(e.Msg, line) {
			t.Errorf("%q: %v, want %s", csv, err, line)
		}
	}
}

// TestVoteBoundariesStored runs the boundaries through the database, as
// stored and read back on each engine.
func TestVoteBoundariesStored(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		run := func(matter string, areas []string, choices []string) vote.Result {
			t.Helper()
			v := f.create(t, matter, false)
			var in []vote.UnitIn
			for i, a := range areas {
				in = append(in, vote.UnitIn{Unit: fmt.Sprintf("9-1-%d", 101+i), AreaM2: a, Owner: fmt.Sprintf("1390000%04d", i)})
			}
			if _, err := f.svc.AddUnits(ctx, f.grid, v.ID, in); err != nil {
				t.Fatal(err)
			}
			for i, c := range choices {
				if c == "" {
					continue
				}
				if _, err := f.svc.Cast(ctx, f.grid, v.ID, []vote.BallotIn{{Unit: in[i].Unit, Choice: c}}); err != nil {
					t.Fatal(err)
				}
			}
			v, err := f.svc.Close(ctx, f.grid, v.ID)
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.svc.Get(ctx, f.grid, v.ID)
			if err != nil || *got.Result != *v.Result {
				t.Fatalf("read back: %+v %v", got.Result, err)
			}
			return *v.Result
		}
		A, D, X := vote.ChoiceAgree, vote.ChoiceDisagree, vote.ChoiceAbstain
		if r := run(vote.MatterOrdinary, []string{"100", "100", "100"}, []string{A, X, ""}); !r.QuorumMet || r.Passed {
			t.Errorf("exactly 2/3 voted, exactly half agreed: %+v", r)
		}
		if r := run(vote.MatterOrdinary, []string{"100", "99.99", "100.01"}, []string{A, A, ""}); r.QuorumMet || r.Passed || r.AreaVoted.String() != "199.99" {
			t.Errorf("0.01 m² below 2/3: %+v", r)
		}
		if r := run(vote.MatterMajor, []string{"100", "100", "100", "100"}, []string{A, A, A, D}); !r.Passed {
			t.Errorf("exactly 3/4 of a major matter: %+v", r)
		}
		v := f.create(t, vote.MatterOrdinary, false)
		_, err := f.svc.AddUnits(ctx, f.grid, v.ID, []vote.UnitIn{{Unit: "1", AreaM2: "10", Owner: "13900000001"}, {Unit: "2", AreaM2: "x", Owner: "13900000002"}})
		if e := errs.As(err); e == nil || !strings.Contains(e.Msg, "第2户") {
			t.Errorf("a bad unit: %v", err)
		}
		if got, _ := f.svc.Get(ctx, f.grid, v.ID); got.Units != 0 {
			t.Errorf("a bad batch wrote %d units", got.Units)
		}
	})
}

// TestMineItems: an open vote waits for an owner until each of her units
// has its ballot; then it stays on her list without waiting.
func TestMineItems(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		v := f.create(t, vote.MatterOrdinary, false)
		_, err := f.svc.AddUnits(ctx, f.grid, v.ID, []vote.UnitIn{
			{Unit: "1-1-101", AreaM2: "90", Owner: "13800000001"}, {Unit: "1-1-102", AreaM2: "60", Owner: "13800000001"},
			{Unit: "1-1-201", AreaM2: "90", Owner: "13800000002"},
		})
		if err != nil {
			t.Fatal(err)
		}
		owner := resident("13800000001")
		items, err := f.svc.MineItems(ctx, owner)
		if err != nil || len(items) != 1 || !items[0].NeedsAction || items[0].Due == nil || items[0].Ref != v.ID {
			t.Fatalf("before voting: %+v %v", items, err)
		}
		if _, err := f.svc.Cast(ctx, owner, v.ID, []vote.BallotIn{{Unit: "1-1-101", Choice: vote.ChoiceAgree}}); err != nil {
			t.Fatal(err)
		}
		if items, _ = f.svc.MineItems(ctx, owner); len(items) != 1 || !items[0].NeedsAction {
			t.Fatalf("one unit of two voted: %+v", items)
		}
		if _, err := f.svc.Cast(ctx, owner, v.ID, []vote.BallotIn{{Unit: "1-1-102", Choice: vote.ChoiceAgree}}); err != nil {
			t.Fatal(err)
		}
		if items, _ = f.svc.MineItems(ctx, owner); len(items) != 1 || items[0].NeedsAction {
			t.Fatalf("both voted: %+v", items)
		}
		voters, err := f.svc.Voters(ctx, f.clock.Now().Add(-time.Hour), f.clock.Now().Add(time.Hour))
		if err != nil || len(voters) != 1 || voters[0].Phone != owner.Phone || voters[0].AreaCode != community {
			t.Fatalf("voters (one owner of two units): %+v %v", voters, err)
		}
		if items, _ = f.svc.MineItems(ctx, resident("13800000009")); len(items) != 0 {
			t.Fatalf("not an owner: %+v", items)
		}
	})
}
