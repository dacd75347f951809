package gov_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// pickDistrict makes a district with a department, two street offices, a
// residents' committee, village committees and a company; another district
// has a unit of its own that a search of the first must not find.
func pickDistrict(t *testing.T, d *db.DB, villages int) *gov.Service {
	t.Helper()
	ctx := context.Background()
	g := gov.NewService(d, clock.System{})
	for _, a := range []gov.Area{
		{Code: "110117", Name: "平谷区", Level: gov.LevelDistrict},
		{Code: "110117001", ParentCode: "110117", Name: "滨河街道", Level: gov.LevelStreet},
		{Code: "110117002", ParentCode: "110117", Name: "兴谷街道", Level: gov.LevelStreet},
		{Code: "110117001001", ParentCode: "110117001", Name: "金谷东园社区", Level: gov.LevelCommunity},
		{Code: "110105", Name: "朝阳区", Level: gov.LevelDistrict},
	} {
		if err := g.UpsertArea(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	orgs := []gov.Org{
		{Code: "D04", Name: "平谷区水务局", Kind: gov.KindDepartment, AreaCode: "110117"},
		{Code: "D01", Name: "平谷区城市管理委员会", Kind: gov.KindDepartment, AreaCode: "110117"},
		{Code: "S001", Name: "滨河街道办事处", Kind: gov.KindStreetOffice, AreaCode: "110117001"},
		{Code: "S002", Name: "兴谷街道办事处", Kind: gov.KindStreetOffice, AreaCode: "110117002"},
		{Code: "C001", Name: "金谷东园社区居委会", Kind: gov.KindCommunityCommittee, AreaCode: "110117001001"},
		{Code: "E01", Name: "平谷区供电公司", Kind: gov.KindCompany, AreaCode: "110117"},
		{Code: "CY1", Name: "朝阳区水务局", Kind: gov.KindDepartment, AreaCode: "110105"},
	}
	for i := 0; i < villages; i++ {
		orgs = append(orgs, gov.Org{Code: fmt.Sprintf("V%03d", i), Name: fmt.Sprintf("第%d村村委会", i+1), Kind: gov.KindVillageCommittee, AreaCode: "110117002"})
	}
	for _, o := range orgs {
		if err := g.UpsertOrg(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	return g
}

func codes(r gov.OrgResult) string {
	var out []string
	for _, h := range r.Hits {
		c := h.Code
		if h.Suggested {
			c += "*"
		}
		out = append(out, c)
	}
	return strings.Join(out, " ")
}

func TestSearchOrgs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		g := pickDistrict(t, d, 3)
		for _, c := range []struct {
			name    string
			q       gov.OrgSearch
			want    string
			wantOne gov.PickGroup
		}{
			{"characters of the name", gov.OrgSearch{Query: "水务", AreaCode: "110117"}, "D04", gov.GroupDepartments},
			{"pinyin initials of the whole name", gov.OrgSearch{Query: "bhj", AreaCode: "110117"}, "S001", gov.GroupStreets},
			{"initials in capitals", gov.OrgSearch{Query: "BHJ", AreaCode: "110117"}, "S001", gov.GroupStreets},
			{"full pinyin", gov.OrgSearch{Query: "jingudongyuan", AreaCode: "110117"}, "C001", gov.GroupCommunities},
			{"initials without the district's name", gov.OrgSearch{Query: "swj", AreaCode: "110117"}, "D04", gov.GroupDepartments},
			{"a company is among the others", gov.OrgSearch{Query: "供电", AreaCode: "110117"}, "E01", gov.GroupOthers},
			{"the whole country without an area", gov.OrgSearch{Query: "水务局"}, "CY1 D04", gov.GroupDepartments},
			{"nothing matches", gov.OrgSearch{Query: "xyzq", AreaCode: "110117"}, "", ""},
		} {
			r, err := g.SearchOrgs(ctx, c.q)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if got := codes(r); got != c.want {
				t.Errorf("%s: %q found %q, want %q", c.name, c.q.Query, got, c.want)
			}
			if c.wantOne != "" && len(r.Hits) > 0 && r.Hits[0].Group != c.wantOne {
				t.Errorf("%s: group %q, want %q", c.name, r.Hits[0].Group, c.wantOne)
			}
		}
	})
}

func TestSearchOrgsGroupsAndSuggestion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		g := pickDistrict(t, d, 30)
		// Every unit of the district, by group: departments, streets,
		// communities (residents' and village committees), others; the
		// catalogue's suggestion, a street office, above them all.
		r, err := g.SearchOrgs(ctx, gov.OrgSearch{AreaCode: "110117", Suggest: "S002", Limit: 8})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := codes(r), "S002* D01 D04 S001 C001 V000 V001 V002"; got != want || !r.More {
			t.Fatalf("empty query: %q more=%v, want %q more=true", got, r.More, want)
		}
		// The suggestion stays first only when it matches the words typed.
		r, _ = g.SearchOrgs(ctx, gov.OrgSearch{Query: "jd", AreaCode: "110117", Suggest: "S002"})
		if got := codes(r); got != "S002* S001" {
			t.Errorf("jd with S002 suggested: %q", got)
		}
		r, _ = g.SearchOrgs(ctx, gov.OrgSearch{Query: "bhj", AreaCode: "110117", Suggest: "S002"})
		if got := codes(r); got != "S001" {
			t.Errorf("bhj with S002 suggested: %q", got)
		}
		// Better matches are kept when the limit cuts, whatever their group:
		// 供电公司 starts with "gd" (a company, among the others), 金谷东园
		// has it inside (a community, listed before the others).
		r, _ = g.SearchOrgs(ctx, gov.OrgSearch{Query: "gd", AreaCode: "110117", Limit: 1})
		if got := codes(r); got != "E01" || !r.More {
			t.Errorf("gd, one unit: %q more=%v", got, r.More)
		}
		r, _ = g.SearchOrgs(ctx, gov.OrgSearch{Query: "gd", AreaCode: "110117"})
		if got := codes(r); got != "C001 E01" || r.More {
			t.Errorf("gd: %q more=%v", got, r.More)
		}
		r, _ = g.SearchOrgs(ctx, gov.OrgSearch{Query: "村", AreaCode: "110117", Limit: 5})
		if len(r.Hits) != 5 || !r.More {
			t.Fatalf("村: %d hits more=%v", len(r.Hits), r.More)
		}
		for _, h := range r.Hits {
			if h.Kind != gov.KindVillageCommittee || h.Group != gov.GroupCommunities {
				t.Errorf("村 found %s %s", h.Code, h.Kind)
			}
		}
		r, _ = g.SearchOrgs(ctx, gov.OrgSearch{Query: "d", AreaCode: "110117", Limit: 50})
		for i := 1; i < len(r.Hits); i++ {
			if gov.GroupOf(r.Hits[i].Kind) != r.Hits[i].Group {
				t.Errorf("%s in group %s", r.Hits[i].Code, r.Hits[i].Group)
			}
			if rank(r.Hits[i].Group) < rank(r.Hits[i-1].Group) {
				t.Errorf("groups out of order: %s", codes(r))
				break
			}
		}
	})
}

func rank(g gov.PickGroup) int {
	for i, x := range gov.PickGroups {
		if x == g {
			return i
		}
	}
	return -1
}

func TestSearchOrgsRefusesBadInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		g := pickDistrict(t, d, 0)
		for _, q := range []gov.OrgSearch{
			{Query: strings.Repeat("水", gov.OrgSearchMaxQuery+1)},
			{Query: "sw", AreaCode: "11 0117"},
			{Query: "sw", Limit: gov.OrgSearchMax + 1},
			{Query: "sw", Limit: -1},
		} {
			_, err := g.SearchOrgs(ctx, q)
			if e := errs.As(err); err == nil || e.Code != errs.Invalid || e.Msg == "" || e.MsgEn == "" {
				t.Errorf("%+v: %v", q, err)
			}
		}
	})
}
