package cluster

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// MaxNode is the highest node id: a node id is one digit of a ticket
// number, so ten servers may number tickets at once.
const MaxNode = 9

// NodeTTL is how long a node id stays held after its server stops
// renewing it (renewed every third of it while the server runs).
const NodeTTL = time.Minute

func nodeLease(n int) string { return "node:" + strconv.Itoa(n) }

// TakeNode takes a node id for this server: given, when 0 to MaxNode
// (taken whoever held it: the operator said so; a warning is logged when
// another server still held it), or else the lowest id no running server
// holds. The id is held until ctx ends (KeepNode), then released.
func (l *Leases) TakeNode(ctx context.Context, given int, log *slog.Logger) (int, error) {
	now := l.clock.Now()
	if given >= 0 {
		if given > MaxNode {
			return 0, errs.Invalidf("节点编号 %d 超出 0 至 9", "node id %d: want 0 to 9", given)
		}
		other, err := l.Force(ctx, nodeLease(given), now.Add(NodeTTL), now)
		if err != nil {
			return 0, err
		}
		if other != "" && log != nil {
			log.Warn("node id given was held by another running server; its numbers stay unique, as both count on one row", "node", given)
		}
		return given, nil
	}
	for n := 0; n <= MaxNode; n++ {
		ok, err := l.Take(ctx, nodeLease(n), now.Add(NodeTTL), now)
		if err != nil {
			return 0, err
		}
		if ok {
			return n, nil
		}
	}
	return l.shareNode(ctx, now, log)
}

// shareNode is TakeNode when all ten ids are held. A server that crashed
// keeps its id until its lease lapses, so a server restarted again and
// again within NodeTTL would find none free; it must still start. It takes
// the id whose lease ends first, shared with whoever may still hold it:
// numbers stay unique, as servers of one id reserve their blocks from one
// counter row.
func (l *Leases) shareNode(ctx context.Context, now time.Time, log *slog.Logger) (int, error) {
	var name string
	err := l.db.W.QueryRowContext(ctx, `SELECT name FROM job_leases WHERE name IN ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ORDER BY until, name LIMIT 1`, nodeLease(0), nodeLease(1), nodeLease(2), nodeLease(3), nodeLease(4),
		nodeLease(5), nodeLease(6), nodeLease(7), nodeLease(8), nodeLease(9)).Scan(&name)
	if err != nil {
		return 0, errs.Wrap(err, "share a node id")
	}
	n, err := strconv.Atoi(strings.TrimPrefix(name, "node:"))
	if err != nil {
		return 0, errs.Wrap(err, "share a node id")
	}
	if _, err := l.Force(ctx, name, now.Add(NodeTTL), now); err != nil {
		return 0, err
	}
	if log != nil {
		log.Warn("no free node id: sharing the one whose lease ends first; numbers stay unique", "node", n)
	}
	return n, nil
}

// KeepNode renews the node id n until ctx ends, then releases it.
func (l *Leases) KeepNode(ctx context.Context, n int, log *slog.Logger) {
	tick := time.NewTicker(NodeTTL / 3)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			l.Release(rctx, nodeLease(n))
			return
		case <-tick.C:
			ok, err := l.Renew(ctx, nodeLease(n), l.clock.Now().Add(NodeTTL))
			if err == nil && !ok && log != nil {
				// Lapsed (a long pause) and taken by another: numbers stay
				// unique, as both count on the same row; the id is kept.
				log.Warn("node id taken by another server while this one paused", "node", n)
			}
		}
	}
}
