package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// How deliveries are sent.
//
// A delivery is a row. A worker claims a few due rows in a transaction by
// setting claimed_until (now + Lease) and a claim token, and counting the
// attempt; it then sends them and records each outcome only while its token
// still holds. A worker that dies leaves its claims to expire; the next
// worker, in any process, takes them up, so a delivery is sent at least once
// and perhaps twice: receivers de-duplicate by the delivery id. Only 2xx is
// success; a failure waits Backoff[attempt-1] and is tried again, until
// MaxAttempts, when it is marked failed. Per subscription and ticket,
// deliveries go out in event order: one is not claimed while an earlier one
// of the same ticket is still pending.

// Delivery is one event for one subscription, with its latest attempt.
type Delivery struct {
	ID            string     `json:"id"`
	WebhookID     string     `json:"webhook_id"`
	TicketNumber  string     `json:"ticket_number"`
	Seq           int        `json:"seq"`
	Action        string     `json:"action"`
	Status        string     `json:"status"` // pending, delivered, failed
	Attempts      int        `json:"attempts"`
	NextAt        *time.Time `json:"next_at"` // the next attempt, while pending
	CreatedAt     time.Time  `json:"created_at"`
	DeliveredAt   *time.Time `json:"delivered_at"`
	LastAttemptAt *time.Time `json:"last_attempt_at"`
	StatusCode    int        `json:"status_code"`
	DurationMS    int64      `json:"duration_ms"`
	LastError     string     `json:"last_error"`
	Response      string     `json:"response"` // the first 1 KB of the latest answer
}

// Delivery statuses.
const (
	StatusPending   = "pending"
	StatusDelivered = "delivered"
	StatusFailed    = "failed"
)

// Limits of the delivery log.
const (
	MaxResponse     = 1024 // bytes of an answer kept
	maxError        = 500
	DefaultLogLimit = 50
	MaxLogLimit     = 500
	maxRounds       = 1000 // claim rounds in one RunOnce
)

// Deliveries returns the latest deliveries of a subscription, newest first.
func (s *Service) Deliveries(ctx context.Context, u auth.User, webhookID string, limit int) ([]Delivery, error) {
	if _, err := s.Get(ctx, u, webhookID); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = DefaultLogLimit
	}
	if limit > MaxLogLimit {
		return nil, errs.Invalidf("limit 最大为%d", "limit must be at most %d", MaxLogLimit)
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT id, webhook_id, ticket_number, seq, action, status, attempts, next_at, claimed_until,
  created_at, delivered_at, last_attempt_at, last_status_code, last_duration_ms, last_error, last_response
FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY created_at DESC, ticket_number DESC, seq DESC LIMIT $2`, webhookID, limit)
	if err != nil {
		return nil, errs.Wrap(err, "list deliveries")
	}
	defer rows.Close()
	out := []Delivery{}
	for rows.Next() {
		var d Delivery
		var next, created int64
		var claimed, delivered, last sql.NullInt64
		if err := rows.Scan(&d.ID, &d.WebhookID, &d.TicketNumber, &d.Seq, &d.Action, &d.Status, &d.Attempts, &next, &claimed,
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

// Run scans and delivers every Interval until ctx ends. Several processes
// may run it at once.
func (s *Service) Run(ctx context.Context) {
	tick := time.NewTicker(s.opts.Interval)
	defer tick.Stop()
	for {
		st, err := s.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.Error("webhooks", "err", err)
		} else if st.Failed > 0 {
			s.log.Warn("webhooks", "queued", st.Queued, "delivered", st.Delivered, "retried", st.Retried, "failed", st.Failed)
		} else if st != (Stats{}) {
			s.log.Debug("webhooks", "queued", st.Queued, "delivered", st.Delivered, "retried", st.Retried)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// RunOnce queues the deliveries of new events and sends those due.
func (s *Service) RunOnce(ctx context.Context) (Stats, error) {
	var st Stats
	if err := s.scan(ctx, &st); err != nil {
		return st, err
	}
	err := s.deliverDue(ctx, &st)
	return st, err
}

// claimed is a delivery a worker holds.
type claimed struct {
	id, token, webhookID, action, url, secret string
	payload                                   []byte
	attempts                                  int
}

func (s *Service) deliverDue(ctx context.Context, st *Stats) error {
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
					return // the claim expires and another worker sends it
				}
				// A response came: keep it even when the worker is stopping.
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

// claim takes up to Concurrency due deliveries. Only as many as can be sent
// at once are claimed, so none waits in the worker while its lease runs.
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
		// A worker that died during the last attempt used it up.
		if _, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = 'failed', claimed_until = NULL, last_error = $1
WHERE status = 'pending' AND next_at <= $2 AND attempts >= $3 AND claimed_until <= $2`,
			"the worker stopped during the last attempt", now, s.opts.MaxAttempts); err != nil {
			return errs.Wrap(err, "expire deliveries")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET claimed_until = $1, claim_token = $2, attempts = attempts + 1, last_attempt_at = $3
WHERE id IN (
  SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
  WHERE d.status = 'pending' AND d.next_at <= $3 AND (d.claimed_until IS NULL OR d.claimed_until <= $3)
    AND d.attempts < $4 AND w.active = $5
    AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p
      WHERE p.webhook_id = d.webhook_id AND p.ticket_number = d.ticket_number AND p.seq < d.seq AND p.status = 'pending')
  ORDER BY d.next_at, d.created_at, d.ticket_number, d.seq
  LIMIT $6`+lock+`)
AND status = 'pending' AND (claimed_until IS NULL OR claimed_until <= $3)`,
			now+s.opts.Lease.Milliseconds(), token, now, s.opts.MaxAttempts, true, s.opts.Concurrency); err != nil {
			return errs.Wrap(err, "claim deliveries")
		}
		rows, err := tx.QueryContext(ctx, `SELECT d.id, d.webhook_id, d.action, d.payload, d.attempts, w.url, w.secret
FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.claim_token = $1`, token)
		if err != nil {
			return errs.Wrap(err, "read claimed deliveries")
		}
		defer rows.Close()
		for rows.Next() {
			c := claimed{token: token}
			var payload string
			if err := rows.Scan(&c.id, &c.webhookID, &c.action, &payload, &c.attempts, &c.url, &c.secret); err != nil {
				return errs.Wrap(err, "read claimed delivery")
			}
			c.payload = []byte(payload)
			out = append(out, c)
		}
		return errs.Wrap(rows.Err(), "read claimed deliveries")
	})
	return out, err
}

// result is the outcome of one attempt.
type result struct {
	code     int
	duration time.Duration
	err      string
	response string
	canceled bool // the worker stopped before an answer came
}

// Sign returns the X-Gongzhi-Signature of a body sent at timestamp (Unix
// seconds, as in X-Gongzhi-Timestamp): "sha256=" and the hex HMAC-SHA256 of
// timestamp + "." + body under the subscription's secret.
func Sign(secret, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write([]byte("."))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func (s *Service) send(ctx context.Context, c claimed) result {
	ts := strconv.FormatInt(s.clock.Now().Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(c.payload))
	if err != nil {
		return result{err: clip("bad request: " + err.Error())}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "gongzhi-webhook/1")
	req.Header.Set("X-Gongzhi-Event", c.action)
	req.Header.Set("X-Gongzhi-Delivery", c.id)
	req.Header.Set("X-Gongzhi-Timestamp", ts)
	req.Header.Set("X-Gongzhi-Signature", Sign(c.secret, ts, c.payload))
	start := time.Now() // the response time is measured, not business time
	resp, err := s.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return result{canceled: true}
		}
		return result{duration: time.Since(start), err: clip(describe(err))}
	}
	defer resp.Body.Close()
	head, _ := io.ReadAll(io.LimitReader(resp.Body, MaxResponse))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // so the connection may be reused
	r := result{code: resp.StatusCode, duration: time.Since(start), response: text(head)}
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		r.err = clip(fmt.Sprintf("HTTP %d: redirects are not followed (Location: %s)", resp.StatusCode, resp.Header.Get("Location")))
	default:
		r.err = fmt.Sprintf("HTTP %d", resp.StatusCode)
	}
	return r
}

// record writes an attempt's outcome, if the claim still holds, and returns
// the delivery's new status ("" when the claim was lost).
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
		res, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = $1, next_at = $2, claimed_until = NULL, claim_token = '',
  delivered_at = $3, last_status_code = $4, last_duration_ms = $5, last_error = $6, last_response = $7
WHERE id = $8 AND claim_token = $9 AND status = 'pending'`,
			status, db.Millis(next), delivered, r.code, r.duration.Milliseconds(), r.err, r.response, c.id, c.token)
		if err != nil {
			return errs.Wrap(err, "record delivery")
		}
		n, err = res.RowsAffected()
		return errs.Wrap(err, "record delivery")
	})
	if err != nil {
		return "", err
	}
	if n == 0 {
		s.log.Warn("webhook delivery outlived its lease; another worker took it", "delivery", c.id, "webhook", c.webhookID)
		return "", nil
	}
	if status == StatusFailed {
		s.log.Warn("webhook delivery failed for good", "delivery", c.id, "webhook", c.webhookID, "attempts", c.attempts, "err", r.err)
	}
	return status, nil
}

// describe turns a transport error into a line for the delivery log.
func describe(err error) string {
	var pe *privateError
	if errors.As(err, &pe) {
		return pe.Error()
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timeout: " + err.Error()
	}
	return err.Error()
}

func clip(s string) string {
	if len(s) > maxError {
		s = s[:maxError]
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// text keeps an answer's head as storable text: valid UTF-8, no NUL. A
// character cut by the 1 KB limit is dropped.
func text(b []byte) string {
	for i := 0; i < utf8.UTFMax-1 && len(b) > 0 && !utf8.Valid(b); i++ {
		if r, size := utf8.DecodeLastRune(b); r != utf8.RuneError || size != 1 {
			break
		}
		b = b[:len(b)-1]
	}
	return strings.ReplaceAll(strings.ToValidUTF8(string(b), "\uFFFD"), "\x00", "\uFFFD")
}

// newClient is the HTTP client of deliveries: a timeout on the whole
// attempt, no redirects, no proxy from the environment, and, unless
// AllowPrivate, a refusal to connect to any non-public address, checked on
// the address actually dialled, after name resolution.
func newClient(o Options) *http.Client {
	dialer := &net.Dialer{Timeout: min(o.Timeout, 5*time.Second), KeepAlive: 30 * time.Second}
	if !o.AllowPrivate {
		dialer.Control = refusePrivate
	}
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           dialer.DialContext,
			ForceAttemptHTTP2:     true,
			TLSHandshakeTimeout:   min(o.Timeout, 5*time.Second),
			ResponseHeaderTimeout: o.Timeout,
			MaxIdleConns:          64,
			MaxIdleConnsPerHost:   2,
			IdleConnTimeout:       90 * time.Second,
		},
		Timeout:       o.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

type privateError struct{ addr string }

func (e *privateError) Error() string {
	return "refused: " + e.addr + " is not a public address (deliveries to private networks are off)"
}

func refusePrivate(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return &privateError{address}
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || blocked(ip) {
		return &privateError{host}
	}
	return nil
}

// nonPublic are the ranges, besides those netip classifies, that are not
// on the public internet: this network, shared address space (CGNAT), IETF
// protocol assignments, documentation, benchmarking, reserved, broadcast.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("100::/64"),
	netip.MustParsePrefix("2001:db8::/32"),
}

var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// blocked reports whether ip is not a public unicast address.
func blocked(ip netip.Addr) bool {
	ip = ip.Unmap()
	if nat64.Contains(ip) { // judge the IPv4 address inside
		b := ip.As16()
		ip = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	}
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return true
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
