package deliberation

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Position is where a top-level comment stands on the item (立场).
type Position string

const (
	Support Position = "support" // 支持
	Neutral Position = "neutral" // 中立
	Oppose  Position = "oppose"  // 反对
)

// Positions lists the positions.
var Positions = []Position{Support, Neutral, Oppose}

// Valid reports whether p is a position.
func (p Position) Valid() bool {
	for _, x := range Positions {
		if x == p {
			return true
		}
	}
	return false
}

// Status is where a comment stands in moderation.
type Status string

const (
	StatusPending   Status = "pending"   // 待审核: held before it shows
	StatusPublished Status = "published" // 已公开
	StatusHidden    Status = "hidden"    // 已隐藏, with its reason
)

// Statuses lists the statuses.
var Statuses = []Status{StatusPending, StatusPublished, StatusHidden}

// The reasons of a report and of hiding a comment: 广告, 辱骂, 泄露隐私,
// 无关, 其他.
const (
	ReasonAd       = "ad"
	ReasonAbuse    = "abuse"
	ReasonPrivacy  = "privacy"
	ReasonOffTopic = "offtopic"
	ReasonOther    = "other"
)

// Reasons lists the reasons.
var Reasons = []string{ReasonAd, ReasonAbuse, ReasonPrivacy, ReasonOffTopic, ReasonOther}

func validReason(r string) bool {
	for _, x := range Reasons {
		if x == r {
			return true
		}
	}
	return false
}

// Limits.
const (
	MaxBody   = 1000 // characters of a comment
	MaxNote   = 200  // characters of a report's or a moderator's note
	MaxDepth  = 2    // a reply to a comment is at depth 1, a reply to a reply at 2
	MaxPerDay = 20   // comments of one user on one item in one business day (official replies aside)
	// MaxReplies is how many replies one thread holds, so that a page of
	// threads is bounded.
	MaxReplies  = 50
	DefaultList = 20
	MaxList     = 50
	MaxQueue    = 50
)

// Comment is one comment as its reader may see it.
type Comment struct {
	ID       string `json:"id"`
	Target   string `json:"target"` // kind:id
	ParentID string `json:"parent_id"`
	Depth    int    `json:"depth"`
	// Author is how the author is shown: a resident as 居民 and the last
	// two digits of her phone (居民**78), never her phone or name; an
	// official reply as the unit's name.
	Author     string   `json:"author"`
	AuthorKind string   `json:"author_kind"` // resident or unit
	Mine       bool     `json:"mine"`
	Position   Position `json:"position"` // "" on replies and official replies
	// Body is the text, with personal numbers masked for all but its author
	// and the moderators; "" when the comment is hidden from the reader.
	Body     string    `json:"body"`
	Official bool      `json:"official"`
	Status   Status    `json:"status"`
	Reason   string    `json:"hidden_reason"` // why it was hidden, one of Reasons
	Note     string    `json:"hidden_note"`   // the moderator's words on it
	Reports  int64     `json:"-"`             // open reports, for moderators
	At       time.Time `json:"created_at"`
	// Replies are the replies of a top-level comment, in the order of the
	// thread (each reply after its parent), their Depth telling the indent.
	Replies []Comment `json:"replies,omitempty"`

	tag       string // the last two digits of a resident author's phone
	orgName   string
	authorID  string
	authorPh  string
	rootID    string
	createdMs int64
}

// Tag is what follows 居民 in a resident author's label ("**78").
func (c Comment) Tag() string { return c.tag }

// OrgName is the unit an official reply speaks for.
func (c Comment) OrgName() string { return c.orgName }

// Service keeps the comments.
type Service struct {
	db    *db.DB
	clock clock.Clock
	loc   *time.Location

	mu        sync.RWMutex
	resolvers map[string]Resolver
}

// NewService returns the service; it knows no kind of item until one is
// registered.
func NewService(d *db.DB, c clock.Clock) *Service {
	return &Service{db: d, clock: c, loc: clock.BusinessZone(), resolvers: map[string]Resolver{}}
}

// Register makes comments on items of the kind possible: r describes an item
// to the acting user. A kind is registered once, when the application is
// wired, before requests are served.
func (s *Service) Register(kind string, r Resolver) {
	if !validKind(kind) || r == nil {
		panic("deliberation: bad registration of " + kind)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resolvers[kind] = r
}

func validKind(k string) bool {
	return k != "" && len(k) <= 20 && strings.Trim(k, "abcdefghijklmnopqrstuvwxyz_") == ""
}

var (
	errNotFound = errs.NotFoundf("评论不存在", "no such comment")
	errTarget   = errs.Invalidf("评论对象应写作“类型:编号”，如 proposal:TA202612010001", `the target must be "kind:id", such as proposal:TA202612010001`)
)

// Ref is the reference of an item, "kind:id".
func Ref(kind, id string) string { return kind + ":" + id }

// ParseRef splits "kind:id".
func ParseRef(ref string) (kind, id string, err error) {
	kind, id, ok := strings.Cut(ref, ":")
	if !ok || !validKind(kind) || id == "" || len(id) > 64 || strings.ContainsAny(id, ": \t\r\n") {
		return "", "", errTarget
	}
	return kind, id, nil
}

// Resolve returns the item of the reference as u may see it: an invalid
// error for a malformed reference or an unknown kind, not found when there
// is none or she may not read it.
func (s *Service) Resolve(ctx context.Context, u auth.User, ref string) (Target, error) {
	kind, id, err := ParseRef(ref)
	if err != nil {
		return Target{}, err
	}
	s.mu.RLock()
	r := s.resolvers[kind]
	s.mu.RUnlock()
	if r == nil {
		return Target{}, errs.Invalidf("不能评论此类事项：%s", "items of kind %s take no comments", kind)
	}
	t, err := r(ctx, u, id)
	if err != nil {
		return Target{}, err
	}
	if t.Kind == "" {
		t.Kind = kind
	}
	if t.ID == "" {
		t.ID = id
	}
	if !t.Level.Valid() {
		t.Level = disclosure.Internal
	}
	return t, nil
}

func (s *Service) at(ms int64) time.Time { return time.UnixMilli(ms).In(s.loc) }

// dayStart is the start of the business day of t.
func (s *Service) dayStart(t time.Time) time.Time {
	t = t.In(s.loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, s.loc)
}
