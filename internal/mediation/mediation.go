// Package mediation is people's mediation (人民调解) as the People's
// Mediation Law of the PRC sets it out: a dispute comes to a mediation
// committee on a party's application, on the committee's own initiative or
// referred by the police, a court or the hotline (a ticket becomes a case
// and keeps its number); it is screened and graded by risk in four colours
// (red notifies the street's leadership at once and, when violence
// threatens, is referred to the police); the committee's members mediate
// it in sessions whose records the parties sign; it ends in a written
// agreement (调解协议书) or a verbal one, in the refusal of a party or in
// termination without agreement — the parties then told the other routes.
// A written agreement opens the 30 days in which the parties may apply
// together to a court for judicial confirmation (司法确认); the committee
// follows up on its performance (回访). Mediation is free: nothing here
// records a fee.
//
// Who may do what is policy.go; the figures are figures.go.
package mediation

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/calendar"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Status is where a case stands.
type Status string

const (
	StatusAccepted   Status = "accepted"   // 已受理，排查评估
	StatusMediating  Status = "mediating"  // 调解中
	StatusAgreed     Status = "agreed"     // 达成调解协议
	StatusRefused    Status = "refused"    // 当事人拒绝调解
	StatusTerminated Status = "terminated" // 终止调解
)

// Statuses lists every status in order.
var Statuses = []Status{StatusAccepted, StatusMediating, StatusAgreed, StatusRefused, StatusTerminated}

// Open reports whether the case is still being mediated.
func (s Status) Open() bool { return s == StatusAccepted || s == StatusMediating }

// Ended reports whether the case has ended (in agreement or not).
func (s Status) Ended() bool { return !s.Open() }

// Sources of a case.
const (
	SourceApplication = "application" // 当事人申请
	SourceInitiative  = "initiative"  // 主动调解
	SourcePolice      = "police"      // 公安机关移送
	SourceCourt       = "court"       // 人民法院委派
	SourceHotline     = "hotline"     // 12345 热线转入
)

// Sources lists the sources.
var Sources = []string{SourceApplication, SourceInitiative, SourcePolice, SourceCourt, SourceHotline}

// Dispute types (纠纷类型).
var DisputeTypes = []string{"neighbour", "family", "property", "labour", "land", "damages", "contract", "other"}

// DisputeTypeNames are the types in Chinese.
var DisputeTypeNames = map[string]string{
	"neighbour": "邻里纠纷", "family": "婚姻家庭纠纷", "property": "物业纠纷", "labour": "劳动争议",
	"land": "土地纠纷", "damages": "损害赔偿纠纷", "contract": "合同纠纷", "other": "其他纠纷",
}

// Risk is the four-colour grading of screening (矛盾纠纷排查).
type Risk string

const (
	RiskRed    Risk = "red"    // 红：可能引发暴力或群体性事件
	RiskOrange Risk = "orange" // 橙：矛盾激化
	RiskYellow Risk = "yellow" // 黄：有激化可能
	RiskBlue   Risk = "blue"   // 蓝：一般纠纷
)

// Risks lists the colours, gravest first.
var Risks = []Risk{RiskRed, RiskOrange, RiskYellow, RiskBlue}

// Valid reports whether r is a colour.
func (r Risk) Valid() bool {
	for _, x := range Risks {
		if x == r {
			return true
		}
	}
	return false
}

// Roles of a party.
const (
	RoleApplicant  = "applicant"  // 申请人
	RoleRespondent = "respondent" // 被申请人
)

// Kinds of agreement.
const (
	AgreementWritten = "written" // 书面调解协议
	AgreementVerbal  = "verbal"  // 口头调解协议
)

// Confirmation states of judicial confirmation.
const (
	ConfirmNone    = "none"
	ConfirmApplied = "applied"
	ConfirmGranted = "granted"
	ConfirmRefused = "refused"
)

// Performance found at the follow-up.
const (
	Performed    = "performed" // 已履行
	PartlyDone   = "partly"    // 部分履行
	NotPerformed = "not"       // 未履行
)

// Limits of the input.
const (
	MinMembers          = 3
	MaxMembers          = 9
	MaxParties          = 20
	MaxOpenApplications = 3 // a resident's own applications under way
	MaxName             = 30
	MaxAddress          = 100
	MaxClaim            = 1000
	MaxSummary          = 2000
	MaxText             = 5000
	MaxNote             = 500
	MaxPlace            = 100
	MaxSessions         = 50
	MaxList             = 100
	DefaultList         = 50
	ConfirmationDays    = 30 // 司法确认申请期：协议生效之日起三十日内
	RemindDays          = 5  // the reminder, so many days before the window closes
	FollowUpDays        = 30 // follow up so long after it takes effect, unless performance is due later
)

// Routes is what the parties are told when mediation ends without
// agreement: the other ways to settle the dispute.
const Routes = "调解不成或当事人拒绝调解的，当事人可以依法通过仲裁、行政途径（向有关行政机关申请处理）或者向人民法院提起诉讼等途径维护自己的权利。"

// Case is one case as its reader may see it.
type Case struct {
	Number       string `json:"number"`
	TicketNumber string `json:"ticket_number"`
	// ToTicket is the ticket the case was handed over as after it ended
	// without agreement (HandOver); "-" while it is being made.
	ToTicket         string     `json:"to_ticket,omitempty"`
	Source           string     `json:"source"`
	SourceNote       string     `json:"source_note"`
	DisputeType      string     `json:"dispute_type"`
	Summary          string     `json:"summary"`
	AreaCode         string     `json:"area_code"`
	AreaName         string     `json:"area_name"`
	Committee        string     `json:"committee"`
	CommitteeName    string     `json:"committee_name"`
	Risk             Risk       `json:"risk"`
	Violence         bool       `json:"violence"`
	LeadersToldAt    *time.Time `json:"leaders_told_at"`
	PoliceReferredAt *time.Time `json:"police_referred_at"`
	PoliceNote       string     `json:"police_note"`
	Status           Status     `json:"status"`
	NextSessionAt    *time.Time `json:"next_session_at"`
	Parties          []Party    `json:"parties"`
	Mediators        []Mediator `json:"mediators"`
	Sessions         []Session  `json:"sessions"`
	Agreement        *Agreement `json:"agreement"`
	EndReason        string     `json:"end_reason"`
	Routes           string     `json:"routes"`
	EndedAt          *time.Time `json:"ended_at"`
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
	// For the reader: whether she mediates it and whether it is hers.
	CanRun bool `json:"can_run"`
	Mine   bool `json:"mine"`
}

// Party is one party; the phone is masked for every reader but those who
// mediate the case.
type Party struct {
	Seq       int        `json:"seq"`
	Name      string     `json:"name"`
	Phone     string     `json:"phone"`
	Role      string     `json:"role"`
	Address   string     `json:"address"`
	Claim     string     `json:"claim"`
	RefusedAt *time.Time `json:"refused_at"`
	// Signed is how she signed the agreement: image, in_person or "".
	Signed string `json:"signed"`
}

// Mediator is a committee member mediating the case.
type Mediator struct {
	MemberID string `json:"member_id"`
	Name     string `json:"name"`
	Chosen   bool   `json:"chosen"` // chosen by the parties
}

// Session is one mediation session and its record.
type Session struct {
	Seq    int         `json:"seq"`
	HeldAt time.Time   `json:"held_at"`
	Place  string      `json:"place"`
	Record string      `json:"record"`
	Signed []Signature `json:"signatures"`
}

// Signature is a party's signature of a record.
type Signature struct {
	Party int       `json:"party"`
	Kind  string    `json:"kind"` // image or in_person
	At    time.Time `json:"at"`
}

// Agreement is the mediation agreement.
type Agreement struct {
	Kind                 string     `json:"kind"` // written or verbal
	Facts                string     `json:"facts"`
	Content              string     `json:"content"`
	Performance          string     `json:"performance"`
	PerformBy            string     `json:"perform_by"`
	EffectiveOn          string     `json:"effective_on"`
	ConfirmationDeadline string     `json:"confirmation_deadline"`
	Copies               int        `json:"copies"`
	CommitteeSealed      bool       `json:"committee_sealed"`
	AgreedAt             time.Time  `json:"agreed_at"`
	Confirmation         string     `json:"confirmation"`
	ConfirmationOn       string     `json:"confirmation_on"`
	FollowUpOn           string     `json:"follow_up_on"`
	Performed            string     `json:"performed"`
	FollowedUpAt         *time.Time `json:"followed_up_at"`
}

// Event is one change of a case.
type Event struct {
	Seq    int             `json:"seq"`
	At     time.Time       `json:"at"`
	Kind   string          `json:"kind"`
	Actor  string          `json:"actor"`
	Detail json.RawMessage `json:"detail"`
}

// TicketActor is what the service needs of the tickets (ticket.Service):
// to read the ticket a case comes from and to note the case on it.
type TicketActor interface {
	Create(ctx context.Context, actor *auth.User, in ticket.NewTicket) (ticket.Ticket, error)
	Get(ctx context.Context, u auth.User, number string) (ticket.Ticket, error)
	Act(ctx context.Context, u auth.User, number, action string, in ticket.ActionInput) (ticket.Ticket, error)
}

// Service keeps the committees and cases.
type Service struct {
	db      *db.DB
	clock   clock.Clock
	gov     *gov.Service
	cal     *calendar.Calendar
	loc     *time.Location
	tickets TicketActor
	photos  SignatureStore
}

// NewService returns the service.
func NewService(d *db.DB, c clock.Clock, g *gov.Service) *Service {
	return &Service{db: d, clock: c, gov: g, cal: calendar.Default(), loc: clock.BusinessZone()}
}

// SetCalendar sets the working-day calendar (the tickets').
func (s *Service) SetCalendar(cal *calendar.Calendar) {
	if cal != nil {
		s.cal = cal
	}
}

// SetTickets lets a ticket become a case.
func (s *Service) SetTickets(t TicketActor) { s.tickets = t }

var (
	errNotFound = errs.NotFoundf("调解案件不存在", "no such mediation case")
	errArea     = errs.Invalidf("区划代码格式不正确", "malformed area code")
)

func errState(s Status) error {
	return errs.Conflictf("调解案件当前状态（%s）不允许此操作", "the case's status (%s) does not allow this", s)
}

func (s *Service) at(ms int64) time.Time { return time.UnixMilli(ms).In(s.loc) }

func (s *Service) opt(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := s.at(v.Int64)
	return &t
}

// event appends a line to the case's log in tx.
func (s *Service) event(ctx context.Context, tx *sql.Tx, number string, u auth.User, kind string, detail map[string]any, at time.Time) error {
	return db.AppendEvent(ctx, tx, db.Event{Table: "mediation_events", KeyColumn: "case_number", Key: number, At: at, Actor: u.ID, Kind: kind, Detail: detail})
}

// notice is one notification: to a phone, an organisation, or a role in an
// area.
type notice struct{ phone, org, area, role, text string }

// notify records notifications in the ones the ticket capability delivers
// and lists.
func (s *Service) notify(ctx context.Context, tx *sql.Tx, now time.Time, ns ...notice) error {
	for _, n := range ns {
		if n.phone == "" && n.org == "" && n.role == "" {
			continue
		}
		err := db.Notify(ctx, tx, db.Note{At: now, OrgCode: n.org, AreaCode: n.area, Role: n.role, Phone: n.phone, Kind: "mediation", Text: n.text})
		if err != nil {
			return errs.Wrap(err, "notify mediation")
		}
	}
	return nil
}
