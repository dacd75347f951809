// Package db opens gongzhi's database, SQLite embedded or PostgreSQL, runs the
// migrations of its engine, and runs transactions.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver

	"github.com/gongzhi/gongzhi/internal/errs"
)

// Engine names.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// DB holds the connection pools. For SQLite, W is a single connection that
// does all writing and R a pool of readers; for PostgreSQL both are the same pool.
type DB struct {
	Engine string
	W      *sql.DB
	R      *sql.DB

	group grouper

	checkpointer  *sql.DB // SQLite only: the connection that checkpoints
	stop, stopped chan struct{}
}

// Open opens the database named by dsn: a postgres:// or postgresql:// URL, or
// the path of an SQLite file (an empty dsn means dataDir/gongzhi.db).
func Open(ctx context.Context, dsn, dataDir string) (*DB, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return openPostgres(ctx, dsn)
	}
	path := strings.TrimPrefix(dsn, "sqlite://")
	if path == "" {
		if dataDir == "" {
			dataDir = "data"
		}
		if err := os.MkdirAll(dataDir, 0o750); err != nil {
			return nil, fmt.Errorf("create data folder: %w", err)
		}
		path = filepath.Join(dataDir, "gongzhi.db")
	}
	return openSQLite(ctx, path)
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	pool.SetMaxOpenConns(32)
	pool.SetMaxIdleConns(32)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	return &DB{Engine: Postgres, W: pool, R: pool}, nil
}

func sqliteDSN(path string, immediate bool) string {
	q := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_time_format=sqlite"
	if immediate {
		q += "&_txlock=immediate"
	}
	return "file:" + path + "?" + q
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	// The writer never checkpoints the write-ahead log itself (a checkpoint
	// in the middle of a commit stalls every writer queued behind it); a
	// connection of its own does it in the background (see checkpoints).
	// Its statement journal is kept in memory: every change of a group
	// commit runs under a savepoint, and each page a savepoint may have to
	// roll back is copied to that journal first, which in a file took a
	// write call per page (a fifth of the CPU of a submission). It holds
	// one group's pages at most, and is not needed after a crash.
	w, err := sql.Open("sqlite", sqliteDSN(path, true)+"&_pragma=wal_autocheckpoint(0)&_pragma=temp_store(MEMORY)")
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	// One writer: SQLite allows one writing transaction at a time, and a single
	// connection makes writers queue in Go instead of spinning on SQLITE_BUSY.
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", sqliteDSN(path, false)+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite readers: %w", err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	cp, err := sql.Open("sqlite", sqliteDSN(path, false))
	if err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("open sqlite checkpointer: %w", err)
	}
	cp.SetMaxOpenConns(1)
	d := &DB{Engine: SQLite, W: w, R: r, checkpointer: cp, stop: make(chan struct{}), stopped: make(chan struct{})}
	go d.checkpoints()
	return d, nil
}

// checkpoints copies the write-ahead log into the database file every
// second, without blocking writers (PASSIVE), and truncates it when it has
// grown large and a moment is free.
func (d *DB) checkpoints() {
	defer close(d.stopped)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-d.stop:
			d.checkpointer.Exec(`PRAGMA wal_checkpoint(PASSIVE)`)
			return
		case <-t.C:
			var busy, logPages, done int
			if err := d.checkpointer.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &logPages, &done); err != nil {
				continue
			}
			// A TRUNCATE checkpoint holds writers back while it runs, so it
			// waits for a large log: at 10,000 pages (40 MB) it ran every
			// fraction of a second under sustained submissions and the p99 of
			// keyed submissions was 90 ms; at 100,000 pages (400 MB) it is
			// 31 ms. Below that the log is reused from its start after each
			// complete checkpoint, so the file stops growing.
			if logPages > 100000 && done == logPages {
				d.checkpointer.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
			}
		}
	}
}

// Close closes the pools.
func (d *DB) Close() error {
	d.forgetStatements()
	if d.checkpointer != nil {
		close(d.stop)
		<-d.stopped
		d.checkpointer.Close()
		d.checkpointer = nil
	}
	err := d.W.Close()
	if d.R != d.W {
		if rerr := d.R.Close(); err == nil {
			err = rerr
		}
	}
	return err
}

// Tx runs fn in a writing transaction and commits when fn returns nil.
func (d *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := d.W.BeginTx(ctx, nil)
	if err != nil {
		return errs.Wrap(err, "begin")
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return errs.Wrap(MapError(err), "commit")
	}
	return nil
}

// ReadTx runs fn in a read-only transaction on the reader pool, so all its
// queries see one snapshot.
func (d *DB) ReadTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := d.R.BeginTx(ctx, &sql.TxOptions{ReadOnly: d.Engine == Postgres})
	if err != nil {
		return errs.Wrap(err, "begin read")
	}
	defer tx.Rollback()
	return fn(tx)
}

// Queryer is what both *sql.DB and *sql.Tx offer.
type Queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// ErrUnique is returned by MapError for unique-constraint violations.
var ErrUnique = errors.New("unique constraint violated")

// MapError turns driver errors the domain cares about into known errors.
func MapError(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505") {
		return fmt.Errorf("%w: %v", ErrUnique, err)
	}
	return err
}

// IsUnique reports whether err is a unique-constraint violation.
func IsUnique(err error) bool {
	return errors.Is(err, ErrUnique) || (err != nil && errors.Is(MapError(err), ErrUnique))
}

// Millis converts a time to the stored form: Unix milliseconds.
func Millis(t time.Time) int64 { return t.UnixMilli() }

// NullMillis converts a possibly zero time to a nullable stored value.
func NullMillis(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

// Time converts stored Unix milliseconds to a time; null gives the zero time.
func Time(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64)
}
