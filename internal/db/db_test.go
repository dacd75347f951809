package db_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
)

func TestMigrateTwiceAndPlaceholders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := d.Migrate(ctx); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO counters (name, value) VALUES ($1, $2)`, "x", 41)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var v int64
		err = d.Tx(ctx, func(tx *sql.Tx) error {
			return tx.QueryRowContext(ctx, `UPDATE counters SET value = value + 1 WHERE name = $1 RETURNING value`, "x").Scan(&v)
		})
		if err != nil || v != 42 {
			t.Fatalf("update returning: %v %d", err, v)
		}
		err = d.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO counters (name, value) VALUES ($1, $2)`, "x", 1)
			return db.MapError(err)
		})
		if !db.IsUnique(err) {
			t.Fatalf("want unique violation, got %v", err)
		}
	})
}

func TestTxRollsBackOnError(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO counters (name, value) VALUES ($1, $2)`, "y", 1); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("want boom, got %v", err)
		}
		var n int
		if err := d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM counters WHERE name = $1`, "y").Scan(&n); err != nil || n != 0 {
			t.Fatalf("rolled back row present: %v %d", err, n)
		}
	})
}

func TestGroupTx(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		const n = 200
		errc := make(chan error, n)
		for i := 0; i < n; i++ {
			go func() {
				errc <- d.GroupTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
					if _, err := tx.ExecContext(ctx, `INSERT INTO counters (name, value) VALUES ($1, $2)`, fmt.Sprintf("k%03d", i), i); err != nil {
						return err
					}
					switch {
					case i%10 == 3:
						return boom // rolled back alone
					case i == 7:
						panic("a bad request")
					}
					return nil
				})
			}()
		}
		failed := 0
		for i := 0; i < n; i++ {
			if err := <-errc; err != nil {
				failed++
			}
		}
		var rows int
		if err := d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM counters`).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if failed != n/10+1 || rows != n-failed {
			t.Fatalf("%d failed, %d rows committed; want %d and %d", failed, rows, n/10+1, n-n/10-1)
		}
		var bad int
		d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM counters WHERE name IN ('k003', 'k007', 'k193')`).Scan(&bad)
		if bad != 0 {
			t.Fatalf("failed transactions left %d rows", bad)
		}
	})
}

func TestExecBatch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var b db.Batch
		b.Add(`INSERT INTO areas (code, parent_code, name, level) VALUES ($1, '', $2, $3)`, "990000000000", "试验区", "district")
		b.Add(`INSERT INTO orgs (code, name, kind, area_code, created_at) VALUES ($1, $2, $3, $4, $5)`, "990000000000-X", "试验单位", "department", "990000000000", 1)
		b.Add(`INSERT INTO counters (name, value) VALUES ($1, $2), ($3, $4)`, "a", 1, "b", 2)
		err := d.Tx(ctx, func(tx *sql.Tx) error { return d.ExecBatch(ctx, tx, &b) })
		if err != nil {
			t.Fatal(err)
		}
		var org string
		var sum int
		if err := d.R.QueryRowContext(ctx, `SELECT area_code FROM orgs WHERE code = '990000000000-X'`).Scan(&org); err != nil || org != "990000000000" {
			t.Fatalf("org: %q, %v", org, err)
		}
		if err := d.R.QueryRowContext(ctx, `SELECT SUM(value) FROM counters WHERE name IN ('a', 'b')`).Scan(&sum); err != nil || sum != 3 {
			t.Fatalf("counters: %d, %v", sum, err)
		}

		// A failing part fails the batch, and the transaction leaves nothing.
		var bad db.Batch
		bad.Add(`INSERT INTO counters (name, value) VALUES ($1, $2)`, "c", 3)
		bad.Add(`INSERT INTO orgs (code, name, kind, area_code, created_at) VALUES ($1, $2, $3, $4, $5)`, "990000000000-Y", "无区划单位", "department", "980000000000", 1)
		if err := d.Tx(ctx, func(tx *sql.Tx) error { return d.ExecBatch(ctx, tx, &bad) }); err == nil {
			t.Fatal("an org of an unknown area was accepted")
		}
		var n int
		d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM counters WHERE name = 'c'`).Scan(&n)
		if n != 0 {
			t.Fatal("a failed batch left a row")
		}
	})
}

func TestSecretIsShared(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, err := d.Secret(ctx, "test", 32)
		if err != nil || len(a) != 32 {
			t.Fatalf("secret: %x, %v", a, err)
		}
		b, err := d.Secret(ctx, "test", 32)
		if err != nil || string(a) != string(b) {
			t.Fatalf("a second call made another secret: %x then %x, %v", a, b, err)
		}
		if c, _ := d.Secret(ctx, "other", 32); string(c) == string(a) {
			t.Fatal("two names share a secret")
		}
		if _, err := d.Secret(ctx, "test", 16); err == nil {
			t.Fatal("a secret of another length was accepted")
		}
	})
}

// TestDurability: --durability sets SQLite's synchronous on every
// connection: full (2) by default, normal (1) when asked.
func TestDurability(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		durability string
		want       int
	}{{"", 2}, {db.DurabilityFull, 2}, {db.DurabilityNormal, 1}} {
		d, err := db.OpenWith(ctx, db.Options{DSN: filepath.Join(t.TempDir(), "d.db"), Durability: c.durability})
		if err != nil {
			t.Fatal(err)
		}
		for name, pool := range map[string]*sql.DB{"writer": d.W, "readers": d.R} {
			var got int
			if err := pool.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&got); err != nil || got != c.want {
				t.Errorf("durability %q: %s have synchronous=%d (%v), want %d", c.durability, name, got, err, c.want)
			}
		}
		d.Close()
	}
	if _, err := db.OpenWith(ctx, db.Options{DSN: filepath.Join(t.TempDir(), "d.db"), Durability: "paranoid"}); err == nil {
		t.Error("durability paranoid was accepted")
	}
}

// TestPostgresTimeout: a timeout puts statement_timeout on every connection
// of the pool, so a statement past it fails as unavailable, and the
// connection serves on. The connections compile no plans (jit off).
func TestPostgresTimeout(t *testing.T) {
	dsn := dbtest.DSN(t, db.Postgres)
	ctx := context.Background()
	d, err := db.OpenWith(ctx, db.Options{DSN: dsn, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var st string
	if err := d.R.QueryRowContext(ctx, `SHOW statement_timeout`).Scan(&st); err != nil || st != "1s" {
		t.Fatalf("statement_timeout %q, %v; want 1s", st, err)
	}
	// Nor does a search wait for a plan to be compiled.
	if err := d.R.QueryRowContext(ctx, `SHOW jit`).Scan(&st); err != nil || st != "off" {
		t.Fatalf("jit %q, %v; want off", st, err)
	}
	_, err = d.R.ExecContext(ctx, `SELECT pg_sleep(3)`)
	if w := errs.Wrap(err, "sleep"); !errs.Is(w, errs.Unavailable) {
		t.Fatalf("a statement past the timeout: %v", w)
	}
	if err := d.R.PingContext(ctx); err != nil {
		t.Fatalf("after the timeout: %v", err)
	}
}

// Checkpoint empties SQLite's write-ahead log while the background
// checkpoints run and readers come and go: a bulk load calls it between
// its batches so the log cannot grow for the whole load.
func TestCheckpointEmptiesTheLog(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d, err := db.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for round := range 3 {
		for i := range 200 {
			err := d.Tx(ctx, func(tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, `INSERT INTO counters (name, value) VALUES ($1, $2)`, fmt.Sprintf("c%d-%d", round, i), i)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			var n int
			if err := d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM counters`).Scan(&n); err != nil {
				t.Fatal(err)
			}
		}
		if err := d.Checkpoint(ctx); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if fi, err := os.Stat(filepath.Join(dir, "gongzhi.db-wal")); err != nil || fi.Size() != 0 {
			t.Fatalf("round %d: the log after a checkpoint: %v %v", round, fi.Size(), err)
		}
	}
}
