package cluster_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/cluster"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

// Three servers offered the same job in every period, in turns that put
// each first in some: the job runs exactly once a period, and by the
// server that came first.
func TestOnceAPeriodAcrossServers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := clock.NewFixed(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
		servers := []*cluster.Leases{cluster.New(d, c), cluster.New(d, c), cluster.New(d, c)}
		const every = 30 * time.Second
		runs := make([]int, len(servers))
		for period := 0; period < 12; period++ {
			ran := 0
			for k := range servers {
				i := (period + k) % len(servers)
				did, start, err := servers[i].Once(ctx, "sweep", every, func(context.Context) { runs[i]++; ran++ })
				if err != nil {
					t.Fatal(err)
				}
				if did != (k == 0) {
					t.Fatalf("period %d: server %d (turn %d) ran=%v", period, i, k, did)
				}
				if !start.Equal(c.Now().Truncate(every)) {
					t.Fatalf("period start %v", start)
				}
			}
			if ran != 1 {
				t.Fatalf("period %d: %d runs", period, ran)
			}
			c.Advance(every / 3) // still the same period: nobody runs it again
			for i, s := range servers {
				if did, _, _ := s.Once(ctx, "sweep", every, func(context.Context) {}); did {
					t.Fatalf("period %d: server %d ran twice in the period", period, i)
				}
			}
			c.Set(c.Now().Truncate(every).Add(every))
		}
		for i, n := range runs {
			if n != 4 {
				t.Fatalf("server %d ran %d times, want 4 of the 12 periods: %v", i, n, runs)
			}
		}
	})
}

// A run that goes past its period's end keeps its lease: no other server
// starts the job meanwhile; once it ends, the next server takes it.
func TestLongRunKeepsItsLease(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := clock.NewFixed(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
		a, b := cluster.New(d, c), cluster.New(d, c)
		const every = 60 * time.Millisecond
		var inside atomic.Int32
		did, _, err := a.Once(ctx, "refresh", every, func(context.Context) {
			c.Advance(2 * every) // the run outlasts its period…
			time.Sleep(every)    // …and its lease is renewed meanwhile
			did, _, err := b.Once(ctx, "refresh", every, func(context.Context) { inside.Add(1) })
			if err != nil || did {
				t.Errorf("another server ran the job during a long run: %v %v", did, err)
			}
		})
		if err != nil || !did {
			t.Fatalf("first run: %v %v", did, err)
		}
		did, _, err = b.Once(ctx, "refresh", every, func(context.Context) { inside.Add(1) })
		if err != nil || !did || inside.Load() != 1 {
			t.Fatalf("after the long run the next server takes it: %v %v %d", did, err, inside.Load())
		}
	})
}

// Node ids: the lowest free one, another for the next server, free again
// once released; a given one is taken whoever held it.
func TestNodeIDs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := clock.NewFixed(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
		a, b, e := cluster.New(d, c), cluster.New(d, c), cluster.New(d, c)
		if n, err := a.TakeNode(ctx, -1, nil); err != nil || n != 0 {
			t.Fatalf("first: %d %v", n, err)
		}
		if n, err := b.TakeNode(ctx, -1, nil); err != nil || n != 1 {
			t.Fatalf("second: %d %v", n, err)
		}
		if err := a.Release(ctx, "node:0"); err != nil {
			t.Fatal(err)
		}
		if n, err := e.TakeNode(ctx, -1, nil); err != nil || n != 0 {
			t.Fatalf("after release: %d %v", n, err)
		}
		if n, err := a.TakeNode(ctx, 1, nil); err != nil || n != 1 {
			t.Fatalf("given: %d %v", n, err)
		}
		if h, _, _ := a.HolderOf(ctx, "node:1"); h != a.Holder {
			t.Fatalf("given id held by %q", h)
		}
		if _, err := a.TakeNode(ctx, 10, nil); err == nil {
			t.Fatal("node id 10 accepted")
		}
		// Ten held (node:0 a second later than the rest): an eleventh server,
		// say one restarted after crashes while its old leases run, still
		// starts, sharing the id whose lease ends first.
		for i := 2; i <= cluster.MaxNode; i++ {
			if _, err := cluster.New(d, c).TakeNode(ctx, -1, nil); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.Renew(ctx, "node:0", c.Now().Add(cluster.NodeTTL+time.Second)); err != nil {
			t.Fatal(err)
		}
		eleventh := cluster.New(d, c)
		if n, err := eleventh.TakeNode(ctx, -1, nil); err != nil || n != 1 {
			t.Fatalf("an eleventh server: %d %v", n, err)
		}
		if h, _, _ := eleventh.HolderOf(ctx, "node:1"); h != eleventh.Holder {
			t.Fatalf("the shared id held by %q", h)
		}
		c.Advance(cluster.NodeTTL + time.Second)
		if n, err := cluster.New(d, c).TakeNode(ctx, -1, nil); err != nil || n != 0 {
			t.Fatalf("after the leases lapsed: %d %v", n, err)
		}
	})
}
