package natcode_test

import (
	"context"
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
	"github.com/gongzhi/gongzhi/internal/natcode"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

const community = "110117001001"

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

type fixture struct {
	n       *natcode.Service
	d       *db.DB
	tickets *ticket.Service
}

// setup loads the demo district's category tree, a street, a community
// with two grid cells and a courtyard in one, and the demo's mapping.
func setup(t *testing.T, d *db.DB) fixture {
	ctx := context.Background()
	c := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, clock.BusinessZone()))
	g := gov.NewService(d, c)
	for _, a := range []gov.Area{
		{Code: "110117", Name: "平谷区", Level: gov.LevelDistrict},
		{Code: "110117001", ParentCode: "110117", Name: "滨河街道", Level: gov.LevelStreet},
		{Code: community, ParentCode: "110117001", Name: "金谷东园社区", Level: gov.LevelCommunity},
		{Code: community + "-G1", ParentCode: community, Name: "第一网格", Level: gov.LevelGrid},
		{Code: community + "-G10", ParentCode: community, Name: "第十网格", Level: gov.LevelGrid},
		{Code: community + "-G1-Y1", ParentCode: community + "-G1", Name: "东园一区", Level: gov.LevelCourtyard},
	} {
		must(t, g.UpsertArea(ctx, a))
	}
	ts := ticket.NewService(d, c, g, nil)
	for _, cat := range demo.Categories() {
		must(t, ts.UpsertCategory(ctx, cat))
	}
	n := natcode.NewService(d, c, ts, g)
	must(t, demo.NationalCodes(ctx, n))
	return fixture{n: n, d: d, tickets: ts}
}

// The conformance test over the demo district: its 城市管理 categories are
// all mapped or marked not applicable, and every code is in the table.
func TestDemoDistrictConforms(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		probs, err := f.n.Conformance(ctx, auth.System())
		must(t, err)
		if len(probs) != 0 {
			t.Fatalf("demo mapping does not conform: %v", probs)
		}
		// Every category under 市容环境 is urban and has a class; the
		// demo marks one category not applicable.
		l, err := f.n.Lookup(ctx)
		must(t, err)
		for _, c := range demo.Categories() {
			r := l.Category(c.Code)
			if strings.HasPrefix(c.Code, "01") && (!r.Urban || r.Event == nil) {
				t.Errorf("%s %s: %+v, want urban with an event class", c.Code, c.Name, r)
			}
		}
		if got := l.EventCode("0104"); got != "05" {
			t.Errorf("占道经营 event class = %q, want 05 (街面秩序)", got)
		}
		if got := l.EventCode("0102"); got != "01" {
			t.Errorf("垃圾分类与清运 inherits 市容环境: %q, want 01", got)
		}
		if r := l.Category("1003"); r.NAReason == "" || r.Event != nil {
			t.Errorf("占用消防通道 should be marked not applicable: %+v", r)
		}
		if r := l.Category("0601"); r.Urban || r.Event != nil {
			t.Errorf("劳动争议 is no urban matter: %+v", r)
		}
		// Unmapping an urban category makes a problem of it.
		_, err = f.n.Set(ctx, auth.System(), "0304", natcode.Input{Urban: true})
		must(t, err)
		probs, err = f.n.Conformance(ctx, auth.System())
		must(t, err)
		if len(probs) != 1 || probs[0].Rule != natcode.RuleUnmapped || probs[0].Subject != "category:0304" {
			t.Fatalf("after unmapping 路灯照明: %v", probs)
		}
	})
}

func TestSetValidatesAtTheEdge(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		admin := auth.System()
		cases := []struct {
			name string
			code string
			in   natcode.Input
			want errs.Code
		}{
			{"unknown scheme", "0101", natcode.Input{Classes: []natcode.Mapped{{Scheme: "gbt99999", Code: "01"}}}, errs.Invalid},
			{"malformed code", "0101", natcode.Input{Classes: []natcode.Mapped{{Scheme: natcode.SchemeEvent, Code: "1"}}}, errs.Invalid},
			{"component code as event", "0101", natcode.Input{Classes: []natcode.Mapped{{Scheme: natcode.SchemeEvent, Code: "06"}}}, errs.Invalid},
			{"unknown class", "0101", natcode.Input{Classes: []natcode.Mapped{{Scheme: natcode.SchemeEvent, Code: "0999"}}}, errs.Invalid},
			{"two of a scheme", "0101", natcode.Input{Classes: []natcode.Mapped{{Scheme: natcode.SchemeEvent, Code: "01"}, {Scheme: natcode.SchemeEvent, Code: "02"}}}, errs.Invalid},
			{"mapped and n/a", "0101", natcode.Input{Classes: []natcode.Mapped{{Scheme: natcode.SchemeEvent, Code: "01"}}, NAReason: "不适用"}, errs.Invalid},
			{"long reason", "0101", natcode.Input{NAReason: strings.Repeat("长", natcode.MaxReason+1)}, errs.Invalid},
			{"no such category", "9999", natcode.Input{Urban: true}, errs.NotFound},
		}
		for _, c := range cases {
			if _, err := f.n.Set(ctx, admin, c.code, c.in); errs.CodeOf(err) != c.want {
				t.Errorf("%s: err = %v, want %s", c.name, err, c.want)
			}
		}
		handler := auth.User{ID: "h", Role: auth.RoleHandler}
		if _, err := f.n.Set(ctx, handler, "0101", natcode.Input{}); !errs.Is(err, errs.Forbidden) {
			t.Errorf("a handler changed the mapping: %v", err)
		}
		if _, err := f.n.Conformance(ctx, auth.User{ID: "r", Role: auth.RoleResident}); !errs.Is(err, errs.Forbidden) {
			t.Errorf("a resident read the conformance: %v", err)
		}
		// A change is an event in its transaction.
		_, err := f.n.Set(ctx, admin, "0101", natcode.Input{Urban: true, Classes: []natcode.Mapped{{Scheme: natcode.SchemeEvent, Code: "01"}}})
		must(t, err)
		var n int
		must(t, d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM national_code_events WHERE subject = 'category:0101'`).Scan(&n))
		if n != 1 {
			t.Errorf("events of 0101 = %d, want 1", n)
		}
		dec, err := f.n.Decision(ctx, "0101")
		must(t, err)
		if !dec.Urban || len(dec.Classes) != 1 || dec.Classes[0].Name != "市容环境" {
			t.Errorf("decision read back: %+v", dec)
		}
	})
}

func TestGridCodes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		admin := auth.System()
		_, err := f.n.SetGrid(ctx, admin, community+"-G1", community+"001")
		must(t, err)
		_, err = f.n.SetGrid(ctx, admin, community+"-G10", community+"010")
		must(t, err)
		for _, c := range []struct{ area, code string }{
			{community + "-G10", "110117001002010"}, // another community's prefix
			{community + "-G10", community + "01"},  // too short
			{community + "-G10", community + "0a1"}, // not digits
			{community + "-G10", community + "000"}, // sequence from 001
			{community, community + "002"},          // a community is no grid cell
			{community + "-G1-Y1", community + "003"},
		} {
			if _, err := f.n.SetGrid(ctx, admin, c.area, c.code); !errs.Is(err, errs.Invalid) {
				t.Errorf("SetGrid(%s, %s) = %v, want invalid", c.area, c.code, err)
			}
		}
		if _, err := f.n.SetGrid(ctx, admin, community+"-G10", community+"001"); !errs.Is(err, errs.Conflict) {
			t.Errorf("a second grid took code 001: %v", err)
		}
		l, err := f.n.Lookup(ctx)
		must(t, err)
		if got := l.GridCode(community + "-G1-Y1"); got != community+"001" {
			t.Errorf("courtyard in grid 1: %q", got)
		}
		if got := l.GridCode(community + "-G10"); got != community+"010" {
			t.Errorf("grid 10: %q", got)
		}
		if got := l.GridCode(community); got != "" {
			t.Errorf("a community outside any grid got %q", got)
		}
		probs, err := f.n.Conformance(ctx, admin)
		must(t, err)
		if len(probs) != 0 {
			t.Errorf("problems: %v", probs)
		}
		// Removing a code.
		_, err = f.n.SetGrid(ctx, admin, community+"-G10", "")
		must(t, err)
		grids, err := f.n.Grids(ctx)
		must(t, err)
		if len(grids) != 1 || grids[0].Community != community || grids[0].Level != "grid" {
			t.Errorf("grids: %+v", grids)
		}
	})
}
