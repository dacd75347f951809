// Package service is the neighbourhood service circle (邻里服务): the
// providers of services to residents — community service points, social
// organisations, companies, volunteer teams, each an organisation with an
// agreement (what it provides, the areas it serves, its hours, free or
// priced, its qualifications and their expiry) — their services by
// category, the bookable slots with their capacity, what is near a
// community (the 15-minute circle), and the requests: a resident books a
// slot or asks for a service, the provider confirms or declines within a
// time limit on the tickets' working-day calendar, both sides confirm the
// completion, she rates it, and a complaint about the provider becomes a
// ticket for the community. The figures of supply against need are
// figures.go.
//
// Who may do what is policy.go.
package service

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/calendar"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/plaintext"
)

// Category is what kind of service it is.
type Category string

const (
	CatElderly      Category = "elderly"      // 养老
	CatChildcare    Category = "childcare"    // 托育
	CatMedical      Category = "medical"      // 医疗
	CatEducation    Category = "education"    // 教育
	CatHousekeeping Category = "housekeeping" // 家政
	CatMeals        Category = "meals"        // 助餐
	CatRepairs      Category = "repairs"      // 维修
	CatLegal        Category = "legal"        // 法律
)

// Categories lists the categories in the order the directory shows them.
var Categories = []Category{CatElderly, CatChildcare, CatMedical, CatEducation, CatHousekeeping, CatMeals, CatRepairs, CatLegal}

// categoryNames are the categories' names in the words of a notification.
var categoryNames = map[Category]string{CatElderly: "养老", CatChildcare: "托育", CatMedical: "医疗", CatEducation: "教育",
	CatHousekeeping: "家政", CatMeals: "助餐", CatRepairs: "维修", CatLegal: "法律"}

// Name is the category's Chinese name, or its code when unknown.
func (c Category) Name() string {
	if n, ok := categoryNames[c]; ok {
		return n
	}
	return string(c)
}

// Valid reports whether c is a known category.
func (c Category) Valid() bool {
	for _, x := range Categories {
		if x == c {
			return true
		}
	}
	return false
}

// Status is where a request stands.
type Status string

const (
	StatusRequested Status = "requested" // 待机构确认
	StatusConfirmed Status = "confirmed" // 已确认
	StatusDeclined  Status = "declined"  // 机构婉拒
	StatusCancelled Status = "cancelled" // 居民取消
	StatusExpired   Status = "expired"   // 逾期未确认，已失效
	StatusDone      Status = "done"      // 双方确认完成
)

// Statuses lists every status.
var Statuses = []Status{StatusRequested, StatusConfirmed, StatusDeclined, StatusCancelled, StatusExpired, StatusDone}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, x := range Statuses {
		if x == s {
			return true
		}
	}
	return false
}

// Open reports whether a request in s still waits for someone.
func (s Status) Open() bool { return s == StatusRequested || s == StatusConfirmed }

// Limits of the input.
const (
	MaxProvides      = 500
	MaxHours         = 100
	MaxPriceNote     = 100
	MaxAreas         = 50 // areas a provider serves
	MaxQualName      = 60
	MaxQualNumber    = 60
	MaxQualsPer      = 20
	MaxServiceName   = 60
	MaxDescription   = 1000
	MaxServicesPer   = 100
	MaxSlotCapacity  = 500
	MaxSlotsPer      = 200 // open slots per service
	MaxSlotHours     = 24
	MaxAheadDays     = 180
	MaxNote          = 500
	MaxReason        = 500
	MaxRatingText    = 500
	MaxComplaint     = 1000
	MaxList          = 100
	MaxOpenRequests  = 10 // requests under way of one resident
	DefaultList      = 30
	DefaultRadius    = 1000 // metres: about a 15-minute walk
	MaxRadius        = 10000
	DefaultConfirm   = 1 // working days the provider has to answer
	MaxConfirmDays   = 10
	ExpireAfterDays  = 5 // working days after which an unanswered request without slot lapses
	ReminderLeadTime = 2 * time.Hour
)

// Service keeps the providers, services, slots and requests.
type Service struct {
	db          *db.DB
	clock       clock.Clock
	gov         *gov.Service
	cal         *calendar.Calendar
	loc         *time.Location
	confirmDays int
	tickets     Tickets
	needs       NeedsReader // her own needs, for what fits her (fits.go)
}

// Tickets is what the service asks of the ticket capability: a complaint
// about a provider made a ticket as the resident, a ticket read as its
// reader may read it (its reporter's phone and area), and a note on a
// ticket naming the request made from it. The app wires it to the ticket
// service.
type Tickets interface {
	Complain(ctx context.Context, resident auth.User, areaCode, text string) (number string, err error)
	Read(ctx context.Context, u auth.User, number string) (reporterPhone, areaCode string, err error)
	Note(ctx context.Context, u auth.User, number, text string) error
}

// NewService returns the service on the default calendar, providers having
// one working day to answer.
func NewService(d *db.DB, c clock.Clock, g *gov.Service) *Service {
	return &Service{db: d, clock: c, gov: g, cal: calendar.Default(), loc: clock.BusinessZone(), confirmDays: DefaultConfirm}
}

// SetCalendar sets the working-day calendar the time to answer is counted
// on (the one the tickets' time limits use).
func (s *Service) SetCalendar(cal *calendar.Calendar) {
	if cal != nil {
		s.cal = cal
	}
}

// SetConfirmDays sets the working days a provider has to confirm or decline
// a request (1 to MaxConfirmDays).
func (s *Service) SetConfirmDays(n int) error {
	if n < 1 || n > MaxConfirmDays {
		return errs.Invalidf("确认时限须为1到%d个工作日", "the time to confirm must be 1 to %d working days", MaxConfirmDays)
	}
	s.confirmDays = n
	return nil
}

// SetTickets sets how complaints become tickets and requests are made from
// tickets; without it neither is offered.
func (s *Service) SetTickets(t Tickets) { s.tickets = t }

var (
	errNotFound        = errs.NotFoundf("服务申请不存在", "no such service request")
	errNoService       = errs.NotFoundf("服务不存在", "no such service")
	errNoProvider      = errs.NotFoundf("服务机构不存在", "no such provider")
	errNoSlot          = errs.NotFoundf("预约时段不存在", "no such slot")
	errArea            = errs.Invalidf("区划代码格式不正确", "malformed area code")
	errCategory        = errs.Invalidf("服务类别不正确，应为 elderly、childcare、medical、education、housekeeping、meals、repairs 或 legal", "category must be elderly, childcare, medical, education, housekeeping, meals, repairs or legal")
	errNoTickets       = errs.New(errs.Unavailable, "工单服务未接入", "tickets are not available")
	errForbiddenKeep   = errs.New(errs.Forbidden, "只有管理员或辖区覆盖该机构的工作人员可以维护服务机构", "only the administrator or staff whose area covers the provider keep it")
	errForbiddenAnswer = errs.New(errs.Forbidden, "只有该服务机构的工作人员可以确认或婉拒", "only the provider's staff confirm or decline")
)

func errState(s Status) error {
	return errs.Conflictf("服务申请当前状态（%s）不允许此操作", "the request's status (%s) does not allow this", s)
}

func (s *Service) at(ms int64) time.Time { return time.UnixMilli(ms).In(s.loc) }

func (s *Service) opt(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := s.at(v.Int64)
	return &t
}

// oneLine cleans s and checks that it is 1 to max characters on one line
// (0 to max when optional).
func oneLine(s *string, max int, optional bool, zh, en string) error {
	*s = strings.TrimSpace(plaintext.Clean(*s))
	if (*s == "" && !optional) || utf8.RuneCountInString(*s) > max || strings.ContainsAny(*s, "\r\n") {
		if optional {
			return errs.New(errs.Invalid, fmt.Sprintf("%s不超过%d字，且只占一行", zh, max), fmt.Sprintf("%s must be at most %d characters on one line", en, max))
		}
		return errs.New(errs.Invalid, fmt.Sprintf("%s不能为空，不超过%d字，且只占一行", zh, max), fmt.Sprintf("%s must be 1 to %d characters on one line", en, max))
	}
	return nil
}

// text cleans s and checks that it has at most max characters (at least one
// unless optional).
func text(s *string, max int, optional bool, zh, en string) error {
	*s = strings.TrimSpace(plaintext.Clean(*s))
	if (*s == "" && !optional) || utf8.RuneCountInString(*s) > max {
		if optional {
			return errs.New(errs.Invalid, fmt.Sprintf("%s不超过%d字", zh, max), fmt.Sprintf("%s must be at most %d characters", en, max))
		}
		return errs.New(errs.Invalid, fmt.Sprintf("%s不能为空且不超过%d字", zh, max), fmt.Sprintf("%s must be 1 to %d characters", en, max))
	}
	return nil
}

// Event is one change of a provider, a service, a slot or a request.
type Event struct {
	Seq      int             `json:"seq"`
	At       time.Time       `json:"at"`
	Kind     string          `json:"kind"`
	Actor    string          `json:"actor"`
	OnBehalf string          `json:"on_behalf"` // masked phone of the resident staff acted for
	Detail   json.RawMessage `json:"detail"`
}

// event appends a line to the subject's log in tx; onBehalf is the phone of
// the resident the actor acted for.
func (s *Service) event(ctx context.Context, tx *sql.Tx, subject string, u auth.User, onBehalf, kind string, detail map[string]any, at time.Time) error {
	return db.AppendEvent(ctx, tx, db.Event{Table: "service_events", KeyColumn: "subject", Key: subject, At: at, Actor: u.ID, Kind: kind, Detail: detail, OnBehalf: onBehalf})
}

// keeper tells whether u's organisation keeps providers (Keeper).
func (s *Service) keeper(ctx context.Context, q db.Queryer, u auth.User) (bool, error) {
	if u.IsAdmin() {
		return true, nil
	}
	if !u.Role.IsStaff() || u.OrgCode == "" {
		return false, nil
	}
	o, err := gov.OrgQ(ctx, q, u.OrgCode)
	if errs.Is(err, errs.NotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return Keeper(u, o.Kind), nil
}

// Keeps reports whether u keeps providers at all (the staff page offers
// the form that registers one).
func (s *Service) Keeps(ctx context.Context, u auth.User) (bool, error) {
	k, err := s.keeper(ctx, s.db.R, u)
	return k && (u.IsAdmin() || u.AreaCode != ""), err
}

// notify records a notification for a phone or an organisation, in the
// notifications the ticket capability delivers and lists.
func (s *Service) notify(ctx context.Context, tx *sql.Tx, now time.Time, phone, org, text string) error {
	if phone == "" && org == "" {
		return nil
	}
	return db.Notify(ctx, tx, db.Note{At: now, OrgCode: org, Phone: phone, Kind: "service", Text: text})
}
