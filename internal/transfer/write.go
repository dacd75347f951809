package transfer

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// The columns an imported ticket sets; the others keep their defaults (no
// reporter, no running time limits: the source's clocks are not ours).
var importTicketColumns = []string{"number", "kind", "status", "category_code", "area_code", "description", "address", "lat", "lng", "channel",
	"assigned_org_code", "confidential", "created_at", "updated_at", "dispatched_at", "closed_at", "reply_text", "invalid_reason", "version"}

var importEventColumns = []string{"ticket_number", "seq", "at", "actor_id", "actor_name", "actor_role", "action", "from_status", "to_status", "org_code", "note"}

var sourceColumns = []string{"source", "external_id", "ticket_number", "imported_at"}

// maxParams keeps one statement under SQLite's 32,766 variables and
// PostgreSQL's 65,535 parameters.
const maxParams = 30000

// ActionImport is the event that opens an imported ticket's timeline.
const ActionImport = ticket.ActionImport

// write reserves numbers for the batch and inserts it.
func (im *importer) write(ctx context.Context, tx *sql.Tx, batch []pending) error {
	numbers, err := reserveNumbers(ctx, tx, batch)
	if err != nil {
		return err
	}
	now := im.now.UnixMilli()
	tickets := make([]any, 0, len(batch)*len(importTicketColumns))
	events := make([]any, 0, 2*len(batch)*len(importEventColumns))
	sources := make([]any, 0, len(batch)*len(sourceColumns))
	for i := range batch {
		p := &batch[i]
		n := numbers[i]
		var dispatched any
		if p.org != "" {
			dispatched = p.createdAt
		}
		tickets = append(tickets, n, p.kind, string(p.status), p.category, p.area, p.desc, p.address, p.lat, p.lng, im.m.Channel,
			p.org, false, p.createdAt, p.updatedAt, dispatched, p.closedAt, p.reply, p.invalid, int64(1))
		events = append(events, n, int64(1), p.createdAt, "", "import", "system", ActionImport, "", string(p.entry), p.org, p.note)
		switch p.status {
		case ticket.StatusClosed:
			events = append(events, n, int64(2), p.closedAt, "", "import", "system", ticket.ActionClose, string(p.entry), string(p.status), p.org,
				"在原系统中办结 / closed in the source system")
		case ticket.StatusInvalid:
			events = append(events, n, int64(2), p.closedAt, "", "import", "system", ticket.ActionInvalidate, string(p.entry), string(p.status), p.org,
				p.invalid)
		}
		sources = append(sources, im.m.Source, p.externalID, n, now)
	}
	if err := insertRows(ctx, im.d.Engine, tx, "tickets", importTicketColumns, tickets); err != nil {
		return err
	}
	if err := insertRows(ctx, im.d.Engine, tx, "ticket_events", importEventColumns, events); err != nil {
		return err
	}
	return insertRows(ctx, im.d.Engine, tx, "ticket_sources", sourceColumns, sources)
}

// reserveNumbers takes, for every day of the batch, a block of sequence
// numbers from the day's counter (the one live submissions take theirs
// from), and returns the batch's numbers in order.
func reserveNumbers(ctx context.Context, tx *sql.Tx, batch []pending) ([]string, error) {
	count := map[string]int64{}
	for i := range batch {
		count[batch[i].day]++
	}
	days := make([]string, 0, len(count))
	for d := range count {
		days = append(days, d)
	}
	sort.Strings(days)
	next := map[string]int64{}
	for _, d := range days {
		var end int64
		err := tx.QueryRowContext(ctx, `INSERT INTO counters (name, value) VALUES ($1, $2)
ON CONFLICT (name) DO UPDATE SET value = counters.value + excluded.value RETURNING value`, "ticket:"+d, count[d]).Scan(&end)
		if err != nil {
			return nil, fmt.Errorf("reserve ticket numbers of %s: %w", d, err)
		}
		if end > 999999 {
			return nil, fmt.Errorf("day %s would need ticket sequence %d, beyond the six digits of a ticket number", d, end)
		}
		next[d] = end - count[d] + 1
	}
	out := make([]string, len(batch))
	for i := range batch {
		d := batch[i].day
		out[i] = d + fmt.Sprintf("%06d", next[d])
		next[d]++
	}
	return out, nil
}

// insertRows inserts flat rows of len(cols) values with multi-row INSERTs.
// SQLite gets anonymous ? parameters: it looks a numbered one up in a linear
// list, which makes thousands of $N parameters slow to bind.
func insertRows(ctx context.Context, engine string, tx *sql.Tx, table string, cols []string, vals []any) error {
	per := maxParams / len(cols)
	rows := len(vals) / len(cols)
	for start := 0; start < rows; start += per {
		n := min(per, rows-start)
		args := vals[start*len(cols) : (start+n)*len(cols)]
		if _, err := tx.ExecContext(ctx, insertSQL(engine, table, cols, n), args...); err != nil {
			return fmt.Errorf("insert %s: %w", table, db.MapError(err))
		}
	}
	return nil
}

func insertSQL(engine, table string, cols []string, n int) string {
	var b strings.Builder
	b.Grow(len(cols) * n * 6)
	b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
	p := 0
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for j := range cols {
			if j > 0 {
				b.WriteByte(',')
			}
			if engine == db.SQLite {
				b.WriteByte('?')
			} else {
				p++
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(p))
			}
		}
		b.WriteByte(')')
	}
	return b.String()
}
