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
// its updated_at, and data written around the ticket package (imports,
// seeding, SQL by hand), are not seen: run Rebuild after those.
//
// Rebuild clears the aggregates and recomputes every ticket, in batches of
// rebuildBatch tickets by number, each batch a transaction that records its
// cursor: an interrupted rebuild resumes where it stopped, and several
// processes share the batches. Changes made while it runs are taken in by
// the next Refresh (the watermarks are those of the rebuild's start).
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
	"sort"
	"strconv"
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

// refreshLocked is refresh under refreshMu.
func (s *Service) refreshLocked(ctx context.Context) (RefreshStats, error) {
	out := RefreshStats{Built: true}
	start := time.Now()
	// Keyset over (updated_at, number) within this call, so that a burst of
	// more than refreshBatch tickets in the window still ends.
	var afterU int64 = -1 << 62
	afterN := ""
	var afterE int64 = -1 << 62
	if s.agg.seen == nil {
		s.agg.seen = map[string]seenTicket{}
	}
	for {
		var n, changed int
		var done bool
		var taken map[string]seenTicket
		var windowStart int64
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			st, err := s.lockState(ctx, tx)
			if err != nil {
				return err
			}
			if st.status != "built" {
				out.Built, done = false, true
				return nil
			}
			fromU := st.ticketMark - refreshWindow.Milliseconds()
			fromE := st.eventMark - refreshWindow.Milliseconds()
			// The changed tickets, by updated_at then number; those this
			// process already took in at their current version are skipped.
			// One lower bound on updated_at, so that the planner starts the
			// index there (given two, SQLite on 10M tickets took the lower
			// one and read the whole index, 0.5 s).
			rows, err := tx.QueryContext(ctx, `SELECT number, updated_at, version FROM tickets
WHERE updated_at >= $1 AND NOT (updated_at = $2 AND number <= $3)
ORDER BY updated_at, number LIMIT $4`, max(fromU, afterU), afterU, afterN, refreshBatch)
			if err != nil {
				return errs.Wrap(err, "changed tickets")
			}
			var numbers []string
			seen := map[string]bool{}
			taken = map[string]seenTicket{}
			windowStart = fromU
			markU := st.ticketMark
			var lastU int64
			lastN := ""
			rowsRead := 0
			for rows.Next() {
				var num string
				var u, v int64
				if err := rows.Scan(&num, &u, &v); err != nil {
					rows.Close()
					return errs.Wrap(err, "changed tickets")
				}
				rowsRead++
				lastU, lastN = u, num
				markU = max(markU, u)
				if prev, ok := s.agg.seen[num]; ok && prev == (seenTicket{v, u}) {
					continue
				}
				numbers = append(numbers, num)
				seen[num] = true
				taken[num] = seenTicket{v, u}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return errs.Wrap(err, "changed tickets")
			}
			full := rowsRead == refreshBatch
			// Tickets with a counted event since the event mark (the ticket
			// package bumps updated_at with every event; this also covers
			// events written otherwise).
			markE := st.eventMark
			var lastE int64 = afterE
			if !full {
				erows, err := tx.QueryContext(ctx, `SELECT ticket_number, at FROM ticket_events
WHERE action IN (`+eventActions+`) AND at >= $1 AND at > $2`, fromE, afterE)
				if err != nil {
					return errs.Wrap(err, "recent events")
				}
				for erows.Next() {
					var num string
					var a int64
					if err := erows.Scan(&num, &a); err != nil {
						erows.Close()
						return errs.Wrap(err, "recent events")
					}
					if !seen[num] {
						seen[num] = true
						numbers = append(numbers, num)
					}
					markE = max(markE, a)
					lastE = max(lastE, a)
				}
				erows.Close()
				if err := erows.Err(); err != nil {
					return errs.Wrap(err, "recent events")
				}
			}
			n = len(numbers)
			changed, err = s.reconcile(ctx, tx, numbers, "", "")
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE evaluation_state SET ticket_mark = $1, event_mark = $2, refreshed_at = $3 WHERE id = 1`,
				markU, markE, s.clock.Now().UnixMilli()); err != nil {
				return errs.Wrap(err, "save evaluation state")
			}
			if full {
				afterU, afterN = lastU, lastN
			} else {
				afterE = lastE
				done = true
			}
			return nil
		})
		if err != nil {
			return out, err
		}
		// Committed: remember what was taken in, and forget tickets that
		// left the window.
		for num, v := range taken {
			s.agg.seen[num] = v
		}
		for num, v := range s.agg.seen {
			if v.updatedAt < windowStart {
				delete(s.agg.seen, num)
			}
		}
		out.Scanned += n
		out.Changed += changed
		if done {
			break
		}
	}
	s.agg.lastStart = start
	return out, nil
}

// Rebuild recomputes the aggregates from every ticket, in batches: after an
// import, after data was written around the ticket package, or on first
// start. An interrupted rebuild (status building) is resumed; otherwise the
// aggregates are cleared first. Progress lines go to progress when not nil.
// Command: gongzhi evaluation rebuild.
func (s *Service) Rebuild(ctx context.Context, progress io.Writer) error {
	t0 := time.Now()
	// Start (or join) a rebuild.
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
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
		for _, t := range []string{"evaluation_days", "evaluation_overdue_repeats", "evaluation_tickets"} {
			q := `DELETE FROM ` + t
			if s.db.Engine == db.Postgres {
				q = `TRUNCATE ` + t
			}
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return errs.Wrap(err, "clear "+t)
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE evaluation_state SET status = 'building', cursor = '', ticket_mark = $1, event_mark = $2 WHERE id = 1`, markU, markE)
		return errs.Wrap(err, "start rebuild")
	})
	if err != nil {
		return err
	}
	total := 0
	for {
		var done bool
		var n int
		var cursor string
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
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

// ---- contributions ----

// nCounts is the number of additive counts: the ticket figures, then
// returns, extensions, redos and overdue days.
const nCounts = 14

type vec [nCounts]int64

// evFact is a ticket's counted events of one day and unit.
type evFact struct {
	day, org                            string
	returns, extensions, redos, overdue int
}

// contrib is what one ticket contributes: its close (when it counts) and
// its events, placed in its area.
type contrib struct {
	area     string
	closeDay string // "" when the ticket does not count as closed
	org      string
	flags    uint16 // bit i: ticketFigures[i]
	events   []evFact
}

func (c contrib) empty() bool { return c.closeDay == "" && len(c.events) == 0 }

const (
	fieldSep  = "\x1f"
	recordSep = "\x1e"
)

func (c contrib) encode() string {
	if c.empty() {
		return ""
	}
	var b strings.Builder
	b.WriteString(c.area + fieldSep + c.closeDay + fieldSep + c.org + fieldSep + strconv.Itoa(int(c.flags)))
	for _, e := range c.events {
		fmt.Fprintf(&b, "%s%s%s%s%s%d%s%d%s%d%s%d", recordSep, e.day, fieldSep, e.org, fieldSep, e.returns, fieldSep, e.extensions, fieldSep, e.redos, fieldSep, e.overdue)
	}
	return b.String()
}

func decodeContrib(s string) (contrib, error) {
	var c contrib
	if s == "" {
		return c, nil
	}
	recs := strings.Split(s, recordSep)
	f := strings.Split(recs[0], fieldSep)
	if len(f) != 4 {
		return c, fmt.Errorf("bad contribution %q", s)
	}
	fl, err := strconv.Atoi(f[3])
	if err != nil {
		return c, fmt.Errorf("bad contribution %q", s)
	}
	c.area, c.closeDay, c.org, c.flags = f[0], f[1], f[2], uint16(fl)
	for _, r := range recs[1:] {
		f := strings.Split(r, fieldSep)
		if len(f) != 6 {
			return c, fmt.Errorf("bad contribution %q", s)
		}
		e := evFact{day: f[0], org: f[1]}
		for i, p := range []*int{&e.returns, &e.extensions, &e.redos, &e.overdue} {
			if *p, err = strconv.Atoi(f[2+i]); err != nil {
				return c, fmt.Errorf("bad contribution %q", s)
			}
		}
		c.events = append(c.events, e)
	}
	return c, nil
}

type dayKey struct {
	kind      byte
	day, code string
}

type repKey struct {
	kind            byte
	day, code, prev string
}

type deltas struct {
	days map[dayKey]*vec
	reps map[repKey]int64
}

func newDeltas() *deltas {
	return &deltas{days: map[dayKey]*vec{}, reps: map[repKey]int64{}}
}

func (d *deltas) addVec(k dayKey, v *vec, sign int64) {
	if k.code == "" {
		return // no unit, or no area: counted nowhere (as in the direct query)
	}
	cur := d.days[k]
	if cur == nil {
		cur = &vec{}
		d.days[k] = cur
	}
	for i := range v {
		cur[i] += sign * v[i]
	}
}

func (d *deltas) addRep(k repKey, sign int64) {
	if k.code == "" {
		return
	}
	d.reps[k] += sign
}

// add adds (sign 1) or subtracts (sign −1) a contribution.
func (d *deltas) add(c contrib, sign int64) {
	if c.closeDay != "" {
		var v vec
		for i := range ticketFigures {
			if c.flags&(1<<i) != 0 {
				v[i] = 1
			}
		}
		d.addVec(dayKey{'u', c.closeDay, c.org}, &v, sign)
		d.addVec(dayKey{'a', c.closeDay, c.area}, &v, sign)
	}
	prevOverdue := map[string]string{} // org → its previous overdue day
	for _, e := range c.events {       // sorted by day, then org
		var v vec
		v[10], v[11], v[12], v[13] = int64(e.returns), int64(e.extensions), int64(e.redos), int64(e.overdue)
		d.addVec(dayKey{'u', e.day, e.org}, &v, sign)
		d.addVec(dayKey{'a', e.day, c.area}, &v, sign)
		if e.overdue > 0 {
			if p, ok := prevOverdue[e.org]; ok {
				// A unit '' is no row of org grouping but counts for the area.
				if e.org != "" {
					d.addRep(repKey{'u', e.day, e.org, p}, sign)
				}
				d.addRep(repKey{'a', e.day, c.area, p}, sign)
			}
			prevOverdue[e.org] = e.day
		}
	}
}

// ticketRow is what a ticket's contribution is computed from.
type ticketRow struct {
	number, status, org, area, satisfaction             string
	closed, dueContact, contacted, dueComplete, replied sql.NullInt64
	rated                                               sql.NullInt64
	resolved                                            sql.NullBool
}

const contribCols = `number, status, assigned_org_code, area_code, closed_at, due_contact_at, contacted_at, due_complete_at, replied_at,
rated_at, rating_resolved, rating_satisfaction`

func (s *Service) day(ms int64) string {
	return time.UnixMilli(ms).In(s.loc).Format("2006-01-02")
}

// contribution computes a ticket's contribution by the definitions, the
// same conditions as ticketFigures and events.
func (s *Service) contribution(t ticketRow, evs []eventRow) contrib {
	c := contrib{area: t.area, org: t.org}
	if t.status == "closed" && t.closed.Valid {
		c.closeDay = s.day(t.closed.Int64)
		rated := t.rated.Valid
		conds := []bool{
			true,
			rated,
			rated && t.resolved.Valid && t.resolved.Bool,
			rated && t.satisfaction == "satisfied",
			rated && t.satisfaction == "basic",
			rated && t.satisfaction == "unsatisfied",
			t.dueContact.Valid,
			t.dueContact.Valid && t.contacted.Valid && t.contacted.Int64 <= t.dueContact.Int64,
			t.dueComplete.Valid,
			t.dueComplete.Valid && t.replied.Valid && t.replied.Int64 <= t.dueComplete.Int64,
		}
		for i, ok := range conds {
			if ok {
				c.flags |= 1 << i
			}
		}
	}
	if len(evs) > 0 {
		byKey := map[[2]string]*evFact{}
		for _, e := range evs {
			k := [2]string{s.day(e.at), e.org}
			f := byKey[k]
			if f == nil {
				f = &evFact{day: k[0], org: k[1]}
				byKey[k] = f
			}
			switch e.action {
			case ticket.ActionReturn:
				f.returns++
			case ticket.ActionApproveExtension:
				f.extensions++
			case ticket.ActionRedo:
				f.redos++
			case ticket.ActionOverdue:
				f.overdue = 1
			}
		}
		for _, f := range byKey {
			c.events = append(c.events, *f)
		}
		sort.Slice(c.events, func(i, j int) bool {
			if c.events[i].day != c.events[j].day {
				return c.events[i].day < c.events[j].day
			}
			return c.events[i].org < c.events[j].org
		})
	}
	if c.closeDay == "" {
		c.org, c.flags = "", 0
	}
	return c
}

type eventRow struct {
	number, action, org string
	at                  int64
}

// placeholders lists n parameters numbered from from: $n on PostgreSQL,
// ? on SQLite (whose numbered parameters cost a name look-up each, a cost
// that grows with the statement's parameters). A statement uses one kind.
func (s *Service) placeholders(from, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		if s.db.Engine == db.SQLite {
			b.WriteString("?")
		} else {
			fmt.Fprintf(&b, "$%d", from+i)
		}
	}
	return b.String()
}

func strArgs(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// reconcile recomputes the contributions of the tickets numbers (or, with
// numbers nil, of the tickets numbered in (after, upTo]) and applies the
// differences, in tx. It returns how many tickets' contributions changed.
func (s *Service) reconcile(ctx context.Context, tx *sql.Tx, numbers []string, after, upTo string) (int, error) {
	tickets := map[string]ticketRow{}
	events := map[string][]eventRow{}
	stored := map[string]string{}
	var order []string
	scanT := func(rows *sql.Rows) error {
		defer rows.Close()
		for rows.Next() {
			var t ticketRow
			if err := rows.Scan(&t.number, &t.status, &t.org, &t.area, &t.closed, &t.dueContact, &t.contacted, &t.dueComplete,
				&t.replied, &t.rated, &t.resolved, &t.satisfaction); err != nil {
				return errs.Wrap(err, "scan ticket")
			}
			tickets[t.number] = t
		}
		return errs.Wrap(rows.Err(), "read tickets")
	}
	scanE := func(rows *sql.Rows) error {
		defer rows.Close()
		for rows.Next() {
			var e eventRow
			if err := rows.Scan(&e.number, &e.at, &e.action, &e.org); err != nil {
				return errs.Wrap(err, "scan event")
			}
			events[e.number] = append(events[e.number], e)
		}
		return errs.Wrap(rows.Err(), "read events")
	}
	scanS := func(rows *sql.Rows) error {
		defer rows.Close()
		for rows.Next() {
			var n, c string
			if err := rows.Scan(&n, &c); err != nil {
				return errs.Wrap(err, "scan contribution")
			}
			stored[n] = c
		}
		return errs.Wrap(rows.Err(), "read contributions")
	}
	evCond := `action IN (` + eventActions + `)`
	if numbers == nil {
		rows, err := tx.QueryContext(ctx, `SELECT `+contribCols+` FROM tickets WHERE number > $1 AND number <= $2`, after, upTo)
		if err != nil {
			return 0, errs.Wrap(err, "read tickets")
		}
		if err := scanT(rows); err != nil {
			return 0, err
		}
		rows, err = tx.QueryContext(ctx, `SELECT ticket_number, at, action, org_code FROM ticket_events WHERE ticket_number > $1 AND ticket_number <= $2 AND `+evCond, after, upTo)
		if err != nil {
			return 0, errs.Wrap(err, "read events")
		}
		if err := scanE(rows); err != nil {
			return 0, err
		}
		rows, err = tx.QueryContext(ctx, `SELECT ticket_number, contrib FROM evaluation_tickets WHERE ticket_number > $1 AND ticket_number <= $2`, after, upTo)
		if err != nil {
			return 0, errs.Wrap(err, "read contributions")
		}
		if err := scanS(rows); err != nil {
			return 0, err
		}
		for n := range tickets {
			order = append(order, n)
		}
		for n := range stored {
			if _, ok := tickets[n]; !ok {
				order = append(order, n)
			}
		}
	} else {
		for i := 0; i < len(numbers); i += inChunk {
			chunk := numbers[i:min(i+inChunk, len(numbers))]
			in := s.placeholders(1, len(chunk))
			args := strArgs(chunk)
			rows, err := tx.QueryContext(ctx, `SELECT `+contribCols+` FROM tickets WHERE number IN (`+in+`)`, args...)
			if err != nil {
				return 0, errs.Wrap(err, "read tickets")
			}
			if err := scanT(rows); err != nil {
				return 0, err
			}
			rows, err = tx.QueryContext(ctx, `SELECT ticket_number, at, action, org_code FROM ticket_events WHERE ticket_number IN (`+in+`) AND `+evCond, args...)
			if err != nil {
				return 0, errs.Wrap(err, "read events")
			}
			if err := scanE(rows); err != nil {
				return 0, err
			}
			rows, err = tx.QueryContext(ctx, `SELECT ticket_number, contrib FROM evaluation_tickets WHERE ticket_number IN (`+in+`)`, args...)
			if err != nil {
				return 0, errs.Wrap(err, "read contributions")
			}
			if err := scanS(rows); err != nil {
				return 0, err
			}
		}
		order = numbers
	}
	sort.Strings(order)
	d := newDeltas()
	var upserts [][2]string
	var deletes []string
	for _, n := range order {
		var cur contrib
		if t, ok := tickets[n]; ok {
			cur = s.contribution(t, events[n])
		}
		enc := cur.encode()
		old := stored[n]
		if enc == old {
			continue
		}
		if old != "" {
			oc, err := decodeContrib(old)
			if err != nil {
				return 0, errs.Wrap(err, "decode contribution of "+n)
			}
			d.add(oc, -1)
		}
		d.add(cur, 1)
		if enc == "" {
			deletes = append(deletes, n)
		} else {
			upserts = append(upserts, [2]string{n, enc})
		}
	}
	if err := s.writeContribs(ctx, tx, upserts, deletes); err != nil {
		return 0, err
	}
	if err := s.applyDeltas(ctx, tx, d); err != nil {
		return 0, err
	}
	return len(upserts) + len(deletes), nil
}

func (s *Service) writeContribs(ctx context.Context, tx *sql.Tx, upserts [][2]string, deletes []string) error {
	for i := 0; i < len(upserts); i += inChunk {
		chunk := upserts[i:min(i+inChunk, len(upserts))]
		var b strings.Builder
		args := make([]any, 0, 2*len(chunk))
		b.WriteString(`INSERT INTO evaluation_tickets (ticket_number, contrib) VALUES `)
		for j, u := range chunk {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(" + s.placeholders(2*j+1, 2) + ")")
			args = append(args, u[0], u[1])
		}
		b.WriteString(` ON CONFLICT (ticket_number) DO UPDATE SET contrib = excluded.contrib`)
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return errs.Wrap(err, "write contributions")
		}
	}
	for i := 0; i < len(deletes); i += inChunk {
		chunk := deletes[i:min(i+inChunk, len(deletes))]
		if _, err := tx.ExecContext(ctx, `DELETE FROM evaluation_tickets WHERE ticket_number IN (`+s.placeholders(1, len(chunk))+`)`, strArgs(chunk)...); err != nil {
			return errs.Wrap(err, "delete contributions")
		}
	}
	return nil
}

var dayCols = []string{"tickets", "rated", "resolved", "satisfied", "basic", "unsatisfied", "contact_due", "contacted_on_time",
	"complete_due", "on_time", "returns", "extensions", "redos", "overdue"}

func (s *Service) applyDeltas(ctx context.Context, tx *sql.Tx, d *deltas) error {
	type dk struct {
		k dayKey
		v *vec
	}
	var days []dk
	for k, v := range d.days {
		if *v != (vec{}) {
			days = append(days, dk{k, v})
		}
	}
	// A fixed order: concurrent writers on PostgreSQL lock rows alike.
	sort.Slice(days, func(i, j int) bool {
		a, b := days[i].k, days[j].k
		if a.kind != b.kind {
			return a.kind < b.kind
		}
		if a.day != b.day {
			return a.day < b.day
		}
		return a.code < b.code
	})
	set := make([]string, len(dayCols))
	for i, c := range dayCols {
		set[i] = fmt.Sprintf("%s = evaluation_days.%s + excluded.%s", c, c, c)
	}
	const per = 3 + nCounts
	chunkRows := 30000 / per
	for i := 0; i < len(days); i += chunkRows {
		chunk := days[i:min(i+chunkRows, len(days))]
		var b strings.Builder
		args := make([]any, 0, per*len(chunk))
		b.WriteString(`INSERT INTO evaluation_days (kind, day, code, ` + strings.Join(dayCols, ", ") + `) VALUES `)
		for j, r := range chunk {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(" + s.placeholders(per*j+1, per) + ")")
			args = append(args, string(r.k.kind), r.k.day, r.k.code)
			for _, x := range r.v {
				args = append(args, x)
			}
		}
		b.WriteString(` ON CONFLICT (kind, day, code) DO UPDATE SET ` + strings.Join(set, ", "))
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return errs.Wrap(err, "write evaluation days")
		}
	}
	type rk struct {
		k repKey
		n int64
	}
	var reps []rk
	for k, n := range d.reps {
		if n != 0 {
			reps = append(reps, rk{k, n})
		}
	}
	sort.Slice(reps, func(i, j int) bool {
		a, b := reps[i].k, reps[j].k
		if a.kind != b.kind {
			return a.kind < b.kind
		}
		if a.day != b.day {
			return a.day < b.day
		}
		if a.code != b.code {
			return a.code < b.code
		}
		return a.prev < b.prev
	})
	for i := 0; i < len(reps); i += 1000 {
		chunk := reps[i:min(i+1000, len(reps))]
		var b strings.Builder
		args := make([]any, 0, 5*len(chunk))
		b.WriteString(`INSERT INTO evaluation_overdue_repeats (kind, day, code, prev_day, n) VALUES `)
		for j, r := range chunk {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(" + s.placeholders(5*j+1, 5) + ")")
			args = append(args, string(r.k.kind), r.k.day, r.k.code, r.k.prev, r.n)
		}
		b.WriteString(` ON CONFLICT (kind, day, code, prev_day) DO UPDATE SET n = evaluation_overdue_repeats.n + excluded.n`)
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return errs.Wrap(err, "write overdue repeats")
		}
	}
	return nil
}

// ---- reading ----

// dayRange gives the days [from, to) of a period of whole business days.
func (s *Service) dayRange(p Period) (string, string, bool) {
	f, t := p.From.In(s.loc), p.To.In(s.loc)
	whole := func(x time.Time) bool {
		return x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0
	}
	if !whole(f) || !whole(t) || !t.After(f) {
		return "", "", false
	}
	return f.Format("2006-01-02"), t.Format("2006-01-02"), true
}

// sumDays reads the period's counts from the aggregates: ticket counts by
// unit and by area prefix (keyLen), and event counts likewise, as the direct
// aggregate and events give them. areaPrefix, when not empty, limits the
// areas read (group area).
func (s *Service) sumDays(ctx context.Context, p Period, keyLen int, orgs bool, areaPrefix string) (byOrg, byArea, evOrg, evArea map[string]Counts, err error) {
	from, to, ok := s.dayRange(p)
	if !ok {
		return nil, nil, nil, nil, errs.Invalidf("时间范围须为整日", "the period must be whole days")
	}
	byOrg, byArea, evOrg, evArea = map[string]Counts{}, map[string]Counts{}, map[string]Counts{}, map[string]Counts{}
	sums := make([]string, len(dayCols))
	for i, c := range dayCols {
		sums[i] = "SUM(" + c + ")"
	}
	read := func(tx *sql.Tx, kind, key, filter string, args []any, tk, ev map[string]Counts) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+key+`, `+strings.Join(sums, ", ")+` FROM evaluation_days
WHERE kind = '`+kind+`' AND day >= $1 AND day < $2`+filter+` GROUP BY 1`, args...)
		if err != nil {
			return errs.Wrap(err, "read evaluation days")
		}
		defer rows.Close()
		for rows.Next() {
			var code string
			var v vec
			dest := []any{&code}
			for i := range v {
				dest = append(dest, &v[i])
			}
			if err := rows.Scan(dest...); err != nil {
				return errs.Wrap(err, "scan evaluation days")
			}
			if v[0] > 0 {
				var c Counts
				for i, f := range c.ticketFields() {
					*f = v[i]
				}
				tk[code] = c
			}
			if v[10] != 0 || v[11] != 0 || v[12] != 0 || v[13] != 0 {
				ev[code] = Counts{Returns: v[10], Extensions: v[11], Redos: v[12], Overdue: v[13]}
			}
		}
		if err := rows.Err(); err != nil {
			return errs.Wrap(err, "read evaluation days")
		}
		// Overdue days that repeat a pair's earlier day in the period.
		rr, err := tx.QueryContext(ctx, `SELECT `+key+`, SUM(n) FROM evaluation_overdue_repeats
WHERE kind = '`+kind+`' AND day >= $1 AND day < $2 AND prev_day >= $1`+filter+` GROUP BY 1`, args...)
		if err != nil {
			return errs.Wrap(err, "read overdue repeats")
		}
		defer rr.Close()
		for rr.Next() {
			var code string
			var n int64
			if err := rr.Scan(&code, &n); err != nil {
				return errs.Wrap(err, "scan overdue repeats")
			}
			if n != 0 {
				c := ev[code]
				c.Overdue -= n
				ev[code] = c
			}
		}
		return errs.Wrap(rr.Err(), "read overdue repeats")
	}
	err = s.db.ReadTx(ctx, func(tx *sql.Tx) error {
		if orgs {
			if err := read(tx, "u", "code", "", []any{from, to}, byOrg, evOrg); err != nil {
				return err
			}
		}
		key := fmt.Sprintf("substr(code, 1, %d)", keyLen)
		filter, args := "", []any{from, to}
		if areaPrefix != "" {
			filter = fmt.Sprintf(" AND substr(code, 1, %d) = $3", len(areaPrefix))
			args = append(args, areaPrefix)
		}
		return read(tx, "a", key, filter, args, byArea, evArea)
	})
	if err != nil {
		return nil, nil, nil, nil, err
	}
	return byOrg, byArea, evOrg, evArea, nil
}

// MarkStale tells every server that the aggregates must be rebuilt: for
// tools that write tickets in bulk (seed, import) without the events a
// refresh looks for. The next refresh rebuilds them.
func MarkStale(ctx context.Context, d *db.DB) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE evaluation_state SET status = 'stale' WHERE id = 1 AND status = 'built'`)
		return errs.Wrap(err, "mark evaluation stale")
	})
}
