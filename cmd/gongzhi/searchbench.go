package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/gongzhi/gongzhi/internal/bench"
	"github.com/gongzhi/gongzhi/internal/db"
)

// searchBenchCmd measures ticket list searches on a seeded database, in
// process: gongzhi bench-search [--data ./data] [--db DSN] [--queries 100] [--json FILE].
func searchBenchCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench-search", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("queries", 100, "queries of each kind and scope")
	rs := fs.Uint64("seed", 1, "random seed")
	data := fs.String("data", "", "data folder (GONGZHI_DATA)")
	dsn := fs.String("db", "", "database DSN (GONGZHI_DB)")
	out := fs.String("json", "", "also write the result as JSON to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n <= 0 || fs.NArg() > 0 {
		return errors.New("usage: gongzhi bench-search [--data ./data] [--db DSN] [--queries 100] [--json FILE]")
	}
	var dbArgs []string
	if *data != "" {
		dbArgs = append(dbArgs, "--data", *data)
	}
	if *dsn != "" {
		dbArgs = append(dbArgs, "--db", *dsn)
	}
	return withDB(ctx, "bench-search", dbArgs, getenv, stderr, func(d *db.DB, _ []string) error {
		res, err := bench.Search(ctx, d, bench.SearchOptions{Queries: *n, Seed: *rs}, stdout)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d tickets (%s)\n", res.Tickets, d.Engine)
		for _, st := range res.Stats {
			fmt.Fprintf(stdout, "%-34s n=%4d  p50 %7.1f ms  p95 %7.1f ms  p99 %7.1f ms  max %7.1f ms\n", st.Kind, st.Requests, st.P50Ms, st.P95Ms, st.P99Ms, st.MaxMs)
		}
		if *out == "" {
			return nil
		}
		b, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		return os.WriteFile(*out, b, 0o644)
	})
}
