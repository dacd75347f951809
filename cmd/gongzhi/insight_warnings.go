package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/insight/warning"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

func init() {
	insightCmds["warnings"] = insightCmd{
		usage: "[detect] [--status open|acknowledged|converted|dismissed|active] [--data DIR] [--db DSN]   early warnings (未诉先办): with detect, run the detection now; then list them",
		run:   insightWarnings,
	}
}

func insightWarnings(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	status := ""
	var rest []string
	for i := 0; i < len(args); i++ {
		switch {
		case args[i] == "--status" && i+1 < len(args):
			status = args[i+1]
			i++
		case len(args[i]) > 9 && args[i][:9] == "--status=":
			status = args[i][9:]
		default:
			rest = append(rest, args[i])
		}
	}
	return withDB(ctx, "insight warnings", rest, getenv, stderr, func(d *db.DB, pos []string) error {
		c := clock.System{}
		g := gov.NewService(d, c)
		ts := ticket.NewService(d, c, g, nil)
		svc := warning.NewService(d, c, g, ts, evaluation.NewService(d, c, g, nil), nil)
		for _, p := range pos {
			if p != "detect" {
				return fmt.Errorf("usage: gongzhi insight warnings %s", insightCmds["warnings"].usage)
			}
			began := time.Now()
			var read, raised, rolled, steps int
			for {
				st, err := svc.Detect(ctx)
				if err != nil {
					return err
				}
				steps, read, raised, rolled = steps+1, read+st.Read, raised+st.Raised, rolled+st.Rolled
				if !st.Full {
					break
				}
			}
			fmt.Fprintf(stdout, "detection: %d steps, %d tickets read, %d weeks rolled up, %d warnings raised, in %s\n",
				steps, read, rolled, raised, time.Since(began).Round(time.Millisecond))
		}
		list, err := svc.List(ctx, auth.System(), warning.Filter{Status: status, Limit: warning.MaxList})
		if err != nil {
			return err
		}
		for _, w := range list {
			fmt.Fprintf(stdout, "%s  %-9s %-14s %-6s count %3d  baseline %6.2f  score %6.2f  %-12s last %s\n", w.ID, w.Level, w.Place, w.CategoryCode,
				w.Count, w.Baseline, w.Score, w.Status, w.LastAt.Format("2006-01-02 15:04"))
		}
		fmt.Fprintf(stdout, "%d warnings\n", len(list))
		return nil
	})
}
