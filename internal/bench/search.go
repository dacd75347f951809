package bench

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/demo"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/textsearch"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// SearchOptions shape a search benchmark on a seeded database.
type SearchOptions struct {
	Queries int    // of each kind and scope
	Seed    uint64 // of the random choices
}

// SearchResult is the latency of ticket.List with a Q, per kind of query
// and in all, and of Count for the same filters.
type SearchResult struct {
	Tickets int64  `json:"tickets"`
	Stats   []Stat `json:"stats"`
}

// searchScopes are the callers searched as: the district's dispatcher
// (every ticket) and a street office's handler (one unit's).
func searchScopes() []auth.User {
	var out []auth.User
	for _, a := range demo.Accounts {
		if a.Username == "demo-dispatcher" || a.Username == "demo-handler" {
			out = append(out, auth.User{ID: a.Username, Username: a.Username, Role: a.Role, OrgCode: a.OrgCode, AreaCode: a.AreaCode})
		}
	}
	return out
}

// Search measures ticket list searches in process (no HTTP) on the database
// d, as a dispatcher and as a handler: by ticket number, by the last four
// digits of a phone, and by a common and a rare word of the descriptions
// (the most and the least frequent terms of a sample of tickets), 20 per
// page as the workbench asks; and Count for the same, capped at
// ticket.CountCap.
func Search(ctx context.Context, d *db.DB, opt SearchOptions, progress io.Writer) (*SearchResult, error) {
	c := clock.System{}
	svc := ticket.NewService(d, c, gov.NewService(d, c), nil)
	rng := rand.New(rand.NewPCG(opt.Seed, 7))
	res := &SearchResult{}
	if err := d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets`).Scan(&res.Tickets); err != nil {
		return nil, err
	}
	numbers, common, rare, err := searchSample(ctx, d, rng)
	if err != nil {
		return nil, err
	}
	queries := map[string]func() string{
		"number": func() string { return numbers[rng.IntN(len(numbers))] },
		"last4":  func() string { return fmt.Sprintf("%04d", rng.IntN(10000)) },
		"common": func() string { return common[rng.IntN(len(common))] },
		"rare":   func() string { return rare[rng.IntN(len(rare))] },
		"absent": func() string { return absentWords[rng.IntN(len(absentWords))] },
	}
	kinds := []string{"number", "last4", "common", "rare", "absent"}
	var all, allCount []time.Duration
	for _, u := range searchScopes() {
		for _, kind := range kinds {
			var lat, countLat []time.Duration
			for range opt.Queries {
				f := ticket.Filter{Q: queries[kind](), Limit: 20}
				start := time.Now()
				if _, err := svc.List(ctx, u, f); err != nil {
					return nil, fmt.Errorf("%s %s %q: %w", u.Username, kind, f.Q, err)
				}
				lat = append(lat, time.Since(start))
				start = time.Now()
				if _, err := svc.Count(ctx, u, f); err != nil {
					return nil, fmt.Errorf("count %s %s %q: %w", u.Username, kind, f.Q, err)
				}
				countLat = append(countLat, time.Since(start))
			}
			all, allCount = append(all, lat...), append(allCount, countLat...)
			res.Stats = append(res.Stats, summarize(u.Username+" "+kind, lat, nil, 0), summarize(u.Username+" "+kind+" count", countLat, nil, 0))
			if progress != nil {
				st := res.Stats[len(res.Stats)-2]
				fmt.Fprintf(progress, "%-28s p50 %7.1f ms  p95 %7.1f ms  max %7.1f ms\n", st.Kind, st.P50Ms, st.P95Ms, st.MaxMs)
			}
		}
	}
	res.Stats = append(res.Stats, summarize("all lists", all, nil, 0), summarize("all counts", allCount, nil, 0))
	return res, nil
}

// absentWords are in no seeded ticket: the case where an index walk in
// number order would read everything.
var absentWords = []string{"飞船", "量子纠缠", "恐龙", "xylophone"}

// searchSample picks ticket numbers and words to search for from a sample
// of tickets spread over the numbers: common words are the 20 terms most
// often seen, rare ones terms seen in one ticket of the sample.
func searchSample(ctx context.Context, d *db.DB, rng *rand.Rand) (numbers, common, rare []string, err error) {
	var lo, hi string
	if err = d.R.QueryRowContext(ctx, `SELECT MIN(number), MAX(number) FROM tickets`).Scan(&lo, &hi); err != nil {
		return nil, nil, nil, err
	}
	seen := map[string]int{}
	for range 400 {
		day := lo[:8]
		if t0, e1 := time.Parse("20060102", lo[:8]); e1 == nil {
			if t1, e2 := time.Parse("20060102", hi[:8]); e2 == nil {
				days := int(t1.Sub(t0).Hours()/24) + 1
				day = t0.AddDate(0, 0, rng.IntN(days)).Format("20060102")
			}
		}
		var n, desc string
		err := d.R.QueryRowContext(ctx, `SELECT number, description FROM tickets WHERE number >= $1 ORDER BY number LIMIT 1`,
			fmt.Sprintf("%s%06d", day, rng.IntN(50))).Scan(&n, &desc)
		if err != nil {
			continue
		}
		numbers = append(numbers, n)
		for _, t := range textsearch.Terms(desc) {
			if len([]rune(t)) == 2 {
				seen[t]++
			}
		}
	}
	if len(numbers) == 0 {
		return nil, nil, nil, fmt.Errorf("no tickets to search")
	}
	terms := make([]string, 0, len(seen))
	for t := range seen {
		terms = append(terms, t)
	}
	sort.Slice(terms, func(i, j int) bool {
		return seen[terms[i]] > seen[terms[j]] || seen[terms[i]] == seen[terms[j]] && terms[i] < terms[j]
	})
	common = terms[:min(20, len(terms))]
	for _, t := range terms {
		if seen[t] == 1 {
			rare = append(rare, t)
		}
	}
	if len(rare) == 0 {
		rare = terms[len(terms)-1:]
	}
	return numbers, common, rare, nil
}
