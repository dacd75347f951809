package bench_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/bench"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/seed"
)

// The search benchmark runs every kind of query as both callers on a
// seeded database and reports each.
func TestSearchBench(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := seed.Run(ctx, d, seed.Options{Tickets: 300, Seed: 3, Months: 2}); err != nil {
			t.Fatal(err)
		}
		res, err := bench.Search(ctx, d, bench.SearchOptions{Queries: 3, Seed: 1}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Tickets != 300 {
			t.Fatalf("tickets: %d", res.Tickets)
		}
		kinds := map[string]int{}
		for _, st := range res.Stats {
			kinds[st.Kind] = st.Requests
		}
		for _, k := range []string{"demo-dispatcher common", "demo-handler last4 count", "demo-handler absent"} {
			if kinds[k] != 3 {
				t.Errorf("%s: %d queries (%v)", k, kinds[k], kinds)
			}
		}
		if kinds["all lists"] != 2*5*3 || !strings.HasPrefix(res.Stats[len(res.Stats)-1].Kind, "all counts") {
			t.Errorf("totals: %v", kinds)
		}
	})
}
