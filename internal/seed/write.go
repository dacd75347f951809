package seed

import (
	"context"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// write hands each batch to the ticket service, which numbers its tickets
// from the day counters and writes them with their events in one
// transaction (COPY on PostgreSQL, multi-row INSERTs on SQLite), then
// returns the batch to the generator. A batch refused because the database
// is busy for a moment (a checkpoint of a large SQLite file, say) rolled
// back whole, so it is tried again, up to busyTries times with a growing pause.
// Every checkpointEvery batches the SQLite log is copied back and emptied
// (checkpoint), or it would grow for the whole load.
func write(ctx context.Context, tickets *ticket.Service, checkpoint func(context.Context) error, in <-chan *batch, free chan<- *batch, done func(*batch)) error {
	n := 0
	for b := range in {
		if err := importRetrying(ctx, tickets, b); err != nil {
			return err
		}
		done(b)
		free <- b
		if n++; n%checkpointEvery == 0 {
			if err := checkpoint(ctx); err != nil {
				return err
			}
		}
	}
	return ctx.Err()
}

// checkpointEvery batches of batchTickets: 100,000 tickets, a few hundred MB of log.
const checkpointEvery = 20

// busyTries is how many times a batch is tried while the database is busy.
const busyTries = 6

func importRetrying(ctx context.Context, tickets *ticket.Service, b *batch) error {
	pause := time.Second
	for try := 1; ; try++ {
		_, err := tickets.ImportBatch(ctx, auth.System(), b.tickets)
		if err == nil || !errs.Is(err, errs.Unavailable) || try == busyTries {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
		pause *= 2
	}
}
