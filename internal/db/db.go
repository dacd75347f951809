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
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" driver
	_ "modernc.org/sqlite"           // registers the "sqlite" driver

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

	checkpointer  *sql.DB    // SQLite only: the connection that checkpoints
	checkpointMu  sync.Mutex // one checkpoint at a time (Checkpoint and the background)
	stop, stopped chan struct{}

	// waitLimit bounds how long a caller of GroupTx waits for its commit
	// (PostgreSQL opened with a timeout); 0 for no bound but the caller's.
	waitLimit time.Duration

	// migrator opens, for PostgreSQL opened with a timeout, a pool without
	// it: a migration may build an index for minutes.
	migrator func() *sql.DB

	ready readiness

	replicas *replicaSet // nil without read replicas
}

// Durability settings of SQLite: how far a commit is on disk when it
// returns. Both keep the database whole after a crash or a power cut; with
// normal, the last transactions before an operating-system crash or a power
// cut may be lost (a killed process loses nothing); full syncs the log at
// every commit (one fsync per group commit).
const (
	DurabilityFull   = "full"
	DurabilityNormal = "normal"
)

// Options say how to open the database.
type Options struct {
	DSN     string // postgres://…, postgresql://…, sqlite://PATH or PATH
	DataDir string // where an empty DSN puts gongzhi.db
	// Durability is DurabilityFull or DurabilityNormal (SQLite only); empty
	// means DurabilityFull.
	Durability string
	// Timeout bounds, on PostgreSQL, connecting, each statement (the
	// server's statement_timeout) and a silence of the server while a
	// statement waits for its answer (a frozen or unreachable server);
	// 0 means none. A DSN's own connect_timeout or statement_timeout wins.
	Timeout time.Duration
	// Read names the read replicas of a PostgreSQL primary (see Reader).
	Read ReadOptions
	// Observe, when set, is told each statement sent to the PostgreSQL
	// primary, with its arguments, as it starts (tests that look at the
	// plans of what a page runs).
	Observe func(query string, args []any)
}

// Open opens the database named by dsn: a postgres:// or postgresql:// URL, or
// the path of an SQLite file (an empty dsn means dataDir/gongzhi.db).
func Open(ctx context.Context, dsn, dataDir string) (*DB, error) {
	return OpenWith(ctx, Options{DSN: dsn, DataDir: dataDir})
}

// OpenWith opens the database as o says.
func OpenWith(ctx context.Context, o Options) (*DB, error) {
	if IsPostgres(o.DSN) {
		d, err := openPostgres(ctx, o.DSN, o.Timeout, o.Observe)
		if err != nil {
			return nil, err
		}
		if err := d.openReplicas(o.Read, o.Timeout); err != nil {
			d.Close()
			return nil, err
		}
		return d, nil
	}
	syncMode := "FULL"
	switch o.Durability {
	case "", DurabilityFull:
	case DurabilityNormal:
		syncMode = "NORMAL"
	default:
		return nil, fmt.Errorf("durability %q: want full or normal", o.Durability)
	}
	path := strings.TrimPrefix(o.DSN, "sqlite://")
	if path == "" {
		dataDir := o.DataDir
		if dataDir == "" {
			dataDir = "data"
		}
		if err := os.MkdirAll(dataDir, 0o750); err != nil {
			return nil, fmt.Errorf("create data folder: %w", err)
		}
		path = filepath.Join(dataDir, "gongzhi.db")
	}
	return openSQLite(ctx, path, syncMode)
}

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

func openPostgres(ctx context.Context, dsn string, timeout time.Duration, observe func(string, []any)) (*DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if observe != nil {
		cfg.Tracer = observer(observe)
	}
	noJIT(cfg, dsn)
	plain := cfg.Copy()
	if timeout > 0 {
		limitPostgres(cfg, dsn, timeout)
	}
	pool := stdlib.OpenDB(*cfg)
	pool.SetMaxOpenConns(32)
	pool.SetMaxIdleConns(32)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	d := &DB{Engine: Postgres, W: pool, R: pool}
	if timeout > 0 {
		d.waitLimit = 2 * timeout
		d.migrator = func() *sql.DB {
			p := stdlib.OpenDB(*plain)
			p.SetMaxOpenConns(1)
			return p
		}
	}
	return d, nil
}

// noJIT turns PostgreSQL's JIT compilation off on cfg's connections,
// unless the DSN sets jit itself. Its compiling costs 250–500 ms, asked
// for by plans estimated dear: at 10M tickets, a search's walk of the
// newest 2,000 tickets is estimated so and took 2 ms to run and 350 ms in
// all with the JIT (BENCHMARKS.md).
func noJIT(cfg *pgx.ConnConfig, dsn string) {
	if !strings.Contains(dsn, "jit=") {
		cfg.RuntimeParams["jit"] = "off"
	}
}

// limitPostgres adds the timeouts to cfg, unless the DSN sets its own.
func limitPostgres(cfg *pgx.ConnConfig, dsn string, timeout time.Duration) {
	if !strings.Contains(dsn, "connect_timeout=") {
		cfg.ConnectTimeout = timeout
	}
	if !strings.Contains(dsn, "statement_timeout=") {
		cfg.RuntimeParams["statement_timeout"] = strconv.FormatInt(timeout.Milliseconds(), 10)
	}
	// A server that is alive ends a statement at its statement_timeout and
	// says so; one that says nothing for longer is frozen or cut off, and
	// only a deadline on our side ends the wait.
	cfg.DialFunc = silenceDialer(timeout + 2*time.Second)
}

func sqliteDSN(path string, immediate bool, syncMode string) string {
	q := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(" + syncMode + ")&_time_format=sqlite"
	if immediate {
		q += "&_txlock=immediate"
	}
	return "file:" + path + "?" + q
}

func openSQLite(ctx context.Context, path, syncMode string) (*DB, error) {
	// The writer never checkpoints the write-ahead log itself (a checkpoint
	// in the middle of a commit stalls every writer queued behind it); a
	// connection of its own does it in the background (see checkpoints).
	// Its statement journal is kept in memory: every change of a group
	// commit runs under a savepoint, and each page a savepoint may have to
	// roll back is copied to that journal first, which in a file took a
	// write call per page (a fifth of the CPU of a submission). It holds
	// one group's pages at most, and is not needed after a crash.
	w, err := sql.Open("sqlite", sqliteDSN(path, true, syncMode)+"&_pragma=wal_autocheckpoint(0)&_pragma=temp_store(MEMORY)")
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
	r, err := sql.Open("sqlite", sqliteDSN(path, false, syncMode)+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite readers: %w", err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	cp, err := sql.Open("sqlite", sqliteDSN(path, false, syncMode))
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
			d.checkpointMu.Lock()
			err := d.checkpointer.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &logPages, &done)
			d.checkpointMu.Unlock()
			if err != nil {
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

// Checkpoint copies the whole write-ahead log into the SQLite file and
// truncates it, on the writer's own connection, so no write can slip in
// between. A bulk load calls it every so often: under back-to-back writes the
// background checkpoints never catch up with the log, which then grows
// without end (56 GB beside a 14 GB file at 10M seeded tickets). Nothing on
// PostgreSQL.
func (d *DB) Checkpoint(ctx context.Context) error {
	if d.Engine != SQLite {
		return nil
	}
	// The background checkpoints wait meanwhile: a TRUNCATE checkpoint
	// while another runs gives up after the busy timeout.
	d.checkpointMu.Lock()
	defer d.checkpointMu.Unlock()
	// It can still find the log busy for a moment (a reader's connection
	// checkpointing as it closes, say), and answers at once: try again.
	for try := 0; ; try++ {
		var busy, logPages, done int
		if err := d.W.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logPages, &done); err != nil {
			return errs.Wrap(MapError(err), "checkpoint")
		}
		if busy == 0 {
			return nil
		}
		if try == 100 {
			return errs.Wrap(errors.New("database busy"), "checkpoint")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Close closes the pools.
func (d *DB) Close() error {
	d.forgetStatements()
	if d.replicas != nil {
		d.replicas.close()
		d.replicas = nil
	}
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
		return d.noteFailure(err)
	}
	if err := tx.Commit(); err != nil {
		err = errs.Wrap(MapError(err), "commit")
		d.ready.note(err)
		return err
	}
	d.ready.note(nil)
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

// observer passes each query pgx starts to a function (Options.Observe).
type observer func(query string, args []any)

func (o observer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, q pgx.TraceQueryStartData) context.Context {
	o(q.SQL, q.Args)
	return ctx
}

func (observer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
