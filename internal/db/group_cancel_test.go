package db_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"modernc.org/sqlite"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

// slowRunning is set by gz_test_running while a statement of the test runs;
// gz_test_go_on says whether it should go on.
var slowRunning, slowStop atomic.Bool

func init() {
	sqlite.MustRegisterScalarFunction("gz_test_go_on", 1, func(_ *sqlite.FunctionContext, _ []driver.Value) (driver.Value, error) {
		slowRunning.Store(true)
		if slowStop.Load() {
			return int64(0), nil
		}
		return int64(1), nil
	})
}

// TestGroupTxCallerCancels: a caller that gives up while its statement runs
// (a client that disconnected) must not take the others of its group down
// with it. Its started transaction finishes detached from its context, and
// everyone's work commits.
func TestGroupTxCallerCancels(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		bg := context.Background()
		insert := func(name string) func(ctx context.Context, tx *sql.Tx) error {
			return func(ctx context.Context, tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, `INSERT INTO counters (name, value) VALUES ($1, 1)`, name)
				return err
			}
		}
		callerCtx, cancel := context.WithCancel(bg)
		defer cancel()
		tag := fmt.Sprintf("gz-cancel-%d", time.Now().UnixNano())
		slow := func(ctx context.Context, tx *sql.Tx) error {
			if err := insert("slow")(ctx, tx); err != nil {
				return err
			}
			if d.Engine == db.SQLite {
				slowRunning.Store(false)
				slowStop.Store(false)
				go func() {
					for !slowRunning.Load() {
						time.Sleep(time.Millisecond)
					}
					cancel() // the statement is running
					time.Sleep(300 * time.Millisecond)
					slowStop.Store(true)
				}()
				var n int64
				return tx.QueryRowContext(ctx, `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE gz_test_go_on(x))
SELECT COUNT(*) FROM c`).Scan(&n)
			}
			go func() {
				for {
					var n int
					d.R.QueryRowContext(bg, `SELECT COUNT(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%'||$1||'%' AND pid <> pg_backend_pid()`, tag).Scan(&n)
					if n > 0 {
						cancel() // the statement is running
						return
					}
					time.Sleep(5 * time.Millisecond)
				}
			}()
			_, err := tx.ExecContext(ctx, `SELECT pg_sleep(0.6), '`+tag+`'`)
			return err
		}
		errs := d.RunGroupOf([]context.Context{bg, callerCtx, bg},
			[]func(ctx context.Context, tx *sql.Tx) error{insert("before"), slow, insert("after")})
		if callerCtx.Err() == nil {
			t.Fatal("the caller was not cancelled while its statement ran")
		}
		for i, err := range errs {
			if err != nil {
				t.Errorf("transaction %d of the group failed: %v", i, err)
			}
		}
		var n int
		if err := d.R.QueryRowContext(bg, `SELECT COUNT(*) FROM counters WHERE name IN ('before', 'slow', 'after')`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 3 {
			t.Fatalf("%d of the group's 3 inserts committed", n)
		}
	})
}
