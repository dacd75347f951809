package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

const partitionsUsage = `usage:
  gongzhi partitions enable [--db DSN]   (tickets and their events kept by month on PostgreSQL, from now on; servers stopped)
  gongzhi partitions list [--db DSN]   (the months of tickets on PostgreSQL, live and archived)
  gongzhi partitions archive YYYY-MM [--db DSN]   (a month whose tickets have all ended, out of the live tables)
  gongzhi partitions restore YYYY-MM [--db DSN]   (an archived month back)`

// partitionsCmd lists, archives and restores the monthly partitions of
// tickets (PostgreSQL), as the system; each archive and restore is audited.
func partitionsCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(partitionsUsage)
	}
	verb := args[0]
	return withDB(ctx, "partitions "+verb, args[1:], getenv, stderr, func(d *db.DB, rest []string) error {
		c := clock.System{}
		svc := ticket.NewService(d, c, gov.NewService(d, c), newLogger(stderr))
		switch {
		case verb == "enable" && len(rest) == 0:
			start := time.Now()
			if err := svc.EnablePartitions(ctx, auth.System()); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "tickets and their events are kept by month from now on (took %s)\n", time.Since(start).Round(time.Millisecond))
			return nil
		case verb == "list" && len(rest) == 0:
			ps, err := svc.Partitions(ctx, auth.System())
			if err != nil {
				return err
			}
			for _, p := range ps {
				where := "live"
				if p.Archived {
					where = "archived"
				}
				fmt.Fprintf(stdout, "%-6s %-8s %10d tickets\n", p.Month, where, p.Tickets)
			}
			return nil
		case verb == "archive" && len(rest) == 1:
			n, err := svc.ArchiveMonth(ctx, auth.System(), rest[0])
			if err == nil {
				fmt.Fprintf(stdout, "archived %s: %d tickets\n", rest[0], n)
			}
			return err
		case verb == "restore" && len(rest) == 1:
			n, err := svc.RestoreMonth(ctx, auth.System(), rest[0])
			if err == nil {
				fmt.Fprintf(stdout, "restored %s: %d tickets\n", rest[0], n)
			}
			return err
		}
		return errors.New(partitionsUsage)
	})
}
