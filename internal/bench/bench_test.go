package bench_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/bench"
	"github.com/gongzhi/gongzhi/internal/config"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/seed"
)

func server(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	a, err := app.New(ctx, config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Demo: true, BcryptCost: 4}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestIdempotencyKeys runs the mix with a fresh Idempotency-Key on every
// POST: a key used twice for different requests would answer 409.
func TestIdempotencyKeys(t *testing.T) {
	res, err := bench.Run(context.Background(), bench.Config{URL: server(t), Mix: "mixed", Concurrency: 4, Duration: time.Second,
		Warmup: 200 * time.Millisecond, IdempotencyKeys: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total.Requests == 0 || res.Total.Errors != 0 {
		t.Fatalf("total: %+v", res.Total)
	}
}

func TestMixedWorkload(t *testing.T) {
	url := server(t)
	var progress bytes.Buffer
	res, err := bench.Run(context.Background(), bench.Config{URL: url, Mix: "mixed", Concurrency: 4, Duration: 2 * time.Second, Warmup: 300 * time.Millisecond,
		Progress: &progress, ProgressEvery: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total.Requests == 0 || res.Total.Errors != 0 {
		t.Fatalf("total: %+v", res.Total)
	}
	got := map[string]bench.Stat{}
	for _, s := range res.Kinds {
		got[s.Kind] = s
		if s.Errors != 0 {
			t.Errorf("%s: %d errors: %v", s.Kind, s.Errors, s.ErrorKinds)
		}
		if s.Requests > 0 && (s.P50Ms <= 0 || s.P50Ms > s.P95Ms || s.P95Ms > s.P99Ms || s.P99Ms > s.MaxMs) {
			t.Errorf("%s: percentiles out of order: %+v", s.Kind, s)
		}
	}
	for _, k := range []string{bench.KindSubmit, bench.KindTicket, bench.KindInbox, bench.KindAction} {
		if got[k].Requests == 0 {
			t.Errorf("no %s requests: %+v", k, res.Kinds)
		}
	}
	if !strings.Contains(progress.String(), "bench:") {
		t.Errorf("no progress lines: %q", progress.String())
	}
	var table bytes.Buffer
	bench.WriteTable(&table, res)
	if !strings.Contains(table.String(), "total") {
		t.Errorf("table: %s", table.String())
	}
}

func TestOpenLoop(t *testing.T) {
	url := server(t)
	res, err := bench.Run(context.Background(), bench.Config{URL: url, Mix: "read", Concurrency: 4, Rate: 200, Duration: time.Second, Warmup: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	// 200 req/s for one second, give or take the slot at the edge.
	if n := res.Total.Requests; n < 190 || n > 210 || res.Total.Errors != 0 {
		t.Fatalf("open loop at 200/s for 1s: %+v", res.Total)
	}
}

// TestServersInTurn: with several URLs the requests take the servers in
// turn (here two listeners of one server, each counting what it answers).
func TestServersInTurn(t *testing.T) {
	ctx := context.Background()
	a, err := app.New(ctx, config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Demo: true, BcryptCost: 4}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	var hits [2]atomic.Int64
	urls := make([]string, 2)
	for i := range urls {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hits[i].Add(1)
			a.Handler.ServeHTTP(w, r)
		}))
		t.Cleanup(srv.Close)
		urls[i] = srv.URL
	}
	res, err := bench.Run(ctx, bench.Config{URL: strings.Join(urls, ","), Mix: "read", Concurrency: 2, Duration: 500 * time.Millisecond, Warmup: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	a0, a1 := hits[0].Load(), hits[1].Load()
	if res.Total.Errors != 0 || a0 < 20 || a1 < 20 || a0-a1 > 2 || a1-a0 > 2 {
		t.Fatalf("answered %d and %d, errors %d", a0, a1, res.Total.Errors)
	}
}

func TestRejectsBadConfig(t *testing.T) {
	if _, err := bench.Run(context.Background(), bench.Config{URL: "http://127.0.0.1:1", Mix: "nope"}); err == nil {
		t.Error("unknown mix accepted")
	}
	if _, err := bench.Run(context.Background(), bench.Config{URL: "ftp://x", Mix: "read"}); err == nil {
		t.Error("non-HTTP URL accepted")
	}
	if _, err := bench.Run(context.Background(), bench.Config{URL: "http://127.0.0.1:1,", Mix: "read"}); err == nil {
		t.Error("an empty second URL accepted")
	}
}

// benchApp starts a demo server on the engine (a fresh database each time, or
// the one of cfg when given) and returns its URL.
func benchApp(b *testing.B, engine string, cfg *config.Config) (*app.App, string) {
	b.Helper()
	if cfg == nil {
		cfg = &config.Config{Addr: "127.0.0.1:0", DataDir: b.TempDir(), Demo: true, BcryptCost: 4}
		if engine == db.Postgres {
			cfg.DB = dbtest.DSN(b, engine)
		}
	}
	a, err := app.New(context.Background(), *cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler)
	b.Cleanup(func() {
		srv.Close()
		a.Close()
	})
	return a, srv.URL
}

// BenchmarkSubmitHTTP measures submissions through the whole stack in one
// process (server and client), closed loop with 32 workers, on each engine
// (PostgreSQL when GONGZHI_TEST_POSTGRES is set, in a fresh schema); b.N is
// the measured period in milliseconds:
//
//	go test ./internal/bench -run XXX -bench SubmitHTTP -benchtime 15000x -cpuprofile /tmp/submit.prof
func BenchmarkSubmitHTTP(b *testing.B) {
	for _, engine := range dbtest.Engines() {
		b.Run(engine, func(b *testing.B) {
			_, url := benchApp(b, engine, nil)
			b.ResetTimer()
			res, err := bench.Run(context.Background(), bench.Config{URL: url, Mix: "submit", Concurrency: 32, Duration: time.Duration(b.N) * time.Millisecond})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(res.Total.Throughput, "submissions/s")
			b.ReportMetric(res.Total.P99Ms, "p99-ms")
		})
	}
}

// BenchmarkMixedHTTP runs the realistic mix at 500 requests per second (open
// loop, 64 workers) on each engine and reports its latency; b.N is the
// measured period in milliseconds:
//
//	go test ./internal/bench -run XXX -bench MixedHTTP -benchtime 20000x
func BenchmarkMixedHTTP(b *testing.B) {
	for _, engine := range dbtest.Engines() {
		b.Run(engine, func(b *testing.B) {
			_, url := benchApp(b, engine, nil)
			b.ResetTimer()
			res, err := bench.Run(context.Background(), bench.Config{URL: url, Mix: "mixed", Rate: 500, Concurrency: 64,
				Duration: time.Duration(b.N) * time.Millisecond, Warmup: 2 * time.Second})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(res.Total.Throughput, "req/s")
			b.ReportMetric(res.Total.P50Ms, "p50-ms")
			b.ReportMetric(res.Total.P99Ms, "p99-ms")
		})
	}
}

// BenchmarkLargeHTTP seeds GONGZHI_BENCH_TICKETS tickets (default 100,000)
// into a fresh database of each engine, then measures a second start on it
// and, with 8 workers, a unit's inbox page and a ticket page; b.N is each
// measured period in milliseconds. The 10-million-ticket figures come from
// `gongzhi seed` and scripts/bench-large.sh; this is the same measure at a
// size a test run can build:
//
//	go test ./internal/bench -run XXX -bench LargeHTTP -benchtime 10000x
func BenchmarkLargeHTTP(b *testing.B) {
	n := 100_000
	if v := os.Getenv("GONGZHI_BENCH_TICKETS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n <= 0 {
			b.Fatalf("GONGZHI_BENCH_TICKETS=%q: want a positive number", v)
		}
	}
	for _, engine := range dbtest.Engines() {
		b.Run(engine, func(b *testing.B) {
			ctx := context.Background()
			cfg := config.Config{Addr: "127.0.0.1:0", DataDir: b.TempDir(), Demo: true, BcryptCost: 4}
			if engine == db.Postgres {
				cfg.DB = dbtest.DSN(b, engine)
			}
			first, err := app.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := seed.Run(ctx, first.DB, seed.Options{Tickets: n, Seed: 1, Months: 12}); err != nil {
				b.Fatal(err)
			}
			first.Close()
			start := time.Now()
			_, url := benchApp(b, engine, &cfg)
			startup := time.Since(start)
			b.ResetTimer()
			for _, mix := range []string{"inbox", "ticket"} {
				res, err := bench.Run(ctx, bench.Config{URL: url, Mix: mix, Concurrency: 8,
					Duration: time.Duration(b.N) * time.Millisecond, Warmup: time.Second})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(res.Total.P95Ms, mix+"-p95-ms")
			}
			b.ReportMetric(float64(startup.Milliseconds()), "startup-ms")
		})
	}
}
