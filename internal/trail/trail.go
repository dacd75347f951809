// Package trail is the responsibility trail (责任链) of an item: who held a
// ticket, a proposal, a key project, a mediation case or a service request
// at each step — which unit and, where one is known, which person — from
// when to when and so for how long (wall time and working time on the
// calendar), against which time limit (met, or overdue by how much), and
// who returned, re-dispatched, escalated or handed it over, and why.
//
// The package decides nothing about who may read an item: each capability
// registers a Source that tells, for the acting user, the steps of one of
// its items from its own event log, by its own rules (the same reader as
// the item's staff view). The trail only measures the steps and names the
// units and people in them. A reader who is not staff (a ticket's reporter)
// sees the units only: no staff's names and no reasons, which are notes
// among the staff.
package trail

import (
	"context"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/calendar"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Kinds of item that have a trail.
const (
	KindTicket    = "ticket"
	KindProposal  = "proposal"
	KindProject   = "project"
	KindMediation = "mediation"
	KindService   = "service"
)

// Kinds lists them in the order the pages name them.
var Kinds = []string{KindTicket, KindProposal, KindProject, KindMediation, KindService}

// Step is one span in which one holder had the item, as its capability
// tells it from its event log.
type Step struct {
	// Stage is what the item waited for in the span: the capability's
	// status or phase (dispatched, handling, accepted, mediating, …).
	Stage string
	// Org is the unit that held it ("" for no unit: the dispatchers' desk
	// before dispatch, the residents while a proposal collects signatures,
	// the reporter while a reply waits for her rating).
	Org string
	// Desk names the holder when Org is empty: dispatch, reporter,
	// residents, provider, … (the pages word it).
	Desk string
	// PersonID is the account that held it within the unit, where one
	// did (the handler who signed, the mediators); Person is the name
	// when the capability knows it already.
	PersonID, Person string
	From             time.Time
	To               *time.Time // nil while it is held still
	// Due is the time limit in force in the span; nil when there is none.
	Due *time.Time
	// How the span ended: the event's kind (return, redispatch, approve_return,
	// escalate, to_ticket, answer, …), who ended it (an account, or a name
	// the capability knows) and the event's reason text.
	EndKind        string
	EndByID, EndBy string
	Reason         string
}

// Item is an item with its steps, as its capability lets u read it.
type Item struct {
	Number, Title, Status string
	Steps                 []Step
	// Staff tells that u reads it as staff: she sees the people and the
	// reasons; anyone else the units and the times only.
	Staff bool
}

// Source tells the steps of one item of a kind, or the capability's error
// when u may not read it (the same as for the item itself).
type Source func(ctx context.Context, u auth.User, number string) (Item, error)

// Trail is an item's responsibility trail as one reader sees it.
type Trail struct {
	Kind   string    `json:"kind"`
	Number string    `json:"number"`
	Title  string    `json:"title"`
	Status string    `json:"status"`
	At     time.Time `json:"at"` // when it was measured: open steps run to it
	Rows   []Row     `json:"steps"`
	// Staff tells that the reader sees names and reasons.
	Staff bool `json:"-"`
}

// Row is one step measured.
type Row struct {
	Seq      int        `json:"seq"`
	Stage    string     `json:"stage"`
	OrgCode  string     `json:"org_code"`
	Holder   string     `json:"holder"` // the unit's name, or the desk
	Desk     string     `json:"desk,omitempty"`
	Person   string     `json:"person"`
	From     time.Time  `json:"from"`
	To       *time.Time `json:"to"`
	Wall     int64      `json:"wall_seconds"`
	Working  int64      `json:"working_seconds"`
	Due      *time.Time `json:"due"`
	Limit    string     `json:"limit"` // none, running, met, overdue
	Overdue  int64      `json:"overdue_seconds"`
	OverdueW int64      `json:"overdue_working_seconds"`
	EndKind  string     `json:"end_kind"`
	EndBy    string     `json:"end_by"`
	Reason   string     `json:"reason"`
}

// States of a step against its time limit.
const (
	LimitNone    = "none"    // no time limit in the span
	LimitRunning = "running" // held still, within the limit
	LimitMet     = "met"     // ended within the limit
	LimitOverdue = "overdue" // ended, or held still, past it
)

// MaxSteps bounds a trail: the capabilities' event logs are bounded, and a
// trail longer than this shows its first steps.
const MaxSteps = 500

// Names tells the names of units and accounts (the app wires the
// register of organisations and the accounts).
type Names struct {
	Org  func(ctx context.Context, code string) (gov.Org, error)
	User func(ctx context.Context, id string) (auth.User, error)
}

// Service joins the sources.
type Service struct {
	cal     *calendar.Calendar
	clock   clock.Clock
	names   Names
	sources map[string]Source
}

// New returns a trail with no sources.
func New(cal *calendar.Calendar, c clock.Clock, names Names) *Service {
	return &Service{cal: cal, clock: c, names: names, sources: map[string]Source{}}
}

// Add registers the source of a kind.
func (s *Service) Add(kind string, src Source) { s.sources[kind] = src }

// ValidKind reports whether kind has a trail.
func ValidKind(kind string) bool {
	for _, k := range Kinds {
		if k == kind {
			return true
		}
	}
	return false
}

var errKind = errs.NotFoundf("没有这类事项的责任链", "there is no trail of this kind of item")

// MaxNumber bounds the number asked for.
const MaxNumber = 40

// Get returns the trail of the item of kind with number, as u may read it.
func (s *Service) Get(ctx context.Context, u auth.User, kind, number string) (Trail, error) {
	src, ok := s.sources[kind]
	if !ok {
		return Trail{}, errKind
	}
	number = strings.TrimSpace(number)
	if number == "" || len(number) > MaxNumber {
		return Trail{}, errs.NotFoundf("事项 %s 不存在", "item %s not found", number)
	}
	it, err := src(ctx, u, number)
	if err != nil {
		return Trail{}, err
	}
	if len(it.Steps) > MaxSteps {
		it.Steps = it.Steps[:MaxSteps]
	}
	t := Trail{Kind: kind, Number: it.Number, Title: it.Title, Status: it.Status, At: s.clock.Now(), Rows: []Row{}, Staff: it.Staff}
	if t.Number == "" {
		t.Number = number
	}
	people := map[string]string{}
	units := map[string]string{}
	for i, st := range it.Steps {
		r := s.measure(st, t.At)
		r.Seq = i + 1
		r.Holder = s.unit(ctx, units, st.Org)
		if it.Staff {
			r.Person = s.person(ctx, people, st.PersonID, st.Person)
			r.EndBy = s.person(ctx, people, st.EndByID, st.EndBy)
			r.Reason = st.Reason
		}
		t.Rows = append(t.Rows, r)
	}
	return t, nil
}

// measure works out a step's durations and how it stands against its limit.
func (s *Service) measure(st Step, now time.Time) Row {
	r := Row{Stage: st.Stage, OrgCode: st.Org, Desk: st.Desk, From: st.From, To: st.To, Due: st.Due, EndKind: st.EndKind, Limit: LimitNone}
	end := now
	if st.To != nil {
		end = *st.To
	}
	if end.After(st.From) {
		r.Wall = int64(end.Sub(st.From) / time.Second)
		r.Working = int64(s.cal.WorkingDuration(st.From, end) / time.Second)
	}
	if st.Due == nil {
		return r
	}
	switch {
	case end.After(*st.Due):
		r.Limit = LimitOverdue
		r.Overdue = int64(end.Sub(*st.Due) / time.Second)
		r.OverdueW = int64(s.cal.WorkingDuration(*st.Due, end) / time.Second)
	case st.To == nil:
		r.Limit = LimitRunning
	default:
		r.Limit = LimitMet
	}
	return r
}

// unit is the name of the unit with code, as the register has it.
func (s *Service) unit(ctx context.Context, seen map[string]string, code string) string {
	if code == "" {
		return ""
	}
	if n, ok := seen[code]; ok {
		return n
	}
	n := code
	if o, err := s.names.Org(ctx, code); err == nil && o.Name != "" {
		n = o.Name
	}
	seen[code] = n
	return n
}

// person is how the trail names an account: a staff member by her name
// (her username when she has none), the system as 系统, a resident as
// 居民 — never her name or phone.
func (s *Service) person(ctx context.Context, seen map[string]string, id, known string) string {
	if known != "" || id == "" {
		return known
	}
	if n, ok := seen[id]; ok {
		return n
	}
	n := ""
	switch u, err := s.names.User(ctx, id); {
	case id == auth.SystemUsername:
		n = auth.System().Name
	case err != nil:
		n = ""
	case u.Role == auth.RoleResident:
		n = "居民"
	case u.Name != "":
		n = u.Name
	default:
		n = u.Username
	}
	seen[id] = n
	return n
}

// Walk builds the steps of an item event by event: its capability starts a
// step where a holder takes the item and ends it where the item leaves.
type Walk struct {
	steps []Step
	open  bool
}

// Start makes st the step held still; one still held is ended at st.From
// with the kind given.
func (w *Walk) Start(st Step, endKind string) {
	w.End(st.From, endKind, "", "")
	w.steps = append(w.steps, st)
	w.open = true
}

// End ends the step held still, if any, at at: kind is the event that
// ended it, byID the account that did, reason its reason text.
func (w *Walk) End(at time.Time, kind, byID, reason string) {
	if !w.open {
		return
	}
	st := &w.steps[len(w.steps)-1]
	st.To, st.EndKind, st.EndByID, st.Reason = &at, kind, byID, reason
	w.open = false
}

// Held is the step held still, or nil.
func (w *Walk) Held() *Step {
	if !w.open {
		return nil
	}
	return &w.steps[len(w.steps)-1]
}

// Steps are the steps so far.
func (w *Walk) Steps() []Step { return w.steps }
