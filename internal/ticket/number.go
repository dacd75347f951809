package ticket

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// numberBlock is how many ticket numbers a process reserves at a time.
const numberBlock = 32

// numberer hands out ticket numbers: the business date and a six-digit
// sequence of that day, e.g. 20261126000042; or, in a server given a node
// id (SetNode), the business date, the node id's digit and a six-digit
// sequence of that node's day, e.g. 202611263000042. Each process reserves
// a block of sequence numbers in a short transaction of its own, so
// submissions do not queue on one counter row while they commit; with a
// node id each node counts on its own row (ticket:DAY:N), so servers never
// wait for one another's. Numbers stay unique across processes (the two
// forms differ in length); a block left unused when a process stops leaves
// a gap.
type numberer struct {
	mu        sync.Mutex
	node      int // the node id plus one; 0 for none
	day       string
	next, end int64 // next to hand out; last reserved
}

// SetNode makes the service number its tickets as node n (0 to 9): the
// business date, n, and a sequence of n's own for the day. Numbers taken
// before keep their form.
func (s *Service) SetNode(n int) {
	s.numbers.mu.Lock()
	defer s.numbers.mu.Unlock()
	s.numbers.node, s.numbers.day = n+1, ""
}

func (n *numberer) take(ctx context.Context, d *db.DB, now time.Time) (string, error) {
	day := now.Format("20060102")
	n.mu.Lock()
	defer n.mu.Unlock()
	name, form := "ticket:"+day, day
	if n.node > 0 {
		name += ":" + strconv.Itoa(n.node-1)
		form += strconv.Itoa(n.node - 1)
	}
	if day != n.day || n.next > n.end {
		var last int64
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			return tx.QueryRowContext(ctx, `INSERT INTO counters (name, value) VALUES ($1, $2)
ON CONFLICT (name) DO UPDATE SET value = counters.value + $2 RETURNING value`, name, numberBlock).Scan(&last)
		})
		if err != nil {
			return "", errs.Wrap(err, "reserve ticket numbers")
		}
		n.day, n.next, n.end = day, last-numberBlock+1, last
	}
	seq := n.next
	n.next++
	return fmt.Sprintf("%s%06d", form, seq), nil
}
