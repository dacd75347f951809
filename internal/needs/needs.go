// Package needs is what a resident tells of her needs (living alone,
// disability, care, old age) so that her grid's workers plan visits and
// the service directory shows what fits her. Under the Personal
// Information Protection Law it rests on her explicit consent: the
// consent text is shown and its version stored with the time; she may
// withdraw it, after which her needs are shown to nobody and only the
// withdrawal remains; every read by staff is recorded with who, when and
// why, and she sees that record. Staff register needs for her only with
// her consent given in person, recorded as such.
//
// Who may do what is policy.go.
package needs

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Categories of need.
const (
	Alone      = "alone"      // 独居
	Disability = "disability" // 残疾
	Care       = "care"       // 需照护
	Elderly    = "elderly"    // 高龄
	Other      = "other"      // 其他
)

// Categories lists the categories in order.
var Categories = []string{Alone, Disability, Care, Elderly, Other}

// ValidCategory reports whether c is a category of need.
func ValidCategory(c string) bool {
	for _, x := range Categories {
		if x == c {
			return true
		}
	}
	return false
}

// Status of a registration.
const (
	StatusNone      = "none"      // never registered
	StatusActive    = "active"    // registered with consent
	StatusWithdrawn = "withdrawn" // consent withdrawn
)

// Consent modes.
const (
	ModeSelf     = "self"      // she consented on her own account
	ModeInPerson = "in_person" // staff recorded her consent given in person
)

// ConsentVersion is the version of the consent text now shown; a
// registration stores the version it was given to.
const ConsentVersion = "2026-12-v1"

// ConsentText is the consent shown before registering, in Chinese and
// English.
var ConsentText = [2]string{
	"我同意社区收集我登记的需求情况（如独居、残疾、需照护、高龄），仅用于本网格网格员安排上门走访和向我推荐合适的服务。" +
		"这些信息属于敏感个人信息，只有本网格的网格员在工作需要时可以查看，每次查看都会记录查看人、时间和理由，我可以随时查看这些记录。" +
		"我可以随时撤回同意，撤回后这些信息不再向任何人显示。",
	"I agree that the community keeps the needs I register (such as living alone, disability, needing care, old age), " +
		"only so that my grid's workers plan visits to me and suggest services that fit me. This is sensitive personal information: " +
		"only the workers of my grid may read it when their work requires, and every read is recorded with who, when and why, which I may see at any time. " +
		"I may withdraw my consent at any time; after that nobody is shown this information.",
}

// Limits of the input.
const (
	MaxName    = 30
	MaxAddress = 100
	MaxNote    = 200
	MaxReason  = 100
	MinReason  = 2
	MaxPlan    = 200 // residents in one visit plan
	MaxReads   = 100 // reads shown to her
	MaxDays    = 365
)

// DefaultIntervals are the days between visits by category; a resident
// with several is visited at the shortest.
var DefaultIntervals = map[string]int{Alone: 7, Care: 7, Disability: 14, Elderly: 14, Other: 30}

// Registration is a resident's needs as the reader may see them.
type Registration struct {
	ID             string     `json:"id"`
	Status         string     `json:"status"`
	AreaCode       string     `json:"area_code"`
	AreaName       string     `json:"area_name"`
	Name           string     `json:"name"`
	Phone          string     `json:"phone"` // masked but for herself
	Address        string     `json:"address"`
	Categories     []string   `json:"categories"`
	Note           string     `json:"note"`
	ConsentVersion string     `json:"consent_version"`
	ConsentAt      *time.Time `json:"consent_at"`
	ConsentMode    string     `json:"consent_mode"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	WithdrawnAt    *time.Time `json:"withdrawn_at"`
}

// Read is one read of her needs by staff.
type Read struct {
	At        time.Time `json:"at"`
	ActorName string    `json:"actor_name"`
	OrgName   string    `json:"org_name"`
	Reason    string    `json:"reason"`
}

// Service keeps the registrations, visits and reads.
type Service struct {
	db        *db.DB
	clock     clock.Clock
	gov       *gov.Service
	loc       *time.Location
	intervals map[string]int
}

// NewService returns the service with the default intervals.
func NewService(d *db.DB, c clock.Clock, g *gov.Service) *Service {
	iv := map[string]int{}
	for k, v := range DefaultIntervals {
		iv[k] = v
	}
	return &Service{db: d, clock: c, gov: g, loc: clock.BusinessZone(), intervals: iv}
}

// SetIntervals sets the days between visits for the categories named
// (1 to MaxDays each), as "alone=7,elderly=14"; the others keep theirs.
// It is called when the application is wired.
func (s *Service) SetIntervals(spec string) error {
	iv := map[string]int{}
	for k, v := range s.intervals {
		iv[k] = v
	}
	for _, part := range strings.Split(spec, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		n, err := atoi(strings.TrimSpace(v))
		if k = strings.TrimSpace(k); !ok || !ValidCategory(k) || err != nil || n < 1 || n > MaxDays {
			return errs.Invalidf("走访间隔应写作“类别=天数”（1到%d天）", `visit intervals are "category=days" (1 to %d days)`, MaxDays)
		}
		iv[k] = n
	}
	s.intervals = iv
	return nil
}

func atoi(s string) (int, error) {
	if s == "" || len(s) > 4 {
		return 0, errs.Invalidf("不是数字", "not a number")
	}
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, errs.Invalidf("不是数字", "not a number")
		}
		n = n*10 + int(r-'0')
	}
	return n, nil
}

// Interval is the days between visits for the categories: the shortest.
func (s *Service) Interval(cats []string) int {
	best := 0
	for _, c := range cats {
		if d := s.intervals[c]; d > 0 && (best == 0 || d < best) {
			best = d
		}
	}
	if best == 0 {
		best = s.intervals[Other]
	}
	return best
}

var (
	errNotFound = errs.NotFoundf("没有这位居民的需求登记", "no such registration")
	errPhone    = errs.Invalidf("手机号格式不正确", "malformed mobile number")
)

func (s *Service) at(ms int64) time.Time { return time.UnixMilli(ms).In(s.loc) }

func (s *Service) opt(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := s.at(v.Int64)
	return &t
}

// event appends a line to the registration's log in tx; the detail never
// holds the needs themselves.
func (s *Service) event(ctx context.Context, tx *sql.Tx, phone string, u auth.User, onBehalf bool, kind string, detail map[string]any, at time.Time) error {
	return db.AppendEvent(ctx, tx, db.Event{Table: "needs_events", KeyColumn: "phone", Key: phone, At: at, Actor: u.ID, Kind: kind, Detail: detail, OnBehalf: onBehalf})
}
