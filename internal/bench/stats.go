package bench

import (
	"fmt"
	"io"
	"math"
	"slices"
	"time"
)

// Percentile returns the nearest-rank p-th percentile (0 < p ≤ 100) of
// sorted latencies: the smallest value such that at least p% of the values
// are at or below it. Every latency is kept, so the figure is exact, as an
// HDR histogram would give it, not an average of averages.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	if p <= 0 {
		return sorted[0]
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	if rank < 1 {
		rank = 1
	}
	if rank > len(sorted) {
		rank = len(sorted)
	}
	return sorted[rank-1]
}

// Stat is what one kind of request (or all of them) did.
type Stat struct {
	Kind       string         `json:"kind"`
	Requests   int            `json:"requests"`
	Errors     int            `json:"errors"`
	Throughput float64        `json:"throughput_rps"` // successful and failed requests per second of the measured period
	MeanMs     float64        `json:"mean_ms"`
	P50Ms      float64        `json:"p50_ms"`
	P95Ms      float64        `json:"p95_ms"`
	P99Ms      float64        `json:"p99_ms"`
	MaxMs      float64        `json:"max_ms"`
	ErrorKinds map[string]int `json:"error_kinds,omitempty"`
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// summarize sorts lat in place and computes the figures over the period.
func summarize(kind string, lat []time.Duration, errKinds map[string]int, period time.Duration) Stat {
	slices.Sort(lat)
	st := Stat{Kind: kind, Requests: len(lat), ErrorKinds: errKinds}
	for _, n := range errKinds {
		st.Errors += n
	}
	if len(errKinds) == 0 {
		st.ErrorKinds = nil
	}
	if period > 0 {
		st.Throughput = float64(len(lat)) / period.Seconds()
	}
	if len(lat) == 0 {
		return st
	}
	var sum time.Duration
	for _, d := range lat {
		sum += d
	}
	st.MeanMs = ms(sum / time.Duration(len(lat)))
	st.P50Ms, st.P95Ms, st.P99Ms = ms(Percentile(lat, 50)), ms(Percentile(lat, 95)), ms(Percentile(lat, 99))
	st.MaxMs = ms(lat[len(lat)-1])
	return st
}

// WriteTable prints the result as a table, one line per kind and the total.
func WriteTable(w io.Writer, r *Result) {
	mode := "closed loop"
	if r.Rate > 0 {
		mode = fmt.Sprintf("open loop at %.0f req/s (latency from the intended send time)", r.Rate)
	}
	fmt.Fprintf(w, "mix %s, %d workers, %s, %.1fs measured after %.1fs warm-up, %s\n", r.Mix, r.Concurrency, mode, r.DurationS, r.WarmupS, r.URL)
	fmt.Fprintf(w, "%-8s %9s %7s %9s %8s %8s %8s %8s %8s\n", "kind", "requests", "errors", "req/s", "mean ms", "p50 ms", "p95 ms", "p99 ms", "max ms")
	line := func(s Stat) {
		fmt.Fprintf(w, "%-8s %9d %7d %9.1f %8.2f %8.2f %8.2f %8.2f %8.2f\n", s.Kind, s.Requests, s.Errors, s.Throughput, s.MeanMs, s.P50Ms, s.P95Ms, s.P99Ms, s.MaxMs)
	}
	for _, s := range r.Kinds {
		line(s)
	}
	line(r.Total)
	for k, n := range r.Total.ErrorKinds {
		fmt.Fprintf(w, "  error %s: %d\n", k, n)
	}
}
