package db

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// Group commit. Every commit of the SQLite writer appends to the write-ahead
// log, and every commit on PostgreSQL waits for the disk; one commit per
// submission bounds a busy morning by the commit, not by the work. GroupTx
// runs the transactions that arrive together in one database transaction,
// each in a savepoint of its own: one that fails is rolled back alone, the
// others commit together, and each caller learns its own outcome only after
// the commit.
//
// SQLite has one writer, so one group runs at a time. PostgreSQL runs
// several at once, each on a connection of its own: while one waits for its
// commit to reach the disk the next does its work, and concurrent changes to
// one ticket are kept apart by the row locks and version checks every
// change makes anyway.

// maxGroup bounds the transactions committed together. Each is a
// subtransaction on PostgreSQL, which keeps up to 64 of them per transaction
// in shared memory; more would slow every other session's snapshots.
const maxGroup = 64

// pgGroups is how many groups PostgreSQL runs at once.
const pgGroups = 4

// jobTimeout bounds one transaction of a group once started. It runs
// detached from its caller's context: a caller that gives up (a client that
// disconnected) would otherwise interrupt a statement of the shared
// transaction, which on SQLite rolls the whole transaction back and on
// PostgreSQL closes its connection, losing the others' work.
const jobTimeout = 30 * time.Second

type groupJob struct {
	ctx  context.Context
	fn   func(ctx context.Context, tx *sql.Tx) error
	done chan error
}

type grouper struct {
	once sync.Once
	jobs chan groupJob
}

// GroupTx runs fn in a writing transaction shared with others that arrive at
// the same time, and returns once it is committed (or failed). fn must only
// use tx, with the context it is given, and must not start another
// transaction.
func (d *DB) GroupTx(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	d.group.once.Do(func() {
		d.group.jobs = make(chan groupJob, 4*maxGroup)
		runners := 1
		if d.Engine == Postgres {
			runners = pgGroups
		}
		for range runners {
			go d.runGroups()
		}
	})
	job := groupJob{ctx: ctx, fn: fn, done: make(chan error, 1)}
	if d.waitLimit > 0 {
		// A database that does not answer is waited for at most this long
		// by the caller (503), whatever the sum of the job's own bounded
		// waits (a connection, each statement) comes to; the job itself
		// keeps its own context.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.waitLimit)
		defer cancel()
	}
	select {
	case d.group.jobs <- job:
	case <-ctx.Done():
		return errs.Wrap(ctx.Err(), "queue transaction")
	}
	select {
	case err := <-job.done:
		return err
	case <-ctx.Done():
		// The transaction may still commit; the caller gave up waiting.
		return errs.Wrap(ctx.Err(), "wait for commit")
	}
}

func (d *DB) runGroups() {
	for first := range d.group.jobs {
		batch := []groupJob{first}
	more:
		for len(batch) < maxGroup {
			select {
			case j := <-d.group.jobs:
				batch = append(batch, j)
			default:
				break more
			}
		}
		d.runGroup(batch)
	}
}

// runGroup commits a batch; with one transaction waiting it is a plain one.
func (d *DB) runGroup(batch []groupJob) {
	results := make([]error, len(batch))
	finish := func(err error) {
		for i, j := range batch {
			if results[i] == nil {
				results[i] = err
			}
			j.done <- results[i]
		}
	}
	tx, err := d.W.BeginTx(context.Background(), nil)
	if err != nil {
		finish(errs.Wrap(err, "begin"))
		return
	}
	single := len(batch) == 1
	ok := 0
	for i, j := range batch {
		if err := j.ctx.Err(); err != nil {
			results[i] = errs.Wrap(err, "transaction abandoned")
			continue
		}
		if !single {
			if _, err := tx.Exec(`SAVEPOINT g`); err != nil {
				tx.Rollback()
				finish(errs.Wrap(err, "savepoint"))
				return
			}
		}
		// On PostgreSQL a savepoint that succeeded is not released: the next
		// one of the same name hides it and the commit keeps them all, which
		// saves a round trip per transaction. SQLite releases it, since every
		// open savepoint makes later page writes journal again.
		err := runJob(j, tx)
		if err != nil {
			err = d.noteFailure(err)
		}
		switch {
		case err == nil && !single && d.Engine == SQLite:
			if _, err := tx.Exec(`RELEASE SAVEPOINT g`); err != nil {
				tx.Rollback()
				finish(errs.Wrap(err, "release savepoint"))
				return
			}
			ok++
		case err == nil:
			ok++
		case single:
			tx.Rollback()
			results[i] = collided(err)
			finish(nil)
			return
		default:
			results[i] = collided(err)
			if _, rerr := tx.Exec(`ROLLBACK TO SAVEPOINT g`); rerr != nil {
				tx.Rollback()
				finish(errs.Wrap(rerr, "rollback to savepoint"))
				return
			}
		}
	}
	if ok == 0 {
		tx.Rollback()
		finish(nil)
		return
	}
	err = tx.Commit()
	if err != nil {
		err = errs.Wrap(MapError(err), "commit")
		for i := range results {
			if results[i] == nil {
				results[i] = err
			}
		}
	}
	d.ready.note(err)
	finish(nil)
}

// collided turns PostgreSQL's answer to a deadlock between two groups (each
// holding a row the other's next change needs) into a conflict: the change
// was rolled back, and its caller may simply try again.
func collided(err error) error {
	if strings.Contains(err.Error(), "SQLSTATE 40P01") {
		return errs.Conflictf("与其他操作冲突，请重试", "the change collided with another one; try again")
	}
	return err
}

// runJob runs one transaction body, turning a panic into an error so one bad
// request cannot stop the others.
func runJob(j groupJob, tx *sql.Tx) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = errs.Wrap(fmt.Errorf("panic: %v", v), "transaction")
		}
	}()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(j.ctx), jobTimeout)
	defer cancel()
	return j.fn(ctx, tx)
}
