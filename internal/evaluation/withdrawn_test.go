package evaluation_test

import (
	"context"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// TestWithdrawnCountsNowhere: a request its reporter withdrew (status
// withdrawn, with a close time like any ended ticket) changes no unit's or
// area's figures, even rated and named to a unit.
func TestWithdrawnCountsNowhere(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		seed(t, d)
		ctx := context.Background()
		s := newService(d, clock.NewFixed(time.Date(2026, 4, 10, 9, 0, 0, 0, loc)))
		figures := func() (map[string]evaluation.Row, map[string]evaluation.Row) {
			t.Helper()
			byOrg, err := s.Evaluate(ctx, evaluation.Query{Period: march(t, s), Group: evaluation.GroupOrg, AreaCode: "110117"})
			if err != nil {
				t.Fatal(err)
			}
			byArea, err := s.Evaluate(ctx, evaluation.Query{Period: march(t, s), Group: evaluation.GroupArea, AreaCode: "110117"})
			if err != nil {
				t.Fatal(err)
			}
			return byKey(byOrg.Rows), byKey(byArea.Rows)
		}
		orgs, areas := figures()
		if _, err := d.W.ExecContext(ctx, `INSERT INTO tickets (number, kind, status, category_code, area_code, description, channel, assigned_org_code,
created_at, updated_at, due_contact_at, closed_at, rating_resolved, rating_satisfaction, rated_at)
VALUES ('T19', 'complaint', $1, '0101', '110117001001', 'x', 'web', 'S1', $2, $2, $3, $4, FALSE, 'unsatisfied', $4)`,
			string(ticket.StatusWithdrawn), at("03-10 09:00"), at("03-11 09:00"), at("03-10 10:00")); err != nil {
			t.Fatal(err)
		}
		orgs2, areas2 := figures()
		if orgs2["S1"].Counts != orgs["S1"].Counts || areas2["110117001"].Counts != areas["110117001"].Counts {
			t.Fatalf("a withdrawn ticket counted:\n S1 %+v → %+v\n street %+v → %+v", orgs["S1"].Counts, orgs2["S1"].Counts,
				areas["110117001"].Counts, areas2["110117001"].Counts)
		}
	})
}
