// Package proposal is residents' proposals (提案) at four levels — a
// courtyard (院落/小区), a community (社区), a street (街道) and the district
// (区) — with co-signing (附议), acceptance at a threshold, the answer of the
// responsible organisation within working days, escalation to the level
// above, and progress to completion. It also keeps residence: which areas a
// resident (her verified phone) lives in, as staff verified it, and the
// courtyards and populations the thresholds count on.
//
// Who may do what is policy.go; which organisation answers at which level is
// responsible.go; the thresholds are threshold.go.
package proposal

import (
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"time"

	"github.com/gongzhi/gongzhi/internal/calendar"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Status is where a proposal stands.
type Status string

const (
	StatusCollecting Status = "collecting" // 征集附议中
	StatusLapsed     Status = "lapsed"     // 附议期满未达门槛
	StatusAccepted   Status = "accepted"   // 已受理，待答复
	StatusAdopted    Status = "adopted"    // 已采纳，办理中
	StatusRejected   Status = "rejected"   // 不予采纳
	StatusEscalated  Status = "escalated"  // 已提级，待上级答复
	StatusDone       Status = "done"       // 已办结
)

// Statuses lists every status.
var Statuses = []Status{StatusCollecting, StatusLapsed, StatusAccepted, StatusAdopted, StatusRejected, StatusEscalated, StatusDone}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, x := range Statuses {
		if x == s {
			return true
		}
	}
	return false
}

// Awaiting reports whether the responsible organisation owes an answer.
func (s Status) Awaiting() bool { return s == StatusAccepted || s == StatusEscalated }

// The four levels of a proposal, lowest first.
var Levels = []gov.Level{gov.LevelCourtyard, gov.LevelCommunity, gov.LevelStreet, gov.LevelDistrict}

// ValidLevel reports whether l is a level proposals are raised at.
func ValidLevel(l gov.Level) bool { return levelIndex(l) >= 0 }

func levelIndex(l gov.Level) int {
	for i, x := range Levels {
		if x == l {
			return i
		}
	}
	return -1
}

// Proposal is one proposal as its readers see it.
type Proposal struct {
	Number         string     `json:"number"`
	Level          gov.Level  `json:"level"`
	AreaCode       string     `json:"area_code"`
	AreaName       string     `json:"area_name"`
	OriginAreaCode string     `json:"origin_area_code"`
	Title          string     `json:"title"`
	Body           string     `json:"body"`
	Status         Status     `json:"status"`
	Population     int64      `json:"population"`
	Threshold      int64      `json:"threshold"`
	Cosigns        int64      `json:"cosigns"`
	CollectUntil   time.Time  `json:"collect_until"`
	OrgCode        string     `json:"org_code"`
	AcceptedAt     *time.Time `json:"accepted_at"`
	AnswerDue      *time.Time `json:"answer_due"`
	AnsweredAt     *time.Time `json:"answered_at"`
	AnsweredLate   bool       `json:"answered_late"`
	Answer         string     `json:"answer"`
	Progress       int64      `json:"progress"`
	Tickets        []string   `json:"tickets"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	// Visibility is who may read it (disclosure): its area's residents
	// (the default) or everyone.
	Visibility disclosure.Level `json:"visibility"`
	// Theme is the monthly theme it was made from ("2026-11 楼道照明"), if
	// any; its tickets are among Tickets.
	Theme string `json:"theme,omitempty"`
	// Mine tells the reader that she raised it; Cosigned that she co-signed.
	Mine     bool `json:"mine"`
	Cosigned bool `json:"cosigned"`

	proposerPhone string
}

// Event is one change of a proposal.
type Event struct {
	At         time.Time `json:"at"`
	Kind       string    `json:"kind"`
	FromStatus Status    `json:"from_status"`
	ToStatus   Status    `json:"to_status"`
	Level      gov.Level `json:"level"`
	AreaCode   string    `json:"area_code"`
	OrgCode    string    `json:"org_code"`
	Late       bool      `json:"late"`
	Percent    int64     `json:"percent"`
	Text       string    `json:"text"`
	// OnBehalf tells that staff entered it for a resident (代为提出、代为附议).
	OnBehalf bool `json:"on_behalf"`

	onBehalf string // the resident's phone, kept in the event
}

// Limits of the input.
const (
	MaxTitle      = 60
	MaxBody       = 3000
	MaxAnswer     = 2000
	MaxTickets    = 5
	MaxList       = 100
	DefaultList   = 20
	MaxPopulation = 100_000_000
	MaxImportRows = 5000
)

// Service keeps residence and proposals.
type Service struct {
	db      *db.DB
	clock   clock.Clock
	gov     *gov.Service
	cal     *calendar.Calendar
	rules   Rules
	loc     *time.Location
	tickets TicketReader
}

// NewService returns the service with the default rules and calendar.
func NewService(d *db.DB, c clock.Clock, g *gov.Service) *Service {
	return &Service{db: d, clock: c, gov: g, cal: calendar.Default(), rules: DefaultRules(), loc: clock.BusinessZone()}
}

// SetCalendar sets the working-day calendar answers are due on (the one the
// tickets' time limits use).
func (s *Service) SetCalendar(cal *calendar.Calendar) {
	if cal != nil {
		s.cal = cal
	}
}

// SetRules replaces the thresholds and periods; they are checked first.
func (s *Service) SetRules(r Rules) error {
	if err := r.Check(); err != nil {
		return err
	}
	s.rules = r
	return nil
}

// Rules returns the rules in force.
func (s *Service) Rules() Rules { return s.rules }

var (
	errNotFound = errs.NotFoundf("提案不存在", "no such proposal")
	errArea     = errs.Invalidf("区划代码格式不正确", "malformed area code")
)

func (s *Service) at(ms int64) time.Time { return time.UnixMilli(ms).In(s.loc) }
