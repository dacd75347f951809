package evaluation_test

import (
	"context"
	"database/sql"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
)

var loc = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return l
}()

// at parses "01-02 15:04" in 2026, business time.
func at(s string) int64 {
	t, err := time.ParseInLocation("2006-01-02 15:04", "2026-"+s, loc)
	if err != nil {
		panic(err)
	}
	return t.UnixMilli()
}

type fx struct {
	number, status, org, area                                   string
	created                                                     string
	contacted, dueContact, signed, replied, dueComplete, closed string
	resolved                                                    *bool
	satisfaction                                                string
	rated                                                       string
	returns, redos, extensions                                  int
	parent                                                      string
}

var yes, no = boolp(true), boolp(false)

func boolp(b bool) *bool { return &b }

func nullAt(s string) sql.NullInt64 {
	if s == "" {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: at(s), Valid: true}
}

type ev struct {
	number, action, org, at string
}

// The fixture of the package doc's definitions, for March 2026. Street
// offices S1 (street 001, 50,000 residents), S2 (002, 20,000), S3 (003, no
// population); departments D1 and D2.
var fixtures = []fx{
	// S1, closed in March.
	{number: "T01", status: "closed", org: "S1", area: "110117001001", created: "03-02 09:00", contacted: "03-02 10:00", dueContact: "03-03 09:00",
		signed: "03-02 09:30", replied: "03-05 09:30", dueComplete: "03-09 17:30", closed: "03-06 10:00", resolved: yes, satisfaction: "satisfied", rated: "03-06 10:00"},
	// contacted late; extended, replied by the extended deadline
	{number: "T02", status: "closed", org: "S1", area: "110117001001", created: "03-03 09:00", contacted: "03-04 12:00", dueContact: "03-04 09:00",
		signed: "03-03 10:00", replied: "03-18 10:00", dueComplete: "03-20 17:30", closed: "03-18 12:00", resolved: yes, satisfaction: "basic", rated: "03-18 12:00", extensions: 1},
	// returned by D1, handled by S1, replied late
	{number: "T03", status: "closed", org: "S1", area: "110117001001", created: "03-01 08:00", contacted: "03-01 14:00", dueContact: "03-02 08:00",
		signed: "03-01 15:00", replied: "03-08 15:00", dueComplete: "03-06 15:00", closed: "03-09 09:00", resolved: no, satisfaction: "unsatisfied", rated: "03-09 09:00", returns: 1},
	// redone on 10 March (first closed in February): its latest cycle counts
	{number: "T04", status: "closed", org: "S1", area: "110117001001", created: "02-20 09:00", contacted: "03-10 11:00", dueContact: "03-11 10:00",
		signed: "03-10 10:00", replied: "03-12 10:00", dueComplete: "03-17 10:00", closed: "03-13 10:00", resolved: yes, satisfaction: "satisfied", rated: "03-13 10:00", redos: 1},
	// rated late (after March), counts in March when it was closed
	{number: "T05", status: "closed", org: "S1", area: "110117001001", created: "03-25 08:00", contacted: "03-25 09:00", dueContact: "03-26 08:00",
		signed: "03-25 08:30", replied: "03-29 08:30", dueComplete: "04-01 08:30", closed: "03-30 10:00", resolved: no, satisfaction: "basic", rated: "04-02 09:00"},
	// closed by the dispatcher, never contacted nor rated
	{number: "T06", status: "closed", org: "S1", area: "110117001001", created: "03-20 09:00", dueContact: "03-21 09:00", closed: "03-22 09:00"},
	// merged child and invalid ticket: excluded
	{number: "T07", status: "merged", org: "S1", area: "110117001001", created: "03-12 09:00", dueContact: "03-13 09:00", closed: "03-13 10:00", parent: "T04"},
	{number: "T08", status: "invalid", org: "S1", area: "110117001001", created: "03-05 09:00", dueContact: "03-06 09:00", closed: "03-05 10:00"},
	// closed at the first instant of April: not March
	{number: "T09", status: "closed", org: "S1", area: "110117001001", created: "03-30 09:00", contacted: "03-30 10:00", dueContact: "03-31 09:00",
		signed: "03-30 09:30", replied: "03-31 09:30", dueComplete: "04-06 09:30", closed: "04-01 00:00", resolved: yes, satisfaction: "satisfied", rated: "04-01 00:00"},
	// closed at the first instant of March: March
	{number: "T10", status: "closed", org: "S1", area: "110117001001", created: "02-27 09:00", contacted: "02-27 10:00", dueContact: "02-28 09:00",
		signed: "02-27 09:30", replied: "02-28 09:30", dueComplete: "03-06 09:30", closed: "03-01 00:00", resolved: yes, satisfaction: "satisfied", rated: "03-01 00:00"},
	// open, overdue in March
	{number: "T11", status: "in_progress", org: "S1", area: "110117001001", created: "03-10 09:00", contacted: "03-10 10:00", dueContact: "03-11 09:00",
		signed: "03-10 09:30", dueComplete: "03-15 09:30"},
	// S2: T12 returned by S1 first
	{number: "T12", status: "closed", org: "S2", area: "110117002001", created: "03-01 09:00", contacted: "03-01 11:00", dueContact: "03-02 09:00",
		signed: "03-01 12:00", replied: "03-03 12:00", dueComplete: "03-06 12:00", closed: "03-04 09:00", resolved: yes, satisfaction: "satisfied", rated: "03-04 09:00", returns: 1},
	{number: "T13", status: "closed", org: "S2", area: "110117002001", created: "03-02 09:00", contacted: "03-02 11:00", dueContact: "03-03 09:00",
		signed: "03-02 12:00", replied: "03-04 12:00", dueComplete: "03-07 12:00", closed: "03-05 09:00", resolved: yes, satisfaction: "unsatisfied", rated: "03-05 09:00"},
	// D1, in street 001
	{number: "T14", status: "closed", org: "D1", area: "110117001002", created: "03-02 09:00", contacted: "03-02 11:00", dueContact: "03-03 09:00",
		signed: "03-02 12:00", replied: "03-04 12:00", dueComplete: "03-07 12:00", closed: "03-05 09:00", resolved: yes, satisfaction: "satisfied", rated: "03-05 09:00"},
	// S3: contacted late, unresolved, unsatisfied
	{number: "T15", status: "closed", org: "S3", area: "110117003001", created: "03-02 09:00", contacted: "03-03 11:00", dueContact: "03-03 09:00",
		signed: "03-02 12:00", replied: "03-04 12:00", dueComplete: "03-07 12:00", closed: "03-05 09:00", resolved: no, satisfaction: "unsatisfied", rated: "03-05 09:00"},
	// February: S1 10 points, S2 100, S3 10
	{number: "T16", status: "closed", org: "S1", area: "110117001001", created: "02-10 09:00", contacted: "02-10 10:00", dueContact: "02-11 09:00",
		signed: "02-10 09:30", replied: "02-12 09:30", dueComplete: "02-17 09:30", closed: "02-15 09:00", resolved: no, satisfaction: "unsatisfied", rated: "02-15 09:00"},
	{number: "T17", status: "closed", org: "S2", area: "110117002001", created: "02-10 09:00", contacted: "02-10 10:00", dueContact: "02-11 09:00",
		signed: "02-10 09:30", replied: "02-12 09:30", dueComplete: "02-17 09:30", closed: "02-15 09:00", resolved: yes, satisfaction: "satisfied", rated: "02-15 09:00"},
	{number: "T18", status: "closed", org: "S3", area: "110117003001", created: "02-10 09:00", contacted: "02-10 10:00", dueContact: "02-11 09:00",
		signed: "02-10 09:30", replied: "02-12 09:30", dueComplete: "02-17 09:30", closed: "02-15 09:00", resolved: no, satisfaction: "unsatisfied", rated: "02-15 09:00"},
}

var events = []ev{
	{"T03", "return", "D1", "03-01 12:00"},
	{"T12", "return", "S1", "03-01 10:00"},
	{"T16", "return", "S1", "02-10 09:10"}, // February: not March
	{"T02", "approve_extension", "S1", "03-09 09:00"},
	{"T04", "redo", "S1", "03-10 09:00"},
	{"T03", "overdue", "S1", "03-06 15:00"},
	{"T03", "overdue", "S1", "03-08 09:00"}, // the same ticket again: counted once
	{"T11", "overdue", "S1", "03-15 09:30"},
}

func seed(t *testing.T, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	g := gov.NewService(d, clock.System{})
	for _, a := range []gov.Area{
		{Code: "110117", Name: "平谷区", Level: gov.LevelDistrict},
		{Code: "110117001", ParentCode: "110117", Name: "街道一", Level: gov.LevelStreet, Population: 50000},
		{Code: "110117002", ParentCode: "110117", Name: "街道二", Level: gov.LevelStreet, Population: 20000},
		{Code: "110117003", ParentCode: "110117", Name: "街道三", Level: gov.LevelStreet},
		{Code: "110117001001", ParentCode: "110117001", Name: "社区一", Level: gov.LevelCommunity},
		{Code: "110117001002", ParentCode: "110117001", Name: "社区二", Level: gov.LevelCommunity},
		{Code: "110117002001", ParentCode: "110117002", Name: "社区三", Level: gov.LevelCommunity},
		{Code: "110117003001", ParentCode: "110117003", Name: "社区四", Level: gov.LevelCommunity},
	} {
		if err := g.UpsertArea(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range []gov.Org{
		{Code: "S1", Name: "街道一办事处", Kind: gov.KindStreetOffice, AreaCode: "110117001"},
		{Code: "S2", Name: "街道二办事处", Kind: gov.KindStreetOffice, AreaCode: "110117002"},
		{Code: "S3", Name: "街道三办事处", Kind: gov.KindStreetOffice, AreaCode: "110117003"},
		{Code: "D1", Name: "城管委", Kind: gov.KindDepartment, AreaCode: "110117"},
		{Code: "D2", Name: "水务局", Kind: gov.KindDepartment, AreaCode: "110117"},
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
	exec(`INSERT INTO categories (code, name) VALUES ('0101', '环境卫生')`)
	for _, f := range fixtures {
		var resolved sql.NullBool
		if f.resolved != nil {
			resolved = sql.NullBool{Bool: *f.resolved, Valid: true}
		}
		exec(`INSERT INTO tickets (number, kind, status, category_code, area_code, description, channel, assigned_org_code, created_at, updated_at,
contacted_at, due_contact_at, signed_at, replied_at, due_complete_at, closed_at, rating_resolved, rating_satisfaction, rated_at,
return_count, redo_count, extension_count, parent_number)
VALUES ($1, 'complaint', $2, '0101', $3, 'x', 'hotline', $4, $5, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
			f.number, f.status, f.area, f.org, at(f.created), nullAt(f.contacted), nullAt(f.dueContact), nullAt(f.signed), nullAt(f.replied),
			nullAt(f.dueComplete), nullAt(f.closed), resolved, f.satisfaction, nullAt(f.rated), f.returns, f.redos, f.extensions, f.parent)
	}
	for i, e := range events {
		exec(`INSERT INTO ticket_events (ticket_number, seq, at, action, org_code) VALUES ($1, $2, $3, $4, $5)`, e.number, 100+i, at(e.at), e.action, e.org)
	}
}

func f(v float64) *float64 { return &v }

func eqp(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func show(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// newService is the service the fixtures are judged by: they rank units on
// one or two rated tickets, so the minimum sample is lowered to 1
// (sample_test.go judges by the default).
func newService(d *db.DB, c clock.Clock) *evaluation.Service {
	s := evaluation.NewService(d, c, gov.NewService(d, c), nil)
	s.SetMinSample(1)
	return s
}

func march(t *testing.T, s *evaluation.Service) evaluation.Period {
	p, err := s.MonthPeriod("2026-03", 1)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func byKey(rows []evaluation.Row) map[string]evaluation.Row {
	m := map[string]evaluation.Row{}
	for _, r := range rows {
		m[r.Key()] = r
	}
	return m
}

func TestIndicators(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		seed(t, d)
		ctx := context.Background()
		s := newService(d, clock.NewFixed(time.Date(2026, 4, 10, 9, 0, 0, 0, loc)))
		res, err := s.Evaluate(ctx, evaluation.Query{Period: march(t, s), Group: evaluation.GroupOrg, AreaCode: "110117", Times: true})
		if err != nil {
			t.Fatal(err)
		}
		rows := byKey(res.Rows)
		s1 := rows["S1"]
		want := evaluation.Counts{Tickets: 7, Rated: 6, Resolved: 4, Satisfied: 3, Basic: 2, Unsatisfied: 1, ContactDue: 7, ContactedOnTime: 5,
			CompleteDue: 6, OnTime: 5, Returns: 1, Extensions: 1, Redos: 1, Overdue: 2}
		if s1.Counts != want {
			t.Fatalf("S1 counts\n got %+v\nwant %+v", s1.Counts, want)
		}
		checks := []struct {
			name      string
			got, want *float64
		}{
			{"response", s1.ResponseRate, f(5.0 / 7)},
			{"resolution", s1.ResolutionRate, f(4.0 / 6)},
			{"satisfaction", s1.SatisfactionRate, f((3 + 0.6*2) / 6.0)},
			{"score", s1.Score, f(68.64)},
			{"on time", s1.OnTimeRate, f(5.0 / 6)},
			{"return", s1.ReturnRate, f(1.0 / 7)},
			{"extension", s1.ExtensionRate, f(1.0 / 7)},
			{"redo", s1.RedoRate, f(1.0 / 7)},
			{"rating", s1.RatingRate, f(6.0 / 7)},
			{"contact median", s1.Times.ContactMedian, f(3.5)},
			{"contact p90", s1.Times.ContactP90, f(230.5)},
			{"complete median", s1.Times.CompleteMedian, f(84)},
			{"complete p90", s1.Times.CompleteP90, f(264)},
			{"per 10k", s1.Per10k, f(1.6)}, // T01–T06, T10 and D1's T14 are in street 001
			{"S2 score", rows["S2"].Score, f(77.5)},
			{"S2 satisfaction", rows["S2"].SatisfactionRate, f(0.5)},
			{"S2 per 10k", rows["S2"].Per10k, f(1)},
			{"S3 score", rows["S3"].Score, f(0)},
			{"S3 per 10k", rows["S3"].Per10k, nil}, // no population: skipped
			{"D1 score", rows["D1"].Score, f(100)},
			{"D1 return", rows["D1"].ReturnRate, f(1)},
			{"D2 score", rows["D2"].Score, nil},
			{"D2 response", rows["D2"].ResponseRate, nil},
			{"S1 prev", s1.PrevScore, f(10)},
		}
		for _, c := range checks {
			if !eqp(c.got, c.want) {
				t.Errorf("%s = %v, want %v", c.name, show(c.got), show(c.want))
			}
		}
		if math.Abs(*s1.SatisfactionRate-0.7) > 1e-15 {
			t.Errorf("satisfaction %v", *s1.SatisfactionRate)
		}
		// Ranks and classes: streets S2 77.5, S1 68.64, S3 0; February S2 100, S1 10, S3 10.
		type rc struct {
			rank    *int
			classes []string
		}
		ip := func(i int) *int { return &i }
		wantRC := map[string]rc{
			"S2": {ip(1), []string{"advanced", "governance"}},
			"S1": {ip(2), []string{"progress", "governance"}},
			"S3": {ip(3), []string{"rectify"}},
			"D1": {ip(1), []string{"advanced"}},
			"D2": {nil, []string{}},
		}
		for k, w := range wantRC {
			r := rows[k]
			if (r.Rank == nil) != (w.rank == nil) || (r.Rank != nil && *r.Rank != *w.rank) || len(r.Classes) != len(w.classes) {
				t.Errorf("%s rank %v classes %v, want %v %v", k, r.Rank, r.Classes, w.rank, w.classes)
				continue
			}
			for i := range w.classes {
				if r.Classes[i] != w.classes[i] {
					t.Errorf("%s classes %v, want %v", k, r.Classes, w.classes)
				}
			}
		}
		if res.Rows[0].OrgCode != "S2" || res.Rows[1].OrgCode != "S1" || res.Rows[2].OrgCode != "S3" {
			t.Errorf("order %s %s %s", res.Rows[0].OrgCode, res.Rows[1].OrgCode, res.Rows[2].OrgCode)
		}

		// By area: the streets of the district.
		ar, err := s.Evaluate(ctx, evaluation.Query{Period: march(t, s), Group: evaluation.GroupArea, AreaCode: "110117"})
		if err != nil {
			t.Fatal(err)
		}
		arows := byKey(ar.Rows)
		a1 := arows["110117001"]
		if a1.Tickets != 8 || a1.Rated != 7 || a1.Counts.Returns != 1 || a1.Counts.Overdue != 2 || a1.Counts.Redos != 1 || arows["110117002"].Counts.Returns != 1 {
			t.Errorf("street 001 %+v; 002 %+v", a1.Counts, arows["110117002"].Counts)
		}
		if !eqp(a1.Per10k, f(1.6)) || !has(a1.Classes, "governance") {
			t.Errorf("street 001 per10k %v classes %v", show(a1.Per10k), a1.Classes)
		}
	})
}

func has(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func TestFigureTickets(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		seed(t, d)
		ctx := context.Background()
		s := newService(d, clock.NewFixed(time.Date(2026, 4, 10, 9, 0, 0, 0, loc)))
		p := march(t, s)
		cases := []struct {
			figure, org, area string
			want              []string
		}{
			{"tickets", "S1", "", []string{"T01", "T02", "T03", "T04", "T05", "T06", "T10"}},
			{"contacted_on_time", "S1", "", []string{"T01", "T03", "T04", "T05", "T10"}},
			{"contact_missed", "S1", "", []string{"T02", "T06"}},
			{"on_time", "S1", "", []string{"T01", "T02", "T04", "T05", "T10"}},
			{"late", "S1", "", []string{"T03"}},
			{"basic", "S1", "", []string{"T02", "T05"}},
			{"unresolved", "S1", "", []string{"T03", "T05"}},
			{"returns", "S1", "", []string{"T12"}},
			{"returns", "D1", "", []string{"T03"}},
			{"extensions", "S1", "", []string{"T02"}},
			{"redos", "S1", "", []string{"T04"}},
			{"overdue", "S1", "", []string{"T03", "T11"}},
			{"tickets", "", "110117001", []string{"T01", "T02", "T03", "T04", "T05", "T06", "T10", "T14"}},
		}
		for _, c := range cases {
			var got []string
			cursor := ""
			for page := 0; page < 10; page++ {
				pg, err := s.FigureTickets(ctx, evaluation.FigureQuery{Period: p, Figure: c.figure, OrgCode: c.org, AreaCode: c.area, Cursor: cursor, Limit: 2})
				if err != nil {
					t.Fatal(err)
				}
				for _, it := range pg.Items {
					got = append(got, it.Number)
				}
				if cursor = pg.NextCursor; cursor == "" {
					break
				}
			}
			if len(got) != len(c.want) {
				t.Errorf("%s %s%s: %v, want %v", c.figure, c.org, c.area, got, c.want)
				continue
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("%s %s%s: %v, want %v", c.figure, c.org, c.area, got, c.want)
					break
				}
			}
		}
		if _, err := s.FigureTickets(ctx, evaluation.FigureQuery{Period: p, Figure: "nope", OrgCode: "S1"}); err == nil {
			t.Error("unknown figure accepted")
		}
	})
}

func TestRankingSettingsAndLists(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		seed(t, d)
		ctx := context.Background()
		s := newService(d, clock.NewFixed(time.Date(2026, 4, 10, 9, 0, 0, 0, loc)))
		rk, err := s.Rank(ctx, "2026-03", evaluation.GroupOrg, "110117")
		if err != nil {
			t.Fatal(err)
		}
		codes := func(l []evaluation.ListEntry) []string {
			var out []string
			for _, e := range l {
				out = append(out, e.Code)
			}
			return out
		}
		// Red: advanced in March (S2, D1); black: rectification in February
		// (S1 and S3 tied at the bottom) and March (S3).
		if r, b := codes(rk.Red), codes(rk.Black); len(r) != 2 || r[0] != "S2" || r[1] != "D1" || len(b) != 1 || b[0] != "S3" {
			t.Errorf("red %v black %v", r, b)
		}
		st, _ := s.Settings(ctx)
		st.Weights = evaluation.Weights{Response: 0.2, Resolution: 0.4, Satisfaction: 0.4}
		st.K = 0.5
		st.Classes.GovernanceTop = 1
		st.Classes.BlackPeriods = 3
		if err := s.SaveSettings(ctx, st); err != nil {
			t.Fatal(err)
		}
		bad := st
		bad.Weights.Response = 0.3
		if err := s.SaveSettings(ctx, bad); err == nil {
			t.Error("weights not summing to 1 accepted")
		}
		rk, err = s.Rank(ctx, "2026-03", evaluation.GroupOrg, "110117")
		if err != nil {
			t.Fatal(err)
		}
		rows := byKey(rk.Rows)
		// S1: 100 × (0.2 × 5/7 + 0.4 × 4/6 + 0.4 × (3 + 0.5 × 2)/6) = 67.619… → 67.62
		if !eqp(rows["S1"].Score, f(67.62)) || !has(rows["S1"].Classes, "governance") || has(rows["S2"].Classes, "governance") {
			t.Errorf("S1 %v %v S2 %v", show(rows["S1"].Score), rows["S1"].Classes, rows["S2"].Classes)
		}
		if len(rk.Black) != 0 {
			t.Errorf("black over three months: %v", codes(rk.Black))
		}
		// A month running from the 26th: 2026-03 is 26 February to 25 March.
		st.MonthStartDay = 26
		if err := s.SaveSettings(ctx, st); err != nil {
			t.Fatal(err)
		}
		p, _ := s.MonthPeriod("2026-03", 26)
		if !p.From.Equal(time.Date(2026, 2, 26, 0, 0, 0, 0, loc)) || !p.To.Equal(time.Date(2026, 3, 26, 0, 0, 0, 0, loc)) {
			t.Errorf("period %v – %v", p.From, p.To)
		}
		if m := s.MonthOf(time.Date(2026, 3, 26, 0, 0, 0, 0, loc), 26); m.Month != "2026-04" {
			t.Errorf("26 March is in %s", m.Month)
		}
		res, err := s.Evaluate(ctx, evaluation.Query{Period: p, AreaCode: "110117"})
		if err != nil {
			t.Fatal(err)
		}
		// T05 (closed 30 March) leaves, T10 (1 March) stays.
		if n := byKey(res.Rows)["S1"].Tickets; n != 6 {
			t.Errorf("S1 tickets from the 26th: %d", n)
		}
	})
}

func TestRectification(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		seed(t, d)
		ctx := context.Background()
		c := clock.NewFixed(time.Date(2026, 4, 10, 9, 0, 0, 0, loc))
		s := newService(d, c)
		for _, u := range []struct{ id, role, org, area string }{
			{"sup", "supervisor", "", "110117"}, {"h3", "handler", "S3", "110117003"}, {"h1", "handler", "S1", "110117001"},
		} {
			if _, err := d.W.ExecContext(ctx, `INSERT INTO users (id, username, role, org_code, area_code, created_at) VALUES ($1, $1, $2, NULLIF($3, ''), $4, 0)`,
				u.id, u.role, u.org, u.area); err != nil {
				t.Fatal(err)
			}
		}
		sup := auth.User{ID: "sup", Role: auth.RoleSupervisor, AreaCode: "110117", AreaLevel: gov.LevelDistrict}
		h3 := auth.User{ID: "h3", Role: auth.RoleHandler, OrgCode: "S3", AreaCode: "110117003", AreaLevel: gov.LevelStreet}
		h1 := auth.User{ID: "h1", Role: auth.RoleHandler, OrgCode: "S1", AreaCode: "110117001", AreaLevel: gov.LevelStreet}
		if _, err := s.CreateRectification(ctx, h3, evaluation.NewRectification{OrgCode: "S3", Title: "x", Deadline: "2026-04-30"}); err == nil {
			t.Fatal("a handler set a task")
		}
		made, err := s.RectifyFromRanking(ctx, sup, "2026-03", "110117", "2026-04-20")
		if err != nil || len(made) != 1 || made[0].OrgCode != "S3" || made[0].Source != "score" {
			t.Fatalf("from ranking: %v %+v", err, made)
		}
		if again, err := s.RectifyFromRanking(ctx, sup, "2026-03", "110117", "2026-04-20"); err != nil || len(again) != 0 {
			t.Fatalf("twice: %v %+v", err, again)
		}
		r, err := s.CreateRectification(ctx, sup, evaluation.NewRectification{OrgCode: "S3", Title: "回访不满意整改", Reason: "三率偏低",
			OwnerUserID: "h3", Deadline: "2026-04-15"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateRectification(ctx, sup, evaluation.NewRectification{OrgCode: "S3", Title: "x", OwnerUserID: "h1", Deadline: "2026-04-15"}); err == nil {
			t.Error("owner from another unit accepted")
		}
		if _, err := s.SubmitRectification(ctx, h1, r.ID, evaluation.Submission{Measures: "m"}); err == nil {
			t.Error("another unit submitted")
		}
		if l, _, err := s.Rectifications(ctx, h1, evaluation.RectFilter{}); err != nil || len(l) != 0 {
			t.Errorf("S1 sees %d tasks (%v)", len(l), err)
		}
		if _, err := s.ReviewRectification(ctx, sup, r.ID, evaluation.Review{Accept: yes}); err == nil {
			t.Error("reviewed before submission")
		}
		c.Set(time.Date(2026, 4, 16, 9, 0, 0, 0, loc))
		l, _, err := s.Rectifications(ctx, sup, evaluation.RectFilter{Overdue: true})
		if err != nil || len(l) != 1 || l[0].ID != r.ID || !l[0].Overdue {
			t.Fatalf("overdue list %v %+v", err, l)
		}
		r, err = s.SubmitRectification(ctx, h3, r.ID, evaluation.Submission{Measures: "建立回访台账", Evidence: "台账照片"})
		if err != nil || r.Status != "submitted" || r.Overdue {
			t.Fatalf("submit %v %+v", err, r)
		}
		if _, err := s.ReviewRectification(ctx, h3, r.ID, evaluation.Review{Accept: yes}); err == nil {
			t.Error("a handler reviewed")
		}
		if _, err := s.ReviewRectification(ctx, sup, r.ID, evaluation.Review{Accept: no}); err == nil {
			t.Error("rejected without a note")
		}
		r, err = s.ReviewRectification(ctx, sup, r.ID, evaluation.Review{Accept: no, Note: "证据不足"})
		if err != nil || r.Status != "rejected" || !r.Overdue {
			t.Fatalf("reject %v %+v", err, r)
		}
		r, err = s.SubmitRectification(ctx, h3, r.ID, evaluation.Submission{Measures: "建立回访台账，逐件回访", Evidence: "回访记录"})
		if err != nil || r.Status != "submitted" {
			t.Fatalf("resubmit %v %+v", err, r)
		}
		r, err = s.ReviewRectification(ctx, sup, r.ID, evaluation.Review{Accept: yes, Note: "通过"})
		if err != nil || r.Status != "accepted" || r.ReviewedBy != "sup" || r.ReviewedAt == nil || r.Overdue {
			t.Fatalf("accept %v %+v", err, r)
		}
		if l, _, err := s.Rectifications(ctx, h3, evaluation.RectFilter{}); err != nil || len(l) != 2 {
			t.Errorf("S3 sees %d tasks (%v)", len(l), err)
		}
	})
}

func TestHealth(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		start := time.Date(2026, 4, 1, 10, 0, 30, 0, loc)
		c := clock.NewFixed(start)
		h := evaluation.NewHealth(d, c, nil)
		hit := func(path string) {
			if path == "/boom" {
				h.Observe(http.StatusInternalServerError)
			} else {
				h.Observe(http.StatusOK)
			}
		}
		// Minutes 10:00 to 10:09: up in 10:00–10:04 and 10:07–10:09, down 10:05–10:06.
		for m := 0; m < 10; m++ {
			if m == 5 || m == 6 {
				continue
			}
			c.Set(start.Add(time.Duration(m) * time.Minute))
			hit("/a")
			hit("/a")
			if m == 3 {
				hit("/boom")
			}
			if err := h.Flush(ctx); err != nil {
				t.Fatal(err)
			}
		}
		c.Set(start.Add(9 * time.Minute))
		s := newService(d, c)
		p := evaluation.Period{From: time.Date(2026, 4, 1, 0, 0, 0, 0, loc), To: time.Date(2026, 4, 2, 0, 0, 0, 0, loc)}
		rep, err := s.HealthReport(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Minutes != 10 || rep.UpMinutes != 8 || !eqp(rep.OnlineRate, f(0.8)) || rep.Requests != 17 || rep.Errors != 1 ||
			!eqp(rep.ErrorRate, f(1.0/17)) || rep.Starts != 1 {
			t.Errorf("%+v online %v error %v", rep, show(rep.OnlineRate), show(rep.ErrorRate))
		}
	})
}
