package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/gongzhi/gongzhi/internal/bench"
)

// benchCmd runs the load generator against a running server:
// gongzhi bench --url URL [--mix submit|read|inbox|ticket|mixed] [--concurrency 16]
// [--rate 0] [--duration 30s] [--warmup 3s] [--json FILE].
func benchCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg bench.Config
	fs.StringVar(&cfg.URL, "url", "http://127.0.0.1:8080", "base URL of a running gongzhi with the demo district; several servers of one database separated by commas, taken in turn")
	fs.StringVar(&cfg.Mix, "mix", "mixed", "workload: "+bench.MixNames())
	fs.IntVar(&cfg.Concurrency, "concurrency", 16, "workers, each with its own kept-alive connection")
	fs.Float64Var(&cfg.Rate, "rate", 0, "requests per second, open-loop (0 = as fast as possible, closed-loop)")
	fs.DurationVar(&cfg.Duration, "duration", 30*time.Second, "measured period")
	fs.DurationVar(&cfg.Warmup, "warmup", 3*time.Second, "unmeasured period before it")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "random seed")
	fs.BoolVar(&cfg.IdempotencyKeys, "idempotency-keys", false, "send a fresh Idempotency-Key with every POST")
	jsonFile := fs.String("json", "", "also write the results as JSON to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New("usage: gongzhi bench [--url URL] [--mix " + bench.MixNames() + "] [--concurrency N] [--rate R] [--duration D] [--warmup D] [--json FILE]")
	}
	cfg.Progress = stderr
	res, err := bench.Run(ctx, cfg)
	if err != nil {
		return err
	}
	bench.WriteTable(stdout, res)
	if *jsonFile != "" {
		b, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(*jsonFile, append(b, '\n'), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", *jsonFile, err)
		}
	}
	return nil
}
