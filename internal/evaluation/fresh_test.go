package evaluation_test

import (
	"context"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/evaluation"
)

// TestReadsDoNotWrite: with the aggregates built and refreshed, evaluations
// and rankings within the freshness bound read what is there and write
// nothing (evaluation_state's refreshed_at, written by every refresh with
// the service's clock, stays); a change shows once a refresh has run.
func TestReadsDoNotWrite(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		seed(t, d)
		ctx := context.Background()
		c := clock.NewFixed(time.Date(2026, 4, 10, 9, 0, 0, 0, loc))
		s := newService(d, c)
		s.SetFreshness(time.Hour) // the calls below are well within it
		if _, err := s.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		refreshedAt := func() int64 {
			var v int64
			if err := d.R.QueryRowContext(ctx, `SELECT refreshed_at FROM evaluation_state WHERE id = 1`).Scan(&v); err != nil {
				t.Fatal(err)
			}
			return v
		}
		before := refreshedAt()
		q := evaluation.Query{Period: march(t, s), Group: evaluation.GroupOrg, AreaCode: "110117"}
		for i := 0; i < 5; i++ {
			c.Advance(time.Second)
			if _, err := s.Evaluate(ctx, q); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Rank(ctx, "2026-03", evaluation.GroupOrg, "110117"); err != nil {
				t.Fatal(err)
			}
		}
		if got := refreshedAt(); got != before {
			t.Fatalf("reads wrote evaluation_state: refreshed_at %d, was %d", got, before)
		}

		// S2's T13 is now rated satisfied: the figures change after a refresh.
		if _, err := d.W.ExecContext(ctx, `UPDATE tickets SET rating_satisfaction = 'satisfied', updated_at = $1 WHERE number = 'T13'`,
			c.Now().UnixMilli()); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		res, err := s.Evaluate(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if got := byKey(res.Rows)["S2"].Counts.Satisfied; got != 2 {
			t.Fatalf("S2 satisfied %d after the refresh, want 2", got)
		}
	})
}
