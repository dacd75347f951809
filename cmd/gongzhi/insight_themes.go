package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/insight/themes"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

func init() {
	insightCmds["themes"] = insightCmd{
		usage: "[YYYY-MM] [--data ./data] [--db DSN]   (the month's themes, 每月一题, as the administrator sees them; one JSON object)",
		run:   insightThemesCmd,
	}
}

// insightThemesCmd finds a month's themes over the whole installation and
// tells on stderr how long it took: the measure of themes at scale.
func insightThemesCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return withDB(ctx, "insight themes", args, getenv, stderr, func(d *db.DB, rest []string) error {
		if len(rest) > 1 {
			return fmt.Errorf("usage: gongzhi insight themes %s", insightCmds["themes"].usage)
		}
		month := "" // the last complete month
		if len(rest) == 1 {
			month = rest[0]
		}
		c := clock.System{}
		log := newLogger(stderr)
		g := gov.NewService(d, c)
		svc := themes.NewService(d, c, g, ticket.NewService(d, c, g, log), evaluation.NewService(d, c, g, log))
		start := time.Now()
		m, err := svc.Themes(ctx, auth.System(), month)
		if err != nil {
			return err
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Fprintf(stderr, "themes of %s: %d tickets, %d clustered, %d themes, in %s (peak heap %d MB)\n",
			m.Month, m.Tickets, m.Sampled, len(m.Items), time.Since(start).Round(time.Millisecond), ms.HeapSys>>20)
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(m)
	})
}
