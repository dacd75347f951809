// Package themes finds the month's recurring problems (每月一题): the
// requests of a month in the caller's area, clustered by their words across
// areas and categories, ranked by tickets, residents and repeat rate, each
// with its tickets, areas and units, ready to become a rectification task.
//
// The words are textfeat's (gse), weighed by TF-IDF over the month, without
// the names of places (a word found in one area ≥ 80% of the times, when the
// month spans five areas or more); a text joins, in one pass, the most
// similar cluster among those that share one of its four heaviest words when
// the cosine to that cluster's centroid is at least Threshold (0.45), or
// starts its own; clusters of the same three heaviest words are merged, and
// those three words are the theme's label. A month of more than SampleSize
// tickets is clustered on an even sample of them; the others are put into
// the clusters by the clusters' heaviest words found in their text
// (assign.go), so a district's 800,000 tickets of a month take seconds.
//
// A theme's residents are the distinct reporters of its tickets (a phone,
// or an account without one); its repeat rate is the share of its tickets
// whose reporter filed more than one ticket of the theme that month (a
// ticket without a known reporter repeats nothing). Themes rank by tickets,
// then residents, then repeat rate; those of at least MinTickets tickets
// are kept, at most MaxThemes. A theme's id is a hash of its label and the
// month: stable as long as the month's texts are.
package themes

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/proposal"
	"github.com/gongzhi/gongzhi/internal/textfeat"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Limits of a month's themes.
const (
	MinTickets = 3
	MaxThemes  = 20
	maxSample  = 20 // ticket numbers shown with a theme
	maxCounts  = 10 // areas, categories and units listed with a theme
	cacheFor   = 10 * time.Minute
)

// SampleSize is the number of a month's tickets clustered; a larger month
// is clustered on an even sample and the rest assigned.
var SampleSize = 10000

// Count is how many of a theme's tickets have a code (an area, a category,
// a unit), with its name.
type Count struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// Theme is one recurring problem of the month.
type Theme struct {
	ID         string    `json:"id"`
	Label      string    `json:"label"`
	Words      []string  `json:"words"`
	Tickets    int       `json:"tickets"`
	Residents  int       `json:"residents"`
	RepeatRate float64   `json:"repeat_rate"`
	Areas      []Count   `json:"areas"`
	Categories []Count   `json:"categories"`
	Units      []Count   `json:"units"`
	Sample     []string  `json:"sample"`
	FirstAt    time.Time `json:"first_at"`
	LastAt     time.Time `json:"last_at"`
}

// Month is the themes of a month in the caller's area.
type Month struct {
	Month   string    `json:"month"`
	From    time.Time `json:"from"`
	To      time.Time `json:"to"`
	Partial bool      `json:"partial"` // the month is still under way
	Tickets int       `json:"tickets"` // the month's tickets in the area
	Sampled int       `json:"sampled"` // of which clustered (the rest assigned)
	TookMs  int64     `json:"took_ms"`
	Items   []Theme   `json:"items"`
}

// Service finds the themes of a month.
type Service struct {
	db      *db.DB
	clock   clock.Clock
	gov     *gov.Service
	tickets *ticket.Service
	eval    *evaluation.Service
	// proposals, when set, takes themes made into proposals (propose.go).
	proposals *proposal.Service

	mu     sync.Mutex
	cache  map[string]cached
	flight map[string]*flight
}

type cached struct {
	at time.Time
	m  Month
}

// NewService makes the themes' service; the evaluation gives the months
// (and their start day) and takes the rectification tasks.
func NewService(d *db.DB, c clock.Clock, g *gov.Service, t *ticket.Service, e *evaluation.Service) *Service {
	return &Service{db: d, clock: c, gov: g, tickets: t, eval: e, cache: map[string]cached{}, flight: map[string]*flight{}}
}

// Themes are the themes of month (YYYY-MM; empty for the last complete
// month) among the tickets of u's area. A month is computed again at most
// every ten minutes for the same area.
func (s *Service) Themes(ctx context.Context, u auth.User, month string) (Month, error) {
	if !CanSee(u) {
		return Month{}, errs.ErrForbidden
	}
	p, err := s.eval.ParsePeriod(ctx, "", "", strings.TrimSpace(month))
	if err != nil {
		return Month{}, err
	}
	scope := ""
	if u.Role != auth.RoleAdmin {
		scope = u.AreaCode
	}
	key := p.Month + "|" + scope
	now := s.clock.Now()
	s.mu.Lock()
	if c, ok := s.cache[key]; ok && now.Sub(c.at) < cacheFor && !now.Before(c.at) {
		s.mu.Unlock()
		return c.m, nil
	}
	// One computation of a month and area at a time; those who ask
	// meanwhile wait for its answer.
	if f, ok := s.flight[key]; ok {
		s.mu.Unlock()
		select {
		case <-f.done:
			return f.m, f.err
		case <-ctx.Done():
			return Month{}, errs.Wrap(ctx.Err(), "themes")
		}
	}
	f := &flight{done: make(chan struct{})}
	s.flight[key] = f
	s.mu.Unlock()
	f.m, f.err = s.compute(ctx, u, p)
	s.mu.Lock()
	delete(s.flight, key)
	if f.err == nil {
		for k, v := range s.cache {
			if now.Sub(v.at) >= cacheFor {
				delete(s.cache, k)
			}
		}
		s.cache[key] = cached{at: now, m: f.m}
	}
	s.mu.Unlock()
	close(f.done)
	return f.m, f.err
}

// flight is a computation under way.
type flight struct {
	done chan struct{}
	m    Month
	err  error
}

// compute reads the period's tickets in u's area and finds their themes.
func (s *Service) compute(ctx context.Context, u auth.User, p evaluation.Period) (Month, error) {
	start := time.Now()
	go textfeat.Load() // the dictionary loads while the tickets are read
	rows, err := s.read(ctx, u, p.From, p.To)
	if err != nil {
		return Month{}, err
	}
	m := Month{Month: p.Month, From: p.From, To: p.To, Partial: p.Partial(s.clock.Now()), Tickets: len(rows.number)}
	m.Items, m.Sampled = s.find(ctx, rows, p.Month)
	m.TookMs = time.Since(start).Milliseconds()
	return m, nil
}

// Theme is one theme of the month, by its id.
func (s *Service) Theme(ctx context.Context, u auth.User, month, id string) (Theme, Month, error) {
	m, err := s.Themes(ctx, u, month)
	if err != nil {
		return Theme{}, m, err
	}
	for _, t := range m.Items {
		if t.ID == id {
			return t, m, nil
		}
	}
	return Theme{}, m, errs.New(errs.NotFound, "该月没有这个主题", "no such theme in the month")
}

// find clusters the month's texts and makes the themes.
func (s *Service) find(ctx context.Context, r *rows, month string) ([]Theme, int) {
	n := len(r.number)
	if n == 0 {
		return []Theme{}, 0
	}
	pick := sampleOf(n, SampleSize)
	texts, areas := make([]string, len(pick)), make([]string, len(pick))
	for i, j := range pick {
		texts[i], areas[i] = r.text[j], r.area[j]
	}
	minDocs := MinTickets
	if len(pick) < n {
		minDocs = 2
	}
	cs, v := discover(texts, areas, minDocs)
	// -2: not in the sample, to be assigned; -1: in no theme.
	of := make([]int, n)
	for i := range of {
		of[i] = -2
	}
	for _, j := range pick {
		of[j] = -1
	}
	for ci, c := range cs {
		for _, d := range c.docs {
			of[pick[d]] = ci
		}
	}
	if len(pick) < n {
		newAssigner(cs, v).assignAll(r.text, of)
	}
	return s.rank(ctx, r, cs, of, month), len(pick)
}

// sampleOf picks k of n indexes evenly (all of them when n ≤ k).
func sampleOf(n, k int) []int {
	if n <= k || k <= 0 {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	}
	out := make([]int, k)
	for i := range out {
		out[i] = int(int64(i) * int64(n) / int64(k))
	}
	return out
}

// themeID is a hash of the month and the label.
func themeID(month string, words []string) string {
	k := words
	if len(k) > 3 {
		k = k[:3]
	}
	h := sha1.Sum([]byte(month + "|" + strings.Join(k, " ")))
	return hex.EncodeToString(h[:6])
}

// sortThemes ranks by tickets, residents, repeat rate, then label.
func sortThemes(ts []Theme) {
	sort.SliceStable(ts, func(a, b int) bool {
		x, y := ts[a], ts[b]
		switch {
		case x.Tickets != y.Tickets:
			return x.Tickets > y.Tickets
		case x.Residents != y.Residents:
			return x.Residents > y.Residents
		case x.RepeatRate != y.RepeatRate:
			return x.RepeatRate > y.RepeatRate
		}
		return x.Label < y.Label
	})
}
