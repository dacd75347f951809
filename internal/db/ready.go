package db

import (
	"context"
	"sync"
	"time"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// ReadyEvery is how long a readiness answer is reused before the database
// is probed again, so that a load balancer asking every second does not
// write every second.
const ReadyEvery = 3 * time.Second

// readiness remembers whether the database could write lately: the outcome
// of the last write probe, and of the last commit that failed because the
// database could not write.
type readiness struct {
	mu       sync.Mutex
	probedAt time.Time
	probeErr error
	failedAt time.Time // the last commit that failed as unavailable
	failErr  error
	okAt     time.Time // the last commit that succeeded
}

// note records the outcome of a commit: only a failure that says the
// database cannot write counts against readiness.
func (r *readiness) note(err error) {
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case err == nil:
		r.okAt = now
	case errs.Is(err, errs.Unavailable):
		r.failedAt, r.failErr = now, err
	}
}

// noteFailure records a failed transaction body for readiness when it says
// the database cannot write, and returns err as it was.
func (d *DB) noteFailure(err error) error {
	if w := errs.Wrap(err, "write"); errs.Is(w, errs.Unavailable) {
		d.ready.note(w)
	}
	return err
}

// Ready reports whether the database can be read and written now: nil, or
// an unavailable error saying why not. It probes a write at most once per
// ReadyEvery (every call when fresh is true); a commit that failed for want
// of disk or connection since the last probe and the last good commit makes
// it not ready too.
func (d *DB) Ready(ctx context.Context, fresh bool) error {
	r := &d.ready
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	if fresh || now.Sub(r.probedAt) >= ReadyEvery {
		r.probeErr = d.probe(ctx)
		r.probedAt = now
	}
	if r.probeErr != nil {
		return r.probeErr
	}
	// The latest evidence wins: a commit that failed for want of disk
	// after the probe and after the last good commit.
	if r.failErr != nil && r.failedAt.After(r.okAt) && r.failedAt.After(r.probedAt) {
		return r.failErr
	}
	return nil
}

// probe reads, then writes a row large enough to need new pages of the
// database and rolls it back: on SQLite it fails when no page can be
// allocated (a full disk or file-size limit), on PostgreSQL when the server
// is down, read-only or out of disk. Rolling back leaves nothing behind, so
// the probe never keeps a reserve of free pages that real writes lack.
func (d *DB) probe(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := d.R.PingContext(ctx); err != nil {
		return errs.Wrap(err, "ready: read")
	}
	tx, err := d.W.BeginTx(ctx, nil)
	if err != nil {
		return errs.Wrap(err, "ready: begin")
	}
	defer tx.Rollback()
	pad := make([]byte, 3*4096)
	if _, err := tx.ExecContext(ctx, `INSERT INTO write_probe (at, pad) VALUES ($1, $2)`, now(), pad); err != nil {
		return errs.Wrap(err, "ready: write")
	}
	return nil
}

func now() int64 { return time.Now().UnixMilli() }
