// Package notice is topics and announcements (议题, 公告/公示) and the
// village committees' disclosure of village affairs and finance (村务公开,
// 财务公开): items an organisation publishes in an area, a comment period
// for topics, a public-notice period (公示期) during which residents raise
// objections (异议) that the organisation must each answer before the item
// becomes final, and the published summary of what was heard and what
// changed. Village affairs and finance are disclosed on a schedule per
// village committee (schedule.go).
//
// An item's life:
//
//	draft → commenting (topic) → noticing → answering → final
//	draft → noticing (announcement, village affairs, finance) → …
//	any but final → withdrawn
//
// A topic may also go from commenting straight to final. The background
// work ends public-notice periods (EndPeriods): final when nothing awaits
// the organisation, answering while objections wait for their answers or
// the summary of them for its writing.
//
// Who may do what is policy.go; who reads an item is its disclosure level
// (internal/disclosure). Comments on topics are the deliberation package's:
// CommentTarget describes an item to it.
package notice

import (
	"time"

	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Kind is what an item is.
type Kind string

const (
	KindTopic          Kind = "topic"           // 议题: put to residents for comment
	KindAnnouncement   Kind = "announcement"    // 公告/公示: a decision or plan put up for notice
	KindVillageAffairs Kind = "village_affairs" // 村务公开
	KindFinance        Kind = "finance"         // 财务公开
)

// Kinds lists every kind.
var Kinds = []Kind{KindTopic, KindAnnouncement, KindVillageAffairs, KindFinance}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Scheduled reports whether items of the kind disclose a period on a
// village committee's schedule.
func (k Kind) Scheduled() bool { return k == KindVillageAffairs || k == KindFinance }

// DefaultLevel is the disclosure level an item of the kind gets when none
// is given: topics go to the residents of their area, the rest to everyone.
func (k Kind) DefaultLevel() disclosure.Level {
	if k == KindTopic {
		return disclosure.Residents
	}
	return disclosure.Public
}

// Status is where an item stands.
type Status string

const (
	StatusDraft      Status = "draft"      // 草稿：仅发布单位可见
	StatusCommenting Status = "commenting" // 意见征集中（议题）
	StatusNoticing   Status = "noticing"   // 公示中：可提出异议
	StatusAnswering  Status = "answering"  // 公示期满，待答复异议或发布结果说明
	StatusFinal      Status = "final"      // 已办结，结果说明已公布
	StatusWithdrawn  Status = "withdrawn"  // 已撤回
)

// Statuses lists every status.
var Statuses = []Status{StatusDraft, StatusCommenting, StatusNoticing, StatusAnswering, StatusFinal, StatusWithdrawn}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, x := range Statuses {
		if x == s {
			return true
		}
	}
	return false
}

// Published reports whether the item has been put before its readers and
// not withdrawn: what satisfies a disclosure schedule.
func (s Status) Published() bool {
	return s == StatusCommenting || s == StatusNoticing || s == StatusAnswering || s == StatusFinal
}

// Notice is one item as its reader sees it.
type Notice struct {
	Number       string           `json:"number"`
	Kind         Kind             `json:"kind"`
	AreaCode     string           `json:"area_code"`
	AreaName     string           `json:"area_name"`
	OrgCode      string           `json:"org_code"`
	OrgName      string           `json:"org_name"`
	Level        disclosure.Level `json:"level"`
	Title        string           `json:"title"`
	Body         string           `json:"body"`
	Period       string           `json:"period"`
	Status       Status           `json:"status"`
	CommentDays  int              `json:"comment_days"`
	NoticeDays   int              `json:"notice_days"`
	CommentUntil *time.Time       `json:"comment_until"`
	NoticeFrom   *time.Time       `json:"notice_from"`
	NoticeUntil  *time.Time       `json:"notice_until"`
	Decision     string           `json:"decision"`
	Summary      string           `json:"summary"`
	Reason       string           `json:"withdraw_reason"`
	Objections   int              `json:"objections"`
	Pending      int              `json:"pending"`
	CreatedAt    time.Time        `json:"created_at"`
	PublishedAt  *time.Time       `json:"published_at"`
	FinalAt      *time.Time       `json:"final_at"`
	UpdatedAt    time.Time        `json:"updated_at"`
	// Lines and the totals are a finance item's table (Get only).
	Lines      []Line `json:"lines,omitempty"`
	IncomeFen  int64  `json:"income_fen"`
	ExpenseFen int64  `json:"expense_fen"`
	Income     string `json:"income"`  // IncomeFen in yuan
	Expense    string `json:"expense"` // ExpenseFen in yuan
	Balance    string `json:"balance"` // income less expense, in yuan
	// Mine counts the objections the reader raised.
	Mine int `json:"mine"`
	// List holds the objections with their answers (Get only); objectors
	// are never named.
	List []Objection `json:"objection_list,omitempty"`

	createdBy string
}

// Objection is one objection as its readers see it: never who raised it.
type Objection struct {
	ID         int        `json:"id"`
	Text       string     `json:"text"`
	At         time.Time  `json:"at"`
	OnBehalf   bool       `json:"on_behalf"`
	Mine       bool       `json:"mine"`
	Answer     string     `json:"answer"`
	Changed    bool       `json:"changed"`
	AnsweredAt *time.Time `json:"answered_at"`
}

// Event is one change of an item, as its readers see it: what and when,
// whether staff acted on a resident's behalf, never who.
type Event struct {
	At         time.Time `json:"at"`
	Kind       string    `json:"kind"`
	FromStatus Status    `json:"from_status"`
	ToStatus   Status    `json:"to_status"`
	Objection  int       `json:"objection"`
	OnBehalf   bool      `json:"on_behalf"`
	Text       string    `json:"text"`
}

// EventKinds are the kinds of events.
var EventKinds = []string{"create", "open", "decide", "object", "answer", "end", "final", "withdraw"}

// Limits of the input and of the periods. Periods are calendar days: a
// period of n days opened on a day runs until the end of the nth day after
// it (so never less than n whole days); public notice is commonly set in
// calendar days (公示期七天), and the same count serves village boards.
const (
	MaxTitle           = 60
	MaxBody            = 5000
	MaxText            = 1000 // an objection or an answer
	MaxSummary         = 3000
	MaxReason          = 500
	MaxLines           = 200
	MaxItem            = 60
	MaxAmountFen       = 1_000_000_000_000_000 // ten trillion yuan
	DefaultNoticeDays  = 7
	MinNoticeDays      = 5
	MaxNoticeDays      = 30
	DefaultCommentDays = 14
	MinCommentDays     = 3
	MaxCommentDays     = 60
	// MaxPerResident is how many objections one resident raises on one item.
	MaxPerResident = 3
	// MaxObjections is how many objections one item takes in all.
	MaxObjections = 500
	MaxList       = 100
	DefaultList   = 20
)

// Service keeps the items, their objections and the disclosure schedules.
type Service struct {
	db    *db.DB
	clock clock.Clock
	gov   *gov.Service
	loc   *time.Location
}

// NewService returns the service.
func NewService(d *db.DB, c clock.Clock, g *gov.Service) *Service {
	return &Service{db: d, clock: c, gov: g, loc: clock.BusinessZone()}
}

var (
	errNotFound = errs.NotFoundf("公示公告不存在", "no such notice")
	errArea     = errs.Invalidf("区划代码格式不正确", "malformed area code")
	errState    = errs.Conflictf("当前状态不允许此操作", "the notice's status does not allow this")
)

func (s *Service) at(ms int64) time.Time { return time.UnixMilli(ms).In(s.loc) }

// periodEnd is when a period of n calendar days opened at t ends: the
// midnight after the nth day following t's day.
func (s *Service) periodEnd(t time.Time, n int) time.Time {
	t = t.In(s.loc)
	return time.Date(t.Year(), t.Month(), t.Day()+n+1, 0, 0, 0, 0, s.loc)
}

// DaysLeft is how many days of the period ending at until are left now,
// counting a part of a day as a day; 0 once it has ended.
func (s *Service) DaysLeft(until *time.Time) int {
	if until == nil {
		return 0
	}
	left := until.Sub(s.clock.Now())
	if left <= 0 {
		return 0
	}
	return int((left + 24*time.Hour - 1) / (24 * time.Hour))
}

// Now is the service's time, for pages that compare with its periods.
func (s *Service) Now() time.Time { return s.clock.Now() }
