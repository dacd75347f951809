package evaluation

// # Aggregates (evaluation_days)
//
// The month's figures for a district with millions of tickets would have to
// read every ticket closed in the month. Instead the additive counts of the
// definitions are kept per business day (Asia/Shanghai) in evaluation_days,
// by unit (kind 'u') and by the ticket's community (kind 'a'), and a period
// of whole days is a SUM over at most a few hundred days × codes rows: the
// cost depends on the number of units and areas, not on the tickets.
//
// Exactness: every count but overdue is a sum of per-ticket 0/1 flags or of
// events, additive over days. overdue counts distinct (ticket, unit) pairs
// with an overdue event in the period (the package doc). It is kept exactly:
// each pair counts 1 on each day on which it had an overdue event, and for
// every such day but the pair's first, evaluation_overdue_repeats holds the
// pair's previous overdue day. A pair whose overdue days in [F, T) are
// d_i < … < d_j then adds (j−i+1) days and (j−i) repeats whose previous day
// is ≥ F, so SUM(overdue) − SUM(repeats with prev_day ≥ F) = 1 per pair.
//
// Keeping them exact as tickets change: tickets change in the ticket
// package (actions, the sweep, merges, a redo clearing a close), which writes
// tickets.updated_at and appends the event in the same transaction. The
// refresher (Refresh) takes the tickets with updated_at, and the tickets with
// a counted event with at, at or after its watermark less a safety window
// (refreshWindow, for transactions that commit after a later one and for
// clocks of several processes that differ), recomputes each one's whole
// contribution from its current row and events, and if it differs from the
// contribution stored in evaluation_tickets subtracts the old and adds the
// new, all in one transaction under the lock row evaluation_state (SQLite:
// the single writer; PostgreSQL: SELECT … FOR UPDATE). Running it twice
// changes nothing. A transaction that commits more than refreshWindow after
// its updated_at, and data written around the ticket package (SQL by
// hand), are not seen: run Rebuild after those. Tickets written in bulk
// (seed, import) go through ticket.ImportBatch, which marks the aggregates
// stale in its own transaction, so the next refresh rebuilds them.
//
// Rebuild clears the aggregates and recomputes every ticket, in batches of
// rebuildBatch tickets by number, each batch a transaction that records its
// cursor: an interrupted rebuild resumes where it stopped, and several
// processes share the batches. Changes made while it runs are taken in by
// the next Refresh (the watermarks are those of the rebuild's start).
// The tickets of a month moved to the archive (ticket.ArchiveMonth) cannot
// be read again; their stored contributions are kept through a rebuild and
// added back to the cleared figures first (keepArchived), so a past month's
// figures do not change when it is archived.
//
// Evaluate uses the aggregates when they are built and the period is whole
// days (always, for month and date periods), and sums them. Reads do not
// write: the background work refreshes the aggregates every 30 s, and a read
// refreshes them only when this process's last refresh started more than the
// freshness bound ago (SetFreshness, 5 s by default) and no other refresh is
// running; otherwise it reads what is there. A read therefore lags the
// tickets by at most the bound while the writer is free, and no more than
// the running refresh when it is not. Otherwise, or with the aggregates
// switched off (SetAggregates), it reads the tickets as before; both give
// the same figures. The medians and 90th
// percentiles (Query.Times) are always read from the period's tickets: exact,
// a second pass whose cost grows with the period's tickets (≈ the direct
// path's cost, about 0.3 µs per ticket).

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// AggregateMode says when Evaluate uses the aggregates.
type AggregateMode string

const (
	// AggregatesAuto uses them once built (Rebuild, or Refresh's first run).
	AggregatesAuto AggregateMode = "auto"
	// AggregatesOn builds them on first use if need be, and always uses them
	// for whole-day periods.
	AggregatesOn AggregateMode = "on"
	// AggregatesOff always reads the tickets.
	AggregatesOff AggregateMode = "off"
)

const (
	// refreshWindow is re-scanned before the watermark at every refresh.
	refreshWindow = 60 * time.Second
	// rebuildBatch tickets are recomputed per rebuild transaction.
	rebuildBatch = 5000
	// DefaultFreshness is how old the aggregates may be before a read
	// refreshes them.
	DefaultFreshness = 5 * time.Second
	// refreshBatch changed tickets at most are recomputed per refresh
	// transaction; a refresh runs as many as it needs.
	refreshBatch = 5000
	// inChunk bounds the parameters of one IN list.
	inChunk = 500
)

// aggState is the shared state of the aggregates (evaluation_state).
type aggState struct {
	status     string
	cursor     string
	ticketMark int64
	eventMark  int64
}

// aggregator is the in-process part: the mode and the coalescing of
// concurrent refreshes.
type aggregator struct {
	mu        sync.Mutex
	mode      AggregateMode
	freshness time.Duration
	refreshMu sync.Mutex
	lastStart time.Time // when the last completed refresh started
	// seen holds, for tickets in the safety window, the version and update
	// time a refresh of this process last took in (committed); a ticket
	// still at both is not read again. Guarded by refreshMu.
	seen map[string]seenTicket
}

type seenTicket struct{ version, updatedAt int64 }

// ParseAggregateMode reads a mode as configured: auto (or empty), on, off.
func ParseAggregateMode(v string) (AggregateMode, error) {
	switch m := AggregateMode(strings.ToLower(strings.TrimSpace(v))); m {
	case "", AggregatesAuto:
		return AggregatesAuto, nil
	case AggregatesOn, AggregatesOff:
		return m, nil
	}
	return "", errs.Invalidf("评价聚合模式须为 auto、on 或 off：%q", "the evaluation aggregates mode must be auto, on or off: %q", v)
}

// SetAggregates sets when Evaluate uses the aggregates (auto by default).
func (s *Service) SetAggregates(m AggregateMode) {
	s.agg.mu.Lock()
	defer s.agg.mu.Unlock()
	s.agg.mode = m
}

// SetFreshness sets how old the aggregates may be before a read refreshes
// them (DefaultFreshness); 0 refreshes before every read, as a test that
// checks every change at once wants.
func (s *Service) SetFreshness(d time.Duration) {
	s.agg.mu.Lock()
	defer s.agg.mu.Unlock()
	s.agg.freshness = d
}

func (s *Service) aggMode() (AggregateMode, time.Duration) {
	s.agg.mu.Lock()
	defer s.agg.mu.Unlock()
	if s.agg.mode == "" {
		s.agg.mode = AggregatesAuto
	}
	return s.agg.mode, s.agg.freshness
}

// RefreshStats says what a refresh did.
type RefreshStats struct {
	Built   bool          `json:"built"`   // the aggregates are built (after this call)
	Rebuilt bool          `json:"rebuilt"` // this call built them (first run, or an interrupted rebuild)
	Scanned int           `json:"scanned"` // tickets recomputed
	Changed int           `json:"changed"` // tickets whose contribution changed
	Took    time.Duration `json:"took"`
}

// Refresh takes the tickets changed since the last refresh into the
// aggregates. When they have never been built (first start) or a rebuild was
// interrupted, it runs Rebuild first, which may take minutes on a large
// history. Safe to call from several processes at once; call it every 30 s
// from the background work.
func (s *Service) Refresh(ctx context.Context) (RefreshStats, error) {
	t0 := time.Now()
	st, err := s.readState(ctx)
	if err != nil {
		return RefreshStats{}, err
	}
	var out RefreshStats
	if st.status != "built" {
		if err := s.Rebuild(ctx, nil); err != nil {
			return out, err
		}
		out.Rebuilt = true
	}
	rs, err := s.refresh(ctx)
	rs.Rebuilt = out.Rebuilt
	rs.Took = time.Since(t0)
	return rs, err
}

// freshAggregates decides whether an evaluation reads the aggregates, and
// refreshes them first if they are older than the freshness bound and no
// other refresh of this process is running.
func (s *Service) freshAggregates(ctx context.Context) (bool, error) {
	mode, freshness := s.aggMode()
	if mode == AggregatesOff {
		return false, nil
	}
	st, err := s.readState(ctx)
	if err != nil {
		return false, err
	}
	if st.status != "built" {
		if mode != AggregatesOn {
			return false, nil
		}
		if err := s.Rebuild(ctx, nil); err != nil {
			return false, err
		}
	}
	if !s.agg.refreshMu.TryLock() {
		return true, nil // a refresh is running: read what is there
	}
	defer s.agg.refreshMu.Unlock()
	if !s.agg.lastStart.IsZero() && time.Since(s.agg.lastStart) < freshness {
		return true, nil
	}
	rs, err := s.refreshLocked(ctx)
	if err != nil {
		if mode == AggregatesOn {
			return false, err
		}
		s.log.Warn("evaluation aggregates not refreshed; reading the tickets", "err", err)
		return false, nil
	}
	return rs.Built, nil // marked stale meanwhile: read the tickets
}

func (s *Service) readState(ctx context.Context) (aggState, error) {
	var st aggState
	err := s.db.R.QueryRowContext(ctx, `SELECT status, cursor, ticket_mark, event_mark FROM evaluation_state WHERE id = 1`).
		Scan(&st.status, &st.cursor, &st.ticketMark, &st.eventMark)
	if err == sql.ErrNoRows {
		return st, nil
	}
	return st, errs.Wrap(err, "read evaluation state")
}

// lockState takes the lock row in a writing transaction and reads it.
func (s *Service) lockState(ctx context.Context, tx *sql.Tx) (aggState, error) {
	q := `SELECT status, cursor, ticket_mark, event_mark FROM evaluation_state WHERE id = 1`
	if s.db.Engine == db.Postgres {
		q += ` FOR UPDATE`
	}
	var st aggState
	err := tx.QueryRowContext(ctx, q).Scan(&st.status, &st.cursor, &st.ticketMark, &st.eventMark)
	return st, errs.Wrap(err, "lock evaluation state")
}

// refresh runs refresh transactions until no changed ticket is left. Calls
// that overlap in a process share one: a call that finds that a refresh
// started after it began and has completed returns at once.
func (s *Service) refresh(ctx context.Context) (RefreshStats, error) {
	began := time.Now()
	s.agg.refreshMu.Lock()
	defer s.agg.refreshMu.Unlock()
	if s.agg.lastStart.After(began) {
		return RefreshStats{Built: true}, nil
	}
	return s.refreshLocked(ctx)
}

// Rebuild recomputes the aggregates from every ticket, in batches: after an
// import, after data was written around the ticket package, or on first
// start. An interrupted rebuild (status building) is resumed; otherwise the
// aggregates are cleared first. Progress lines go to progress when not nil.
// Command: gongzhi evaluation rebuild.
func (s *Service) Rebuild(ctx context.Context, progress io.Writer) error {
	t0 := time.Now()
	if err := s.startRebuild(ctx, progress); err != nil {
		return err
	}
	total := 0
	for {
		n, cursor, done, err := s.rebuildNext(ctx)
		if err != nil {
			return err
		}
		if done {
			break
		}
		total += n
		if progress != nil {
			fmt.Fprintf(progress, "rebuilt up to ticket %s: %d tickets counted, %s\n", cursor, total, time.Since(t0).Round(time.Millisecond))
		}
	}
	if progress != nil {
		fmt.Fprintf(progress, "evaluation aggregates built in %s\n", time.Since(t0).Round(time.Millisecond))
	}
	return nil
}

// startRebuild starts a rebuild (clears the aggregates and marks the state
// building, with the watermarks of now), or joins the one under way.
func (s *Service) startRebuild(ctx context.Context, progress io.Writer) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		st, err := s.lockState(ctx, tx)
		if err != nil {
			return err
		}
		if st.status == "building" {
			if progress != nil {
				fmt.Fprintf(progress, "resuming the rebuild after ticket %q\n", st.cursor)
			}
			return nil
		}
		var markU, markE int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(updated_at), 0) FROM tickets`).Scan(&markU); err != nil {
			return errs.Wrap(err, "rebuild")
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(at), 0) FROM ticket_events`).Scan(&markE); err != nil {
			return errs.Wrap(err, "rebuild")
		}
		archived, err := ticket.ArchivedMonths(ctx, s.db, tx)
		if err != nil {
			return err
		}
		clear := []string{"evaluation_days", "evaluation_overdue_repeats"}
		if len(archived) == 0 {
			clear = append(clear, "evaluation_tickets")
		}
		for _, t := range clear {
			q := `DELETE FROM ` + t
			if s.db.Engine == db.Postgres {
				q = `TRUNCATE ` + t
			}
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return errs.Wrap(err, "clear "+t)
			}
		}
		if err := s.keepArchived(ctx, tx, archived); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE evaluation_state SET status = 'building', cursor = '', ticket_mark = $1, event_mark = $2 WHERE id = 1`, markU, markE)
		return errs.Wrap(err, "start rebuild")
	})
}

// rebuildNext recomputes the next batch of tickets after the cursor and
// moves the cursor on, or marks the aggregates built when none is left
// (done, as when another process finished the rebuild).
func (s *Service) rebuildNext(ctx context.Context) (n int, cursor string, done bool, err error) {
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		st, err := s.lockState(ctx, tx)
		if err != nil {
			return err
		}
		if st.status != "building" {
			done = true // another process finished it
			return nil
		}
		var last string
		var lastN sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT MAX(number) FROM (SELECT number FROM tickets WHERE number > $1 ORDER BY number LIMIT $2) b`,
			st.cursor, rebuildBatch).Scan(&lastN); err != nil {
			return errs.Wrap(err, "rebuild batch")
		}
		if !lastN.Valid {
			done = true
			_, err := tx.ExecContext(ctx, `UPDATE evaluation_state SET status = 'built', cursor = '' WHERE id = 1`)
			return errs.Wrap(err, "finish rebuild")
		}
		last = lastN.String
		n, err = s.reconcile(ctx, tx, nil, st.cursor, last)
		if err != nil {
			return err
		}
		cursor = last
		_, err = tx.ExecContext(ctx, `UPDATE evaluation_state SET cursor = $1 WHERE id = 1`, last)
		return errs.Wrap(err, "rebuild cursor")
	})
	return n, cursor, done, err
}

// keepArchived keeps, of the stored contributions, those of the tickets
// of archived months (ticket.ArchivedMonths), which a rebuild cannot read,
// and adds them to the cleared daily figures: a month moved to the archive
// keeps counting. The others are cleared. Nothing to do with no month
// archived.
func (s *Service) keepArchived(ctx context.Context, tx *sql.Tx, months []string) error {
	if len(months) == 0 {
		return nil
	}
	d := newDeltas()
	var conds []string
	var args []any
	for _, m := range months {
		next := ticket.MonthAfter(m)
		conds = append(conds, fmt.Sprintf(`(ticket_number >= $%d AND ticket_number < $%d)`, len(args)+1, len(args)+2))
		args = append(args, m, next)
		if err := addStored(ctx, tx, d, m, next); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM evaluation_tickets WHERE NOT (`+strings.Join(conds, " OR ")+`)`, args...); err != nil {
		return errs.Wrap(err, "clear evaluation_tickets")
	}
	return s.applyDeltas(ctx, tx, d)
}

// addStored adds to d the stored contributions of the tickets numbered in
// [from, to), row by row (a month of a city's tickets is not held at once).
func addStored(ctx context.Context, tx *sql.Tx, d *deltas, from, to string) error {
	rows, err := tx.QueryContext(ctx, `SELECT ticket_number, contrib FROM evaluation_tickets WHERE ticket_number >= $1 AND ticket_number < $2`, from, to)
	if err != nil {
		return errs.Wrap(err, "read archived contributions")
	}
	defer rows.Close()
	for rows.Next() {
		var n, enc string
		if err := rows.Scan(&n, &enc); err != nil {
			return errs.Wrap(err, "read archived contributions")
		}
		c, err := decodeContrib(enc)
		if err != nil {
			return errs.Wrap(err, "decode contribution of "+n)
		}
		d.add(c, 1)
	}
	return errs.Wrap(rows.Err(), "read archived contributions")
}

// MarkStale tells every server that the aggregates must be rebuilt, as
// ticket.ImportBatch does for the tickets it writes in bulk (seed, import),
// whose history a refresh does not look for. The next refresh rebuilds them.
func MarkStale(ctx context.Context, d *db.DB) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE evaluation_state SET status = 'stale' WHERE id = 1 AND status = 'built'`)
		return errs.Wrap(err, "mark evaluation stale")
	})
}
