package disclosure_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// TestCanSeeAgreesWithCond holds the list condition to the one-item rule
// for every level, for users of every kind, on both engines, and checks the
// cases the rule exists for.
func TestCanSeeAgreesWithCond(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		g := gov.NewService(d, clock.System{})
		for _, a := range []gov.Area{
			{Code: "110117", Name: "平谷区", Level: gov.LevelDistrict},
			{Code: "110117001", ParentCode: "110117", Name: "滨河街道", Level: gov.LevelStreet},
			{Code: "110117001001", ParentCode: "110117001", Name: "承平里社区", Level: gov.LevelCommunity},
			{Code: "110117001002", ParentCode: "110117001", Name: "新平社区", Level: gov.LevelCommunity},
			{Code: "110117002", ParentCode: "110117", Name: "兴谷街道", Level: gov.LevelStreet},
		} {
			if err := g.UpsertArea(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := d.W.ExecContext(ctx, `INSERT INTO area_residents (area_code, phone, verified_by, verified_at, source) VALUES ('110117001001', '13800000001', 'admin', 0, 'staff')`); err != nil {
			t.Fatal(err)
		}
		if _, err := d.W.ExecContext(ctx, `CREATE TABLE probe (id TEXT PRIMARY KEY, level TEXT NOT NULL, area_code TEXT NOT NULL, org_code TEXT NOT NULL, owner TEXT NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		var items []disclosure.Item
		for _, l := range disclosure.Levels {
			for _, area := range []string{"110117", "110117001", "110117001001", "110117001002", "110117002"} {
				for _, org := range []string{"", "CC1", "S2"} {
					for _, owner := range []string{"", "u-r1", "u-cc"} {
						it := disclosure.Item{Level: l, AreaCode: area, OrgCode: org, Owner: owner}
						items = append(items, it)
						if _, err := d.W.ExecContext(ctx, `INSERT INTO probe VALUES ($1, $2, $3, $4, $5)`, key(it), string(l), area, org, owner); err != nil {
							t.Fatal(err)
						}
					}
				}
			}
		}
		users := map[string]auth.User{
			"guest":      {},
			"resident":   {ID: "u-r1", Role: auth.RoleResident, Phone: "13800000001"},
			"stranger":   {ID: "u-r2", Role: auth.RoleResident, Phone: "13800000002"},
			"committee":  {ID: "u-cc", Role: auth.RoleHandler, OrgCode: "CC1", AreaCode: "110117001001"},
			"office":     {ID: "u-s1", Role: auth.RoleSupervisor, OrgCode: "S1", AreaCode: "110117001"},
			"otheroffic": {ID: "u-s2", Role: auth.RoleHandler, OrgCode: "S2", AreaCode: "110117002"},
			"admin":      auth.System(),
			"auditor":    {ID: "u-au", Role: auth.RoleAuditor},
		}
		for name, u := range users {
			resident := map[string]bool{}
			for _, a := range []string{"110117", "110117001", "110117001001", "110117001002", "110117002"} {
				ok, err := disclosure.Resident(ctx, d.R, u, a)
				if err != nil {
					t.Fatal(err)
				}
				resident[a] = ok
			}
			var want []string
			for _, it := range items {
				if disclosure.CanSee(u, it, resident[it.AreaCode]) {
					want = append(want, key(it))
				}
			}
			var c db.Conds
			disclosure.Cond(&c, u, "p.level", "p.area_code", "p.org_code", "p.owner")
			q := `SELECT id FROM probe p`
			if len(c.Where) > 0 {
				q += " WHERE " + strings.Join(c.Where, " AND ")
			}
			rows, err := d.R.QueryContext(ctx, q, c.Args...)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			var got []string
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					t.Fatal(err)
				}
				got = append(got, id)
			}
			rows.Close()
			sort.Strings(want)
			sort.Strings(got)
			if strings.Join(want, ",") != strings.Join(got, ",") {
				t.Errorf("%s: CanSee and Cond disagree:\n Go  %d %v\n SQL %d %v", name, len(want), want, len(got), got)
			}
		}
		r := users["resident"]
		cases := []struct {
			u        auth.User
			it       disclosure.Item
			resident bool
			want     bool
		}{
			{auth.User{}, disclosure.Item{Level: disclosure.Public, AreaCode: "110117"}, false, true},
			{auth.User{}, disclosure.Item{Level: disclosure.Residents, AreaCode: "110117"}, false, false},
			{r, disclosure.Item{Level: disclosure.Residents, AreaCode: "110117001"}, true, true},
			{r, disclosure.Item{Level: disclosure.Residents, AreaCode: "110117001"}, false, false},
			{r, disclosure.Item{Level: disclosure.Internal, AreaCode: "110117001"}, true, false},
			{r, disclosure.Item{Level: disclosure.Internal, AreaCode: "110117001", Owner: r.ID}, false, true},
			{users["office"], disclosure.Item{Level: disclosure.Internal, AreaCode: "110117001001"}, false, true},
			{users["office"], disclosure.Item{Level: disclosure.Members, AreaCode: "110117001001", OrgCode: "CC1"}, false, false},
			{users["committee"], disclosure.Item{Level: disclosure.Members, AreaCode: "110117002", OrgCode: "CC1"}, false, true},
			{users["otheroffic"], disclosure.Item{Level: disclosure.Internal, AreaCode: "110117001"}, false, false},
			{users["auditor"], disclosure.Item{Level: disclosure.Internal, AreaCode: "110117"}, false, false},
		}
		for i, c := range cases {
			if got := disclosure.CanSee(c.u, c.it, c.resident); got != c.want {
				t.Errorf("case %d: CanSee(%s, %+v) = %v, want %v", i, c.u.ID, c.it, got, c.want)
			}
		}
	})
}

func key(it disclosure.Item) string {
	return fmt.Sprintf("%s/%s/%s/%s", it.Level, it.AreaCode, it.OrgCode, it.Owner)
}

func TestCheck(t *testing.T) {
	l := disclosure.Level("")
	if err := disclosure.Check(&l, disclosure.Residents); err != nil || l != disclosure.Residents {
		t.Fatalf("empty: %v %q", err, l)
	}
	l = "secret"
	if err := disclosure.Check(&l, disclosure.Public); err == nil {
		t.Fatal("unknown level accepted")
	}
}
