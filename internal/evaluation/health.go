package evaluation

import (
	"context"
	"database/sql"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

func strconvI(i int) string           { return strconv.Itoa(i) }
func strconvF(f float64) string       { return strconv.FormatFloat(f, 'f', 2, 64) }
func minuteOf(t time.Time) int64      { return t.UnixMilli() / 60000 * 60000 }
func minutesIn(d time.Duration) int64 { return int64(d / time.Minute) }

// Health records the platform's own availability: requests and 5xx answers
// counted in memory and added to health_minutes once a minute, one row per
// minute in which any server was up (an idle server writes zeros, so the row
// is its heartbeat), with a mark in the minute a process started.
type Health struct {
	db       *db.DB
	clock    clock.Clock
	log      *slog.Logger
	requests atomic.Int64
	errors   atomic.Int64
	mu       sync.Mutex
	started  bool // the start mark is still to be written
}

// NewHealth returns a recorder; call Run to flush it.
func NewHealth(d *db.DB, c clock.Clock, log *slog.Logger) *Health {
	if log == nil {
		log = slog.Default()
	}
	return &Health{db: d, clock: c, log: log, started: true}
}

// Observe counts one request answered with the HTTP status code, an error
// when it is a 5xx. The server's middleware calls it with the status it
// notes for its metrics, so both count the same answers.
func (h *Health) Observe(code int) {
	h.requests.Add(1)
	if code >= 500 {
		h.errors.Add(1)
	}
}

// Flush adds what was counted since the last flush to the current minute.
func (h *Health) Flush(ctx context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	req, e := h.requests.Swap(0), h.errors.Swap(0)
	starts := 0
	if h.started {
		starts = 1
	}
	minute := minuteOf(h.clock.Now())
	err := h.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO health_minutes (minute, requests, errors, starts) VALUES ($1, $2, $3, $4)
ON CONFLICT (minute) DO UPDATE SET requests = health_minutes.requests + excluded.requests,
errors = health_minutes.errors + excluded.errors, starts = health_minutes.starts + excluded.starts`, minute, req, e, starts)
		return err
	})
	if err != nil {
		h.requests.Add(req) // counted again at the next flush
		h.errors.Add(e)
		return errs.Wrap(err, "record health")
	}
	h.started = false
	return nil
}

// Run flushes at once and then every minute until ctx ends, and once more
// on the way out.
func (h *Health) Run(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		if err := h.Flush(ctx); err != nil && ctx.Err() == nil {
			h.log.Error("health", "err", err)
		}
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			h.Flush(fctx)
			cancel()
			return
		case <-t.C:
		}
	}
}

// HealthReport is the platform's availability over a period.
type HealthReport struct {
	From          time.Time `json:"from"`
	To            time.Time `json:"to"`
	Minutes       int64     `json:"minutes"`        // minutes in the period (up to now)
	UpMinutes     int64     `json:"up_minutes"`     // minutes with a heartbeat
	OnlineRate    *float64  `json:"online_rate"`    // up ÷ minutes
	Requests      int64     `json:"requests"`       // requests answered
	Errors        int64     `json:"errors"`         // answered with 5xx
	ErrorRate     *float64  `json:"error_rate"`     // errors ÷ requests
	Starts        int64     `json:"starts"`         // process starts
	FirstRecorded *int64    `json:"first_recorded"` // unix ms of the first heartbeat ever, if any
}

// HealthReport measures the period [from, to), cut at now. Minutes before
// the first heartbeat ever recorded are not counted (the system was not
// installed yet).
func (s *Service) HealthReport(ctx context.Context, p Period) (HealthReport, error) {
	rep := HealthReport{From: p.From, To: p.To}
	from, to := minuteOf(p.From), p.To.UnixMilli()
	if now := s.clock.Now().UnixMilli(); to > now {
		to = minuteOf(s.clock.Now()) + 60000 // the current minute counts
	}
	var first sql.NullInt64
	if err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT MIN(minute) FROM health_minutes`).Scan(&first); err != nil {
		return rep, errs.Wrap(err, "health")
	}
	if !first.Valid {
		return rep, nil
	}
	rep.FirstRecorded = &first.Int64
	if first.Int64 > from {
		from = first.Int64
	}
	if to <= from {
		return rep, nil
	}
	rep.Minutes = minutesIn(time.Duration(to-from) * time.Millisecond)
	err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(requests), 0), COALESCE(SUM(errors), 0), COALESCE(SUM(starts), 0)
FROM health_minutes WHERE minute >= $1 AND minute < $2`, from, to).Scan(&rep.UpMinutes, &rep.Requests, &rep.Errors, &rep.Starts)
	if err != nil {
		return rep, errs.Wrap(err, "health")
	}
	rep.OnlineRate = ratio(rep.UpMinutes, rep.Minutes)
	rep.ErrorRate = ratio(rep.Errors, rep.Requests)
	return rep, nil
}
