package cluster

import (
	"context"
	"log/slog"
	"time"
)

// Job is a periodic background job: Run once in every period of Every
// (periods are counted from the zero time, the same on every server), in
// whichever server takes its lease first in that period.
type Job struct {
	Name  string
	Every time.Duration
	Run   func(context.Context)
}

// Once runs fn if this holder takes the lease name for the period of every
// that holds now, and reports whether it ran, and the period's start. The lease lasts to the
// period's end, so no other server runs the job in the same period; while
// fn runs past that end, the lease is renewed, so no other server starts
// it meanwhile. A server that dies while running it leaves the lease to
// lapse a period later.
func (l *Leases) Once(ctx context.Context, name string, every time.Duration, fn func(context.Context)) (bool, time.Time, error) {
	now := l.clock.Now()
	start := now.Truncate(every)
	end := start.Add(every)
	ok, err := l.Take(ctx, name, end, now)
	if err != nil || !ok {
		return false, start, err
	}
	done := make(chan struct{})
	kept := make(chan struct{})
	go func() { // keep the lease while fn runs
		defer close(kept)
		tick := time.NewTicker(max(every/3, 10*time.Millisecond))
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				l.Renew(context.WithoutCancel(ctx), name, latest(end, l.clock.Now().Add(every)))
			}
		}
	}()
	fn(ctx)
	close(done)
	<-kept
	// Back to the period's end: a run that went past it leaves the next
	// period to whoever comes first.
	_, err = l.Renew(context.WithoutCancel(ctx), name, end)
	return true, start, err
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// Run runs jobs until ctx ends: every tick it offers each job to Once, so
// a job runs in the first server to come in each of its periods. tick
// should be well under the shortest period, so that every period finds a
// server; ran, when not nil, is told of each run this server made.
func (l *Leases) Run(ctx context.Context, log *slog.Logger, tick time.Duration, jobs []Job, ran func(name string, period time.Time)) {
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		for _, j := range jobs {
			if ctx.Err() != nil {
				return
			}
			did, at, err := l.Once(ctx, j.Name, j.Every, j.Run)
			if err != nil && ctx.Err() == nil {
				log.Error("background job lease", "job", j.Name, "err", err)
			}
			if did && ran != nil {
				ran(j.Name, at)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
