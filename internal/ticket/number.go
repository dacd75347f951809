package ticket

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// numberBlock is how many ticket numbers a process reserves at a time.
const numberBlock = 32

// numberer hands out ticket numbers: the business date and a six-digit
// sequence of that day, e.g. 20261126000042. Each process reserves a block
// of sequence numbers in a short transaction of its own, so submissions do
// not queue on one counter row while they commit. Numbers stay unique across
// processes; a block left unused when a process stops leaves a gap.
type numberer struct {
	mu        sync.Mutex
	day       string
	next, end int64 // next to hand out; last reserved
}

func (n *numberer) take(ctx context.Context, d *db.DB, now time.Time) (string, error) {
	day := now.Format("20060102")
	n.mu.Lock()
	defer n.mu.Unlock()
	if day != n.day || n.next > n.end {
		var last int64
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			return tx.QueryRowContext(ctx, `INSERT INTO counters (name, value) VALUES ($1, $2)
ON CONFLICT (name) DO UPDATE SET value = counters.value + $2 RETURNING value`, "ticket:"+day, numberBlock).Scan(&last)
		})
		if err != nil {
			return "", errs.Wrap(err, "reserve ticket numbers")
		}
		n.day, n.next, n.end = day, last-numberBlock+1, last
	}
	seq := n.next
	n.next++
	return fmt.Sprintf("%s%06d", day, seq), nil
}
