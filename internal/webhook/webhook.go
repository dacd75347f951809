// Package webhook lets a unit's own system hear about its tickets as things
// happen: subscriptions per organisation and event kind, deliveries signed
// with HMAC-SHA256, retried with back-off, logged, and kept as rows so that
// none is lost when a process stops.
//
// The ticket event log (ticket_events) is the source of truth. A worker scans
// it by time from a durable watermark, queues one delivery per matching
// subscription, and sends the due deliveries. See scan.go and deliver.go.
package webhook

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Limits on subscriptions.
const (
	MaxURL       = 500 // bytes
	MaxEvents    = 40  // event kinds in one subscription
	MaxPerOrg    = 20  // subscriptions of one organisation
	SecretPrefix = "whsec_"
	// secretShown is how much of a secret lists show.
	secretShown = len(SecretPrefix) + 6
)

// AllEvents subscribes to every event kind.
const AllEvents = "*"

// NotDelivered are the event kinds no subscription may name, with the reason.
// Every other kind in ticket.EventKinds is delivered; like the rest, each goes
// to the units the ticket concerns (see take).
var NotDelivered = map[string]string{
	// Imported history keeps its original times, far behind the scan's
	// watermark: the scan never sees it, so naming it would promise deliveries
	// that never come.
	ticket.ActionImport: "imported history, stamped with its original time",
}

// EventKinds lists the kinds a subscription may name, besides "*".
func EventKinds() []string {
	var out []string
	for _, k := range ticket.EventKinds {
		if NotDelivered[k] == "" {
			out = append(out, k)
		}
	}
	return out
}

// Options tune a Service. The zero value is the production setting.
type Options struct {
	// AllowPrivate allows deliveries to loopback, private, link-local and
	// other non-public addresses. Off in production, so a subscription cannot
	// make the server probe its own network; tests turn it on.
	AllowPrivate bool
	// Timeout bounds one attempt, connection to last byte (10 s).
	Timeout time.Duration
	// Backoff are the waits after the first, second, … failed attempt
	// (10 s, 1 min, 5 min, 30 min, 2 h).
	Backoff []time.Duration
	// MaxAttempts is how many attempts a delivery gets before it is marked
	// failed (len(Backoff)+1).
	MaxAttempts int
	// Lease is how long a claimed delivery belongs to its worker; after it,
	// another worker takes it up (1 min; must exceed Timeout).
	Lease time.Duration
	// Margin is how far behind the clock the scan's watermark stays, to see
	// events whose transactions committed late (1 min).
	Margin time.Duration
	// Batch is how many events one scan step takes (200).
	Batch int
	// Concurrency is how many deliveries are sent at once (8).
	Concurrency int
	// Interval is the pause of Run between rounds (2 s).
	Interval time.Duration
}

func (o *Options) defaults() {
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if len(o.Backoff) == 0 {
		o.Backoff = []time.Duration{10 * time.Second, time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour}
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = len(o.Backoff) + 1
	}
	if o.Lease <= 0 {
		o.Lease = time.Minute
	}
	if o.Lease < o.Timeout+5*time.Second {
		o.Lease = o.Timeout + 5*time.Second
	}
	if o.Margin <= 0 {
		o.Margin = time.Minute
	}
	if o.Batch <= 0 {
		o.Batch = 200
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.Interval <= 0 {
		o.Interval = 2 * time.Second
	}
}

// Service manages subscriptions and delivers events.
type Service struct {
	db     *db.DB
	clock  clock.Clock
	log    *slog.Logger
	opts   Options
	client *http.Client
}

// New returns the service.
func New(d *db.DB, c clock.Clock, log *slog.Logger, opts Options) *Service {
	if log == nil {
		log = slog.Default()
	}
	opts.defaults()
	return &Service{db: d, clock: c, log: log, opts: opts, client: newClient(opts)}
}

// Webhook is a subscription. Secret is filled only in the answer of Create.
type Webhook struct {
	ID           string    `json:"id"`
	OrgCode      string    `json:"org_code"`
	URL          string    `json:"url"`
	Secret       string    `json:"secret,omitempty"`
	SecretPrefix string    `json:"secret_prefix"`
	Events       []string  `json:"events"`
	Active       bool      `json:"active"`
	CreatedAt    time.Time `json:"created_at"`
	CreatedBy    string    `json:"created_by"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// NewWebhook is what it takes to subscribe.
type NewWebhook struct {
	OrgCode string   `json:"org_code"`
	URL     string   `json:"url"`
	Events  []string `json:"events"`
}

// wants reports whether the subscription takes events of the kind.
func (w Webhook) wants(action string) bool {
	return slices.Contains(w.Events, AllEvents) || slices.Contains(w.Events, action)
}

// Who may manage a unit's subscriptions: an administrator, any unit's; a
// handler, her own unit's (the handlers are the people who run the unit's
// tickets and know its systems). Other roles may not.
func canManage(u auth.User, orgCode string) bool {
	if u.IsAdmin() {
		return true
	}
	return u.Role == auth.RoleHandler && u.OrgCode != "" && u.OrgCode == orgCode
}

// Create subscribes the organisation's system. The answer holds the secret,
// this once.
func (s *Service) Create(ctx context.Context, u auth.User, in NewWebhook) (Webhook, error) {
	in.OrgCode = strings.TrimSpace(in.OrgCode)
	if in.OrgCode == "" && !u.IsAdmin() {
		in.OrgCode = u.OrgCode
	}
	if in.OrgCode == "" {
		return Webhook{}, errs.Invalidf("请指定单位（org_code）", "org_code is required")
	}
	if !canManage(u, in.OrgCode) {
		return Webhook{}, errForbidden(in.OrgCode)
	}
	rawURL, err := s.checkURL(in.URL)
	if err != nil {
		return Webhook{}, err
	}
	events, err := checkEvents(in.Events)
	if err != nil {
		return Webhook{}, err
	}
	now := s.clock.Now()
	w := Webhook{ID: db.NewID(), OrgCode: in.OrgCode, URL: rawURL, Secret: newSecret(), Events: events, Active: true,
		CreatedAt: time.UnixMilli(now.UnixMilli()), CreatedBy: u.Username, UpdatedAt: time.UnixMilli(now.UnixMilli())}
	w.SecretPrefix = w.Secret[:secretShown]
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM orgs WHERE code = $1`, w.OrgCode).Scan(&n); err != nil {
			return errs.Wrap(err, "check org")
		}
		if n == 0 {
			return errs.Invalidf("单位 %s 不存在", "no organisation %s", w.OrgCode)
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM webhooks WHERE org_code = $1`, w.OrgCode).Scan(&n); err != nil {
			return errs.Wrap(err, "count webhooks")
		}
		if n >= MaxPerOrg {
			return errs.Conflictf("每个单位最多%d个订阅", "an organisation may have at most %d subscriptions", MaxPerOrg)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO webhooks (id, org_code, url, secret, secret_prefix, events, active, created_at, created_by, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			w.ID, w.OrgCode, w.URL, w.Secret, w.SecretPrefix, strings.Join(w.Events, ","), true, db.Millis(now), w.CreatedBy, db.Millis(now))
		if db.IsUnique(err) {
			return errs.Conflictf("该单位已订阅此地址", "the organisation already has a subscription for this URL")
		}
		return errs.Wrap(err, "insert webhook")
	})
	if err != nil {
		return Webhook{}, err
	}
	return w, nil
}

// List returns the subscriptions u may manage, of orgCode when not empty.
func (s *Service) List(ctx context.Context, u auth.User, orgCode string) ([]Webhook, error) {
	if !u.IsAdmin() {
		if u.Role != auth.RoleHandler || u.OrgCode == "" {
			return nil, errs.ErrForbidden
		}
		if orgCode != "" && orgCode != u.OrgCode {
			return nil, errForbidden(orgCode)
		}
		orgCode = u.OrgCode
	}
	q := `SELECT ` + webhookCols + ` FROM webhooks`
	var args []any
	if orgCode != "" {
		q += ` WHERE org_code = $1`
		args = append(args, orgCode)
	}
	q += ` ORDER BY org_code, created_at, id`
	rows, err := s.db.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, errs.Wrap(err, "list webhooks")
	}
	defer rows.Close()
	out := []Webhook{}
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan webhook")
		}
		out = append(out, w)
	}
	return out, errs.Wrap(rows.Err(), "list webhooks")
}

// Get returns one subscription u may manage.
func (s *Service) Get(ctx context.Context, u auth.User, id string) (Webhook, error) {
	w, err := s.get(ctx, s.db.R, id)
	if err != nil {
		return Webhook{}, err
	}
	if !canManage(u, w.OrgCode) {
		return Webhook{}, errForbidden(w.OrgCode)
	}
	return w, nil
}

// Update pauses (active false) or resumes a subscription. While paused, new
// events are not queued for it and its queued deliveries wait.
func (s *Service) Update(ctx context.Context, u auth.User, id string, active bool) (Webhook, error) {
	if _, err := s.Get(ctx, u, id); err != nil {
		return Webhook{}, err
	}
	now := s.clock.Now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE webhooks SET active = $1, updated_at = $2 WHERE id = $3`, active, db.Millis(now), id)
		return errs.Wrap(err, "update webhook")
	})
	if err != nil {
		return Webhook{}, err
	}
	return s.Get(ctx, u, id)
}

// Delete removes a subscription with its queue and delivery log.
func (s *Service) Delete(ctx context.Context, u auth.User, id string) error {
	if _, err := s.Get(ctx, u, id); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM webhook_deliveries WHERE webhook_id = $1`, id); err != nil {
			return errs.Wrap(err, "delete deliveries")
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM webhooks WHERE id = $1`, id)
		return errs.Wrap(err, "delete webhook")
	})
}

// webhookCols leave out the secret: it leaves the database only to sign.
const webhookCols = `id, org_code, url, secret_prefix, events, active, created_at, created_by, updated_at`

func scanWebhook(sc interface{ Scan(...any) error }) (Webhook, error) {
	var w Webhook
	var events string
	var created, updated int64
	err := sc.Scan(&w.ID, &w.OrgCode, &w.URL, &w.SecretPrefix, &events, &w.Active, &created, &w.CreatedBy, &updated)
	w.Events = strings.Split(events, ",")
	w.CreatedAt, w.UpdatedAt = time.UnixMilli(created), time.UnixMilli(updated)
	return w, err
}

// get reads a subscription.
func (s *Service) get(ctx context.Context, q db.Queryer, id string) (Webhook, error) {
	w, err := scanWebhook(q.QueryRowContext(ctx, `SELECT `+webhookCols+` FROM webhooks WHERE id = $1`, id))
	if err == sql.ErrNoRows {
		return Webhook{}, errs.NotFoundf("订阅 %s 不存在", "no webhook %s", id)
	}
	if err != nil {
		return Webhook{}, errs.Wrap(err, "get webhook")
	}
	return w, nil
}

func errForbidden(orgCode string) error {
	return errs.New(errs.Forbidden, "只有管理员或 "+orgCode+" 的办理人员可以管理该单位的订阅",
		"only an administrator or a handler of "+orgCode+" may manage its webhooks")
}

// checkURL validates a subscription's address and returns it as stored.
func (s *Service) checkURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", errs.Invalidf("请填写回调地址（url）", "url is required")
	}
	if len(raw) > MaxURL {
		return "", errs.Invalidf("回调地址不能超过%d个字符", "url must be at most %d characters", MaxURL)
	}
	if strings.ContainsFunc(raw, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return "", errs.Invalidf("回调地址不能含空格或控制字符", "url must not contain spaces or control characters")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", errs.Invalidf("回调地址格式不正确", "url is not a valid URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", errs.Invalidf("回调地址须以 http:// 或 https:// 开头", "url must be http:// or https://")
	}
	if u.User != nil {
		return "", errs.Invalidf("回调地址不能包含用户名或密码，请用签名验证来源", "url must not hold credentials; verify the signature instead")
	}
	if u.Opaque != "" || u.Hostname() == "" {
		return "", errs.Invalidf("回调地址缺少主机名", "url has no host")
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return "", errs.Invalidf("回调地址不能包含 # 片段", "url must not have a #fragment")
	}
	if p := u.Port(); p != "" {
		if n, err := netip.ParseAddrPort("0.0.0.0:" + p); err != nil || n.Port() == 0 {
			return "", errs.Invalidf("回调地址端口不正确", "url has a bad port")
		}
	}
	if !s.opts.AllowPrivate {
		host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
		if host == "localhost" || strings.HasSuffix(host, ".localhost") {
			return "", errPrivate
		}
		if ip, err := netip.ParseAddr(host); err == nil && blocked(ip) {
			return "", errPrivate
		}
		// A name is checked again where it counts, at every connection
		// (see newClient), since its address may change.
	}
	if host := u.Hostname(); net.ParseIP(host) == nil && strings.Trim(host, "0123456789.") == "" {
		return "", errs.Invalidf("回调地址的主机名不正确", "url has a malformed host")
	}
	return u.String(), nil
}

var errPrivate = errs.Invalidf("回调地址不能指向本机或内网地址", "url must not point to a loopback, private or otherwise non-public address")

// checkEvents validates and normalises the event kinds of a subscription.
func checkEvents(in []string) ([]string, error) {
	if len(in) == 0 {
		return nil, errs.Invalidf("请选择要订阅的事件（events），\"*\" 表示全部", "events is required; \"*\" means all")
	}
	if len(in) > MaxEvents {
		return nil, errs.Invalidf("最多订阅%d种事件", "at most %d event kinds", MaxEvents)
	}
	known := EventKinds()
	var out []string
	for _, e := range in {
		e = strings.TrimSpace(e)
		if e == AllEvents {
			return []string{AllEvents}, nil
		}
		if !slices.Contains(known, e) {
			return nil, errs.Invalidf("未知的事件类型 %q，可选：%s 或 *", "unknown event kind %q; use one of %s or *", e, strings.Join(known, ", "))
		}
		if !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out, nil
}

func newSecret() string {
	var b [32]byte
	rand.Read(b[:])
	return SecretPrefix + hex.EncodeToString(b[:])
}
