package cluster

import (
	"context"
	"log/slog"
	"strconv"
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
	return 0, errs.New(errs.Conflict, "没有空闲的节点编号（0至9均被运行中的服务器占用），请用 --node-id 指定",
		"no free node id: ten running servers hold 0 to 9; give --node-id")
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
