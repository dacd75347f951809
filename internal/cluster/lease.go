// Package cluster lets several gongzhi servers share one database: named
// leases in the database (job_leases) run each periodic background job once
// a period across all of them, and hand each server a node id for the
// numbers it gives without asking the others.
//
// A lease is a row (name, holder, until). It is taken with one conditional
// upsert, so the same SQL works on SQLite (one process) and on PostgreSQL
// (any number): whoever's statement finds the row free (until passed) or
// absent gets it; everyone else's changes nothing.
package cluster

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Leases takes and keeps named leases for one holder: a server, named
// afresh at each start.
type Leases struct {
	db     *db.DB
	clock  clock.Clock
	Holder string
}

// New returns the leases of a new holder.
func New(d *db.DB, c clock.Clock) *Leases {
	return &Leases{db: d, clock: c, Holder: db.NewID()}
}

// Take takes the lease name until until, when it is free at now: never
// held, or held until now or earlier (by anyone, this holder too). It
// reports whether it was taken.
func (l *Leases) Take(ctx context.Context, name string, until, now time.Time) (bool, error) {
	res, err := l.db.W.ExecContext(ctx, `INSERT INTO job_leases (name, holder, until) VALUES ($1, $2, $3)
ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until WHERE job_leases.until <= $4`,
		name, l.Holder, db.Millis(until), db.Millis(now))
	if err != nil {
		return false, errs.Wrap(err, "take lease "+name)
	}
	n, err := res.RowsAffected()
	return n == 1, errs.Wrap(err, "take lease "+name)
}

// Force takes the lease name until until whoever holds it, and returns
// the other holder that still held it at now, if any ("" when none).
func (l *Leases) Force(ctx context.Context, name string, until, now time.Time) (string, error) {
	holder, end, err := l.HolderOf(ctx, name)
	if err != nil {
		return "", err
	}
	if _, err := l.db.W.ExecContext(ctx, `INSERT INTO job_leases (name, holder, until) VALUES ($1, $2, $3)
ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until`, name, l.Holder, db.Millis(until)); err != nil {
		return "", errs.Wrap(err, "take lease "+name)
	}
	if holder == l.Holder || !end.After(now) {
		holder = ""
	}
	return holder, nil
}

// Release ends a lease this holder has: the next Take finds it free.
func (l *Leases) Release(ctx context.Context, name string) error {
	_, err := l.db.W.ExecContext(ctx, `UPDATE job_leases SET until = 0 WHERE name = $1 AND holder = $2`, name, l.Holder)
	return errs.Wrap(err, "release lease "+name)
}

// Renew moves the end of a lease this holder has to until; it reports
// false when the lease is no longer this holder's.
func (l *Leases) Renew(ctx context.Context, name string, until time.Time) (bool, error) {
	res, err := l.db.W.ExecContext(ctx, `UPDATE job_leases SET until = $1 WHERE name = $2 AND holder = $3`,
		db.Millis(until), name, l.Holder)
	if err != nil {
		return false, errs.Wrap(err, "renew lease "+name)
	}
	n, err := res.RowsAffected()
	return n == 1, errs.Wrap(err, "renew lease "+name)
}

// HolderOf returns who holds the lease name and until when; "" when no one
// ever took it.
func (l *Leases) HolderOf(ctx context.Context, name string) (string, time.Time, error) {
	var holder string
	var until int64
	err := l.db.W.QueryRowContext(ctx, `SELECT holder, until FROM job_leases WHERE name = $1`, name).Scan(&holder, &until)
	if errors.Is(err, sql.ErrNoRows) {
		return "", time.Time{}, nil
	}
	if err != nil {
		return "", time.Time{}, errs.Wrap(err, "read lease "+name)
	}
	return holder, time.UnixMilli(until), nil
}
