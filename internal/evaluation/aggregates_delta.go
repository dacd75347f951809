package evaluation

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// ---- deltas ----

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
	ci, order, err := s.readContribInputs(ctx, tx, numbers, after, upTo)
	if err != nil {
		return 0, err
	}
	sort.Strings(order)
	d := newDeltas()
	var upserts [][2]string
	var deletes []string
	for _, n := range order {
		var cur contrib
		if t, ok := ci.tickets[n]; ok {
			cur = s.contribution(t, ci.events[n])
		}
		enc := cur.encode()
		old := ci.stored[n]
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

// contribInputs is what reconcile compares: the tickets' rows, their
// counted events and their stored contributions, by ticket number.
type contribInputs struct {
	tickets map[string]ticketRow
	events  map[string][]eventRow
	stored  map[string]string
}

// readContribInputs reads what reconcile compares, for the tickets numbers
// (or, with numbers nil, those numbered in (after, upTo]): their rows, their
// counted events and their stored contributions, and the numbers to look at
// (a ticket gone with its contribution stored included).
func (s *Service) readContribInputs(ctx context.Context, tx *sql.Tx, numbers []string, after, upTo string) (*contribInputs, []string, error) {
	ci := &contribInputs{tickets: map[string]ticketRow{}, events: map[string][]eventRow{}, stored: map[string]string{}}
	var order []string
	evCond := `action IN (` + eventActions + `)`
	if numbers == nil {
		rows, err := tx.QueryContext(ctx, `SELECT `+contribCols+` FROM tickets WHERE number > $1 AND number <= $2`, after, upTo)
		if err != nil {
			return nil, nil, errs.Wrap(err, "read tickets")
		}
		if err := ci.scanTickets(rows); err != nil {
			return nil, nil, err
		}
		rows, err = tx.QueryContext(ctx, `SELECT ticket_number, at, action, org_code FROM ticket_events WHERE ticket_number > $1 AND ticket_number <= $2 AND `+evCond, after, upTo)
		if err != nil {
			return nil, nil, errs.Wrap(err, "read events")
		}
		if err := ci.scanEvents(rows); err != nil {
			return nil, nil, err
		}
		rows, err = tx.QueryContext(ctx, `SELECT ticket_number, contrib FROM evaluation_tickets WHERE ticket_number > $1 AND ticket_number <= $2`, after, upTo)
		if err != nil {
			return nil, nil, errs.Wrap(err, "read contributions")
		}
		if err := ci.scanStored(rows); err != nil {
			return nil, nil, err
		}
		for n := range ci.tickets {
			order = append(order, n)
		}
		archived, err := ticket.ArchivedMonths(ctx, s.db, tx)
		if err != nil {
			return nil, nil, err
		}
		for n := range ci.stored {
			if _, ok := ci.tickets[n]; !ok && !(len(n) >= 6 && slices.Contains(archived, n[:6])) {
				order = append(order, n) // gone, not archived: its contribution goes
			}
		}
	} else {
		for i := 0; i < len(numbers); i += inChunk {
			chunk := numbers[i:min(i+inChunk, len(numbers))]
			in := s.placeholders(1, len(chunk))
			args := strArgs(chunk)
			rows, err := tx.QueryContext(ctx, `SELECT `+contribCols+` FROM tickets WHERE number IN (`+in+`)`, args...)
			if err != nil {
				return nil, nil, errs.Wrap(err, "read tickets")
			}
			if err := ci.scanTickets(rows); err != nil {
				return nil, nil, err
			}
			rows, err = tx.QueryContext(ctx, `SELECT ticket_number, at, action, org_code FROM ticket_events WHERE ticket_number IN (`+in+`) AND `+evCond, args...)
			if err != nil {
				return nil, nil, errs.Wrap(err, "read events")
			}
			if err := ci.scanEvents(rows); err != nil {
				return nil, nil, err
			}
			rows, err = tx.QueryContext(ctx, `SELECT ticket_number, contrib FROM evaluation_tickets WHERE ticket_number IN (`+in+`)`, args...)
			if err != nil {
				return nil, nil, errs.Wrap(err, "read contributions")
			}
			if err := ci.scanStored(rows); err != nil {
				return nil, nil, err
			}
		}
		order = numbers
	}
	return ci, order, nil
}

// scanTickets adds the ticket rows of rows.
func (ci *contribInputs) scanTickets(rows *sql.Rows) error {
	defer rows.Close()
	for rows.Next() {
		var t ticketRow
		if err := rows.Scan(&t.number, &t.status, &t.org, &t.area, &t.closed, &t.dueContact, &t.contacted, &t.dueComplete,
			&t.replied, &t.rated, &t.resolved, &t.satisfaction); err != nil {
			return errs.Wrap(err, "scan ticket")
		}
		ci.tickets[t.number] = t
	}
	return errs.Wrap(rows.Err(), "read tickets")
}

// scanEvents adds the counted events of rows.
func (ci *contribInputs) scanEvents(rows *sql.Rows) error {
	defer rows.Close()
	for rows.Next() {
		var e eventRow
		if err := rows.Scan(&e.number, &e.at, &e.action, &e.org); err != nil {
			return errs.Wrap(err, "scan event")
		}
		ci.events[e.number] = append(ci.events[e.number], e)
	}
	return errs.Wrap(rows.Err(), "read events")
}

// scanStored adds the stored contributions of rows.
func (ci *contribInputs) scanStored(rows *sql.Rows) error {
	defer rows.Close()
	for rows.Next() {
		var n, c string
		if err := rows.Scan(&n, &c); err != nil {
			return errs.Wrap(err, "scan contribution")
		}
		ci.stored[n] = c
	}
	return errs.Wrap(rows.Err(), "read contributions")
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

// applyDeltas adds d to the aggregates, each table in a fixed order.
func (s *Service) applyDeltas(ctx context.Context, tx *sql.Tx, d *deltas) error {
	if err := s.addDays(ctx, tx, d.days); err != nil {
		return err
	}
	return s.addRepeats(ctx, tx, d.reps)
}

// addDays adds the non-zero day deltas to evaluation_days.
func (s *Service) addDays(ctx context.Context, tx *sql.Tx, dv map[dayKey]*vec) error {
	type dk struct {
		k dayKey
		v *vec
	}
	var days []dk
	for k, v := range dv {
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
	return nil
}

// addRepeats adds the non-zero repeat deltas to evaluation_overdue_repeats.
func (s *Service) addRepeats(ctx context.Context, tx *sql.Tx, rv map[repKey]int64) error {
	type rk struct {
		k repKey
		n int64
	}
	var reps []rk
	for k, n := range rv {
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
