// Package citylink links gongzhi with other 12345 platforms over Open311
// GeoReport v2, so that no city is bound to gongzhi and no district to the
// city's system.
//
// The administrator registers each platform (Register): an upper one, a
// city's 12345 platform, dispatches tickets down to us (Receive, as GeoReport
// v2 POST requests, idempotent by its own request number) and hears, as
// service request updates, how each goes (accepted, dispatched, replied,
// closed, rated) and, once a month, the month's figures; a lower one takes
// the tickets we dispatch to the unit that stands for it and reports back to
// us (ReceiveUpdate), its closing reply becoming our ticket's reply. What is
// sent goes out as rows of citylink_deliveries, with retries and back-off as
// webhooks are sent, and its log is the administrator's to read.
//
// A platform's key acts only as that platform and only on its own
// endpoints: it creates the tickets it dispatches, and updates only the
// tickets we dispatched to it. Tickets are written by the ticket service
// alone.
package citylink

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
	"github.com/gongzhi/gongzhi/internal/webhook"
)

// Roles of a platform.
const (
	RoleUpper = "upper" // dispatches tickets to us; hears their progress
	RoleLower = "lower" // takes the tickets we dispatch to its unit; reports back
)

// Limits.
const (
	MaxPlatforms = 50
	MaxName      = 100
	MaxMapping   = 500 // entries of a service or area map
	MaxKey       = 200
	KeyPrefix    = "clk_"
	keyShown     = len(KeyPrefix) + 6
)

// SourcePrefix names, in ticket_sources, the tickets an upper platform sent:
// SourcePrefix + the platform's id.
const SourcePrefix = "citylink/"

var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,39}$`)

// Options tune a Service. The zero value is the production setting.
type Options struct {
	// AllowPrivate allows platforms on loopback and private addresses (a
	// city's platform on the government network is one). Off by default.
	AllowPrivate bool
	// Timeout, Backoff, MaxAttempts, Lease, Margin, Concurrency and Interval
	// mean what they mean for webhooks (see webhook.Options), with the same
	// defaults.
	Timeout     time.Duration
	Backoff     []time.Duration
	MaxAttempts int
	Lease       time.Duration
	Margin      time.Duration
	Concurrency int
	Interval    time.Duration
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
	if o.Lease < o.Timeout+5*time.Second {
		o.Lease = max(time.Minute, o.Timeout+5*time.Second)
	}
	if o.Margin <= 0 {
		o.Margin = time.Minute
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.Interval <= 0 {
		o.Interval = 2 * time.Second
	}
}

// Service registers platforms, takes what they send and sends them ours.
type Service struct {
	db      *db.DB
	clock   clock.Clock
	gov     *gov.Service
	tickets *ticket.Service
	log     *slog.Logger
	opts    Options
	client  *http.Client
}

// NewService returns the service.
func NewService(d *db.DB, c clock.Clock, g *gov.Service, t *ticket.Service, log *slog.Logger, opts Options) *Service {
	if log == nil {
		log = slog.Default()
	}
	opts.defaults()
	return &Service{db: d, clock: c, gov: g, tickets: t, log: log, opts: opts,
		client: webhook.NewClient(opts.AllowPrivate, opts.Timeout)}
}

// Platform is a registered platform. InboundKey is filled only in the
// answer of Register, when the key was made by us.
type Platform struct {
	ID               string            `json:"id"`
	Name             string            `json:"name"`
	Role             string            `json:"role"`
	BaseURL          string            `json:"base_url"`
	OrgCode          string            `json:"org_code"`
	AreaCode         string            `json:"area_code"`
	InboundKey       string            `json:"inbound_key,omitempty"`
	InboundKeyPrefix string            `json:"inbound_key_prefix"`
	HasOutboundKey   bool              `json:"has_outbound_key"`
	ServiceMap       map[string]string `json:"service_map"`
	AreaMap          map[string]string `json:"area_map"`
	Active           bool              `json:"active"`
	CreatedAt        time.Time         `json:"created_at"`
	CreatedBy        string            `json:"created_by"`
	UpdatedAt        time.Time         `json:"updated_at"`

	outboundKey string
}

// NewPlatform is what registering a platform takes. InboundKey, the key the
// platform will use with us, is made when empty; OutboundKey is the key it
// gave us. ServiceMap maps its service codes to our category codes, AreaMap
// its jurisdiction or area ids to our area codes. An upper platform's
// tickets go to AreaCode when its AreaMap names none; a lower platform takes
// the tickets dispatched to OrgCode.
type NewPlatform struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Role        string            `json:"role"`
	BaseURL     string            `json:"base_url"`
	OrgCode     string            `json:"org_code"`
	AreaCode    string            `json:"area_code"`
	InboundKey  string            `json:"inbound_key"`
	OutboundKey string            `json:"outbound_key"`
	ServiceMap  map[string]string `json:"service_map"`
	AreaMap     map[string]string `json:"area_map"`
}

// Register records a platform (administrators only). The answer holds the
// inbound key this once when it was made here.
func (s *Service) Register(ctx context.Context, u auth.User, in NewPlatform) (Platform, error) {
	if !CanManage(u) {
		return Platform{}, errManage
	}
	made := false
	if strings.TrimSpace(in.InboundKey) == "" {
		in.InboundKey, made = newKey(), true
	}
	p, err := s.checkNew(ctx, in)
	if err != nil {
		return Platform{}, err
	}
	now := s.clock.Now()
	p.Active, p.CreatedBy = true, u.Username
	p.CreatedAt, p.UpdatedAt = time.UnixMilli(now.UnixMilli()), time.UnixMilli(now.UnixMilli())
	sm, _ := json.Marshal(p.ServiceMap)
	am, _ := json.Marshal(p.AreaMap)
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM citylink_platforms`).Scan(&n); err != nil {
			return errs.Wrap(err, "count platforms")
		}
		if n >= MaxPlatforms {
			return errs.Conflictf("最多登记%d个平台", "at most %d platforms", MaxPlatforms)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO citylink_platforms (id, name, role, base_url, org_code, area_code, inbound_key_hash,
  inbound_key_prefix, outbound_key, service_map, area_map, active, created_at, created_by, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $13)`,
			p.ID, p.Name, p.Role, p.BaseURL, p.OrgCode, p.AreaCode, hashKey(in.InboundKey), p.InboundKeyPrefix,
			p.outboundKey, string(sm), string(am), true, db.Millis(now), p.CreatedBy)
		if db.IsUnique(err) {
			return errs.Conflictf("平台 %s 已登记，或其密钥已被另一平台使用", "platform %s is registered already, or its key is another platform's", p.ID)
		}
		if err != nil {
			return errs.Wrap(err, "insert platform")
		}
		return db.AppendEvent(ctx, tx, db.Event{Table: "citylink_events", KeyColumn: "platform_id", Key: p.ID, At: now,
			Actor: u.ID, Kind: "register", Detail: map[string]any{"role": p.Role, "base_url": p.BaseURL}})
	})
	if err != nil {
		return Platform{}, err
	}
	if made {
		p.InboundKey = in.InboundKey
	}
	return p, nil
}

var errManage = errs.New(errs.Forbidden, "只有管理员可以管理对接平台", "only an administrator may manage linked platforms")

// checkNew validates a registration and returns the platform as stored.
func (s *Service) checkNew(ctx context.Context, in NewPlatform) (Platform, error) {
	p := Platform{ID: strings.TrimSpace(in.ID), Name: ticket.CleanText(in.Name), Role: in.Role,
		OrgCode: strings.TrimSpace(in.OrgCode), AreaCode: strings.TrimSpace(in.AreaCode), outboundKey: strings.TrimSpace(in.OutboundKey)}
	if !idRE.MatchString(p.ID) {
		return p, errs.Invalidf("平台标识须为2到40个小写字母、数字或连字符", "id must be 2 to 40 lowercase letters, digits or hyphens")
	}
	if p.Name == "" || utf8.RuneCountInString(p.Name) > MaxName {
		return p, errs.Invalidf("请填写平台名称（不超过%d字）", "name is required, at most %d characters", MaxName)
	}
	if p.Role != RoleUpper && p.Role != RoleLower {
		return p, errs.Invalidf("role 须为 upper（上级平台）或 lower（下级平台）", "role must be upper or lower")
	}
	key := strings.TrimSpace(in.InboundKey)
	if len(key) < 16 || len(key) > MaxKey || len(p.outboundKey) > MaxKey || !printable(key) || !printable(p.outboundKey) {
		return p, errs.Invalidf("密钥须为16到%d个可见字符", "keys must be 16 to %d visible characters", MaxKey)
	}
	p.InboundKeyPrefix, p.HasOutboundKey = key[:min(len(key), keyShown)], p.outboundKey != ""
	u, err := s.checkBase(in.BaseURL)
	if err != nil {
		return p, err
	}
	p.BaseURL = u
	if p.ServiceMap, err = checkMap(in.ServiceMap, "service_map"); err != nil {
		return p, err
	}
	if p.AreaMap, err = checkMap(in.AreaMap, "area_map"); err != nil {
		return p, err
	}
	return p, s.checkRefs(ctx, p)
}

// checkBase checks a platform's base URL and returns it as stored: with
// no trailing slash, so the resources are appended to it.
func (s *Service) checkBase(raw string) (string, error) {
	return webhook.CheckURL(strings.TrimRight(strings.TrimSpace(raw), "/"), s.opts.AllowPrivate)
}

// checkRefs checks that the unit, the areas and the categories named exist.
func (s *Service) checkRefs(ctx context.Context, p Platform) error {
	if p.Role == RoleLower && p.OrgCode == "" {
		return errs.Invalidf("下级平台须指定代表它的单位（org_code）", "a lower platform needs the unit that stands for it (org_code)")
	}
	if p.OrgCode != "" {
		if _, err := s.gov.Org(ctx, p.OrgCode); err != nil {
			return errs.Invalidf("单位 %s 不存在", "no organisation %s", p.OrgCode)
		}
	}
	areas := []string{p.AreaCode}
	for _, a := range p.AreaMap {
		areas = append(areas, a)
	}
	for _, a := range areas {
		if a == "" {
			continue
		}
		if _, err := s.gov.Area(ctx, a); err != nil {
			return errs.Invalidf("区划 %s 不存在", "no area %s", a)
		}
	}
	for _, c := range p.ServiceMap {
		if _, err := s.tickets.Category(ctx, c); err != nil {
			return errs.Invalidf("类别 %s 不存在", "no category %s", c)
		}
	}
	return nil
}

func checkMap(m map[string]string, name string) (map[string]string, error) {
	if len(m) > MaxMapping {
		return nil, errs.Invalidf("%s 最多%d项", "%s may have at most %d entries", name, MaxMapping)
	}
	out := map[string]string{}
	for k, v := range m {
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if k == "" || v == "" || len(k) > 100 || len(v) > 100 || !printable(k) || !printable(v) {
			return nil, errs.Invalidf("%s 的代码须为1到100个可见字符", "%s: codes must be 1 to 100 visible characters", name)
		}
		out[k] = v
	}
	return out, nil
}

func printable(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f })
}

// List returns every platform (administrators only).
func (s *Service) List(ctx context.Context, u auth.User) ([]Platform, error) {
	if !CanManage(u) {
		return nil, errManage
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+platformCols+` FROM citylink_platforms ORDER BY role DESC, id`)
	if err != nil {
		return nil, errs.Wrap(err, "list platforms")
	}
	defer rows.Close()
	out := []Platform{}
	for rows.Next() {
		p, err := scanPlatform(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan platform")
		}
		out = append(out, p)
	}
	return out, errs.Wrap(rows.Err(), "list platforms")
}

// Get returns one platform (administrators only).
func (s *Service) Get(ctx context.Context, u auth.User, id string) (Platform, error) {
	if !CanManage(u) {
		return Platform{}, errManage
	}
	return s.get(ctx, s.db.R, id)
}

const platformCols = `id, name, role, base_url, org_code, area_code, inbound_key_prefix, outbound_key, service_map, area_map, active, created_at, created_by, updated_at`

func scanPlatform(sc interface{ Scan(...any) error }) (Platform, error) {
	var p Platform
	var sm, am string
	var created, updated int64
	err := sc.Scan(&p.ID, &p.Name, &p.Role, &p.BaseURL, &p.OrgCode, &p.AreaCode, &p.InboundKeyPrefix, &p.outboundKey, &sm, &am,
		&p.Active, &created, &p.CreatedBy, &updated)
	if err != nil {
		return p, err
	}
	_ = json.Unmarshal([]byte(sm), &p.ServiceMap)
	_ = json.Unmarshal([]byte(am), &p.AreaMap)
	p.HasOutboundKey = p.outboundKey != ""
	p.CreatedAt, p.UpdatedAt = time.UnixMilli(created), time.UnixMilli(updated)
	return p, nil
}

func (s *Service) get(ctx context.Context, q db.Queryer, id string) (Platform, error) {
	p, err := scanPlatform(q.QueryRowContext(ctx, `SELECT `+platformCols+` FROM citylink_platforms WHERE id = $1`, id))
	if err == sql.ErrNoRows {
		return Platform{}, errs.NotFoundf("平台 %s 未登记", "no platform %s", id)
	}
	return p, errs.Wrap(err, "get platform")
}

var errKey = errs.New(errs.Unauthorized, "api_key 无效或不属于该平台", "the api_key is missing, invalid or not this platform's")

// authenticate returns the active platform id whose inbound key is key.
// Any mismatch is the same answer, so a key cannot probe for platforms.
func (s *Service) authenticate(ctx context.Context, id, key string) (Platform, error) {
	if key == "" || len(key) > MaxKey {
		return Platform{}, errKey
	}
	var p Platform
	var hash string
	row := s.db.R.QueryRowContext(ctx, `SELECT `+platformCols+`, inbound_key_hash FROM citylink_platforms WHERE id = $1`, id)
	var sm, am string
	var created, updated int64
	err := row.Scan(&p.ID, &p.Name, &p.Role, &p.BaseURL, &p.OrgCode, &p.AreaCode, &p.InboundKeyPrefix, &p.outboundKey, &sm, &am,
		&p.Active, &created, &p.CreatedBy, &updated, &hash)
	if err == sql.ErrNoRows {
		return Platform{}, errKey
	}
	if err != nil {
		return Platform{}, errs.Wrap(err, "authenticate platform")
	}
	if subtle.ConstantTimeCompare([]byte(hash), []byte(hashKey(key))) != 1 || !p.Active {
		return Platform{}, errKey
	}
	_ = json.Unmarshal([]byte(sm), &p.ServiceMap)
	_ = json.Unmarshal([]byte(am), &p.AreaMap)
	return p, nil
}

func hashKey(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:])
}

func newKey() string {
	var b [24]byte
	rand.Read(b[:])
	return KeyPrefix + hex.EncodeToString(b[:])
}

// actor is the account a platform acts as: on its own tickets only, as the
// system for an upper platform (it files what it dispatches anywhere in our
// district) and as a handler of its unit for a lower one.
func (p Platform) actor() auth.User {
	u := auth.User{ID: SourcePrefix + p.ID, Username: SourcePrefix + p.ID, Name: p.Name, Role: auth.RoleAdmin}
	if p.Role == RoleLower {
		u.Role, u.OrgCode = auth.RoleHandler, p.OrgCode
	}
	return u
}
