// Package ticket is 接诉即办: residents' requests as tickets, the dispatch
// catalogue, the state machine from registration to closing, and the event
// log that is each ticket's timeline.
package ticket

import (
	"time"
)

// Kind is the kind of request.
type Kind string

const (
	KindConsultation Kind = "consultation" // 咨询
	KindHelp         Kind = "help"         // 求助
	KindComplaint    Kind = "complaint"    // 投诉
	KindReport       Kind = "report"       // 举报
	KindSuggestion   Kind = "suggestion"   // 建议
)

// Kinds lists every kind.
var Kinds = []Kind{KindConsultation, KindHelp, KindComplaint, KindReport, KindSuggestion}

// Status is where a ticket stands in the loop.
type Status string

const (
	StatusRegistered Status = "registered"  // 已受理, waiting in the dispatchers' queue
	StatusDispatched Status = "dispatched"  // 已派单
	StatusSigned     Status = "signed"      // 已签收
	StatusInProgress Status = "in_progress" // 办理中 (the reporter has been contacted)
	StatusReplied    Status = "replied"     // 已答复, waiting for the rating
	StatusClosed     Status = "closed"      // 已办结
	StatusReturned   Status = "returned"    // 退单待审: the unit asked to hand it back
	StatusMerged     Status = "merged"      // 已合并: a duplicate, followed through its parent
	StatusInvalid    Status = "invalid"     // 无效: spam, out of scope, redirected
	StatusWithdrawn  Status = "withdrawn"   // 已撤回: the reporter withdrew it before dispatch
)

// StatusOpen is a value of a list's filter, not a status a ticket is in: the
// tickets still being worked (the statuses of machine.go's active), as a
// unit's workbench opens.
const StatusOpen Status = "open"

// Statuses lists every status in loop order.
var Statuses = []Status{StatusRegistered, StatusDispatched, StatusSigned, StatusInProgress, StatusReplied, StatusClosed,
	StatusReturned, StatusMerged, StatusInvalid, StatusWithdrawn}

// Ended reports whether a ticket in this status has left the loop for good:
// closed, merged into another, invalid or withdrawn. Nothing more is added
// to it.
func (st Status) Ended() bool {
	switch st {
	case StatusClosed, StatusMerged, StatusInvalid, StatusWithdrawn:
		return true
	}
	return false
}

// Channel is how the request reached gongzhi.
type Channel string

const (
	ChannelHotline  Channel = "hotline"  // 12345 热线
	ChannelWeb      Channel = "web"      // 网站
	ChannelApp      Channel = "app"      // 移动端/小程序
	ChannelSnapshot Channel = "snapshot" // 随手拍
	ChannelMailbox  Channel = "mailbox"  // 居民信箱
	ChannelGrid     Channel = "grid"     // 网格巡查
	ChannelProxy    Channel = "proxy"    // 代办
	ChannelOpen311  Channel = "open311"  // Open311 clients
)

// Channels lists every channel.
var Channels = []Channel{ChannelHotline, ChannelWeb, ChannelApp, ChannelSnapshot, ChannelMailbox, ChannelGrid, ChannelProxy, ChannelOpen311}

// Satisfaction is the reporter's judgement of the answer.
type Satisfaction string

const (
	Satisfied   Satisfaction = "satisfied"   // 满意
	Basic       Satisfaction = "basic"       // 基本满意
	Unsatisfied Satisfaction = "unsatisfied" // 不满意
)

// Rating is the reporter's verdict after the reply (回访).
type Rating struct {
	Resolved     bool         `json:"resolved"`
	Satisfaction Satisfaction `json:"satisfaction"`
	Comment      string       `json:"comment"`
	RatedAt      time.Time    `json:"rated_at"`
}

// Ticket is one request and where it stands. Reporter details may be masked,
// depending on who reads it (see Service.Get).
type Ticket struct {
	Number          string     `json:"number"`
	Kind            Kind       `json:"kind"`
	Status          Status     `json:"status"`
	CategoryCode    string     `json:"category_code"`
	AreaCode        string     `json:"area_code"`
	Description     string     `json:"description"`
	Address         string     `json:"address"`
	Lat             *float64   `json:"lat"`
	Lng             *float64   `json:"lng"`
	Channel         Channel    `json:"channel"`
	AssignedOrgCode string     `json:"assigned_org_code"`
	Confidential    bool       `json:"confidential"`
	ReporterName    string     `json:"reporter_name"`
	ReporterPhone   string     `json:"reporter_phone"`
	ReporterMasked  bool       `json:"reporter_masked"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	DispatchedAt    *time.Time `json:"dispatched_at"`
	SignedAt        *time.Time `json:"signed_at"`
	ContactedAt     *time.Time `json:"contacted_at"`
	RepliedAt       *time.Time `json:"replied_at"`
	ClosedAt        *time.Time `json:"closed_at"`
	DueSignAt       *time.Time `json:"due_sign_at"`
	DueContactAt    *time.Time `json:"due_contact_at"`
	DueCompleteAt   *time.Time `json:"due_complete_at"`
	ReplyText       string     `json:"reply_text"`
	ReplyResolved   *bool      `json:"reply_resolved"`
	Rating          *Rating    `json:"rating"`
	Version         int        `json:"version"`

	Urgency Urgency `json:"urgency"`
	// Light is yellow when 75% of a running limit is used, red when a
	// deadline has passed, and none otherwise.
	Light           Light      `json:"light"`
	Overdue         bool       `json:"overdue"`
	WarnAt          *time.Time `json:"warn_at"`
	DueAt           *time.Time `json:"due_at"`
	ReturnCount     int        `json:"returns"`
	RedoCount       int        `json:"redo_count"`
	ExtensionCount  int        `json:"extension_count"`
	ReviewPending   bool       `json:"review_pending"`
	ParentNumber    string     `json:"parent_number"`
	InvalidReason   string     `json:"invalid_reason"`
	ReturnReason    string     `json:"return_reason"`
	ExtensionUntil  *time.Time `json:"extension_until"`
	ExtensionReason string     `json:"extension_reason"`
	// CheckStatus is the on-site check (核查) a dispatcher asked for before
	// closing: requested, passed or failed; empty when none was asked.
	CheckStatus string `json:"check_status"`
	CheckNote   string `json:"check_note"`
	// UrgeCount is how often the reporter urged the unit on (催办).
	UrgeCount int `json:"urge_count"`

	// Read with one ticket, not in lists.
	Helpers  []Helper  `json:"helpers,omitempty"`
	Summons  []Summons `json:"summons,omitempty"`
	Children []string  `json:"children,omitempty"`
	// CoReporterCount is how many residents joined it (我也遇到), for the
	// staff's page (not yet in the API's schema); their phones, read with
	// it, decide only what they may do (isCoReporter).
	CoReporterCount int `json:"-"`
	coReporters     []string

	// ReporterIDLast4 is set for a resident staff registered with no phone:
	// the last four characters of her identity card.
	ReporterIDLast4 string `json:"reporter_id_last4,omitempty"`

	ReporterUserID string `json:"-"`
	CreatedBy      string `json:"-"`

	// RequesterKind is whom the request is for: a resident or an
	// enterprise (企业诉求), known by its unified social credit code
	// (CreditCode, staff and the reporter only; empty for a resident).
	RequesterKind RequesterKind `json:"requester_kind"`
	CreditCode    string        `json:"credit_code,omitempty"`

	warnSignAt, warnContactAt, warnCompleteAt *time.Time
	statusBefore                              Status
	lastUrgedAt                               *time.Time
	remindedYellow, remindedRed, escalated    bool
}

// Light is the traffic light of a ticket's running time limits.
type Light string

const (
	LightNone   Light = "none"
	LightYellow Light = "yellow"
	LightRed    Light = "red"
)

// NewTicket is a request as submitted.
type NewTicket struct {
	Kind          Kind     `json:"kind"`
	CategoryCode  string   `json:"category_code"`
	Description   string   `json:"description"`
	AreaCode      string   `json:"area_code"`
	Lat           *float64 `json:"lat"`
	Lng           *float64 `json:"lng"`
	Address       string   `json:"address"`
	Channel       Channel  `json:"channel"`
	ReporterName  string   `json:"reporter_name"`
	ReporterPhone string   `json:"reporter_phone"`
	Confidential  bool     `json:"confidential"`
	Urgency       Urgency  `json:"urgency"`

	// ReporterIDLast4: staff registering a resident with no phone (代办).
	ReporterIDLast4 string `json:"reporter_id_last4,omitempty"`

	// RequesterKind is resident (the default) or enterprise; an
	// enterprise's request names its unified social credit code.
	RequesterKind RequesterKind `json:"requester_kind,omitempty"`
	CreditCode    string        `json:"credit_code,omitempty"`
}

// Event is one line of a ticket's timeline.
type Event struct {
	Seq        int       `json:"-"`
	At         time.Time `json:"at"`
	Actor      string    `json:"actor"`
	ActorRole  string    `json:"-"`
	Action     string    `json:"action"`
	FromStatus Status    `json:"from_status"`
	ToStatus   Status    `json:"to_status"`
	OrgCode    string    `json:"-"`
	Note       string    `json:"note"`
	// ByPhone marks a rating that staff recorded from the reporter's answer
	// on a follow-up call (回访) rather than her own (see Timeline).
	ByPhone bool `json:"by_phone,omitempty"`
	// NotifyResident marks, for the staff, a note its writer chose to tell
	// the resident (告知居民); she reads it in place of nothing (Timeline).
	NotifyResident bool `json:"notify_resident,omitempty"`

	actorID string
	// residentNote is what the resident is told of a staff note: empty
	// unless its writer chose to tell her.
	residentNote string
}

// Limits on what a submission may hold.
const (
	MaxDescription = 4000 // characters
	MaxAddress     = 200
	MaxName        = 50
	MaxNote        = 2000
	MaxReply       = 4000
	MaxComment     = 1000
)

// Helper is a unit that co-handles a ticket (协办) with its own part.
type Helper struct {
	OrgCode   string     `json:"org_code"`
	Status    string     `json:"status"` // dispatched, signed, replied
	Note      string     `json:"note"`
	ReplyText string     `json:"reply_text"`
	AddedAt   time.Time  `json:"added_at"`
	SignedAt  *time.Time `json:"signed_at"`
	RepliedAt *time.Time `json:"replied_at"`
}

// Summons is a unit called to report on a ticket within a time: a whistle
// (吹哨报到) or an escalation (督办).
type Summons struct {
	ID         string     `json:"id"`
	Kind       string     `json:"kind"` // whistle, escalation
	OrgCode    string     `json:"org_code"`
	Note       string     `json:"note"`
	CreatedAt  time.Time  `json:"created_at"`
	DueAt      time.Time  `json:"due_at"`
	Status     string     `json:"status"` // pending, reported, missed
	ReportedAt *time.Time `json:"reported_at"`
	ReportNote string     `json:"report_note"`
}
