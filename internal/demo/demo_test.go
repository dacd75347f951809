package demo_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/demo"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

func TestLoad(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := clock.NewFixed(time.Date(2024, 3, 4, 9, 0, 0, 0, time.UTC))
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		g := gov.NewService(d, c)
		a := auth.NewService(d, c, g, log, auth.Options{BcryptCost: 4})
		ts := ticket.NewService(d, c, g, log)

		start := time.Now()
		loaded, err := demo.Load(ctx, d, g, a, ts, log)
		if err != nil || !loaded {
			t.Fatalf("first load: %v %v", loaded, err)
		}
		took := time.Since(start)
		t.Logf("%s: demo loaded in %s", d.Engine, took)
		if d.Engine == db.SQLite && took > 2*time.Second {
			t.Errorf("demo load took %s, want well under 2s", took)
		}
		loaded, err = demo.Load(ctx, d, g, a, ts, log)
		if err != nil || loaded {
			t.Fatalf("second load: %v %v", loaded, err)
		}

		district, err := g.Area(ctx, demo.DistrictCode)
		if err != nil || district.Population != demo.DistrictPopulation || district.Name != "平谷区" {
			t.Fatalf("district: %+v %v", district, err)
		}
		streets, err := g.Areas(ctx, demo.DistrictCode)
		if err != nil || len(streets) != 18 {
			t.Fatalf("streets: %d %v", len(streets), err)
		}
		communities := 0
		offices := map[string]gov.Org{}
		for _, o := range must(g.Orgs(ctx, gov.OrgFilter{AreaCode: demo.DistrictCode, Kind: gov.KindStreetOffice})) {
			offices[o.AreaCode] = o
		}
		committees := map[string]gov.Org{}
		for _, kind := range []gov.OrgKind{gov.KindCommunityCommittee, gov.KindVillageCommittee} {
			for _, o := range must(g.Orgs(ctx, gov.OrgFilter{AreaCode: demo.DistrictCode, Kind: kind})) {
				committees[o.AreaCode] = o
			}
		}
		for _, s := range streets {
			o, ok := offices[s.Code]
			if !ok {
				t.Errorf("street %s %s has no office", s.Code, s.Name)
			}
			if !strings.HasPrefix(o.Name, s.Name) {
				t.Errorf("office %q of %q", o.Name, s.Name)
			}
			for _, cm := range must(g.Areas(ctx, s.Code)) {
				communities++
				if cm.Level != gov.LevelCommunity {
					t.Errorf("not a community: %+v", cm)
				}
				if cc, ok := committees[cm.Code]; !ok || cc.Name != cm.Name || cc.ParentCode != o.Code {
					t.Errorf("community %s %s: committee %+v", cm.Code, cm.Name, cc)
				}
			}
		}
		if communities != 323 {
			t.Errorf("communities: %d, want 323", communities)
		}
		if o := offices["110117001"]; o.Name != "滨河街道办事处" {
			t.Errorf("滨河 office: %q", o.Name)
		}
		if o := offices["110117101"]; o.Name != "东高村镇人民政府" {
			t.Errorf("东高村 office: %q", o.Name)
		}
		if o := offices["110117213"]; o.Name != "黄松峪乡人民政府" {
			t.Errorf("黄松峪 office: %q", o.Name)
		}
		depts := must(g.Orgs(ctx, gov.OrgFilter{AreaCode: demo.DistrictCode, Kind: gov.KindDepartment}))
		if len(depts) < 12 {
			t.Errorf("departments: %d", len(depts))
		}
		for _, code := range []string{demo.OrgHotline, demo.OrgGrid, demo.OrgProperty, demo.OrgHeating} {
			if _, err := g.Org(ctx, code); err != nil {
				t.Errorf("org %s: %v", code, err)
			}
		}

		cats := must(ts.Categories(ctx))
		byCode := map[string]ticket.Category{}
		children := map[string]int{}
		for _, c := range cats {
			byCode[c.Code] = c
			children[c.ParentCode]++
		}
		leaves, tops := 0, 0
		for _, c := range cats {
			if c.ParentCode == "" {
				tops++
			} else if !strings.HasPrefix(c.Code, c.ParentCode) {
				t.Errorf("category %s under %s", c.Code, c.ParentCode)
			}
			if children[c.Code] == 0 {
				leaves++
				if c.ParentCode == "" || c.NameEn == "" {
					t.Errorf("leaf %+v", c)
				}
			}
		}
		if leaves < 30 || tops < 6 {
			t.Errorf("%d leaves in %d top classes", leaves, tops)
		}
		for code, want := range map[string]string{"0103": "15d", "1101": "2d", "0101": "5d"} {
			lim := must(ts.LimitsFor(ctx, code, ticket.KindHelp, ticket.UrgencyNormal))
			if lim.Complete.String() != want {
				t.Errorf("completion limit of %s: %s, want %s", code, lim.Complete, want)
			}
		}

		rules := must(ts.Rules(ctx))
		ruled := map[string]bool{}
		for _, r := range rules {
			ruled[r.CategoryCode] = true
			if _, err := g.Org(ctx, r.OrgCode); err != nil {
				t.Errorf("rule %+v: %v", r, err)
			}
			if _, err := g.Area(ctx, r.AreaCode); err != nil {
				t.Errorf("rule %+v: %v", r, err)
			}
		}
		if ruled["0405"] || ruled["1101"] {
			t.Errorf("categories meant for the dispatchers' queue have rules")
		}
		if org, err := ts.SuggestOrg(ctx, "0201", "110117001002"); err != nil || org != "110117001-SO" {
			t.Errorf("物业管理 in 滨河: %q %v", org, err)
		}
		if org, err := ts.SuggestOrg(ctx, "0103", "110117101201"); err != nil || org != "110117-D15" {
			t.Errorf("违法建设: %q %v", org, err)
		}

		for _, acc := range demo.Accounts {
			if acc.Username == "" {
				continue
			}
			if _, err := a.Login(ctx, acc.Username, demo.Password, auth.KindWeb); err != nil {
				t.Errorf("login %s: %v", acc.Username, err)
			}
		}
		var residents int
		if err := d.R.QueryRow(`SELECT COUNT(*) FROM users WHERE phone = $1 AND role = $2`, "13800138000", string(auth.RoleResident)).Scan(&residents); err != nil || residents != 1 {
			t.Errorf("resident: %d %v", residents, err)
		}
	})
}

// TestLoadOverImportedAreas checks that the demo fits on top of a full
// division import: it updates the same codes instead of failing.
func TestLoadOverImportedAreas(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := clock.System{}
		g := gov.NewService(d, c)
		if err := g.UpsertArea(ctx, gov.Area{Code: "11", Name: "北京市", Level: gov.LevelProvince}); err != nil {
			t.Fatal(err)
		}
		if err := g.UpsertArea(ctx, gov.Area{Code: "1101", ParentCode: "11", Name: "市辖区", Level: gov.LevelCity, Population: 21893095}); err != nil {
			t.Fatal(err)
		}
		a := auth.NewService(d, c, g, nil, auth.Options{BcryptCost: 4})
		if _, err := demo.Load(ctx, d, g, a, ticket.NewService(d, c, g, nil), nil); err != nil {
			t.Fatal(err)
		}
		if city, err := g.Area(ctx, "1101"); err != nil || city.Population != 21893095 {
			t.Fatalf("population overwritten: %+v %v", city, err)
		}
	})
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
