package db

import (
	"context"
	"database/sql"
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
