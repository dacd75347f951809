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
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/insight"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

func init() {
	insightCmds["train"] = insightCmd{
		usage: "[--data ./data] [--db DSN]   (train the router on the closed tickets now and serve it; one JSON object)",
		run:   insightTrainCmd,
	}
}

// insightTrainCmd trains and stores a new router, as the nightly training does.
func insightTrainCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return withDB(ctx, "insight train", args, getenv, stderr, func(d *db.DB, rest []string) error {
		if len(rest) != 0 {
			return fmt.Errorf("usage: gongzhi insight train %s", insightCmds["train"].usage)
		}
		c := clock.System{}
		g := gov.NewService(d, c)
		tickets := ticket.NewService(d, c, g, newLogger(stderr))
		start := time.Now()
		m, err := insight.NewService(d, c, tickets, g, newLogger(stderr)).Train(ctx, auth.System())
		if err != nil {
			return err
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Fprintf(stderr, "router version %d: %d tickets, category top-1 %.4f, unit top-1 %.4f, in %s (peak heap %d MB)\n",
			m.Version, m.Samples, m.Top1, m.UnitTop1, time.Since(start).Round(time.Millisecond), ms.HeapSys>>20)
		return json.NewEncoder(stdout).Encode(insight.ModelInfo{Version: m.Version, TrainedAt: m.TrainedAt, Samples: m.Samples,
			Top1: m.Top1, Top3: m.Top3, UnitTop1: m.UnitTop1, UnitTop3: m.UnitTop3, TrainMs: m.TrainMs})
	})
}
