package citylink

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// How deliveries are sent: as webhook deliveries are (see internal/webhook,
// deliver.go). A worker claims due rows with a lease and a token, counting
// the attempt; only 2xx is success; a failure waits Backoff[attempt-1] and
// is tried again until MaxAttempts, then marked failed; a worker that dies
// leaves its claims to expire. Per platform and ticket, deliveries go out in
// order. A platform's answer to a dispatch names its own number, kept in
// citylink_forwards.
//
// Where each kind goes, under the platform's base URL: a dispatch to
// /requests.json (form-encoded, api_key in the form, as GeoReport v2 asks),
// an update to /servicerequestupdates.json and the month's figures to
// /statistics.json (JSON, the key in the X-Api-Key header).

// Delivery statuses.
const (
	StatusPending   = "pending"
	StatusDelivered = "delivered"
	StatusFailed    = "failed"
)

// Limits of the delivery log.
const (
	MaxResponse     = 1024
	maxError        = 500
	DefaultLogLimit = 50
	MaxLogLimit     = 500
	maxRounds       = 100
)

// Delivery is one thing sent, or to be sent, to a platform.
type Delivery struct {
	ID            string     `json:"id"`
	PlatformID    string     `json:"platform_id"`
	Kind          string     `json:"kind"`
	TicketNumber  string     `json:"ticket_number"`
	Seq           int        `json:"seq"`
	Action        string     `json:"action"`
	Status        string     `json:"status"`
	Attempts      int        `json:"attempts"`
	NextAt        *time.Time `json:"next_at"`
	CreatedAt     time.Time  `json:"created_at"`
	DeliveredAt   *time.Time `json:"delivered_at"`
	LastAttemptAt *time.Time `json:"last_attempt_at"`
	StatusCode    int        `json:"status_code"`
	DurationMS    int64      `json:"duration_ms"`
	LastError     string     `json:"last_error"`
	Response      string     `json:"response"`
}

// Deliveries returns a platform's latest deliveries, newest first, or every
// platform's when platformID is empty (administrators only).
func (s *Service) Deliveries(ctx context.Context, u auth.User, platformID string, limit int) ([]Delivery, error) {
	if !CanManage(u) {
		return nil, errManage
	}
	if platformID != "" {
		if _, err := s.get(ctx, s.db.R, platformID); err != nil {
			return nil, err
		}
	}
	if limit <= 0 {
		limit = DefaultLogLimit
	}
	if limit > MaxLogLimit {
		return nil, errs.Invalidf("limit 最大为%d", "limit must be at most %d", MaxLogLimit)
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT id, platform_id, kind, ticket_number, seq, action, status, attempts, next_at, claimed_until,
  created_at, delivered_at, last_attempt_at, last_status_code, last_duration_ms, last_error, last_response
FROM citylink_deliveries WHERE ($1 = '' OR platform_id = $1) ORDER BY created_at DESC, id DESC LIMIT $2`, platformID, limit)
	if err != nil {
		return nil, errs.Wrap(err, "list deliveries")
	}
	defer rows.Close()
	out := []Delivery{}
	for rows.Next() {
		var d Delivery
		var next, created int64
		var claimed, delivered, last sql.NullInt64
		if err := rows.Scan(&d.ID, &d.PlatformID, &d.Kind, &d.TicketNumber, &d.Seq, &d.Action, &d.Status, &d.Attempts, &next, &claimed,
			&created, &delivered, &last, &d.StatusCode, &d.DurationMS, &d.LastError, &d.Response); err != nil {
			return nil, errs.Wrap(err, "scan delivery")
		}
		d.CreatedAt = time.UnixMilli(created)
		if d.Status == StatusPending {
			n := time.UnixMilli(max(next, claimed.Int64))
			d.NextAt = &n
		}
		d.DeliveredAt, d.LastAttemptAt = timePtr(delivered), timePtr(last)
		out = append(out, d)
	}
	return out, errs.Wrap(rows.Err(), "list deliveries")
}

func timePtr(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := time.UnixMilli(v.Int64)
	return &t
}

// Run queues and sends every Interval until ctx ends. Several processes may
// run it at once.
func (s *Service) Run(ctx context.Context) {
	tick := time.NewTicker(s.opts.Interval)
	defer tick.Stop()
	for {
		st, err := s.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.Error("citylink", "err", err)
		} else if st.Failed > 0 {
			s.log.Warn("citylink", "queued", st.Queued, "delivered", st.Delivered, "retried", st.Retried, "failed", st.Failed)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// RunOnce queues what is new and sends what is due.
func (s *Service) RunOnce(ctx context.Context) (RoundStats, error) {
	var st RoundStats
	if err := s.queue(ctx, &st); err != nil {
		return st, err
	}
	return st, s.deliverDue(ctx, &st)
}

type claimed struct {
	id, token, platform, kind, number, url, key string
	payload                                     []byte
	attempts                                    int
}

func (s *Service) deliverDue(ctx context.Context, st *RoundStats) error {
	for range maxRounds {
		batch, err := s.claim(ctx)
		if err != nil || len(batch) == 0 {
			return err
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		var firstErr error
		for _, c := range batch {
			wg.Go(func() {
				res := s.send(ctx, c)
				if res.canceled {
					return
				}
				rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
				defer cancel()
				status, err := s.record(rctx, c, res)
				mu.Lock()
				defer mu.Unlock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				switch status {
				case StatusDelivered:
					st.Delivered++
				case StatusFailed:
					st.Failed++
				case StatusPending:
					st.Retried++
				}
			})
		}
		wg.Wait()
		if err := ctx.Err(); err != nil {
			return err
		}
		if firstErr != nil {
			return firstErr
		}
	}
	return nil
}

// claim takes up to Concurrency due deliveries of active platforms.
func (s *Service) claim(ctx context.Context) ([]claimed, error) {
	now := db.Millis(s.clock.Now())
	token := db.NewID()
	lock := ""
	if s.db.Engine == db.Postgres {
		lock = " FOR UPDATE OF d SKIP LOCKED"
	}
	var out []claimed
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		out = nil
		if _, err := tx.ExecContext(ctx, `UPDATE citylink_deliveries SET status = 'failed', claimed_until = NULL, last_error = $1
WHERE status = 'pending' AND next_at <= $2 AND attempts >= $3 AND claimed_until <= $2`,
			"the worker stopped during the last attempt", now, s.opts.MaxAttempts); err != nil {
			return errs.Wrap(err, "expire deliveries")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE citylink_deliveries SET claimed_until = $1, claim_token = $2, attempts = attempts + 1, last_attempt_at = $3
WHERE id IN (
  SELECT d.id FROM citylink_deliveries d JOIN citylink_platforms p ON p.id = d.platform_id
  WHERE d.status = 'pending' AND d.next_at <= $3 AND (d.claimed_until IS NULL OR d.claimed_until <= $3)
    AND d.attempts < $4 AND p.active = $5
    AND NOT EXISTS (SELECT 1 FROM citylink_deliveries x
      WHERE x.platform_id = d.platform_id AND x.ticket_number = d.ticket_number AND x.status = 'pending'
        AND (x.created_at < d.created_at OR (x.created_at = d.created_at AND x.seq < d.seq)))
  ORDER BY d.next_at, d.created_at, d.ticket_number, d.seq
  LIMIT $6`+lock+`)
AND status = 'pending' AND (claimed_until IS NULL OR claimed_until <= $3)`,
			now+s.opts.Lease.Milliseconds(), token, now, s.opts.MaxAttempts, true, s.opts.Concurrency); err != nil {
			return errs.Wrap(err, "claim deliveries")
		}
		rows, err := tx.QueryContext(ctx, `SELECT d.id, d.platform_id, d.kind, d.ticket_number, d.payload, d.attempts, p.base_url, p.outbound_key
FROM citylink_deliveries d JOIN citylink_platforms p ON p.id = d.platform_id WHERE d.claim_token = $1`, token)
		if err != nil {
			return errs.Wrap(err, "read claimed deliveries")
		}
		defer rows.Close()
		for rows.Next() {
			c := claimed{token: token}
			var payload string
			if err := rows.Scan(&c.id, &c.platform, &c.kind, &c.number, &payload, &c.attempts, &c.url, &c.key); err != nil {
				return errs.Wrap(err, "read claimed delivery")
			}
			c.payload = []byte(payload)
			out = append(out, c)
		}
		return errs.Wrap(rows.Err(), "read claimed deliveries")
	})
	return out, err
}

type result struct {
	code     int
	duration time.Duration
	err      string
	response string
	remote   string // a dispatch's number at the platform
	canceled bool
}

// paths are where each kind goes under a platform's base URL.
var paths = map[string]string{KindDispatch: "/requests.json", KindUpdate: "/servicerequestupdates.json", KindStats: "/statistics.json"}

func (s *Service) request(ctx context.Context, c claimed) (*http.Request, error) {
	body, ctype := c.payload, "application/json"
	if c.kind == KindDispatch {
		body = append(append(append([]byte{}, body...), "&api_key="...), urlEscape(c.key)...)
		ctype = "application/x-www-form-urlencoded"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(c.url, "/")+paths[c.kind], bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "gongzhi-citylink/1")
	if c.kind != KindDispatch {
		req.Header.Set("X-Api-Key", c.key)
	}
	return req, nil
}

func (s *Service) send(ctx context.Context, c claimed) result {
	req, err := s.request(ctx, c)
	if err != nil {
		return result{err: clip("bad request: " + err.Error())}
	}
	start := time.Now() // the response time is measured, not business time
	resp, err := s.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return result{canceled: true}
		}
		return result{duration: time.Since(start), err: clip(err.Error())}
	}
	defer resp.Body.Close()
	head, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	r := result{code: resp.StatusCode, duration: time.Since(start), response: text(head[:min(len(head), MaxResponse)])}
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		if c.kind == KindDispatch {
			var ans []struct {
				ID string `json:"service_request_id"`
			}
			if json.Unmarshal(head, &ans) == nil && len(ans) > 0 && len(ans[0].ID) <= 100 {
				r.remote = ans[0].ID
			}
		}
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		r.err = clip(fmt.Sprintf("HTTP %d: redirects are not followed", resp.StatusCode))
	default:
		r.err = fmt.Sprintf("HTTP %d", resp.StatusCode)
	}
	return r
}

// record writes an attempt's outcome while the claim holds and returns the
// delivery's new status ("" when the claim was lost).
func (s *Service) record(ctx context.Context, c claimed, r result) (string, error) {
	now := s.clock.Now()
	status, next := StatusPending, now
	switch {
	case r.err == "":
		status = StatusDelivered
	case c.attempts >= s.opts.MaxAttempts:
		status = StatusFailed
	default:
		next = now.Add(s.opts.Backoff[min(c.attempts, len(s.opts.Backoff))-1])
	}
	var delivered sql.NullInt64
	if status == StatusDelivered {
		delivered = db.NullMillis(now)
	}
	var n int64
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE citylink_deliveries SET status = $1, next_at = $2, claimed_until = NULL, claim_token = '',
  delivered_at = $3, last_status_code = $4, last_duration_ms = $5, last_error = $6, last_response = $7
WHERE id = $8 AND claim_token = $9 AND status = 'pending'`,
			status, db.Millis(next), delivered, r.code, r.duration.Milliseconds(), r.err, r.response, c.id, c.token)
		if err != nil {
			return errs.Wrap(err, "record delivery")
		}
		if n, err = res.RowsAffected(); err != nil || n == 0 || r.remote == "" {
			return errs.Wrap(err, "record delivery")
		}
		_, err = tx.ExecContext(ctx, `UPDATE citylink_forwards SET remote_number = $1 WHERE platform_id = $2 AND ticket_number = $3`,
			r.remote, c.platform, c.number)
		return errs.Wrap(err, "record forward")
	})
	if err != nil || n == 0 {
		return "", err
	}
	if status == StatusFailed {
		s.log.Warn("citylink delivery failed for good", "delivery", c.id, "platform", c.platform, "attempts", c.attempts, "err", r.err)
	}
	return status, nil
}

func clip(s string) string {
	if len(s) > maxError {
		s = s[:maxError]
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// text keeps an answer's head as storable text: valid UTF-8, no NUL.
func text(b []byte) string {
	for len(b) > 0 && !utf8.Valid(b) {
		if r, size := utf8.DecodeLastRune(b); r != utf8.RuneError || size != 1 {
			break
		}
		b = b[:len(b)-1]
	}
	return strings.ReplaceAll(strings.ToValidUTF8(string(b), "\uFFFD"), "\x00", "\uFFFD")
}
