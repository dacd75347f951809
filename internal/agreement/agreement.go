// Package agreement is the agreements (协议/责任清单) between the district
// and the organisations outside the government that take part in its work:
// property companies, social organisations, service providers, companies
// and technology vendors. An agreement sets the organisation's scope (its
// areas, categories and services), its duties (per category, the time
// limit within which it completes the tickets it handles: they run on that
// clock and count so in its evaluation), its rights, the personal data its
// staff may read (phone, name, exact address; in which areas), its dates
// and its status (active, suspended, ended). Without an agreement in force
// its staff can do nothing: the Gate refuses their every request, sessions
// and API keys included. The monthly report lists their reads of personal
// data.
//
// Who may do what is policy.go.
package agreement

import (
	"encoding/json"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Status is where an agreement stands.
type Status string

const (
	StatusActive    Status = "active"    // 生效
	StatusSuspended Status = "suspended" // 暂停
	StatusEnded     Status = "ended"     // 终止
)

// Statuses lists every status.
var Statuses = []Status{StatusActive, StatusSuspended, StatusEnded}

// Event kinds of an agreement's log.
const (
	EventCreated   = "created"
	EventUpdated   = "updated"
	EventSuspended = "suspended"
	EventResumed   = "resumed"
	EventEnded     = "ended"
)

// EventKinds lists every event kind.
var EventKinds = []string{EventCreated, EventUpdated, EventSuspended, EventResumed, EventEnded}

// Limits of the input.
const (
	MaxTitle    = 100
	MaxAreas    = 50
	MaxCats     = 100
	MaxServices = 20
	MaxService  = 100
	MaxRights   = 2000
	MaxDuties   = 100
	MaxNote     = 200
	MaxReason   = 500
	MaxYears    = 10
	MaxList     = 500
)

// Duty is what the organisation undertakes for the tickets of a category
// (and those under it) that it handles: to complete them within Limit, in
// working hours ("48h") or working days ("3d").
type Duty struct {
	CategoryCode string       `json:"category_code"`
	Limit        ticket.Limit `json:"limit"`
	Note         string       `json:"note"`
}

// Agreement is one agreement.
type Agreement struct {
	ID         string   `json:"id"`
	OrgCode    string   `json:"org_code"`
	OrgName    string   `json:"org_name"`
	OrgKind    string   `json:"org_kind"`
	Title      string   `json:"title"`
	Areas      []string `json:"areas"`
	Categories []string `json:"categories"`
	Services   []string `json:"services"`
	Rights     string   `json:"rights"`
	DataAreas  []string `json:"data_areas"`
	SeePhone   bool     `json:"see_phone"`
	SeeName    bool     `json:"see_name"`
	SeeAddress bool     `json:"see_address"`
	StartsOn   string   `json:"starts_on"`
	EndsOn     string   `json:"ends_on"`
	Status     Status   `json:"status"`
	// InForce tells whether it admits the organisation's staff now: active
	// and today within its dates.
	InForce   bool      `json:"in_force"`
	Duties    []Duty    `json:"duties"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Input is what makes or changes an agreement.
type Input struct {
	OrgCode    string   `json:"org_code"`
	Title      string   `json:"title"`
	Areas      []string `json:"areas"`
	Categories []string `json:"categories"`
	Services   []string `json:"services"`
	Rights     string   `json:"rights"`
	DataAreas  []string `json:"data_areas"`
	SeePhone   bool     `json:"see_phone"`
	SeeName    bool     `json:"see_name"`
	SeeAddress bool     `json:"see_address"`
	StartsOn   string   `json:"starts_on"`
	EndsOn     string   `json:"ends_on"`
	Duties     []Duty   `json:"duties"`
}

// Event is one change of an agreement.
type Event struct {
	Seq    int             `json:"seq"`
	At     time.Time       `json:"at"`
	Kind   string          `json:"kind"`
	Actor  string          `json:"actor"`
	Detail json.RawMessage `json:"detail"`
}

// Service keeps the agreements.
type Service struct {
	db      *db.DB
	clock   clock.Clock
	gov     *gov.Service
	tickets *ticket.Service
	auth    *auth.Service
}

// NewService returns the service.
func NewService(d *db.DB, c clock.Clock, g *gov.Service, t *ticket.Service, a *auth.Service) *Service {
	return &Service{db: d, clock: c, gov: g, tickets: t, auth: a}
}

// today is the business date of now.
func (s *Service) today() string { return s.clock.Now().In(clock.BusinessZone()).Format(dateLayout) }

const dateLayout = "2006-01-02"

// inForce reports whether the agreement admits its staff on the date.
func (a Agreement) inForce(today string) bool {
	return a.Status == StatusActive && a.StartsOn <= today && today <= a.EndsOn
}
