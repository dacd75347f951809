package db

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
)

// SQLite parses every statement it is given; for the statements every
// submission runs, parsing took more time than executing. These helpers
// prepare such a statement once per pool and reuse it. (pgx caches prepared
// statements itself, so on PostgreSQL they pass the text through.)

type stmtKey struct {
	pool  *sql.DB
	query string
}

var (
	stmts     sync.Map // stmtKey → *sql.Stmt
	preparing sync.Map // stmtKey → struct{}: a preparation under way
)

// prepared returns the statement prepared on pool, or nil while it is not
// ready. Preparing needs a connection of the pool, and the writer's only
// connection is taken by the caller's transaction, so the first use starts
// the preparation in the background and runs the text as it is.
func (d *DB) prepared(pool *sql.DB, query string) *sql.Stmt {
	k := stmtKey{pool, query}
	if st, ok := stmts.Load(k); ok {
		return st.(*sql.Stmt)
	}
	if _, busy := preparing.LoadOrStore(k, struct{}{}); !busy {
		go func() {
			defer preparing.Delete(k)
			if st, err := pool.Prepare(query); err == nil {
				stmts.Store(k, st)
			}
		}()
	}
	return nil
}

// Exec runs a writing statement in tx.
func (d *DB) Exec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	if d.Engine != SQLite {
		return tx.ExecContext(ctx, query, args...)
	}
	if st := d.prepared(d.W, query); st != nil {
		return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, query, args...)
}

// QueryRow runs a query that returns one row, in q: a transaction of the
// writer, or the reader pool d.R.
func (d *DB) QueryRow(ctx context.Context, q Queryer, query string, args ...any) *sql.Row {
	if d.Engine == SQLite {
		switch q := q.(type) {
		case *sql.Tx:
			if st := d.prepared(d.W, query); st != nil {
				return q.StmtContext(ctx, st).QueryRowContext(ctx, args...)
			}
		case *sql.DB:
			if st := d.prepared(q, query); st != nil {
				return st.QueryRowContext(ctx, args...)
			}
		}
	}
	return q.QueryRowContext(ctx, query, args...)
}

// forgetStatements closes the statements prepared on the pools of d.
func (d *DB) forgetStatements() {
	stmts.Range(func(k, v any) bool {
		if key := k.(stmtKey); key.pool == d.W || key.pool == d.R {
			v.(*sql.Stmt).Close()
			stmts.Delete(k)
		}
		return true
	})
}

// Batch collects writing statements that read nothing written by each other
// (inserts, as a rule), to be sent together by ExecBatch.
type Batch struct {
	queries []string
	args    [][]any
}

// Add appends a statement and its arguments, numbered from $1 as usual.
func (b *Batch) Add(query string, args ...any) {
	b.queries = append(b.queries, query)
	b.args = append(b.args, args)
}

// ExecBatch runs the batch's statements in tx. On PostgreSQL they travel as
// one statement — every one but the last a data-modifying WITH part — so the
// batch costs one round trip; all parts see the same snapshot and foreign
// keys are checked at its end. SQLite runs them one by one, which costs no
// round trip.
func (d *DB) ExecBatch(ctx context.Context, tx *sql.Tx, b *Batch) error {
	if d.Engine == SQLite || len(b.queries) == 1 {
		for i, q := range b.queries {
			if _, err := d.Exec(ctx, tx, q, b.args[i]...); err != nil {
				return err
			}
		}
		return nil
	}
	var sb strings.Builder
	var args []any
	last := len(b.queries) - 1
	for i, q := range b.queries {
		switch {
		case i == 0:
			sb.WriteString("WITH ")
		case i < last:
			sb.WriteString(", ")
		}
		if i < last {
			fmt.Fprintf(&sb, "b%d AS (", i)
		} else {
			sb.WriteString(" ")
		}
		sb.WriteString(renumber(q, len(args)))
		if i < last {
			sb.WriteString(")")
		}
		args = append(args, b.args[i]...)
	}
	_, err := tx.ExecContext(ctx, sb.String(), args...)
	return err
}

// renumber shifts the placeholders $1, $2, … of query by offset.
func renumber(query string, offset int) string {
	if offset == 0 {
		return query
	}
	var sb strings.Builder
	for i := 0; i < len(query); i++ {
		c := query[i]
		if c != '$' || i+1 >= len(query) || query[i+1] < '0' || query[i+1] > '9' {
			sb.WriteByte(c)
			continue
		}
		j := i + 1
		n := 0
		for j < len(query) && query[j] >= '0' && query[j] <= '9' {
			n = n*10 + int(query[j]-'0')
			j++
		}
		fmt.Fprintf(&sb, "$%d", n+offset)
		i = j - 1
	}
	return sb.String()
}
