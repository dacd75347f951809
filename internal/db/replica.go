package db

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// Read replicas (PostgreSQL only). The primary stays the database of every
// write and of every read that decides a write; a capability sends a read
// that may be a moment old (a list, a dashboard, an export) to Reader(ctx),
// which answers with a replica that is up and close enough behind the
// primary, or with the primary.
//
// How far behind a replica is, is measured in the primary's own write-ahead
// log: every check reads the primary's position (pg_current_wal_lsn) and
// remembers when it read it, then each replica's replayed position
// (pg_last_wal_replay_lsn). A replica that has replayed the primary's
// position read at time T holds every commit acknowledged before T; its lag
// is now − T. This needs no clock on the servers, and an idle primary with
// a replica that has replayed all of it has no lag.

// Defaults of the replicas' checks.
const (
	DefaultReadMaxLag = 5 * time.Second
	DefaultReadCheck  = time.Second
)

// ReadOptions say which replicas to read from.
type ReadOptions struct {
	DSNs   []string      // postgres:// URLs of streaming replicas of the primary
	MaxLag time.Duration // a replica further behind is not read; 0 for DefaultReadMaxLag
	Every  time.Duration // how often replicas are checked; 0 for DefaultReadCheck
}

type replica struct {
	name string // host:port, for the logs and the metrics
	pool *sql.DB
	ok   atomic.Bool
	upTo atomic.Int64 // Unix nanoseconds: every commit acknowledged before is replayed
	used atomic.Int64 // reads sent to it
}

type lsnSample struct {
	at  time.Time
	lsn int64
}

type replicaSet struct {
	list          []*replica
	maxLag, every time.Duration
	turn          atomic.Uint32
	primaryReads  atomic.Int64 // reads that asked for a replica and got the primary
	samples       []lsnSample  // the primary's positions, oldest first (checker only)
	stop, stopped chan struct{}
}

// wroteKey marks a context whose caller wrote at a time: she reads from the
// primary until a replica has replayed past it.
type wroteKey struct{}

// WithWrote returns ctx saying its caller's last write was acknowledged at
// (or before) at. The HTTP middleware sets it from the caller; capabilities
// need not know.
func WithWrote(ctx context.Context, at time.Time) context.Context {
	if at.IsZero() {
		return ctx
	}
	return context.WithValue(ctx, wroteKey{}, at)
}

// WroteAt is the caller's last write that ctx carries, or the zero time.
func WroteAt(ctx context.Context) time.Time {
	at, _ := ctx.Value(wroteKey{}).(time.Time)
	return at
}

// Reader returns the pool to run a read on that may be a moment old: a
// healthy replica that holds the caller's own writes (round robin), else
// the primary's readers. Writes and reads that decide a write never use it.
func (d *DB) Reader(ctx context.Context) *sql.DB {
	rs := d.replicas
	if rs == nil {
		return d.R
	}
	wrote := WroteAt(ctx)
	n := len(rs.list)
	start := int(rs.turn.Add(1))
	for i := range n {
		r := rs.list[(start+i)%n]
		if !r.ok.Load() || (!wrote.IsZero() && r.upTo.Load() <= wrote.UnixNano()) {
			continue
		}
		r.used.Add(1)
		return r.pool
	}
	rs.primaryReads.Add(1)
	return d.R
}

// ReaderTx runs fn in a read-only transaction on Reader(ctx), so all its
// queries see one snapshot of one server.
func (d *DB) ReaderTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if d.replicas == nil {
		return d.ReadTx(ctx, fn)
	}
	tx, err := d.Reader(ctx).BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return errs.Wrap(err, "begin read")
	}
	defer tx.Rollback()
	return fn(tx)
}

// ReplicaState is what the last check found of a replica.
type ReplicaState struct {
	Name    string
	Healthy bool
	Lag     time.Duration // since the last primary position it has replayed
	Reads   int64         // reads sent to it
}

// Replicas reports the replicas' states and the reads that asked for a
// replica and went to the primary.
func (d *DB) Replicas() ([]ReplicaState, int64) {
	rs := d.replicas
	if rs == nil {
		return nil, 0
	}
	out := make([]ReplicaState, len(rs.list))
	for i, r := range rs.list {
		out[i] = ReplicaState{Name: r.name, Healthy: r.ok.Load(), Reads: r.used.Load()}
		if up := r.upTo.Load(); up > 0 {
			out[i].Lag = time.Since(time.Unix(0, up))
		}
	}
	return out, rs.primaryReads.Load()
}

// openReplicas opens the replicas' pools (connecting lazily: a replica down
// at start is only unhealthy) and starts checking them.
func (d *DB) openReplicas(o ReadOptions, timeout time.Duration) error {
	if len(o.DSNs) == 0 || d.Engine != Postgres {
		return nil
	}
	rs := &replicaSet{maxLag: o.MaxLag, every: o.Every, stop: make(chan struct{}), stopped: make(chan struct{})}
	if rs.maxLag <= 0 {
		rs.maxLag = DefaultReadMaxLag
	}
	if rs.every <= 0 {
		rs.every = DefaultReadCheck
	}
	for _, dsn := range o.DSNs {
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			for _, r := range rs.list {
				r.pool.Close()
			}
			return fmt.Errorf("db-read: %w", err)
		}
		noJIT(cfg, dsn)
		if timeout > 0 {
			limitPostgres(cfg, dsn, timeout)
		}
		pool := stdlib.OpenDB(*cfg)
		pool.SetMaxOpenConns(32)
		pool.SetMaxIdleConns(32)
		pool.SetConnMaxIdleTime(5 * time.Minute)
		name := cfg.Host + ":" + strconv.Itoa(int(cfg.Port))
		rs.list = append(rs.list, &replica{name: name, pool: pool})
	}
	d.replicas = rs
	rs.check(d.W)
	go rs.watch(d.W)
	return nil
}

// SplitDSNs splits a comma-separated list of postgres:// URLs. A URL may
// itself hold commas (several hosts), so a new item starts only at a
// "postgres://" or "postgresql://".
func SplitDSNs(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if len(out) > 0 && !IsPostgres(part) {
			out[len(out)-1] += "," + part
			continue
		}
		out = append(out, part)
	}
	return out
}

func (rs *replicaSet) watch(primary *sql.DB) {
	defer close(rs.stopped)
	t := time.NewTicker(rs.every)
	defer t.Stop()
	for {
		select {
		case <-rs.stop:
			return
		case <-t.C:
			rs.check(primary)
		}
	}
}

func (rs *replicaSet) close() {
	close(rs.stop)
	<-rs.stopped
	for _, r := range rs.list {
		r.pool.Close()
	}
}

// check samples the primary's position, then each replica's.
func (rs *replicaSet) check(primary *sql.DB) {
	limit := max(rs.every, 2*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	at := time.Now()
	var lsn int64
	if err := primary.QueryRowContext(ctx, `SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint`).Scan(&lsn); err == nil {
		rs.samples = append(rs.samples, lsnSample{at: at, lsn: lsn})
	}
	// Samples older than the bound are of no use: a replica that has
	// replayed no younger one is too far behind anyway.
	keep := at.Add(-rs.maxLag - 2*rs.every)
	i := 0
	for i < len(rs.samples)-1 && rs.samples[i].at.Before(keep) {
		i++
	}
	rs.samples = rs.samples[i:]
	var wg sync.WaitGroup
	for _, r := range rs.list {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rs.checkOne(ctx, r)
		}()
	}
	wg.Wait()
}

func (rs *replicaSet) checkOne(ctx context.Context, r *replica) {
	var recovering bool
	var replayed sql.NullInt64
	err := r.pool.QueryRowContext(ctx, `SELECT pg_is_in_recovery(), (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint`).Scan(&recovering, &replayed)
	if err != nil || !recovering || !replayed.Valid {
		// Down, or no longer a replica (promoted): not read.
		r.ok.Store(false)
		return
	}
	var upTo time.Time
	for _, s := range rs.samples {
		if s.lsn <= replayed.Int64 {
			upTo = s.at
		}
	}
	if upTo.IsZero() {
		r.ok.Store(false)
		return
	}
	r.upTo.Store(upTo.UnixNano())
	r.ok.Store(time.Since(upTo) <= rs.maxLag)
}
