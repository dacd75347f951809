package natcode_test

import (
	"testing"

	"github.com/gongzhi/gongzhi/internal/natcode"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

func rules(ps []natcode.Problem) map[string]int {
	out := map[string]int{}
	for _, p := range ps {
		out[p.Rule]++
	}
	return out
}

func TestCheckFindsEachProblem(t *testing.T) {
	cats := []ticket.Category{
		{Code: "01", Name: "市容环境", Active: true},
		{Code: "0101", ParentCode: "01", Name: "环境卫生", Active: true},
		{Code: "0102", ParentCode: "01", Name: "垃圾", Active: true},
		{Code: "0103", ParentCode: "01", Name: "停用", Active: false},
		{Code: "02", Name: "住房", Active: true},
	}
	ev := func(code string) natcode.Mapped { return natcode.Mapped{Scheme: natcode.SchemeEvent, Code: code} }
	ds := []natcode.Decision{
		{CategoryCode: "01", Urban: true},
		{CategoryCode: "0101", Classes: []natcode.Mapped{ev("01"), ev("02")}},                               // duplicate in a scheme
		{CategoryCode: "0101", Classes: []natcode.Mapped{ev("01")}},                                         // category twice
		{CategoryCode: "02", Classes: []natcode.Mapped{ev("06"), {Scheme: "x", Code: "01"}}, NAReason: "无"}, // kind, scheme, both
		{CategoryCode: "03", Classes: []natcode.Mapped{ev("7")}},                                            // unknown category, malformed
		{CategoryCode: "0103", Classes: []natcode.Mapped{ev("0999")}},                                       // unknown class
	}
	grids := []natcode.Grid{
		{AreaCode: "g1", UnitCode: "110117001001001", Community: "110117001001", Level: "grid"},
		{AreaCode: "g2", UnitCode: "110117001001001", Community: "110117001001", Level: "grid"},   // duplicate
		{AreaCode: "g3", UnitCode: "110117001002001", Community: "110117001001", Level: "grid"},   // not under its community
		{AreaCode: "g4", UnitCode: "110117001003", Community: "110117001003", Level: "community"}, // level and length
		{AreaCode: "g5", UnitCode: "A10117001001002", Community: "A10117001001", Level: "grid"},   // community not statistical
	}
	got := rules(natcode.Check(cats, ds, grids))
	want := map[string]int{
		natcode.RuleDuplicate:       2,
		natcode.RuleKindMismatch:    1,
		natcode.RuleUnknownScheme:   1,
		natcode.RuleContradiction:   1,
		natcode.RuleUnknownCategory: 1,
		natcode.RuleMalformedCode:   1,
		natcode.RuleUnknownClass:    1,
		natcode.RuleUnmapped:        2, // 01 itself, and 0102: urban through 01, nothing of its own or above
		natcode.RuleGridDuplicate:   1,
		natcode.RuleGridCode:        3,
		natcode.RuleGridLevel:       1,
	}
	for r, n := range want {
		if got[r] != n {
			t.Errorf("rule %s: %d problems, want %d (all: %v)", r, got[r], n, got)
		}
	}
	for r := range got {
		if _, ok := want[r]; !ok {
			t.Errorf("unexpected rule %s", r)
		}
	}
}

func TestCheckPassesAConformingMapping(t *testing.T) {
	cats := []ticket.Category{{Code: "01", Name: "市容环境", Active: true}, {Code: "0101", ParentCode: "01", Name: "x", Active: true},
		{Code: "0102", ParentCode: "01", Name: "y", Active: true}}
	ds := []natcode.Decision{
		{CategoryCode: "01", Urban: true, Classes: []natcode.Mapped{{Scheme: natcode.SchemeEvent, Code: "01"}}},
		{CategoryCode: "0102", NAReason: "不属城市管理部件事件"},
	}
	grids := []natcode.Grid{{AreaCode: "g1", UnitCode: "110117001001001", Community: "110117001001", Level: "grid"}}
	if ps := natcode.Check(cats, ds, grids); len(ps) != 0 {
		t.Fatalf("problems: %v", ps)
	}
	for _, c := range natcode.Classes {
		if natcode.SchemeKind(c.Scheme) != c.Kind || len(c.Code) != 2 {
			t.Errorf("class table line %+v", c)
		}
	}
}
