package transfer_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/seed"
	"github.com/gongzhi/gongzhi/internal/transfer"
)

// BenchmarkAreaExport seeds the demo district with GONGZHI_BENCH_TICKETS
// tickets (20,000 by default) on GONGZHI_BENCH_ENGINE (sqlite by default)
// and exports one street, then the whole installation for comparison:
//
//	go test -run - -bench AreaExport -benchtime 1x ./internal/transfer
func BenchmarkAreaExport(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("GONGZHI_BENCH_TICKETS")); err == nil && v > 0 {
		n = v
	}
	engine := db.SQLite
	if os.Getenv("GONGZHI_BENCH_ENGINE") == db.Postgres {
		engine = db.Postgres
	}
	ctx := context.Background()
	d := dbtest.Open(b, engine)
	st, err := seed.Run(ctx, d, seed.Options{Tickets: n, Seed: 7, Months: 6, BcryptCost: 4, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d tickets, %d events seeded in %s", engine, st.Tickets, st.Events, st.Duration.Round(time.Millisecond))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, area := range []string{"110117001", "110117", ""} {
			start := time.Now()
			var progress bytes.Buffer
			var w io.Writer = &progress
			if os.Getenv("GONGZHI_BENCH_PROGRESS") != "" { // every table's time
				w = io.MultiWriter(&progress, os.Stdout)
			}
			m, err := transfer.Export(ctx, d, filepath.Join(b.TempDir(), "x"), transfer.ExportOptions{Area: area, Progress: w})
			if err != nil {
				b.Fatal(err)
			}
			var rows, tickets int64
			for _, tm := range m.Tables {
				rows += tm.Rows
				if tm.Name == "tickets" {
					tickets = tm.Rows
				}
			}
			if i := bytes.Index(progress.Bytes(), []byte("export: area")); i >= 0 {
				line, _, _ := bytes.Cut(progress.Bytes()[i:], []byte("\n"))
				b.Log(string(line))
			}
			b.Logf("area %q: %d tables, %d rows, %d tickets in %s", area, len(m.Tables), rows, tickets, time.Since(start).Round(time.Millisecond))
		}
	}
}
