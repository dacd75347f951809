package seed

import (
	"context"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// write hands each batch to the ticket service, which numbers its tickets
// from the day counters and writes them with their events in one
// transaction (COPY on PostgreSQL, multi-row INSERTs on SQLite), then
// returns the batch to the generator.
func write(ctx context.Context, tickets *ticket.Service, in <-chan *batch, free chan<- *batch, done func(*batch)) error {
	for b := range in {
		if _, err := tickets.ImportBatch(ctx, auth.System(), b.tickets); err != nil {
			return err
		}
		done(b)
		free <- b
	}
	return ctx.Err()
}
