package app

// cluster.go lets several servers share one database: the periodic
// background jobs run once a period across them (leases in job_leases), and
// each server numbers its tickets as a node of its own.

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/gongzhi/gongzhi/internal/cluster"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/limit"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// clusterState is what App keeps of the servers it shares its database with.
type clusterState struct {
	leases *cluster.Leases
	// Node is the node id this server numbers its tickets as, set by
	// Serve; -1 for the one counter of the day (SQLite without --node-id).
	Node int
	// jobScale, when above 1, divides the jobs' periods (tests).
	jobScale time.Duration
	// ranJob, when set, is told of each job this server ran (tests).
	ranJob func(name string, period time.Time)
}

func (a *App) clusterLeases() *cluster.Leases {
	if a.leases == nil {
		a.leases = cluster.New(a.DB, a.Clock)
	}
	return a.leases
}

// takeNode gives this server its node id before it serves: --node-id, or
// a free one from the database on PostgreSQL; SQLite, one process, keeps
// the one counter of the day unless given one. It returns what keeps the
// id held while the server runs.
func (a *App) takeNode(ctx context.Context) (func(context.Context), error) {
	a.Node = -1
	given := -1
	if a.Config.NodeID != "" {
		n, err := strconv.Atoi(a.Config.NodeID)
		if err != nil {
			return nil, fmt.Errorf("node-id %q: want a digit, 0 to 9", a.Config.NodeID)
		}
		given = n
	} else if a.DB.Engine != db.Postgres {
		return func(context.Context) {}, nil
	}
	l := a.clusterLeases()
	n, err := l.TakeNode(ctx, given, a.Log)
	if err != nil {
		return nil, fmt.Errorf("node id: %w", err)
	}
	a.Node = n
	a.Tickets.SetNode(n)
	a.Log.Info("node id", "node", n, "holder", l.Holder)
	return func(ctx context.Context) { l.KeepNode(ctx, n, a.Log) }, nil
}

// jobs are the periodic background jobs, each run once a period in one of
// the servers on the database. What each step does is idempotent besides:
// a job a server died in the middle of is run again in a later period.
func (a *App) jobs() []cluster.Job {
	every := func(d time.Duration) time.Duration { return d / max(a.jobScale, 1) }
	return []cluster.Job{
		{Name: "sweep", Every: every(30 * time.Second), Run: a.sweep},
		{Name: "participation", Every: every(30 * time.Second), Run: a.participationSteps},
		{Name: "evaluation-refresh", Every: every(30 * time.Second), Run: a.refreshEvaluation},
		{Name: "warnings", Every: every(15 * time.Second), Run: a.detectWarnings},
		{Name: "text-backfill", Every: every(time.Minute), Run: func(ctx context.Context) {
			a.Tickets.BackfillText(ctx, time.Second, func(msg string, args ...any) { a.Log.Info(msg, args...) })
		}},
		{Name: "idempotency-prune", Every: every(time.Hour), Run: a.pruneKeys},
		{Name: "strip-photos", Every: every(24 * time.Hour), Run: a.stripPhotos},
		{Name: "partitions", Every: every(24 * time.Hour), Run: a.prepareMonths},
	}
}

// prepareMonths makes the ticket partitions of this month and the next two
// ahead of time (PostgreSQL).
func (a *App) prepareMonths(ctx context.Context) {
	if err := a.Tickets.PrepareMonths(ctx); err != nil && ctx.Err() == nil {
		a.Log.Error("prepare ticket partitions", "err", err)
	}
}

// runJobs offers the jobs every third of the shortest period until ctx
// ends, so that each period finds a server while any runs.
func (a *App) runJobs(ctx context.Context) {
	jobs := a.jobs()
	tick := jobs[0].Every
	for _, j := range jobs {
		tick = min(tick, j.Every)
	}
	a.clusterLeases().Run(ctx, a.Log, tick/3, jobs, a.ranJob)
}

// sweep marks time limits and escalations and sends what is due.
func (a *App) sweep(ctx context.Context) {
	st, err := a.Tickets.Sweep(ctx)
	if err != nil && ctx.Err() == nil {
		a.Log.Error("sweep", "err", err)
	} else if st != (ticket.SweepStats{}) {
		a.Log.Info("sweep", "yellow", st.Yellow, "red", st.Red, "escalated", st.Escalated, "missed", st.Missed, "sent", st.Sent)
	}
}

func (a *App) refreshEvaluation(ctx context.Context) {
	if st, err := a.Evaluation.Refresh(ctx); err != nil && ctx.Err() == nil {
		a.Log.Error("evaluation refresh", "err", err)
	} else if st.Rebuilt || st.Changed > 0 {
		a.Log.Info("evaluation refresh", "changed", st.Changed, "rebuilt", st.Rebuilt, "took", st.Took)
	}
}

// detectWarnings runs the early warning's detection (every 15 s, so that
// a warning is raised within a minute of the ticket that makes it), all of
// a backlog at once (the first start, or a pause).
func (a *App) detectWarnings(ctx context.Context) {
	st, err := a.Warnings.Detect(ctx)
	for err == nil && st.Full && ctx.Err() == nil {
		st, err = a.Warnings.Detect(ctx)
	}
	if err != nil && ctx.Err() == nil {
		a.Log.Error("warning detection", "err", err)
	} else if st.Raised > 0 || st.Rolled > 0 {
		a.Log.Info("warning detection", "read", st.Read, "clusters", st.Clusters, "raised", st.Raised, "updated", st.Updated, "rolled", st.Rolled, "took", st.Took)
	}
}

// pruneKeys forgets old idempotency keys and the rate buckets that are full again.
func (a *App) pruneKeys(ctx context.Context) {
	if err := a.idem.Prune(ctx, a.Clock.Now()); err != nil && ctx.Err() == nil {
		a.Log.Error("prune idempotency keys", "err", err)
	}
	if _, err := limit.PruneShared(ctx, a.DB, time.Now()); err != nil && ctx.Err() == nil {
		a.Log.Error("prune rate buckets", "err", err)
	}
}

// stripPhotos strips the photos stored with their metadata by older versions.
func (a *App) stripPhotos(ctx context.Context) {
	if n, err := a.Attachments.CleanStored(ctx); err != nil && ctx.Err() == nil {
		a.Log.Error("strip stored photos", "err", err)
	} else if n > 0 {
		a.Log.Info("stored photos stripped of their metadata", "files", n)
	}
}
