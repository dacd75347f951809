package db

import (
	"context"
	"database/sql"
)

// RunGroupOf runs the transactions as one group commit, in order, as the
// group runner does with the ones that arrived together, and returns each
// one's outcome.
func (d *DB) RunGroupOf(ctxs []context.Context, fns []func(ctx context.Context, tx *sql.Tx) error) []error {
	batch := make([]groupJob, len(fns))
	for i := range fns {
		batch[i] = groupJob{ctx: ctxs[i], fn: fns[i], done: make(chan error, 1)}
	}
	d.runGroup(batch)
	out := make([]error, len(batch))
	for i, j := range batch {
		out[i] = <-j.done
	}
	return out
}
