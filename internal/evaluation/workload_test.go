package evaluation_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/calendar"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/rootcause"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// The workload fixture, March 2026 (1 March is a Sunday), on a calendar of
// Monday to Friday, 08:30–12:00 and 13:30–17:30 (7.5 working hours a day),
// no holidays. Units S1 (handlers h1, h2), S2 (h3; h4 disabled), D1 (d1).
// Every ticket is of category 0101; W4 in area 110117002001, the others in
// 110117001001, for which the catalogue names D1.
type wev struct {
	number, at, action, to, org, actor, note string
}

var workTickets = []struct {
	number, status, org, area, created, closed string
	rated                                      bool
	resolved                                   bool
	satisfaction                               string
}{
	{"W1", "closed", "S1", "110117001001", "03-02 09:00", "03-04 09:00", true, true, "satisfied"},
	{"W2", "closed", "S1", "110117001001", "03-05 09:00", "03-06 09:00", true, false, "unsatisfied"},
	{"W3", "in_progress", "S1", "110117001001", "03-10 09:00", "", false, false, ""},
	{"W4", "closed", "S2", "110117002001", "03-12 09:00", "03-13 09:00", false, false, ""},
	{"W5", "closed", "S1", "110117001001", "02-27 09:00", "03-03 09:00", false, false, ""},
	{"W6", "closed", "S1", "110117001001", "03-16 09:00", "03-17 09:00", false, false, ""},
}

var workEvents = []wev{
	// W1: D1 returns it (1 h held), S1 gets it at 11:00 (1.5 h to the
	// signature), h1 handles it 14:00 to 10:00 next day (3.5 + 1.5 = 5 h).
	{"W1", "03-02 09:00", "create", "dispatched", "D1", "", ""},
	{"W1", "03-02 10:00", "return", "returned", "D1", "d1", "not_our_duty 不归本单位"},
	{"W1", "03-02 11:00", "approve_return", "dispatched", "S1", "sup", ""},
	{"W1", "03-02 14:00", "sign", "signed", "S1", "h1", ""},
	{"W1", "03-03 10:00", "reply", "replied", "S1", "h1", ""},
	{"W1", "03-04 09:00", "rate", "closed", "S1", "", ""},
	// W2: D1 0.5 h, S1 0.5 h, h2 10:30–16:00 (1.5 + 2.5 = 4 h).
	{"W2", "03-05 09:00", "create", "dispatched", "D1", "", ""},
	{"W2", "03-05 09:30", "return", "returned", "D1", "d1", "not_our_duty"},
	{"W2", "03-05 10:00", "approve_return", "dispatched", "S1", "sup", ""},
	{"W2", "03-05 10:30", "sign", "signed", "S1", "h2", ""},
	{"W2", "03-05 16:00", "reply", "replied", "S1", "h2", ""},
	{"W2", "03-06 09:00", "rate", "closed", "S1", "", ""},
	// W3: D1 1 h, re-dispatched without a note, S1 1 h, h1 from 11:00 on
	// 10 March to the month's end: 5 h that day and 15 working days after
	// (11–13, 16–20, 23–27, 30–31 March) of 7.5 h: 117.5 h, open.
	{"W3", "03-10 09:00", "create", "dispatched", "D1", "", ""},
	{"W3", "03-10 10:00", "redispatch", "dispatched", "S1", "sup", "  "},
	{"W3", "03-10 11:00", "sign", "signed", "S1", "h1", ""},
	{"W3", "03-10 11:30", "contact", "in_progress", "S1", "h1", ""},
	// W4: S2 0.5 h, h3 0.5 h, a return refused, h3 again 11:00–15:00
	// (1 + 1.5 = 2.5 h): S2 3.5 h, h3 3 h, one ticket received.
	{"W4", "03-12 09:00", "create", "dispatched", "S2", "", ""},
	{"W4", "03-12 09:30", "sign", "signed", "S2", "h3", ""},
	{"W4", "03-12 10:00", "return", "returned", "S2", "h3", "wrong_area"},
	{"W4", "03-12 11:00", "reject_return", "signed", "S2", "sup", ""},
	{"W4", "03-12 15:00", "reply", "replied", "S2", "h3", ""},
	{"W4", "03-13 09:00", "rate", "closed", "S2", "", ""},
	// W5: received in February; h2 holds it into March until 10:00 on
	// Monday 2 March: 1.5 h in March, finished, not received.
	{"W5", "02-27 09:00", "create", "dispatched", "S1", "", ""},
	{"W5", "02-27 10:00", "sign", "signed", "S1", "h2", ""},
	{"W5", "03-02 10:00", "reply", "replied", "S1", "h2", ""},
	{"W5", "03-03 09:00", "rate", "closed", "S1", "", ""},
	// W6: D1 0.5 h, S1 0.5 h, h1 1 h.
	{"W6", "03-16 09:00", "create", "dispatched", "D1", "", ""},
	{"W6", "03-16 09:30", "return", "returned", "D1", "d1", "not_our_duty"},
	{"W6", "03-16 10:00", "approve_return", "dispatched", "S1", "sup", ""},
	{"W6", "03-16 10:30", "sign", "signed", "S1", "h1", ""},
	{"W6", "03-16 11:30", "reply", "replied", "S1", "h1", ""},
	{"W6", "03-17 09:00", "rate", "closed", "S1", "", ""},
}

func seedWork(t *testing.T, d *db.DB) *ticket.Service {
	t.Helper()
	ctx := context.Background()
	c := clock.NewFixed(time.Date(2026, 4, 10, 9, 0, 0, 0, loc))
	g := gov.NewService(d, c)
	for _, a := range []gov.Area{
		{Code: "110117", Name: "平谷区", Level: gov.LevelDistrict},
		{Code: "110117001", ParentCode: "110117", Name: "街道一", Level: gov.LevelStreet},
		{Code: "110117002", ParentCode: "110117", Name: "街道二", Level: gov.LevelStreet},
		{Code: "110117001001", ParentCode: "110117001", Name: "社区一", Level: gov.LevelCommunity},
		{Code: "110117002001", ParentCode: "110117002", Name: "社区三", Level: gov.LevelCommunity},
	} {
		if err := g.UpsertArea(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range []gov.Org{
		{Code: "S1", Name: "街道一办事处", Kind: gov.KindStreetOffice, AreaCode: "110117001"},
		{Code: "S2", Name: "街道二办事处", Kind: gov.KindStreetOffice, AreaCode: "110117002"},
		{Code: "D1", Name: "城管委", Kind: gov.KindDepartment, AreaCode: "110117"},
	} {
		if err := g.UpsertOrg(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := d.W.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	for _, u := range []struct {
		id, org, role string
		disabled      bool
	}{{"h1", "S1", "handler", false}, {"h2", "S1", "handler", false}, {"h3", "S2", "handler", false},
		{"h4", "S2", "handler", true}, {"d1", "D1", "handler", false}, {"sup", "", "supervisor", false}} {
		var org any
		if u.org != "" {
			org = u.org
		}
		exec(`INSERT INTO users (id, username, name, role, org_code, disabled, created_at) VALUES ($1, $1, $2, $3, $4, $5, 0)`,
			u.id, "姓名"+u.id, u.role, org, u.disabled)
	}
	exec(`INSERT INTO categories (code, name) VALUES ('0101', '环境卫生')`)
	for _, w := range workTickets {
		var resolved sql.NullBool
		var rated sql.NullInt64
		if w.rated {
			resolved, rated = sql.NullBool{Bool: w.resolved, Valid: true}, nullAt(w.closed)
		}
		exec(`INSERT INTO tickets (number, kind, status, category_code, area_code, description, channel, assigned_org_code, created_at, updated_at,
closed_at, rating_resolved, rating_satisfaction, rated_at) VALUES ($1, 'complaint', $2, '0101', $3, 'x', 'hotline', $4, $5, $5, $6, $7, $8, $9)`,
			w.number, w.status, w.area, w.org, at(w.created), nullAt(w.closed), resolved, w.satisfaction, rated)
	}
	for i, e := range workEvents {
		exec(`INSERT INTO ticket_events (ticket_number, seq, at, actor_id, action, to_status, org_code, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			e.number, i+1, at(e.at), e.actor, e.action, e.to, e.org, e.note)
	}
	ts := ticket.NewService(d, c, g, nil)
	if err := ts.UpsertRule(ctx, ticket.Rule{CategoryCode: "0101", AreaCode: "110117001", OrgCode: "D1"}); err != nil {
		t.Fatal(err)
	}
	return ts
}

func workService(t *testing.T, d *db.DB) *evaluation.Service {
	t.Helper()
	ts := seedWork(t, d)
	cal, err := calendar.New(loc, calendar.DefaultSpans(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ts.SetCalendar(cal)
	s := newService(d, clock.NewFixed(time.Date(2026, 4, 10, 9, 0, 0, 0, loc)))
	s.SetTickets(ts, cal)
	return s
}

func unitOf(w evaluation.Workload, code string) *evaluation.WorkloadUnit {
	for i := range w.Units {
		if w.Units[i].OrgCode == code {
			return &w.Units[i]
		}
	}
	return nil
}

func TestWorkload(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := workService(t, d)
		p := march(t, s)
		if _, err := s.Workload(ctx, auth.User{Role: auth.RoleResident}, p); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a resident: %v", err)
		}
		w, err := s.Workload(ctx, auth.User{Role: auth.RoleAdmin}, p)
		if err != nil {
			t.Fatal(err)
		}
		if len(w.Units) != 3 {
			t.Fatalf("units %+v", w.Units)
		}
		s1 := unitOf(w, "S1")
		// 1.5 + 5 + 0.5 + 4 + 1 + 117.5 + 1.5 + 0.5 + 1
		if s1.Staff != 2 || s1.Open != 1 || s1.Received != 4 || s1.Finished != 4 || s1.WorkingHours != 132.5 ||
			!eqp(s1.ItemsPerStaff, f(2)) || !eqp(s1.HoursPerStaff, f(66.25)) {
			t.Fatalf("S1 %+v items %v hours %v", *s1, show(s1.ItemsPerStaff), show(s1.HoursPerStaff))
		}
		// Its 三率: W1, W2, W5, W6 closed in March; W1 and W2 rated.
		if s1.Closed != 4 || !eqp(s1.ResolutionRate, f(0.5)) || !eqp(s1.SatisfactionRate, f(0.5)) || s1.ResponseRate != nil {
			t.Fatalf("S1 rates %+v", *s1)
		}
		if len(s1.People) != 2 {
			t.Fatalf("S1 people %+v", s1.People)
		}
		h1, h2 := s1.People[0], s1.People[1]
		if h1.UserID != "h1" || h1.Name != "姓名h1" || h1.Open != 1 || h1.Received != 3 || h1.Finished != 2 || h1.WorkingHours != 123.5 {
			t.Fatalf("h1 %+v", h1)
		}
		if h2.UserID != "h2" || h2.Open != 0 || h2.Received != 1 || h2.Finished != 2 || h2.WorkingHours != 5.5 {
			t.Fatalf("h2 %+v", h2)
		}
		d1 := unitOf(w, "D1")
		if d1.Staff != 1 || d1.Open != 0 || d1.Received != 4 || d1.Finished != 0 || d1.WorkingHours != 3 || len(d1.People) != 0 || d1.Closed != 0 {
			t.Fatalf("D1 %+v", *d1)
		}
		s2 := unitOf(w, "S2")
		if s2.Staff != 1 || s2.Received != 1 || s2.Finished != 1 || s2.WorkingHours != 3.5 || len(s2.People) != 1 ||
			s2.People[0].WorkingHours != 3 || s2.People[0].Received != 1 || s2.Closed != 1 || s2.ResolutionRate != nil {
			t.Fatalf("S2 %+v", *s2)
		}
		// A handler sees her own unit; a street's dispatcher the units of
		// her street.
		for _, u := range []auth.User{{Role: auth.RoleHandler, OrgCode: "S2"}, {Role: auth.RoleDispatcher, AreaCode: "110117002", AreaLevel: gov.LevelStreet}} {
			w, err := s.Workload(ctx, u, p)
			if err != nil || len(w.Units) != 1 || w.Units[0].OrgCode != "S2" || w.Units[0].WorkingHours != 3.5 {
				t.Fatalf("%s: %+v %v", u.Role, w.Units, err)
			}
		}
		// February: W5 reached S1 on Friday 27 February (1 h to the
		// signature), h2 held it 10:00–12:00 and 13:30–17:30 (6 h) until the
		// weekend, open at the month's end.
		feb, _ := s.MonthPeriod("2026-02", 1)
		w, err = s.Workload(ctx, auth.User{Role: auth.RoleAdmin}, feb)
		if err != nil {
			t.Fatal(err)
		}
		if u := unitOf(w, "S1"); u == nil || u.Received != 1 || u.Open != 1 || u.Finished != 0 || u.WorkingHours != 7 ||
			len(u.People) != 1 || u.People[0].WorkingHours != 6 || u.People[0].Received != 1 || u.People[0].Open != 1 {
			t.Fatalf("February S1 %+v", u)
		}
	})
}

func TestPassesAndProposals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := workService(t, d)
		p := march(t, s)
		if _, err := s.Passes(ctx, auth.User{Role: auth.RoleHandler, OrgCode: "S1"}, p); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a handler: %v", err)
		}
		dist := auth.User{ID: "dsp", Role: auth.RoleDispatcher, AreaCode: "110117", AreaLevel: gov.LevelDistrict}
		rep, err := s.Passes(ctx, dist, p)
		if err != nil {
			t.Fatal(err)
		}
		want := []evaluation.PassRow{
			{Kind: "return", Reason: "not_our_duty", CategoryCode: "0101", AreaCode: "110117001001", Count: 3, Granted: 3},
			{Kind: "redispatch", Reason: evaluation.ReasonNone, CategoryCode: "0101", AreaCode: "110117001001", Count: 1, Granted: 1},
			{Kind: "return", Reason: "wrong_area", CategoryCode: "0101", AreaCode: "110117002001", Count: 1, Granted: 0},
		}
		if len(rep.Rows) != len(want) {
			t.Fatalf("rows %+v", rep.Rows)
		}
		for i := range want {
			if rep.Rows[i] != want[i] {
				t.Fatalf("row %d: %+v, want %+v", i, rep.Rows[i], want[i])
			}
		}
		// W1, W2, W3, W6 passed on by D1 and kept by S1, of 4 dispatched.
		if len(rep.Proposals) != 1 {
			t.Fatalf("proposals %+v", rep.Proposals)
		}
		pr := rep.Proposals[0]
		if pr != (evaluation.Proposal{CategoryCode: "0101", AreaCode: "110117001001", CurrentOrg: "D1", FromOrg: "D1", ToOrg: "S1", Tickets: 4, Dispatches: 4}) {
			t.Fatalf("proposal %+v", pr)
		}
		// A dispatcher may not set the catalogue; a street's dispatcher sees
		// her street's tickets only.
		if _, err := s.ApplyProposal(ctx, dist, p, "0101", "110117001001"); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a dispatcher applies: %v", err)
		}
		street := auth.User{Role: auth.RoleDispatcher, AreaCode: "110117002", AreaLevel: gov.LevelStreet}
		if rep, err := s.Passes(ctx, street, p); err != nil || len(rep.Rows) != 1 || rep.Rows[0].Reason != "wrong_area" || len(rep.Proposals) != 0 {
			t.Fatalf("street %+v %v", rep, err)
		}
		sup := auth.User{ID: "sup", Username: "sup", Role: auth.RoleSupervisor, AreaCode: "110117", AreaLevel: gov.LevelDistrict}
		if _, err := s.ApplyProposal(ctx, sup, p, "0101", "110117002001"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("no such proposal: %v", err)
		}
		got, err := s.ApplyProposal(ctx, sup, p, "0101", "110117001001")
		if err != nil || got.CurrentOrg != "S1" {
			t.Fatalf("apply %+v %v", got, err)
		}
		var org string
		if err := d.R.QueryRowContext(ctx, `SELECT org_code FROM dispatch_rules WHERE category_code = '0101' AND area_code = '110117001001'`).Scan(&org); err != nil || org != "S1" {
			t.Fatalf("rule %q %v", org, err)
		}
		var n int
		if err := d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'dispatch_rule' AND user_id = 'sup'`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("audit %d %v", n, err)
		}
		// The catalogue names S1 now: no proposal any more.
		if rep, err := s.Passes(ctx, sup, p); err != nil || len(rep.Proposals) != 0 {
			t.Fatalf("after %+v %v", rep.Proposals, err)
		}
	})
}

func TestRectRootCause(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := workService(t, d)
		sup := auth.User{ID: "sup", Username: "sup", Role: auth.RoleSupervisor, AreaCode: "110117", AreaLevel: gov.LevelDistrict}
		r, err := s.CreateRectification(ctx, sup, evaluation.NewRectification{OrgCode: "S1", Title: "退单过多", Reason: "x", Deadline: "2026-05-01"})
		if err != nil {
			t.Fatal(err)
		}
		h1 := auth.User{ID: "h1", Role: auth.RoleHandler, OrgCode: "S1"}
		in := rootcause.Input{RootCause: "职责划分不清", Affected: "老旧小区居民", Obstacles: "权属资料缺失", Departments: []string{"S1", " D1", "S1"}}
		if _, err := s.SetRectRootCause(ctx, h1, r.ID, in); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a handler writes: %v", err)
		}
		if _, err := s.SetRectRootCause(ctx, auth.User{ID: "h3", Role: auth.RoleHandler, OrgCode: "S2"}, r.ID, in); !errs.Is(err, errs.NotFound) {
			t.Fatalf("another unit's handler: %v", err)
		}
		for _, bad := range []rootcause.Input{{RootCause: "  "}, {RootCause: "x", Departments: []string{"ZZ9"}}, {RootCause: "x", Departments: []string{"a b"}}} {
			if _, err := s.SetRectRootCause(ctx, sup, r.ID, bad); !errs.Is(err, errs.Invalid) {
				t.Fatalf("%+v: %v", bad, err)
			}
		}
		rec, err := s.SetRectRootCause(ctx, sup, r.ID, in)
		if err != nil || rec.Version != 1 || len(rec.Departments) != 2 || rec.Departments[1] != "D1" || rec.By != "sup" {
			t.Fatalf("first %+v %v", rec, err)
		}
		in.Obstacles = "资金不足"
		if rec, err = s.SetRectRootCause(ctx, sup, r.ID, in); err != nil || rec.Version != 2 || rec.Obstacles != "资金不足" {
			t.Fatalf("second %+v %v", rec, err)
		}
		h, err := s.RectRootCause(ctx, h1, r.ID)
		if err != nil || len(h) != 2 || h[0].Version != 2 || h[1].Obstacles != "权属资料缺失" {
			t.Fatalf("history %+v %v", h, err)
		}
		var v int
		if err := d.R.QueryRowContext(ctx, `SELECT version FROM root_causes WHERE subject_kind = 'rectification' AND subject_key = $1`, r.ID).Scan(&v); err != nil || v != 2 {
			t.Fatalf("stored version %d %v", v, err)
		}
	})
}
