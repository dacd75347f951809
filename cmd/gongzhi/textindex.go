package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// textIndexCmd is `gongzhi text-index [--data ./data] [--db DSN]`: the
// walk that writes the ticket text index anew (after an import, or an
// upgrade that asks for it) taken to its end now, and the index merged,
// without the pause the servers' background work makes between steps.
func textIndexCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return withDB(ctx, "text-index", args, getenv, stderr, func(d *db.DB, rest []string) error {
		if len(rest) != 0 {
			return errors.New("usage: gongzhi text-index [--data ./data] [--db DSN]")
		}
		start := time.Now()
		n, err := indexAllText(ctx, d, stderr)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "text index: %d tickets written anew in %s; the walk is at its end\n", n, time.Since(start).Round(time.Millisecond))
		return nil
	})
}

// indexAllText takes the text index's walk to its end, merges the index
// (ticket.MergeText) and returns how many tickets it wrote.
func indexAllText(ctx context.Context, d *db.DB, stderr io.Writer) (int, error) {
	c := clock.System{}
	tickets := ticket.NewService(d, c, gov.NewService(d, c), newLogger(stderr))
	total := 0
	for done := false; !done; {
		n, end, err := tickets.IndexText(ctx)
		if err != nil {
			return total, err
		}
		total, done = total+n, end
	}
	for done := false; !done; {
		var err error
		if done, err = tickets.MergeText(ctx); err != nil {
			return total, err
		}
	}
	return total, nil
}
