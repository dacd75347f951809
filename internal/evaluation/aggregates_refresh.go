package evaluation

import (
	"context"
	"database/sql"
	"time"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// refreshCursor is where one refresh call stands: a keyset over
// (updated_at, number) of the changed tickets, so that a burst of more than
// refreshBatch tickets in the window still ends, and the last event time
// taken in.
type refreshCursor struct {
	afterU int64
	afterN string
	afterE int64
}

// refreshPass is what one refresh transaction did.
type refreshPass struct {
	n, changed  int
	done        bool
	notBuilt    bool
	taken       map[string]seenTicket // the tickets taken in, at their version
	windowStart int64
}

// refreshLocked is refresh under refreshMu: passes of one transaction each
// until no changed ticket is left.
func (s *Service) refreshLocked(ctx context.Context) (RefreshStats, error) {
	out := RefreshStats{Built: true}
	start := time.Now()
	cur := refreshCursor{afterU: -1 << 62, afterE: -1 << 62}
	if s.agg.seen == nil {
		s.agg.seen = map[string]seenTicket{}
	}
	for {
		var pass refreshPass
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			var err error
			pass, err = s.refreshPass(ctx, tx, &cur)
			return err
		})
		if err != nil {
			return out, err
		}
		if pass.notBuilt {
			out.Built = false
		}
		s.rememberTaken(pass)
		out.Scanned += pass.n
		out.Changed += pass.changed
		if pass.done {
			break
		}
	}
	s.agg.lastStart = start
	return out, nil
}

// rememberTaken keeps, once a pass committed, what it took in, and forgets
// the tickets that left the window.
func (s *Service) rememberTaken(pass refreshPass) {
	for num, v := range pass.taken {
		s.agg.seen[num] = v
	}
	for num, v := range s.agg.seen {
		if v.updatedAt < pass.windowStart {
			delete(s.agg.seen, num)
		}
	}
}

// refreshPass takes in, under the lock row, the next changed tickets and,
// on the last pass, the tickets with a counted event since the event mark,
// and moves the watermarks and the cursor on.
func (s *Service) refreshPass(ctx context.Context, tx *sql.Tx, cur *refreshCursor) (refreshPass, error) {
	st, err := s.lockState(ctx, tx)
	if err != nil {
		return refreshPass{}, err
	}
	if st.status != "built" {
		return refreshPass{notBuilt: true, done: true}, nil
	}
	fromU := st.ticketMark - refreshWindow.Milliseconds()
	fromE := st.eventMark - refreshWindow.Milliseconds()
	ch, err := s.changedTickets(ctx, tx, fromU, st.ticketMark, cur)
	if err != nil {
		return refreshPass{}, err
	}
	pass := refreshPass{taken: ch.taken, windowStart: fromU}
	markE, lastE := st.eventMark, cur.afterE
	if !ch.full {
		// Tickets with a counted event since the event mark (the ticket
		// package bumps updated_at with every event; this also covers
		// events written otherwise).
		if markE, lastE, err = recentEvents(ctx, tx, fromE, cur.afterE, markE, &ch); err != nil {
			return refreshPass{}, err
		}
	}
	pass.n = len(ch.numbers)
	if pass.changed, err = s.reconcile(ctx, tx, ch.numbers, "", ""); err != nil {
		return refreshPass{}, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE evaluation_state SET ticket_mark = $1, event_mark = $2, refreshed_at = $3 WHERE id = 1`,
		ch.markU, markE, s.clock.Now().UnixMilli()); err != nil {
		return refreshPass{}, errs.Wrap(err, "save evaluation state")
	}
	if ch.full {
		cur.afterU, cur.afterN = ch.lastU, ch.lastN
	} else {
		cur.afterE = lastE
		pass.done = true
	}
	return pass, nil
}

// changed is the tickets one pass recomputes.
type changed struct {
	numbers      []string
	seen         map[string]bool
	taken        map[string]seenTicket
	markU, lastU int64
	lastN        string
	full         bool // refreshBatch rows were read: more may follow
}

// changedTickets reads the tickets changed since fromU after the cursor, by
// updated_at then number; those this process already took in at their
// current version are skipped. One lower bound on updated_at, so that the
// planner starts the index there (given two, SQLite on 10M tickets took the
// lower one and read the whole index, 0.5 s).
func (s *Service) changedTickets(ctx context.Context, tx *sql.Tx, fromU, markU int64, cur *refreshCursor) (changed, error) {
	rows, err := tx.QueryContext(ctx, `SELECT number, updated_at, version FROM tickets
WHERE updated_at >= $1 AND NOT (updated_at = $2 AND number <= $3)
ORDER BY updated_at, number LIMIT $4`, max(fromU, cur.afterU), cur.afterU, cur.afterN, refreshBatch)
	if err != nil {
		return changed{}, errs.Wrap(err, "changed tickets")
	}
	defer rows.Close()
	ch := changed{seen: map[string]bool{}, taken: map[string]seenTicket{}, markU: markU}
	rowsRead := 0
	for rows.Next() {
		var num string
		var u, v int64
		if err := rows.Scan(&num, &u, &v); err != nil {
			return changed{}, errs.Wrap(err, "changed tickets")
		}
		rowsRead++
		ch.lastU, ch.lastN = u, num
		ch.markU = max(ch.markU, u)
		if prev, ok := s.agg.seen[num]; ok && prev == (seenTicket{v, u}) {
			continue
		}
		ch.numbers = append(ch.numbers, num)
		ch.seen[num] = true
		ch.taken[num] = seenTicket{v, u}
	}
	if err := rows.Err(); err != nil {
		return changed{}, errs.Wrap(err, "changed tickets")
	}
	ch.full = rowsRead == refreshBatch
	return ch, nil
}

// recentEvents adds to ch the tickets with a counted event at or after
// fromE and after afterE, and returns the event mark and the last event
// time taken in.
func recentEvents(ctx context.Context, tx *sql.Tx, fromE, afterE, markE int64, ch *changed) (int64, int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT ticket_number, at FROM ticket_events
WHERE action IN (`+eventActions+`) AND at >= $1 AND at > $2`, fromE, afterE)
	if err != nil {
		return 0, 0, errs.Wrap(err, "recent events")
	}
	defer rows.Close()
	lastE := afterE
	for rows.Next() {
		var num string
		var a int64
		if err := rows.Scan(&num, &a); err != nil {
			return 0, 0, errs.Wrap(err, "recent events")
		}
		if !ch.seen[num] {
			ch.seen[num] = true
			ch.numbers = append(ch.numbers, num)
		}
		markE = max(markE, a)
		lastE = max(lastE, a)
	}
	if err := rows.Err(); err != nil {
		return 0, 0, errs.Wrap(err, "recent events")
	}
	return markE, lastE, nil
}
