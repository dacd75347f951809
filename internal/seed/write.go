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
func write(ctx context.Context, tickets *ticket.Service, in <-chan *batch, free chan<- *batch, done func(*batch)) error {
	for b := range in {
		if err := importRetrying(ctx, tickets, b); err != nil {
			return err
		}
		done(b)
		free <- b
	}
	return ctx.Err()
}

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
