package seed

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/gongzhi/gongzhi/internal/db"
)

// The columns are named explicitly, so columns added later with defaults do
// not break the seed.
var ticketColumns = []string{"number", "kind", "status", "category_code", "area_code", "description", "address", "lat", "lng", "channel",
	"assigned_org_code", "confidential", "reporter_name", "reporter_phone", "reporter_user_id", "created_by", "created_at", "updated_at",
	"dispatched_at", "signed_at", "contacted_at", "replied_at", "closed_at", "due_sign_at", "due_contact_at", "due_complete_at",
	"reply_text", "reply_resolved", "rating_resolved", "rating_satisfaction", "rating_comment", "rated_at", "version",
	"warn_sign_at", "warn_contact_at", "warn_complete_at", "warn_at", "due_at"}

var eventColumns = []string{"ticket_number", "seq", "at", "actor_id", "actor_name", "actor_role", "action", "from_status", "to_status", "org_code", "note"}

// txTickets is how many tickets go into one transaction.
const txTickets = 100_000

func nullMs(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

func triBool(v int8) any {
	if v < 0 {
		return nil
	}
	return v == 1
}

func appendTicket(dst []any, t *ticketRow) []any {
	var lat, lng any
	if t.hasLoc {
		lat, lng = t.lat, t.lng
	}
	return append(dst, t.number, t.kind, t.status, t.category, t.area, t.description, t.address, lat, lng, t.channel,
		t.org, t.confidential, t.reporterName, t.reporterPhone, t.reporterUserID, t.createdBy, t.createdAt, t.updatedAt,
		nullMs(t.dispatchedAt), nullMs(t.signedAt), nullMs(t.contactedAt), nullMs(t.repliedAt), nullMs(t.closedAt),
		nullMs(t.dueSign), nullMs(t.dueContact), nullMs(t.dueComplete),
		t.replyText, triBool(t.replyResolved), triBool(t.ratingResolved), t.ratingSatisfaction, t.ratingComment, nullMs(t.ratedAt), int64(t.version),
		nullMs(t.warnSign), nullMs(t.warnContact), nullMs(t.warnComplete), nullMs(t.warnAt), nullMs(t.dueAt))
}

func appendEvent(dst []any, e *eventRow) []any {
	return append(dst, e.number, int64(e.seq), e.at, e.actorID, e.actorName, e.actorRole, e.action, e.from, e.to, e.org, e.note)
}

// insertSQL is a multi-row INSERT of n rows with anonymous ? placeholders:
// SQLite looks up a numbered parameter's name in a linear list, so binding
// 30,000 $N parameters is quadratic (seconds per statement), and ? is not.
func insertSQL(table string, cols []string, n int) string {
	var b strings.Builder
	b.Grow(len(cols) * n * 7)
	b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
	row := "(" + strings.Repeat("?,", len(cols)-1) + "?)"
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(row)
	}
	return b.String()
}

// sqliteMaxVars is SQLite's bound on variables in one statement.
const sqliteMaxVars = 32766

// writeSQLite writes on the single writer connection, with bulk-load
// settings for the duration: synchronous=OFF (a crash during the seed may
// lose the seed, not earlier data: WAL keeps the database consistent), a
// 256 MB page cache, and foreign-key checks off (the generator only names
// categories and tickets that exist). They are restored at the end.
func writeSQLite(ctx context.Context, d *db.DB, in <-chan *batch, free chan<- *batch, done func(*batch)) (err error) {
	conn, err := d.W.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, p := range []string{"PRAGMA synchronous=OFF", "PRAGMA cache_size=-262144", "PRAGMA foreign_keys=OFF", "PRAGMA temp_store=MEMORY"} {
		if _, err := conn.ExecContext(ctx, p); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
	}
	defer func() {
		bg := context.WithoutCancel(ctx)
		for _, p := range []string{"PRAGMA synchronous=NORMAL", "PRAGMA cache_size=-2000", "PRAGMA foreign_keys=ON", "PRAGMA temp_store=DEFAULT"} {
			if _, rerr := conn.ExecContext(bg, p); rerr != nil && err == nil {
				err = fmt.Errorf("%s: %w", p, rerr)
			}
		}
	}()
	evPer := sqliteMaxVars / len(eventColumns)
	tkPer := sqliteMaxVars / len(ticketColumns)
	stmts := map[string]*sql.Stmt{}
	defer func() {
		for _, s := range stmts {
			s.Close()
		}
	}()
	var tx *sql.Tx
	defer func() {
		if tx != nil {
			tx.Rollback()
		}
	}()
	exec := func(table string, cols []string, n int, args []any) error {
		key := table + strconv.Itoa(n)
		st, ok := stmts[key]
		if !ok {
			var perr error
			st, perr = conn.PrepareContext(ctx, insertSQL(table, cols, n))
			if perr != nil {
				return fmt.Errorf("prepare %s: %w", table, perr)
			}
			if len(stmts) < 16 {
				stmts[key] = st
			} else {
				defer st.Close()
			}
		}
		if _, xerr := tx.StmtContext(ctx, st).ExecContext(ctx, args...); xerr != nil {
			return fmt.Errorf("insert %s: %w", table, db.MapError(xerr))
		}
		return nil
	}
	args := make([]any, 0, sqliteMaxVars)
	inTx := 0
	for b := range in {
		if tx == nil {
			if tx, err = conn.BeginTx(ctx, nil); err != nil {
				return err
			}
		}
		for i := 0; i < len(b.tickets); i += tkPer {
			rows := b.tickets[i:min(i+tkPer, len(b.tickets))]
			args = args[:0]
			for k := range rows {
				args = appendTicket(args, &rows[k])
			}
			if err := exec("tickets", ticketColumns, len(rows), args); err != nil {
				return err
			}
		}
		for i := 0; i < len(b.events); i += evPer {
			rows := b.events[i:min(i+evPer, len(b.events))]
			args = args[:0]
			for k := range rows {
				args = appendEvent(args, &rows[k])
			}
			if err := exec("ticket_events", eventColumns, len(rows), args); err != nil {
				return err
			}
		}
		inTx += len(b.tickets)
		if inTx >= txTickets {
			if err := tx.Commit(); err != nil {
				return fmt.Errorf("commit: %w", err)
			}
			tx, inTx = nil, 0
		}
		done(b)
		free <- b
	}
	if tx != nil {
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("commit: %w", err)
		}
		tx = nil
	}
	return ctx.Err()
}

// ticketSource and eventSource feed pgx's COPY without building [][]any.
type ticketSource struct {
	rows []ticketRow
	i    int
	vals []any
}

func (s *ticketSource) Next() bool { s.i++; return s.i <= len(s.rows) }
func (s *ticketSource) Values() ([]any, error) {
	s.vals = appendTicket(s.vals[:0], &s.rows[s.i-1])
	return s.vals, nil
}
func (s *ticketSource) Err() error { return nil }

type eventSource struct {
	rows []eventRow
	i    int
	vals []any
}

func (s *eventSource) Next() bool { s.i++; return s.i <= len(s.rows) }
func (s *eventSource) Values() ([]any, error) {
	s.vals = appendEvent(s.vals[:0], &s.rows[s.i-1])
	return s.vals, nil
}
func (s *eventSource) Err() error { return nil }

// writePostgres COPYs on one connection, in transactions of txTickets
// tickets, with synchronous_commit off for the session.
func writePostgres(ctx context.Context, d *db.DB, in <-chan *batch, free chan<- *batch, done func(*batch)) error {
	conn, err := d.W.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(c any) error {
		pc := c.(*stdlib.Conn).Conn()
		if _, err := pc.Exec(ctx, "SET synchronous_commit TO off"); err != nil {
			return err
		}
		defer pc.Exec(context.WithoutCancel(ctx), "RESET synchronous_commit")
		var tx pgx.Tx
		defer func() {
			if tx != nil {
				tx.Rollback(context.WithoutCancel(ctx))
			}
		}()
		ts := &ticketSource{vals: make([]any, 0, len(ticketColumns))}
		es := &eventSource{vals: make([]any, 0, len(eventColumns))}
		inTx := 0
		for b := range in {
			if tx == nil {
				if tx, err = pc.Begin(ctx); err != nil {
					return err
				}
			}
			ts.rows, ts.i = b.tickets, 0
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"tickets"}, ticketColumns, ts); err != nil {
				return fmt.Errorf("copy tickets: %w", db.MapError(err))
			}
			es.rows, es.i = b.events, 0
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"ticket_events"}, eventColumns, es); err != nil {
				return fmt.Errorf("copy events: %w", db.MapError(err))
			}
			inTx += len(b.tickets)
			if inTx >= txTickets {
				if err := tx.Commit(ctx); err != nil {
					return fmt.Errorf("commit: %w", err)
				}
				tx, inTx = nil, 0
			}
			done(b)
			free <- b
		}
		if tx != nil {
			if err := tx.Commit(ctx); err != nil {
				return fmt.Errorf("commit: %w", err)
			}
			tx = nil
		}
		return ctx.Err()
	})
}
