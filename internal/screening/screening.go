// Package screening is the rounds of door-to-door checks (逐一排查) in a
// grid: a supervisor or the community's staff schedule a round for a grid
// with its period and the households and places to check (imported as
// lines of text, or those of the grid's previous round); the grid's
// workers record each one checked, "nothing found" (无异常) included, and
// a finding becomes a ticket, or through a converter another capability
// registers, a mediation case or a service request. Coverage — checked
// over listed — is a figure per round and per month for a grid, a
// community or a street. The background step reminds the grid a day
// before a round ends and ends it at its end: what was not checked stays
// listed as missed.
//
// Who may do what is policy.go.
package screening

import (
	"context"
	"database/sql"
	"encoding/json"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Status is where a round stands.
type Status string

const (
	StatusOpen  Status = "open"  // 排查中（或未开始）
	StatusEnded Status = "ended" // 已结束
)

// Status of a place in a round.
const (
	PlaceListed  = "listed"  // 待排查
	PlaceChecked = "checked" // 已排查
	PlaceMissed  = "missed"  // 轮次结束时未排查
)

// Kinds of place.
const (
	KindHousehold = "household" // 住户
	KindPlace     = "place"     // 场所
)

// Results of a check.
const (
	ResultClear   = "clear"   // 无异常
	ResultFinding = "finding" // 发现问题
)

// ConvertTicket is the kind a finding becomes unless it says otherwise:
// a ticket, made by the ticket capability as the grid worker.
const ConvertTicket = "ticket"

// The kinds other capabilities register: a mediation case of a dispute
// found, a service request for a resident found in need.
const (
	ConvertMediation = "mediation"
	ConvertService   = "service"
)

// Limits of the input.
const (
	MaxTitle     = 60
	MaxAddress   = 100
	MaxPlaces    = 2000 // per round
	MaxNote      = 500
	MinFinding   = 5 // characters describing a finding
	MaxDays      = 92
	MaxAheadDays = 366
	MaxList      = 100
	MaxGrids     = 500 // offered on the staff's form
	DefaultList  = 20
	// RemindBefore is how long before a round's end its grid is told.
	RemindBefore = 24 * time.Hour
)

// Round is one round as its reader may see it.
type Round struct {
	ID        string     `json:"id"`
	AreaCode  string     `json:"area_code"`
	AreaName  string     `json:"area_name"`
	Title     string     `json:"title"`
	StartsAt  time.Time  `json:"starts_at"`
	EndsAt    time.Time  `json:"ends_at"`
	Status    Status     `json:"status"`
	Listed    int64      `json:"listed"`
	Checked   int64      `json:"checked"`
	Coverage  float64    `json:"coverage"` // Checked / Listed, 0 to 1
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	EndedAt   *time.Time `json:"ended_at"`
	Places    []Place    `json:"places,omitempty"`
	// For the reader: whether she records checks and schedules rounds here.
	CanRecord   bool `json:"can_record"`
	CanSchedule bool `json:"can_schedule"`
}

// Place is one household or place of a round.
type Place struct {
	Seq         int        `json:"seq"`
	Address     string     `json:"address"`
	Kind        string     `json:"kind"`
	Status      string     `json:"status"`
	Result      string     `json:"result"`
	Note        string     `json:"note"`
	ConvertedTo string     `json:"converted_to"`
	Ref         string     `json:"ref"`
	CheckedAt   *time.Time `json:"checked_at"`
}

// Event is one change of a round.
type Event struct {
	Seq    int             `json:"seq"`
	At     time.Time       `json:"at"`
	Kind   string          `json:"kind"`
	Actor  string          `json:"actor"`
	Detail json.RawMessage `json:"detail"`
}

// Finding is what a converter is handed: a finding recorded in a round.
type Finding struct {
	RoundID  string `json:"round_id"`
	Seq      int    `json:"seq"`
	AreaCode string `json:"area_code"`
	Address  string `json:"address"`
	Kind     string `json:"kind"`
	Note     string `json:"note"`
	// CategoryCode is the ticket category the recorder chose, if any.
	CategoryCode string `json:"category_code"`
	// Dispute and ForResident are what the recorder gave for a mediation
	// case or a service request, if any.
	Dispute     *Dispute     `json:"dispute,omitempty"`
	ForResident *ForResident `json:"for_resident,omitempty"`
}

// Dispute is a dispute as the grid worker heard it: its type and the
// parties, the first the one who raised it (their phones may be unknown).
type Dispute struct {
	Type    string         `json:"type"`
	Parties []DisputeParty `json:"parties"`
}

// DisputeParty is one party of a dispute found in a round.
type DisputeParty struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

// MaxParties bounds the parties given with a finding.
const MaxParties = 10

// ForResident is the resident a service is asked for, and the service.
type ForResident struct {
	ServiceID string `json:"service_id"`
	Phone     string `json:"phone"`
	Name      string `json:"name"`
}

// Converter makes an item of its kind from a finding, acting as u (the
// grid worker), and returns the item's number. It may refuse with an errs
// error, which the recording then returns, nothing written.
type Converter func(ctx context.Context, u auth.User, f Finding) (string, error)

// Service keeps the rounds.
type Service struct {
	db      *db.DB
	clock   clock.Clock
	gov     *gov.Service
	tickets *ticket.Service
	loc     *time.Location

	mu         sync.RWMutex
	converters map[string]Converter
}

// NewService returns the service; a finding becomes a ticket through
// tickets, and other kinds once their capability registers a converter.
func NewService(d *db.DB, c clock.Clock, g *gov.Service, tickets *ticket.Service) *Service {
	s := &Service{db: d, clock: c, gov: g, tickets: tickets, loc: clock.BusinessZone(), converters: map[string]Converter{}}
	s.converters[ConvertTicket] = s.toTicket
	return s
}

// RegisterConverter lets a finding become an item of the kind (mediation,
// service): fn makes it. A kind is registered once, when the application
// is wired, before requests are served.
func (s *Service) RegisterConverter(kind string, fn Converter) {
	if !validConvertKind(kind) || fn == nil {
		panic("screening: bad registration of " + kind)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.converters[kind] = fn
}

// ConvertKinds lists the kinds a finding may become now, the ticket first.
func (s *Service) ConvertKinds() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []string{ConvertTicket}
	for _, k := range []string{ConvertMediation, ConvertService} {
		if s.converters[k] != nil {
			out = append(out, k)
		}
	}
	for k := range s.converters {
		if k != ConvertTicket && k != ConvertMediation && k != ConvertService {
			out = append(out, k)
		}
	}
	return out
}

func (s *Service) converter(kind string) Converter {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.converters[kind]
}

func validConvertKind(k string) bool {
	return k != "" && len(k) <= 20 && strings.Trim(k, "abcdefghijklmnopqrstuvwxyz_") == ""
}

// toTicket makes a ticket of the finding as the grid worker: the
// dispatchers place it like any grid report.
func (s *Service) toTicket(ctx context.Context, u auth.User, f Finding) (string, error) {
	if s.tickets == nil {
		return "", errs.Invalidf("工单服务未启用", "tickets are not available")
	}
	t, err := s.tickets.Create(ctx, &u, ticket.NewTicket{CategoryCode: f.CategoryCode, Description: f.Note, AreaCode: f.AreaCode, Address: f.Address})
	if err != nil {
		return "", err
	}
	return t.Number, nil
}

var (
	errNotFound = errs.NotFoundf("排查轮次不存在", "no such screening round")
	errArea     = errs.Invalidf("区划代码格式不正确", "malformed area code")
	errPlace    = errs.NotFoundf("该轮次没有这一户（处）", "no such place in the round")
)

var idRE = regexp.MustCompile(`^PC[0-9]{12}$`)

// ValidID reports whether id looks like a round's number.
func ValidID(id string) bool { return idRE.MatchString(id) }

func (s *Service) at(ms int64) time.Time { return time.UnixMilli(ms).In(s.loc) }

func (s *Service) opt(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := s.at(v.Int64)
	return &t
}

// event appends a line to the round's log in tx.
func (s *Service) event(ctx context.Context, tx *sql.Tx, id string, u auth.User, kind string, detail map[string]any, at time.Time) error {
	return db.AppendEvent(ctx, tx, db.Event{Table: "screening_events", KeyColumn: "round_id", Key: id, At: at, Actor: u.ID, Kind: kind, Detail: detail})
}

// notify records a notification for a role within an area, in the
// notifications the ticket capability delivers and lists.
func (s *Service) notify(ctx context.Context, tx *sql.Tx, now time.Time, role auth.Role, area, text string) error {
	return db.Notify(ctx, tx, db.Note{At: now, AreaCode: area, Role: string(role), Kind: "screening", Text: text})
}

// ratio is checked over listed, 0 when nothing is listed, to four places.
func ratio(checked, listed int64) float64 {
	if listed <= 0 {
		return 0
	}
	return float64(checked*10000/listed) / 10000
}
