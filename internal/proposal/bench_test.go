package proposal_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/proposal"
)

// benchProposals is how many proposals BenchmarkList seeds.
const benchProposals = 100_000

// seedProposals writes n proposals over 10 streets of 10 communities of 2
// courtyards each (every tenth public), a year of days, a tenth of them
// awaiting an answer from their community's committee; and one verified
// resident in each courtyard.
func seedProposals(b testing.TB, d *db.DB, n int) {
	ctx := context.Background()
	g := gov.NewService(d, clock.System{})
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	must(g.UpsertArea(ctx, gov.Area{Code: "110117", Name: "平谷区", Level: gov.LevelDistrict}))
	var yards []string
	for s := 1; s <= 10; s++ {
		street := fmt.Sprintf("110117%03d", s)
		must(g.UpsertArea(ctx, gov.Area{Code: street, ParentCode: "110117", Name: "街道" + street, Level: gov.LevelStreet}))
		for c := 1; c <= 10; c++ {
			comm := fmt.Sprintf("%s%03d", street, c)
			must(g.UpsertArea(ctx, gov.Area{Code: comm, ParentCode: street, Name: "社区" + comm, Level: gov.LevelCommunity}))
			must(g.UpsertOrg(ctx, gov.Org{Code: "CC" + comm, Name: "居委会" + comm, Kind: gov.KindCommunityCommittee, AreaCode: comm}))
			for y := 1; y <= 2; y++ {
				yard := fmt.Sprintf("%s%03d", comm, y)
				must(g.UpsertArea(ctx, gov.Area{Code: yard, ParentCode: comm, Name: "院落" + yard, Level: gov.LevelCourtyard}))
				yards = append(yards, yard)
				_, err := d.W.ExecContext(ctx, `INSERT INTO area_residents (area_code, phone, verified_by, verified_at, source) VALUES ($1, $2, 'bench', 0, 'staff')`, yard, "139"+yard[len(yard)-8:])
				must(err)
			}
		}
	}
	day0 := time.Date(2025, 12, 1, 9, 0, 0, 0, clock.BusinessZone())
	const batch = 500
	for start := 0; start < n; start += batch {
		var sb strings.Builder
		var args []any
		sb.WriteString(`INSERT INTO proposals (number, level, area_code, origin_area_code, title, body, proposer_phone, status, population, threshold, collect_until, org_code, answer_due, created_at, updated_at, visibility) VALUES `)
		for i := start; i < min(start+batch, n); i++ {
			day := day0.AddDate(0, 0, i*365/n)
			number := fmt.Sprintf("TA%s%04d", day.Format("20060102"), i%(n/365+1)+1)
			yard := yards[(i/10*37+i%10*11)%len(yards)]
			status, org, due := "collecting", "", any(nil)
			if i%10 == 0 {
				status, org, due = "accepted", "CC"+yard[:12], day.AddDate(0, 0, 14).UnixMilli()
			}
			vis := "residents"
			if i%10 == 3 {
				vis = "public"
			}
			if i > start {
				sb.WriteString(",")
			}
			k := len(args)
			fmt.Fprintf(&sb, "($%d,'courtyard',$%d,$%d,$%d,$%d,$%d,$%d,100,5,$%d,$%d,$%d,$%d,$%d,$%d)", k+1, k+2, k+2, k+3, k+4, k+5, k+6, k+7, k+8, k+9, k+10, k+10, k+11)
			args = append(args, number, yard, "提案标题", "提案内容", "138"+yard[len(yard)-8:], status, day.AddDate(0, 0, 30).UnixMilli(), org, due, day.UnixMilli(), vis)
		}
		_, err := d.W.ExecContext(ctx, sb.String(), args...)
		must(err)
	}
	if d.Engine == db.Postgres {
		// As the autovacuum would: the visibility map lets the list read
		// the index alone.
		_, err := d.W.ExecContext(ctx, `VACUUM ANALYZE`)
		must(err)
	} else {
		_, err := d.W.ExecContext(ctx, `ANALYZE`)
		must(err)
	}
}

// BenchmarkList times listing proposals by area among 100,000: a page of 20
// for a street's staff asking for one community, for a resident (her own
// list, and one community), and the committee's answers due. It reports the
// 95th percentile of 200 lists of each kind.
//
//	go test -run '^$' -bench 'List$' -benchtime 1x ./internal/proposal
//
// GONGZHI_BENCH_ENGINE=postgres (or sqlite) runs it on one engine only.
func BenchmarkList(b *testing.B) {
	for _, engine := range dbtest.Engines() {
		if e := os.Getenv("GONGZHI_BENCH_ENGINE"); e != "" && e != engine {
			continue
		}
		ctx := context.Background()
		d := dbtest.Open(b, engine)
		t0 := time.Now()
		seedProposals(b, d, benchProposals)
		b.Logf("%s: %d proposals seeded in %s", engine, benchProposals, time.Since(t0).Round(time.Millisecond))
		s := proposal.NewService(d, clock.System{}, gov.NewService(d, clock.System{}))
		comm := func(i int) string { return fmt.Sprintf("110117%03d%03d", i%10+1, i/10%10+1) }
		kinds := []struct {
			name string
			list func(i int) (proposal.Page, error)
		}{
			{"staff-community", func(i int) (proposal.Page, error) {
				u := auth.User{ID: "s", Role: auth.RoleHandler, OrgCode: "S", AreaCode: comm(i)[:9]}
				return s.List(ctx, u, proposal.Filter{AreaCode: comm(i), Limit: 20})
			}},
			{"resident-own-list", func(i int) (proposal.Page, error) {
				yard := comm(i) + "001"
				return s.List(ctx, auth.User{ID: "r", Role: auth.RoleResident, Phone: "139" + yard[len(yard)-8:]}, proposal.Filter{Limit: 20})
			}},
			{"resident-community", func(i int) (proposal.Page, error) {
				yard := comm(i) + "002"
				return s.List(ctx, auth.User{ID: "r", Role: auth.RoleResident, Phone: "139" + yard[len(yard)-8:]}, proposal.Filter{AreaCode: comm(i), Limit: 20})
			}},
			{"committee-due", func(i int) (proposal.Page, error) {
				return s.List(ctx, auth.User{ID: "c", Role: auth.RoleHandler, OrgCode: "CC" + comm(i), AreaCode: comm(i)}, proposal.Filter{Due: true, Limit: 20})
			}},
		}
		b.Run(engine, func(b *testing.B) {
			for n := 0; n < b.N; n++ {
				for _, k := range kinds {
					var took []time.Duration
					for i := 0; i < 200; i++ {
						t := time.Now()
						page, err := k.list(i)
						if err != nil {
							b.Fatal(err)
						}
						took = append(took, time.Since(t))
						if len(page.Items) == 0 {
							b.Fatalf("%s: an empty page", k.name)
						}
					}
					sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
					p95 := took[len(took)*95/100]
					b.ReportMetric(float64(p95.Microseconds())/1000, k.name+"-p95-ms")
				}
			}
		})
	}
}
