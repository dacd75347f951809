package themes_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/insight/themes"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// BenchmarkMonthThemes finds the themes of GONGZHI_THEMES_MONTH (default
// the last complete month) in the database of the data folder
// GONGZHI_THEMES_DATA, made by `gongzhi seed --tickets N --months 1 --data
// DIR`; without it the benchmark skips. Each round computes afresh.
func BenchmarkMonthThemes(b *testing.B) {
	dir := os.Getenv("GONGZHI_THEMES_DATA")
	if dir == "" {
		b.Skip("set GONGZHI_THEMES_DATA to a seeded data folder")
	}
	ctx := context.Background()
	d, err := db.Open(ctx, "", dir)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	c := clock.System{}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	g := gov.NewService(d, c)
	ts, ev := ticket.NewService(d, c, g, log), evaluation.NewService(d, c, g, log)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m, err := themes.NewService(d, c, g, ts, ev).Themes(ctx, auth.System(), os.Getenv("GONGZHI_THEMES_MONTH"))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(m.Tickets), "tickets")
		b.ReportMetric(float64(len(m.Items)), "themes")
	}
}
