package evaluation_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// TestDashboardMatchesEvaluate: the leaders' dashboard's figures are
// Evaluate's and Rank's for the same month and scope — the district's row
// is the sum of its streets' counts (returns, extensions and redos
// included, March has one of each and more) with the rates of any row —
// read from the tickets and from the aggregates alike; others are refused.
func TestDashboardMatchesEvaluate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		seed(t, d)
		ctx := context.Background()
		s := newService(d, clock.NewFixed(time.Date(2026, 4, 10, 9, 0, 0, 0, loc)))
		district, err := gov.NewService(d, clock.System{}).Area(ctx, "110117")
		if err != nil {
			t.Fatal(err)
		}
		admin := auth.User{ID: "a", Username: "admin", Role: auth.RoleAdmin}
		for _, via := range []string{"tickets", "aggregates", "aggregates, months from the 26th"} {
			start := 1
			switch via {
			case "aggregates":
				if _, err := s.Refresh(ctx); err != nil {
					t.Fatal(err)
				}
			case "aggregates, months from the 26th":
				st := evaluation.DefaultSettings()
				st.MonthStartDay, start = 26, 26
				if err := s.SaveSettings(ctx, st); err != nil {
					t.Fatal(err)
				}
			}
			march, err := s.MonthPeriod("2026-03", start)
			if err != nil {
				t.Fatal(err)
			}
			v, err := s.Dashboard(ctx, admin, district, march)
			if err != nil {
				t.Fatal(err)
			}
			if len(v.Trend) != evaluation.TrendMonths || v.Trend[11].Month != "2026-03" || v.Trend[10].Month != "2026-02" || v.Trend[0].Month != "2025-04" {
				t.Fatalf("%s: trend months %v … %v", via, v.Trend[0].Month, v.Trend[len(v.Trend)-1].Month)
			}
			for i := range v.Trend {
				p, err := s.MonthPeriod(v.Trend[i].Month, start)
				if err != nil {
					t.Fatal(err)
				}
				res, err := s.Evaluate(ctx, evaluation.Query{Period: p, Group: evaluation.GroupArea, AreaCode: "110117", NoClass: true})
				if err != nil {
					t.Fatal(err)
				}
				var want evaluation.Counts
				for _, r := range res.Rows {
					c := r.Counts
					want.Tickets += c.Tickets
					want.Rated += c.Rated
					want.Resolved += c.Resolved
					want.Satisfied += c.Satisfied
					want.Basic += c.Basic
					want.Unsatisfied += c.Unsatisfied
					want.ContactDue += c.ContactDue
					want.ContactedOnTime += c.ContactedOnTime
					want.CompleteDue += c.CompleteDue
					want.OnTime += c.OnTime
					want.Returns += c.Returns
					want.Extensions += c.Extensions
					want.Redos += c.Redos
					want.Overdue += c.Overdue
				}
				got := v.Trend[i].Row
				if got.Counts != want {
					t.Errorf("%s %s: district counts\n got %+v\nwant %+v", via, v.Trend[i].Month, got.Counts, want)
				}
				c := got.Counts
				if !eqp(got.ReturnRate, ratioOf(c.Returns, c.Tickets)) || !eqp(got.ExtensionRate, ratioOf(c.Extensions, c.Tickets)) ||
					!eqp(got.RedoRate, ratioOf(c.Redos, c.Tickets)) || !eqp(got.RatingRate, ratioOf(c.Rated, c.Tickets)) ||
					!eqp(got.ResponseRate, ratioOf(c.ContactedOnTime, c.ContactDue)) || !eqp(got.OnTimeRate, ratioOf(c.OnTime, c.CompleteDue)) {
					t.Errorf("%s %s: district rates %+v", via, v.Trend[i].Month, got)
				}
			}
			if c := v.Current.Counts; start == 1 && (c.Returns != 2 || c.Extensions != 1 || c.Redos != 1 || c.Tickets != 11) {
				t.Errorf("%s: March %+v", via, c)
			}
			rk, err := s.Rank(ctx, "2026-03", evaluation.GroupOrg, "110117")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(v.Ranking, rk) || (start == 1 && v.Rectify != 1) {
				t.Errorf("%s: ranking differs from Rank (rectify %d)", via, v.Rectify)
			}
			areas, err := s.Evaluate(ctx, evaluation.Query{Period: march, Group: evaluation.GroupArea, AreaCode: "110117", NoClass: true})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(byKey(v.Streets), byKey(areas.Rows)) || v.Streets[0].AreaCode != "110117001" {
				t.Errorf("%s: streets differ from Evaluate", via)
			}
		}
		handler := auth.User{ID: "h", Username: "h", Role: auth.RoleHandler, OrgCode: "S1", AreaCode: "110117001", AreaLevel: gov.LevelStreet}
		if _, err := s.Dashboard(ctx, handler, district, march(t, s)); err == nil {
			t.Error("a handler opened the leaders' dashboard")
		}
	})
}

func ratioOf(n, d int64) *float64 {
	if d == 0 {
		return nil
	}
	v := float64(n) / float64(d)
	return &v
}

// TestUnitDashboardMatchesEvaluate: a unit's dashboard shows its row of
// Rank and, month by month, its row of Evaluate; a handler always gets its
// own unit, a leader the one asked for.
func TestUnitDashboardMatchesEvaluate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		seed(t, d)
		ctx := context.Background()
		s := newService(d, clock.NewFixed(time.Date(2026, 4, 10, 9, 0, 0, 0, loc)))
		district, err := gov.NewService(d, clock.System{}).Area(ctx, "110117")
		if err != nil {
			t.Fatal(err)
		}
		admin := auth.User{ID: "a", Username: "admin", Role: auth.RoleAdmin}
		handler := auth.User{ID: "h", Username: "h", Role: auth.RoleHandler, OrgCode: "S1", AreaCode: "110117001", AreaLevel: gov.LevelStreet}
		rk, err := s.Rank(ctx, "2026-03", evaluation.GroupOrg, "110117")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			actor     auth.User
			ask, want string
		}{{admin, "S2", "S2"}, {admin, "", "S2"}, {handler, "S2", "S1"}} {
			v, err := s.UnitDashboard(ctx, c.actor, district, c.ask, march(t, s))
			if err != nil {
				t.Fatal(err)
			}
			if v.Org.Code != c.want || v.CanPick != (c.actor.Role == auth.RoleAdmin) {
				t.Fatalf("%s asks %q: got %s (pick %v)", c.actor.Username, c.ask, v.Org.Code, v.CanPick)
			}
			if !reflect.DeepEqual(v.Row, byKey(rk.Rows)[c.want]) || v.InGroup != 3 {
				t.Errorf("%s: row differs from Rank's (in group %d)", c.want, v.InGroup)
			}
			for _, i := range []int{10, 11} {
				p, err := s.MonthPeriod(v.Trend[i].Month, 1)
				if err != nil {
					t.Fatal(err)
				}
				res, err := s.Evaluate(ctx, evaluation.Query{Period: p, Group: evaluation.GroupOrg, AreaCode: v.Org.AreaCode, NoClass: true})
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(v.Trend[i].Row, byKey(res.Rows)[c.want]) {
					t.Errorf("%s %s: trend row differs from Evaluate's", c.want, v.Trend[i].Month)
				}
			}
		}
		if _, err := s.UnitDashboard(ctx, auth.User{ID: "g", Role: auth.RoleAgent}, district, "S1", march(t, s)); err == nil {
			t.Error("an agent opened a unit's dashboard")
		}
	})
}
