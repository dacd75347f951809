package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/seed"
)

// seedCmd fills the database with realistic tickets for load tests:
// gongzhi seed --tickets N [--data ./data] [--db DSN] [--seed 1] [--months 12].
func seedCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("tickets", 0, "number of tickets to add")
	rs := fs.Uint64("seed", 1, "random seed")
	months := fs.Int("months", 12, "spread the tickets over this many months before now")
	data := fs.String("data", "", "data folder (GONGZHI_DATA)")
	dsn := fs.String("db", "", "database DSN (GONGZHI_DB)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n <= 0 || fs.NArg() > 0 {
		return errors.New("usage: gongzhi seed --tickets N [--data ./data] [--db DSN] [--seed 1] [--months 12]")
	}
	var dbArgs []string
	if *data != "" {
		dbArgs = append(dbArgs, "--data", *data)
	}
	if *dsn != "" {
		dbArgs = append(dbArgs, "--db", *dsn)
	}
	return withDB(ctx, "seed", dbArgs, getenv, stderr, func(d *db.DB, _ []string) error {
		st, err := seed.Run(ctx, d, seed.Options{Tickets: *n, Seed: *rs, Months: *months, Progress: stdout, Log: newLogger(stderr)})
		if err != nil && ctx.Err() != nil {
			// Stopped (Ctrl-C, SIGTERM): every batch written so far is
			// committed, the one under way rolled back.
			return fmt.Errorf("seed 已停止：已写入 %[1]d 张工单、%[2]d 条事件并保留，再次运行 gongzhi seed 可继续添加 / seed stopped after %[1]d tickets and %[2]d events; they are kept, and another gongzhi seed adds more",
				st.Tickets, st.Events)
		}
		if err != nil {
			return err
		}
		keys := make([]string, 0, len(st.Statuses))
		for k := range st.Statuses {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(stdout, "  %-12s %10d (%.1f%%)\n", k, st.Statuses[k], 100*float64(st.Statuses[k])/float64(st.Tickets))
		}
		return nil
	})
}
