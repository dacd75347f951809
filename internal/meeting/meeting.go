// Package meeting is the consultation meetings (议事会) of a street, a
// community or a courtyard: the area's standing roster of representatives
// (residents, party members, the owners' committee, the property company,
// local organisations), a meeting's notice with its agenda to every
// representative, the sign-in, the quorum, the minutes, resolutions by show
// of hands or by ballot, the publication of the record at the meeting's
// disclosure level, and the follow-up tasks of a passed resolution, due on
// the tickets' working-day calendar.
//
// Who may do what is policy.go; the figures (quorum, passing) are
// quorum.go.
package meeting

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/calendar"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Status is where a meeting stands.
type Status string

const (
	StatusDraft     Status = "draft"     // 筹备中：名单与议程
	StatusNoticed   Status = "noticed"   // 已通知
	StatusOpen      Status = "open"      // 会议进行中：签到、表决
	StatusClosed    Status = "closed"    // 已散会，待公开
	StatusPublished Status = "published" // 决议已公开
)

// Statuses lists every status in order.
var Statuses = []Status{StatusDraft, StatusNoticed, StatusOpen, StatusClosed, StatusPublished}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, x := range Statuses {
		if x == s {
			return true
		}
	}
	return false
}

// Kinds of representative.
const (
	KindResident        = "resident"         // 居民代表
	KindPartyMember     = "party_member"     // 党员代表
	KindOwnersCommittee = "owners_committee" // 业委会
	KindProperty        = "property"         // 物业服务企业
	KindOrganisation    = "organisation"     // 驻区单位、社会组织
)

// Kinds lists the kinds of representative.
var Kinds = []string{KindResident, KindPartyMember, KindOwnersCommittee, KindProperty, KindOrganisation}

// ValidKind reports whether k is a kind of representative.
func ValidKind(k string) bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Levels are the levels of area that hold meetings.
var Levels = []gov.Level{gov.LevelStreet, gov.LevelCommunity, gov.LevelCourtyard}

// Limits of the input.
const (
	MaxRoster      = 200 // representatives on an area's roster
	MinRoster      = 3   // a meeting is noticed to at least so many
	MaxName        = 30
	MaxOrgName     = 60
	MaxTitle       = 60
	MaxAgendaItems = 20
	MaxAgendaItem  = 200
	MaxPlace       = 100
	MaxMinutes     = 10000
	MaxResolution  = 1000
	MaxResolutions = 20 // per meeting
	MaxTaskText    = 500
	MaxTasks       = 50 // per meeting
	MaxTaskDays    = 250
	MaxNote        = 500
	MaxList        = 100
	DefaultList    = 20
	MaxAheadDays   = 366 // how far ahead a meeting may be set
	MaxPastDays    = 30  // how far back one held on paper may be entered
)

// DefaultLevel is the disclosure of a meeting unless it says otherwise.
const DefaultLevel = disclosure.Residents

// Meeting is one meeting as its reader may see it.
type Meeting struct {
	ID       string           `json:"id"`
	AreaCode string           `json:"area_code"`
	AreaName string           `json:"area_name"`
	OrgCode  string           `json:"org_code"`
	Title    string           `json:"title"`
	Agenda   []string         `json:"agenda"`
	Place    string           `json:"place"`
	StartsAt time.Time        `json:"starts_at"`
	Quorum   Quorum           `json:"quorum"`
	Level    disclosure.Level `json:"level"`
	Status   Status           `json:"status"`
	// Roster is the number of members: the area's roster until the notice,
	// then the meeting's own. Present is how many signed in; Needed how
	// many must be present for the quorum.
	Roster    int64 `json:"roster"`
	Present   int64 `json:"present"`
	Needed    int64 `json:"quorum_needed"`
	QuorumMet bool  `json:"quorum_met"`
	// The record: set when the reader may see it (RecordVisible).
	Minutes     string       `json:"minutes"`
	Resolutions []Resolution `json:"resolutions"`
	Tasks       []Task       `json:"tasks"`
	// Members is the roster as the reader may see it (MemberView).
	Members     []Member   `json:"members"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	NoticedAt   *time.Time `json:"noticed_at"`
	OpenedAt    *time.Time `json:"opened_at"`
	ClosedAt    *time.Time `json:"closed_at"`
	PublishedAt *time.Time `json:"published_at"`
	// For the reader: whether she runs it, her place on its roster (a
	// representative's account) and whether she signed in.
	CanRun     bool   `json:"can_run"`
	MyMemberID string `json:"my_representative_id"`
	SignedIn   bool   `json:"signed_in"`

	createdBy string
}

// item is the meeting as the disclosure rule reads it.
func (m Meeting) item() disclosure.Item {
	return disclosure.Item{Level: m.Level, AreaCode: m.AreaCode, OrgCode: m.OrgCode, Owner: m.createdBy}
}

// Member is one representative on a meeting's roster. The name, the phone
// (masked) and who signed her in are shown to those who run the meeting
// only; other readers see her kind, her organisation and whether she came.
type Member struct {
	ID       string     `json:"id,omitempty"`
	Name     string     `json:"name,omitempty"`
	Kind     string     `json:"kind"`
	OrgName  string     `json:"org_name"`
	Phone    string     `json:"phone,omitempty"`
	Notice   string     `json:"notice,omitempty"` // sms or paper, once noticed
	Present  bool       `json:"present"`
	SignedAt *time.Time `json:"signed_at,omitempty"`
	Proxy    bool       `json:"proxy,omitempty"` // staff signed her in
}

// Event is one change of a meeting.
type Event struct {
	Seq      int             `json:"seq"`
	At       time.Time       `json:"at"`
	Kind     string          `json:"kind"`
	Actor    string          `json:"actor"`
	OnBehalf string          `json:"on_behalf"` // the member staff acted for
	Detail   json.RawMessage `json:"detail"`
}

// Service keeps the rosters, meetings and tasks.
type Service struct {
	db    *db.DB
	clock clock.Clock
	gov   *gov.Service
	cal   *calendar.Calendar
	loc   *time.Location
}

// NewService returns the service on the default calendar.
func NewService(d *db.DB, c clock.Clock, g *gov.Service) *Service {
	return &Service{db: d, clock: c, gov: g, cal: calendar.Default(), loc: clock.BusinessZone()}
}

// SetCalendar sets the working-day calendar tasks are due on (the one the
// tickets' time limits use).
func (s *Service) SetCalendar(cal *calendar.Calendar) {
	if cal != nil {
		s.cal = cal
	}
}

var (
	errNotFound = errs.NotFoundf("议事会不存在", "no such meeting")
	errArea     = errs.Invalidf("区划代码格式不正确", "malformed area code")
)

func errState(s Status) error {
	return errs.Conflictf("议事会当前状态（%s）不允许此操作", "the meeting's status (%s) does not allow this", s)
}

func (s *Service) at(ms int64) time.Time { return time.UnixMilli(ms).In(s.loc) }

func (s *Service) opt(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := s.at(v.Int64)
	return &t
}

// event appends a line to the meeting's log in tx; onBehalf names the
// member the actor acted for.
func (s *Service) event(ctx context.Context, tx *sql.Tx, id string, u auth.User, onBehalf, kind string, detail map[string]any, at time.Time) error {
	return db.AppendEvent(ctx, tx, db.Event{Table: "meeting_events", KeyColumn: "meeting_id", Key: id, At: at, Actor: u.ID, Kind: kind, Detail: detail, OnBehalf: onBehalf})
}

// notify records a notification for a phone or an organisation, in the
// notifications the ticket capability delivers and lists.
func (s *Service) notify(ctx context.Context, tx *sql.Tx, now time.Time, phone, org, text string) error {
	if phone == "" && org == "" {
		return nil
	}
	return db.Notify(ctx, tx, db.Note{At: now, OrgCode: org, Phone: phone, Kind: "meeting", Text: text})
}
