package election_test

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
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/election"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
	"github.com/gongzhi/gongzhi/internal/vote"
)

const (
	community = demo.CommunityJinguDongyuan // 110117001001
	neighbour = "110117001002"
)

type fixture struct {
	d     *db.DB
	clock *clock.Fixed
	svc   *election.Service
	grid  auth.User // 金谷东园社区's grid worker
	other auth.User // a grid worker of another community
	hand  auth.User // a handler: runs no election
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
	return &fixture{d: d, clock: c, svc: election.NewService(d, c, g),
		grid:  auth.User{ID: "g1", Role: auth.RoleGridWorker, AreaCode: community},
		other: auth.User{ID: "g2", Role: auth.RoleGridWorker, AreaCode: neighbour},
		hand:  auth.User{ID: "h1", Role: auth.RoleHandler, AreaCode: demo.StreetBinhe, OrgCode: "x"}}
}

func (f *fixture) create(t *testing.T, kind string, seats int) election.Election {
	t.Helper()
	e, err := f.svc.Create(context.Background(), f.grid, election.New{Kind: kind, AreaCode: community, Title: "第三届业主委员会选举",
		Seats: seats, ClosesAt: f.clock.Now().Add(72 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (f *fixture) candidates(t *testing.T, id string, names ...string) []string {
	t.Helper()
	var in []election.CandidateIn
	for _, n := range names {
		in = append(in, election.CandidateIn{Name: n, Intro: n + "，退休教师，热心公益。"})
	}
	e, err := f.svc.AddCandidates(context.Background(), f.grid, id, in)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range e.Candidates {
		ids = append(ids, c.ID)
	}
	return ids
}

func (f *fixture) live(t *testing.T, area string, phones ...string) {
	t.Helper()
	for _, p := range phones {
		if _, err := f.d.W.ExecContext(context.Background(), `INSERT INTO area_residents (area_code, phone, verified_by, verified_at, source) VALUES ($1, $2, 'g1', 0, 'staff')`, area, p); err != nil {
			t.Fatal(err)
		}
	}
}

func wantCode(t *testing.T, err error, code errs.Code, what string) {
	t.Helper()
	if !errs.Is(err, code) {
		t.Fatalf("%s: %v, want %s", what, err, code)
	}
}

// register: 1-1-101 and 1-1-102 belong to 13800000001 (one owner, two
// units, 150.50 m² together), 1-1-201 to 13800000002, 1-1-202 to
// 13800000003.
var register = []vote.UnitIn{
	{Unit: "1-1-101", AreaM2: "100", Owner: "13800000001"},
	{Unit: "1-1-102", AreaM2: "50.50", Owner: "+86 138-0000-0001"},
	{Unit: "1-1-201", AreaM2: "100", Owner: "13800000002"},
	{Unit: "1-1-202", AreaM2: "49.50", Owner: "13800000003"},
}

func TestOwnersCommitteeFlow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		n := election.New{Kind: election.KindOwnersCommittee, AreaCode: community, Title: "x", Seats: 2, ClosesAt: f.clock.Now().Add(time.Hour)}
		_, err := f.svc.Create(ctx, f.other, n)
		wantCode(t, err, errs.Forbidden, "another community's grid worker")
		_, err = f.svc.Create(ctx, f.hand, n)
		wantCode(t, err, errs.Forbidden, "a handler")
		for what, bad := range map[string]election.New{
			"unknown kind":  {Kind: "mayor", AreaCode: community, Title: "x", Seats: 1, ClosesAt: n.ClosesAt},
			"no seat":       {Kind: n.Kind, AreaCode: community, Title: "x", Seats: 0, ClosesAt: n.ClosesAt},
			"51 seats":      {Kind: n.Kind, AreaCode: community, Title: "x", Seats: 51, ClosesAt: n.ClosesAt},
			"members level": {Kind: n.Kind, AreaCode: community, Title: "x", Seats: 1, ClosesAt: n.ClosesAt, Level: disclosure.Members},
			"closes before": {Kind: n.Kind, AreaCode: community, Title: "x", Seats: 1, ClosesAt: f.clock.Now().Add(-time.Hour)},
		} {
			_, err = f.svc.Create(ctx, f.grid, bad)
			wantCode(t, err, errs.Invalid, what)
		}

		e := f.create(t, election.KindOwnersCommittee, 2)
		if e.Rules.Quorum.String() != "2/3" || e.Rules.Elect.String() != ">1/2" || e.Level != disclosure.Residents {
			t.Fatalf("rules and level: %+v", e)
		}
		_, err = f.svc.AddUnits(ctx, f.other, e.ID, register)
		wantCode(t, err, errs.NotFound, "another community's register")
		_, err = f.svc.AddUnits(ctx, f.grid, e.ID, []vote.UnitIn{{Unit: "a", AreaM2: "1.234", Owner: "13800000001"}})
		wantCode(t, err, errs.Invalid, "three decimals")
		if e, err = f.svc.AddUnits(ctx, f.grid, e.ID, register); err != nil || e.Units != 4 || e.Voters != 3 {
			t.Fatalf("register: %+v %v", e, err)
		}
		_, err = f.svc.AddUnits(ctx, f.grid, e.ID, register[:1])
		wantCode(t, err, errs.Conflict, "a unit twice")
		owner := resident("13800000001")
		_, err = f.svc.Cast(ctx, owner, e.ID, election.BallotIn{Blank: true})
		wantCode(t, err, errs.Conflict, "a ballot before there are candidates for the seats")
		ids := f.candidates(t, e.ID, "张建国", "李秀英", "王志强", "误录入")
		if e, err = f.svc.RemoveCandidate(ctx, f.grid, e.ID, ids[3]); err != nil || len(e.Candidates) != 3 {
			t.Fatalf("remove a candidate: %+v %v", e, err)
		}
		ids = ids[:3]

		_, err = f.svc.Get(ctx, resident("13900000000"), e.ID)
		wantCode(t, err, errs.NotFound, "a stranger reads the election")
		_, err = f.svc.Cast(ctx, owner, e.ID, election.BallotIn{Choices: ids})
		wantCode(t, err, errs.Invalid, "three choices for two seats")
		_, err = f.svc.Cast(ctx, owner, e.ID, election.BallotIn{Choices: []string{ids[0], "nobody"}})
		wantCode(t, err, errs.Invalid, "an unknown candidate")
		_, err = f.svc.Cast(ctx, owner, e.ID, election.BallotIn{})
		wantCode(t, err, errs.Invalid, "an empty ballot not marked blank")
		_, err = f.svc.Cast(ctx, owner, e.ID, election.BallotIn{Choices: ids[:1], Voter: "13800000002"})
		wantCode(t, err, errs.Forbidden, "an owner casts another's ballot")
		e, err = f.svc.Cast(ctx, owner, e.ID, election.BallotIn{Choices: ids[:2]})
		if err != nil || !e.Voted || e.Ballots != 1 || strings.Join(e.MyChoices, ",") != strings.Join(ids[:2], ",") || e.Result != nil {
			t.Fatalf("the owner votes once for her two units: %+v %v", e, err)
		}
		_, err = f.svc.Cast(ctx, owner, e.ID, election.BallotIn{Choices: ids[2:]})
		wantCode(t, err, errs.Conflict, "second ballot")
		_, err = f.svc.Cast(ctx, f.grid, e.ID, election.BallotIn{Choices: ids[2:], Voter: "13800000001", PaperRef: "纸质票 0001"})
		wantCode(t, err, errs.Conflict, "a paper ballot for an owner who voted")
		_, err = f.svc.Cast(ctx, f.grid, e.ID, election.BallotIn{Choices: ids[:1], Voter: "13900000009"})
		wantCode(t, err, errs.NotFound, "a paper ballot for a phone not on the register")
		_, err = f.svc.AddUnits(ctx, f.grid, e.ID, []vote.UnitIn{{Unit: "9", AreaM2: "1", Owner: "13800000009"}})
		wantCode(t, err, errs.Conflict, "units after the first ballot")
		_, err = f.svc.AddCandidates(ctx, f.grid, e.ID, []election.CandidateIn{{Name: "赵六"}})
		wantCode(t, err, errs.Conflict, "candidates after the first ballot")
		if _, err := f.svc.Cast(ctx, f.grid, e.ID, election.BallotIn{Choices: []string{ids[0], ids[2]}, Voter: "13800000002", PaperRef: "纸质票 0002"}); err != nil {
			t.Fatalf("paper ballot: %v", err)
		}
		reg, err := f.svc.Register(ctx, f.grid, e.ID, 500)
		if err != nil || len(reg) != 4 || !reg[0].Voted || reg[3].Voted || strings.Contains(reg[0].Owner, "13800000001") {
			t.Fatalf("register as the staff see it: %+v %v", reg, err)
		}
		_, err = f.svc.Register(ctx, owner, e.ID, 500)
		wantCode(t, err, errs.Forbidden, "an owner reads the register")

		_, err = f.svc.Close(ctx, owner, e.ID)
		wantCode(t, err, errs.Forbidden, "an owner closes")
		e, err = f.svc.Close(ctx, f.grid, e.ID)
		if err != nil || e.Result == nil {
			t.Fatalf("close: %+v %v", e, err)
		}
		// 250.50 of 300.00 m² and 2 of 3 owners voted: participation met.
		// 张建国: both owners, 250.50 m²: elected. 李秀英: one owner of two
		// (exactly half), 150.50 m²: not. 王志强: one, 100 m²: not.
		r := *e.Result
		if r.VotersTotal != 3 || r.VotersVoted != 2 || r.AreaTotal != 300_00 || r.AreaVoted != 250_50 || !r.QuorumMet ||
			strings.Join(r.Elected, ",") != ids[0] || r.SeatsUnfilled != 1 || len(r.Runoff) != 0 {
			t.Fatalf("result: %+v", r)
		}
		if c := r.Candidates[1]; c.ID != ids[1] || c.Votes != 1 || c.Area != 150_50 || c.Passed {
			t.Errorf("the owner of two units counts once with her summed area: %+v", c)
		}
		_, err = f.svc.Cast(ctx, resident("13800000003"), e.ID, election.BallotIn{Choices: ids[:1]})
		wantCode(t, err, errs.Conflict, "ballot after close")
		_, err = f.svc.Close(ctx, f.grid, e.ID)
		wantCode(t, err, errs.Conflict, "close twice")
		ev, err := f.svc.Events(ctx, f.grid, e.ID)
		if err != nil || len(ev) != 7 || ev[0].Kind != "created" || ev[6].Kind != "closed" {
			t.Fatalf("events: %d %v", len(ev), err)
		}
		for _, x := range ev[:6] {
			for _, id := range ids {
				if x.Kind == "ballot" && strings.Contains(string(x.Detail), id) {
					t.Errorf("a ballot's event tells its choice: %s", x.Detail)
				}
			}
		}
		seen, err := f.svc.Get(ctx, resident("13800000003"), e.ID)
		if err != nil || seen.Result == nil || seen.Voted || len(seen.MyChoices) != 0 {
			t.Errorf("an owner who did not vote reads the result: %+v %v", seen, err)
		}
	})
}

// TestElectionSecret: nobody sees a voter's choices but the voter, and
// nobody sees a count before the close.
func TestElectionSecret(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		e := f.create(t, election.KindOwnersCommittee, 1)
		if _, err := f.svc.AddUnits(ctx, f.grid, e.ID, register); err != nil {
			t.Fatal(err)
		}
		ids := f.candidates(t, e.ID, "张建国", "李秀英")
		if _, err := f.svc.Cast(ctx, resident("13800000002"), e.ID, election.BallotIn{Choices: ids[1:]}); err != nil {
			t.Fatal(err)
		}
		for who, u := range map[string]auth.User{"staff": f.grid, "admin": auth.System(), "another owner": resident("13800000003")} {
			got, err := f.svc.Get(ctx, u, e.ID)
			if err != nil || got.Result != nil || len(got.MyChoices) != 0 || got.Voted {
				t.Errorf("%s reads a voter's choice or a count: %+v %v", who, got, err)
			}
		}
		l, _, err := f.svc.List(ctx, f.grid, election.Filter{})
		if err != nil || len(l) != 1 || l[0].Result != nil || l[0].Ballots != 1 {
			t.Errorf("the staff's list: %+v %v", l, err)
		}
		mine, err := f.svc.Get(ctx, resident("13800000002"), e.ID)
		if err != nil || !mine.Voted || len(mine.MyChoices) != 1 || mine.MyChoices[0] != ids[1] {
			t.Errorf("the voter's own: %+v %v", mine, err)
		}
	})
}

// TestElectionBoundariesStored runs the boundaries through the database, as
// stored and read back on each engine.
func TestElectionBoundariesStored(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		run := func(areas []string, voted int) election.Result {
			t.Helper()
			e := f.create(t, election.KindOwnersCommittee, 1)
			var in []vote.UnitIn
			for i, a := range areas {
				in = append(in, vote.UnitIn{Unit: fmt.Sprintf("9-1-%d", 101+i), AreaM2: a, Owner: fmt.Sprintf("1390000%04d", i)})
			}
			if _, err := f.svc.AddUnits(ctx, f.grid, e.ID, in); err != nil {
				t.Fatal(err)
			}
			ids := f.candidates(t, e.ID, "张建国")
			for i := 0; i < voted; i++ {
				if _, err := f.svc.Cast(ctx, resident(in[i].Owner), e.ID, election.BallotIn{Choices: ids}); err != nil {
					t.Fatal(err)
				}
			}
			e, err := f.svc.Close(ctx, f.grid, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.svc.Get(ctx, f.grid, e.ID)
			if err != nil || fmt.Sprint(*got.Result) != fmt.Sprint(*e.Result) {
				t.Fatalf("read back: %+v %v", got.Result, err)
			}
			return *e.Result
		}
		if r := run([]string{"100", "100", "100"}, 2); !r.QuorumMet || len(r.Elected) != 1 {
			t.Errorf("exactly 2/3 of area and owners: %+v", r)
		}
		if r := run([]string{"100", "99.99", "100.01"}, 2); r.QuorumMet || len(r.Elected) != 0 || r.AreaVoted.String() != "199.99" || r.SeatsUnfilled != 1 {
			t.Errorf("0.01 m² below 2/3: %+v", r)
		}
	})
}

// TestResidentsElection: the roll is the residents verified in the area,
// nobody else votes, and the count reads the district's rules as they were
// when the election was created.
func TestResidentsElection(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		f.live(t, community, "13700000001", "13700000002", "13700000003")
		f.live(t, neighbour, "13700000009")
		e := f.create(t, election.KindResidents, 2)
		_, err := f.svc.AddUnits(ctx, f.grid, e.ID, register)
		wantCode(t, err, errs.Invalid, "a register for residents' representatives")
		ids := f.candidates(t, e.ID, "周桂兰", "吴国庆", "郑爱华")
		rs := election.DefaultRules()
		rs[election.KindResidents] = election.Rules{Quorum: election.Share{Num: 9, Den: 10}, Elect: election.Share{Num: 9, Den: 10}}
		if err := f.svc.SetRules(rs); err != nil {
			t.Fatal(err)
		}
		if e.Voters != 3 || !strings.Contains(e.Title, "选举") {
			t.Fatalf("the roll: %+v", e)
		}
		_, err = f.svc.Cast(ctx, resident("13700000009"), e.ID, election.BallotIn{Choices: ids[:1]})
		wantCode(t, err, errs.NotFound, "a resident of another community")
		_, err = f.svc.Cast(ctx, f.grid, e.ID, election.BallotIn{Choices: ids[:1], Voter: "13700000009", PaperRef: "p1"})
		wantCode(t, err, errs.NotFound, "a paper ballot of another community's resident")
		if l, _, _ := f.svc.List(ctx, resident("13700000009"), election.Filter{}); len(l) != 0 {
			t.Errorf("another community's resident lists %+v", l)
		}
		mine, err := f.svc.MineItems(ctx, resident("13700000001"))
		if err != nil || len(mine) != 1 || mine[0].Ref != e.ID || !mine[0].NeedsAction {
			t.Fatalf("her 我的事项 before voting: %+v %v", mine, err)
		}
		if mine, err := f.svc.MineItems(ctx, resident("13700000009")); err != nil || len(mine) != 0 {
			t.Fatalf("another community's resident: %+v %v", mine, err)
		}
		_, err = f.svc.Cast(ctx, resident("13700000001"), e.ID, election.BallotIn{Choices: ids})
		wantCode(t, err, errs.Invalid, "three choices for two seats")
		for _, p := range []string{"13700000001", "13700000002"} {
			if _, err := f.svc.Cast(ctx, resident(p), e.ID, election.BallotIn{Choices: ids[:2]}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.svc.Cast(ctx, f.grid, e.ID, election.BallotIn{Blank: true, Voter: "13700000003", PaperRef: "p2"}); err != nil {
			t.Fatal(err)
		}
		if mine, err := f.svc.MineItems(ctx, resident("13700000001")); err != nil || len(mine) != 1 || mine[0].NeedsAction {
			t.Fatalf("her 我的事项 after voting: %+v %v", mine, err)
		}
		f.live(t, neighbour, "13700000010") // verified elsewhere meanwhile: not on this roll
		e, err = f.svc.Close(ctx, f.grid, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		// 3 of 3 voted (> 1/2); 周桂兰 and 吴国庆 2 of 3 ballots each (> 1/2).
		r := e.Result
		if r.VotersTotal != 3 || r.VotersVoted != 3 || !r.QuorumMet || len(r.Elected) != 2 || r.Elected[0] != ids[0] || r.SeatsUnfilled != 0 || e.Rules.Elect.String() != ">1/2" {
			t.Fatalf("result: %+v %+v", r, e.Rules)
		}
		// A new election takes the rules set since: 9/10.
		e2 := f.create(t, election.KindResidents, 1)
		if e2.Rules.Quorum.String() != "9/10" {
			t.Errorf("new rules: %+v", e2.Rules)
		}
	})
}

// TestElectionTieStored: two candidates tied at the last seat are both left
// out, and the seat waits for a run-off.
func TestElectionTieStored(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		f.live(t, community, "13700000001", "13700000002", "13700000003")
		e := f.create(t, election.KindResidents, 2)
		ids := f.candidates(t, e.ID, "周桂兰", "吴国庆", "郑爱华")
		for i, c := range [][]string{{ids[0], ids[1]}, {ids[0], ids[2]}, {ids[1], ids[2]}} {
			if _, err := f.svc.Cast(ctx, resident(fmt.Sprintf("1370000000%d", i+1)), e.ID, election.BallotIn{Choices: c}); err != nil {
				t.Fatal(err)
			}
		}
		e, err := f.svc.Close(ctx, f.grid, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		r := e.Result
		if len(r.Elected) != 0 || r.SeatsUnfilled != 2 || len(r.Runoff) != 3 {
			t.Fatalf("three tied for two seats: %+v", r)
		}
		for _, c := range r.Candidates {
			if !c.Tied || c.Elected || c.Votes != 2 || !c.Passed {
				t.Errorf("candidate: %+v", c)
			}
		}
	})
}

// TestElectionListAndClose: the list shows each user what Get lets her
// read, in pages; the background work closes elections past their time.
func TestElectionListAndClose(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		f.live(t, community, "13700000001")
		owners := f.create(t, election.KindOwnersCommittee, 1)
		if _, err := f.svc.AddUnits(ctx, f.grid, owners.ID, register); err != nil {
			t.Fatal(err)
		}
		var all []string
		for i, lv := range []disclosure.Level{disclosure.Public, disclosure.Residents, disclosure.Internal} {
			f.clock.Advance(time.Minute)
			e, err := f.svc.Create(ctx, f.grid, election.New{Kind: []string{election.KindResidents, election.KindOwnersCommittee}[i%2], AreaCode: community,
				Title: "选举 " + string(lv), Seats: 1, ClosesAt: f.clock.Now().Add(time.Hour), Level: lv})
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, e.ID)
		}
		users := map[string]auth.User{
			"grid": f.grid, "other": f.other, "handler": f.hand, "admin": auth.System(),
			"owner (not a resident)": resident("13800000002"), "resident": resident("13700000001"), "stranger": resident("13900000000"),
			"district supervisor": {ID: "s1", Role: auth.RoleSupervisor, AreaCode: demo.DistrictCode}, "guest": {},
		}
		for name, u := range users {
			var want []string
			for _, id := range append([]string{owners.ID}, all...) {
				if _, err := f.svc.Get(ctx, u, id); err == nil {
					want = append(want, id)
				} else if !errs.Is(err, errs.NotFound) {
					t.Fatal(err)
				}
			}
			l, _, err := f.svc.List(ctx, u, election.Filter{Limit: 100})
			if !election.CanList(u) {
				wantCode(t, err, errs.Forbidden, name+" lists")
				continue
			}
			var got []string
			for _, e := range l {
				got = append(got, e.ID)
			}
			if fmt.Sprint(sortIDs(got)) != fmt.Sprint(sortIDs(want)) || err != nil {
				t.Errorf("%s: list %v, Get %v, %v", name, got, want, err)
			}
		}
		// The resident of the community sees the public election, the two
		// for its residents, and the internal one whose roll she is on.
		if l, _, _ := f.svc.List(ctx, resident("13700000001"), election.Filter{}); len(l) != 4 {
			t.Errorf("the resident's list: %d", len(l))
		}
		if l, _, _ := f.svc.List(ctx, resident("13800000002"), election.Filter{}); len(l) != 2 {
			t.Errorf("the owner's list (public, and hers by the register): %d", len(l))
		}
		page, next, err := f.svc.List(ctx, f.grid, election.Filter{AreaCode: community, Limit: 3})
		if err != nil || len(page) != 3 || next == "" {
			t.Fatalf("first page: %d %q %v", len(page), next, err)
		}
		rest, next, err := f.svc.List(ctx, f.grid, election.Filter{AreaCode: community, Limit: 3, Cursor: next})
		if err != nil || len(rest) != 1 || next != "" || rest[0].ID != owners.ID {
			t.Fatalf("second page: %+v %q %v", rest, next, err)
		}
		_, _, err = f.svc.List(ctx, f.grid, election.Filter{Cursor: "nonsense"})
		wantCode(t, err, errs.Invalid, "a bad cursor")
		f.clock.Advance(72 * time.Hour)
		_, err = f.svc.Cast(ctx, resident("13800000003"), owners.ID, election.BallotIn{Blank: true})
		wantCode(t, err, errs.Conflict, "ballot after the closing time")
		n, err := f.svc.CloseDue(ctx)
		if err != nil || n != 4 {
			t.Fatalf("close due: %d %v", n, err)
		}
		got, _ := f.svc.Get(ctx, f.grid, owners.ID)
		if got.Status != election.StatusClosed || got.Result == nil || got.Result.QuorumMet || got.Result.SeatsUnfilled != 1 {
			t.Errorf("closed by the background work: %+v", got)
		}
	})
}

// TestElectionOpensLater: no ballot before the election opens; its
// register and candidates may be kept until then.
func TestElectionOpensLater(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		f.live(t, community, "13700000001")
		e, err := f.svc.Create(ctx, f.grid, election.New{Kind: election.KindResidents, AreaCode: community, Title: "居民代表选举", Seats: 1,
			OpensAt: f.clock.Now().Add(24 * time.Hour), ClosesAt: f.clock.Now().Add(48 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		ids := f.candidates(t, e.ID, "周桂兰")
		if f.svc.TakesBallots(e) || !f.svc.Upcoming(e) {
			t.Error("takes ballots before it opens")
		}
		_, err = f.svc.Cast(ctx, resident("13700000001"), e.ID, election.BallotIn{Choices: ids})
		wantCode(t, err, errs.Conflict, "a ballot before it opens")
		f.clock.Advance(25 * time.Hour)
		if _, err := f.svc.Cast(ctx, resident("13700000001"), e.ID, election.BallotIn{Choices: ids}); err != nil {
			t.Fatal(err)
		}
	})
}

func sortIDs(xs []string) []string {
	out := append([]string(nil), xs...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
