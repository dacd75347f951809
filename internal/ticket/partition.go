package ticket

import (
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// On PostgreSQL, an installation may keep tickets and ticket_events
// partitioned by month of the ticket number (EnablePartitions, `gongzhi
// partitions enable`): tickets_pYYYYMM holds the tickets whose numbers
// begin with YYYYMM, the month they were made, and ticket_events_pYYYYMM
// their events. A month's partitions must exist before its first ticket is
// written: the service makes them when a ticket of a month it has not yet
// seen is about to be written (ensureMonths), and PrepareMonths, run daily,
// makes this month's and the next two's ahead of time, so that a live
// submission never has to. Every query bounds the numbers where it bounds
// the creation time, partitioned or not. SQLite keeps one table.

//go:embed partition_enable.sql
var enableSQL string

// EnablePartitions moves the tickets and their events of a PostgreSQL
// database into monthly partitions, in one transaction (partition_enable.sql
// says how), and analyses them. It is for a database of many millions of
// tickets: every statement that cannot be narrowed to some months costs
// PostgreSQL more to plan the more months there are (BENCHMARKS.md), so a
// district's database is better left whole. Run it with the servers stopped
// (it holds the tables while it copies).
func (s *Service) EnablePartitions(ctx context.Context, u auth.User) error {
	if err := s.partitionsBy(u); err != nil {
		return err
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if on, err := partitioned(ctx, tx); err != nil || on {
			if on {
				err = errs.New(errs.Conflict, "工单已按月分区", "tickets are partitioned by month already")
			}
			return err
		}
		var citus bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')`).Scan(&citus); err != nil {
			return errs.Wrap(err, "partition tickets by month")
		}
		if citus {
			return errs.Invalidf("分布式 PostgreSQL（Citus）上的区库不按月分区", "a district's schema on a distributed PostgreSQL (Citus) is not partitioned by month")
		}
		if _, err := tx.ExecContext(ctx, enableSQL); err != nil {
			return errs.Wrap(err, "partition tickets by month")
		}
		return auth.AuditTx(ctx, tx, s.clock.Now(), u, "partition_tickets", "tickets", "by month")
	})
	if err != nil {
		return err
	}
	return s.analyse(ctx)
}

// analyse refreshes the statistics of the partitioned tables as a whole
// (PostgreSQL's autovacuum analyses each partition but never their parent,
// whose figures the planner uses to join).
func (s *Service) analyse(ctx context.Context) error {
	for _, t := range PartitionedTables {
		if _, err := s.db.W.ExecContext(ctx, `ANALYZE `+t); err != nil {
			return errs.Wrap(err, "analyse "+t)
		}
	}
	return nil
}

// partitioned reports whether tickets is partitioned.
func partitioned(ctx context.Context, q db.Queryer) (bool, error) {
	var kind string
	err := q.QueryRowContext(ctx, `SELECT relkind FROM pg_class WHERE oid = to_regclass('tickets')`).Scan(&kind)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return kind == "p", errs.Wrap(err, "partitions: look at tickets")
}

// PartitionedTables are the tables partitioned by month, parent first.
var PartitionedTables = []string{"tickets", "ticket_events"}

// monthsAhead is how many months after this one PrepareMonths prepares.
const monthsAhead = 2

// partitionLock is the advisory lock under which partitions are made, so
// that two servers making the same month take turns.
const partitionLock = 7071702

// months remembers the months whose partitions this process knows exist.
type months struct {
	mu    sync.Mutex
	known map[string]bool // by PartitionOf
}

// NumberMonth is the month (YYYYMM) a ticket number belongs to, or "" for a
// number that does not begin with a date of 1900 to 2099 (as enabling
// reads them).
func NumberMonth(number string) string {
	if len(number) < 8 || number[:2] != "19" && number[:2] != "20" {
		return ""
	}
	if _, err := time.Parse("200601", number[:6]); err != nil {
		return ""
	}
	return number[:6]
}

// CreatedFrom is the lowest ticket number of a ticket made at or after t:
// the business date of t. A number begins with the business date of its
// ticket's creation, so bounding the numbers as well as the creation time
// lets PostgreSQL read only the months' partitions the time range covers.
func CreatedFrom(t time.Time, loc *time.Location) string {
	return dayBound(t.In(loc))
}

// dayBound is a business date as a bound of numbers: YYYYMMDD, or YYYYMM
// on the first of a month (the same bound, since no number lies between
// the two, but one PostgreSQL sees is a month partition's edge).
func dayBound(d time.Time) string {
	if d.Day() == 1 {
		return d.Format("200601")
	}
	return d.Format("20060102")
}

// NumberBelow is the condition that the number in col is below the bound
// in placeholder ph (CreatedBefore's), or is a number another system gave
// (it begins with a letter, sorts after every number made here and is
// kept in the default partition). The lower bound, CreatedFrom, needs no
// such care: such numbers sort above it.
func NumberBelow(col, ph string) string { return "(" + col + " < " + ph + " OR " + col + " >= 'A')" }

// CreatedBefore is a number above every ticket number made before t (times
// are kept to the millisecond): the business date after that of the last
// millisecond before t. For "at or before t", pass t plus a millisecond.
func CreatedBefore(t time.Time, loc *time.Location) string {
	return dayBound(t.Add(-time.Millisecond).In(loc).AddDate(0, 0, 1))
}

// ensureMonths makes, on PostgreSQL, the partitions of the months of the
// numbers that do not exist yet. It is called before the transaction that
// writes the tickets: making a partition takes a short lock of the whole
// table, which should not be held for the rest of a transaction. With
// again, the months are looked for even when this process has seen them (an
// import of old tickets: their month's partitions may have been archived
// since).
func (s *Service) ensureMonths(ctx context.Context, again bool, numbers ...string) error {
	if s.db.Engine != db.Postgres {
		return nil
	}
	s.months.mu.Lock()
	defer s.months.mu.Unlock()
	if s.months.known == nil {
		s.months.known = map[string]bool{}
	}
	var missing []string
	for _, n := range numbers {
		if m := PartitionOf(n); again || !s.months.known[m] {
			missing = append(missing, n)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if err := s.db.Tx(ctx, func(tx *sql.Tx) error { return MakePartitions(ctx, tx, missing...) }); err != nil {
		return err
	}
	for _, n := range missing {
		s.months.known[PartitionOf(n)] = true
	}
	return nil
}

// PartitionOf names the partition a number belongs in: its month, or
// "other" (the default partition) for a number another system gave.
func PartitionOf(number string) string {
	if m := NumberMonth(number); m != "" {
		return m
	}
	return "other"
}

// MakePartitions makes, in tx, the partitions of tickets and ticket_events
// that the numbers belong in and that do not exist yet. It is for
// PostgreSQL, and does nothing where the tables are not partitioned.
// Package transfer calls it as it loads an export's tickets.
func MakePartitions(ctx context.Context, tx *sql.Tx, numbers ...string) error {
	if on, err := partitioned(ctx, tx); err != nil || !on {
		return err
	}
	done := map[string]bool{}
	for _, n := range numbers {
		m := PartitionOf(n)
		if done[m] {
			continue
		}
		done[m] = true
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT to_regclass($1) IS NOT NULL`, "tickets_p"+m).Scan(&exists); err != nil {
			return errs.Wrap(err, "partitions: look for "+m)
		}
		if exists {
			continue
		}
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, partitionLock); err != nil {
			return errs.Wrap(err, "partitions: lock")
		}
		bounds := "DEFAULT"
		if m != "other" {
			start, _ := time.Parse("200601", m)
			bounds = fmt.Sprintf("FOR VALUES FROM ('%s') TO ('%s')", m, start.AddDate(0, 1, 0).Format("200601"))
		}
		for _, t := range PartitionedTables {
			if _, err := tx.ExecContext(ctx, fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s_p%s PARTITION OF %s %s`, t, m, t, bounds)); err != nil {
				return errs.Wrap(err, "partitions: make "+t+" "+m)
			}
		}
	}
	return nil
}

// PrepareMonths makes the partitions of this month and the next two, where
// missing, and refreshes the statistics of the partitioned tables as a
// whole (PostgreSQL's autovacuum analyses each partition but never their
// parent, whose figures the planner uses to join). The daily job of
// package app runs it; it does nothing on SQLite.
func (s *Service) PrepareMonths(ctx context.Context) error {
	if s.db.Engine != db.Postgres {
		return nil
	}
	now := s.clock.Now().In(s.loc)
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, s.loc)
	for k := 0; k <= monthsAhead; k++ {
		if err := s.ensureMonths(ctx, false, first.AddDate(0, k, 0).Format("20060102")); err != nil {
			return err
		}
	}
	if on, err := partitioned(ctx, s.db.W); err != nil || !on {
		return err
	}
	return s.analyse(ctx)
}
