package open311

import (
	"context"
	"encoding/xml"
	"fmt"
	"strconv"

	"github.com/gongzhi/gongzhi/internal/natcode"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// request is one service request as GeoReport v2 shows it. Lat and Long are
// numbers in JSON and null when unknown, and expected_datetime is null until
// the completion clock runs (from signing); XML has them as text, empty when
// unknown, since encoding/xml leaves nil pointers out entirely.
type request struct {
	ServiceRequestID  string   `xml:"service_request_id" json:"service_request_id"`
	Status            string   `xml:"status" json:"status"`
	StatusNotes       string   `xml:"status_notes" json:"status_notes"`
	ServiceName       string   `xml:"service_name" json:"service_name"`
	ServiceCode       string   `xml:"service_code" json:"service_code"`
	Description       string   `xml:"description" json:"description"`
	AgencyResponsible string   `xml:"agency_responsible" json:"agency_responsible"`
	ServiceNotice     string   `xml:"service_notice" json:"service_notice"`
	RequestedDatetime string   `xml:"requested_datetime" json:"requested_datetime"`
	UpdatedDatetime   string   `xml:"updated_datetime" json:"updated_datetime"`
	ExpectedDatetime  *string  `xml:"-" json:"expected_datetime"`
	ExpectedText      string   `xml:"expected_datetime" json:"-"`
	Address           string   `xml:"address" json:"address"`
	AddressID         string   `xml:"address_id" json:"address_id"`
	Zipcode           string   `xml:"zipcode" json:"zipcode"`
	Lat               *float64 `xml:"-" json:"lat"`
	Long              *float64 `xml:"-" json:"long"`
	LatText           string   `xml:"lat" json:"-"`
	LongText          string   `xml:"long" json:"-"`
	MediaURL          string   `xml:"media_url" json:"media_url"`

	// With extensions=true.
	ExtendedAttributes *extended `xml:"extended_attributes,omitempty" json:"extended_attributes,omitempty"`
	Notes              []note    `xml:"notes>note,omitempty" json:"notes,omitempty"`
}

// extended are our fields beyond the specification (extensions=true).
type extended struct {
	Channel        string   `xml:"channel" json:"channel"`
	DetailedStatus string   `xml:"detailed_status" json:"detailed_status"`
	AreaCode       string   `xml:"area_code" json:"area_code"`
	AgencyCode     string   `xml:"agency_code" json:"agency_code"`
	Kind           string   `xml:"kind" json:"kind"`
	Duplicate      string   `xml:"duplicate" json:"duplicate"`
	Parent         string   `xml:"parent_service_request_id" json:"parent_service_request_id"`
	Children       []string `xml:"children>service_request_id" json:"children"`
	// National codes (natcode), empty where the district has none: the
	// GB/T 30428.2 event class of the category and the GB/T 30428.1
	// unit-grid code of the cell the request's area is or lies in.
	NationalEvent string `xml:"national_event_code" json:"national_event_code"`
	GridCode      string `xml:"grid_code" json:"grid_code"`
}

// note is one line of the public timeline (extensions=true).
type note struct {
	Datetime    string `xml:"datetime" json:"datetime"`
	Summary     string `xml:"summary" json:"summary"`
	Description string `xml:"description" json:"description"`
	Type        string `xml:"type" json:"type"`
}

type xmlRequests struct {
	XMLName  xml.Name  `xml:"service_requests"`
	Requests []request `xml:"request"`
}

// created is the answer to POST requests (and tokens/{token}).
// account_id is never echoed back (it is the reporter's): null in JSON,
// an empty element in XML, as in the specification's example.
type created struct {
	ServiceRequestID string  `xml:"service_request_id" json:"service_request_id"`
	ServiceNotice    string  `xml:"service_notice" json:"service_notice"`
	AccountID        *string `xml:"account_id" json:"account_id"`
}

type xmlCreated struct {
	XMLName  xml.Name  `xml:"service_requests"`
	Requests []created `xml:"request"`
}

// tokenAnswer is the answer to GET tokens/{token}.
type tokenAnswer struct {
	ServiceRequestID string `xml:"service_request_id" json:"service_request_id"`
	Token            string `xml:"token" json:"token"`
}

type xmlTokens struct {
	XMLName  xml.Name      `xml:"service_requests"`
	Requests []tokenAnswer `xml:"request"`
}

// OpenStatus maps our status to GeoReport's: a ticket that has ended (closed,
// merged and followed through its parent, invalid, withdrawn) is closed; everything still in the loop, including
// replied (waiting for the reporter's rating), is open.
func OpenStatus(st ticket.Status) string {
	if st.Ended() {
		return "closed"
	}
	return "open"
}

// statusesFor is the inverse of OpenStatus.
func statusesFor(open string) []ticket.Status {
	var out []ticket.Status
	for _, st := range ticket.Statuses {
		if OpenStatus(st) == open {
			out = append(out, st)
		}
	}
	return out
}

// summaries name the timeline lines in words.
var summaries = map[string]string{
	"create":                        "已受理 / registered",
	ticket.ActionDispatch:           "已派单 / dispatched",
	ticket.ActionRedispatch:         "已改派 / re-dispatched",
	ticket.ActionApproveReturn:      "已改派 / re-dispatched",
	ticket.ActionReturn:             "承办单位申请退单 / the unit asked to hand it back",
	ticket.ActionSign:               "已签收 / signed for",
	ticket.ActionContact:            "已联系诉求人 / the reporter was contacted",
	ticket.ActionReply:              "已答复 / answered",
	ticket.ActionRate:               "诉求人已评价 / rated by the reporter",
	ticket.ActionClose:              "已办结 / closed",
	ticket.ActionAnswer:             "已直接答复并办结 / answered and closed",
	ticket.ActionSelfResolve:        "网格员现场解决 / resolved on the spot by a grid worker",
	ticket.ActionApproveExtension:   "已延期 / extended",
	ticket.ActionAddHelper:          "增加协办单位 / a co-handling unit was added",
	"helper_reply":                  "协办单位已答复 / a co-handling unit answered",
	ticket.ActionRedo:               "重新办理 / reopened for redo",
	ticket.ActionMerge:              "已合并到重复诉求 / merged into a duplicate",
	ticket.ActionInvalidate:         "无效诉求 / marked invalid",
	ticket.ActionWithdraw:           "诉求人已撤回 / withdrawn by the reporter",
	ticket.ActionCheck:              "现场核查 / checked on site",
	ticket.ActionExternalUpdate:     "承办单位系统更新 / update from the unit's system",
	"parent_reply":                  "合并办理的诉求已答复 / the request it was merged into was answered",
	"parent_closed":                 "合并办理的诉求已办结 / the request it was merged into was closed",
	ticket.ActionRequestExtension:   "申请延期 / extension requested",
	ticket.ActionRequestCheck:       "要求现场核查 / on-site check requested",
	"invalid_reason:spam":           "骚扰信息 / spam",
	"invalid_reason:out_of_scope":   "不属受理范围 / out of scope",
	"invalid_reason:redirected":     "已转其他渠道 / redirected",
	"status_notes:merged":           "重复诉求，已合并办理：",
	"status_notes:merged_en":        "Duplicate of ",
	"status_notes:invalid":          "无效诉求：",
	"status_notes:due":              "按时限应于 %s 前办结 / due to be completed by %s",
	"status_notes:created":          "已受理，工单编号 %s / registered as %s",
	"status_notes:created_assigned": "已受理，工单编号 %s，已派 %s 办理 / registered as %s and sent to %s",
}

// view builds the GeoReport view of tickets, looking names up once each.
type view struct {
	s        *Server
	ctx      context.Context
	cat      catalog
	orgNames map[string]string
	extras   map[string]ticket.External
	national *natcode.Lookup // nil without the service
}

func (s *Server) newView(ctx context.Context, tickets []ticket.Ticket) (*view, error) {
	c, err := s.catalog(ctx)
	if err != nil {
		return nil, err
	}
	numbers := make([]string, len(tickets))
	for i, t := range tickets {
		numbers[i] = t.Number
	}
	extras, err := s.Tickets.ExternalInfo(ctx, numbers)
	if err != nil {
		return nil, err
	}
	v := &view{s: s, ctx: ctx, cat: c, orgNames: map[string]string{}, extras: extras}
	if s.NatCodes != nil {
		if v.national, err = s.NatCodes.Lookup(ctx); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (v *view) orgName(code string) string {
	if code == "" {
		return ""
	}
	if n, ok := v.orgNames[code]; ok {
		return n
	}
	n := code
	if o, err := v.s.Gov.Org(v.ctx, code); err == nil {
		n = o.Name
	}
	v.orgNames[code] = n
	return n
}

func (v *view) request(t ticket.Ticket, extensions bool) (request, error) {
	ex := v.extras[t.Number]
	name := t.CategoryCode
	if c, ok := v.cat.byCode[t.CategoryCode]; ok {
		name = c.Name
	}
	r := request{ServiceRequestID: t.Number, Status: OpenStatus(t.Status), StatusNotes: statusNotes(t),
		ServiceName: name, ServiceCode: t.CategoryCode, Description: t.Description,
		AgencyResponsible: v.orgName(t.AssignedOrgCode), RequestedDatetime: w3c(t.CreatedAt), UpdatedDatetime: w3c(t.UpdatedAt),
		Address: t.Address, AddressID: ex.AddressID, MediaURL: ex.MediaURL, Lat: t.Lat, Long: t.Lng}
	if t.ClosedAt != nil && r.Status == "closed" && t.ClosedAt.After(t.UpdatedAt) {
		r.UpdatedDatetime = w3c(*t.ClosedAt)
	}
	if t.DueCompleteAt != nil {
		x := w3c(*t.DueCompleteAt)
		r.ExpectedDatetime, r.ExpectedText = &x, x
		if r.Status == "open" {
			d := t.DueCompleteAt.Format("2006-01-02 15:04")
			r.ServiceNotice = fmt.Sprintf(summaries["status_notes:due"], d, w3c(*t.DueCompleteAt))
		}
	}
	if t.Lat != nil {
		r.LatText = strconv.FormatFloat(*t.Lat, 'f', -1, 64)
		r.LongText = strconv.FormatFloat(*t.Lng, 'f', -1, 64)
	}
	if !extensions {
		return r, nil
	}
	e := &extended{Channel: string(t.Channel), DetailedStatus: string(t.Status), AreaCode: t.AreaCode, AgencyCode: t.AssignedOrgCode,
		Kind: string(t.Kind), Parent: t.ParentNumber, Children: t.Children}
	if t.Status == ticket.StatusMerged {
		e.Duplicate = t.ParentNumber
	}
	if e.Children == nil {
		e.Children = []string{}
	}
	if v.national != nil {
		e.NationalEvent, e.GridCode = v.national.EventCode(t.CategoryCode), v.national.GridCode(t.AreaCode)
	}
	r.ExtendedAttributes = e
	evs, err := v.s.Tickets.PublicEvents(v.ctx, t.Number)
	if err != nil {
		return r, err
	}
	r.Notes = make([]note, 0, len(evs))
	for _, ev := range evs {
		sum := summaries[ev.Action]
		if sum == "" {
			sum = ev.Action
		}
		desc := ev.Note
		if desc == "" {
			desc = sum
		}
		r.Notes = append(r.Notes, note{Datetime: w3c(ev.At), Summary: sum, Description: desc, Type: ev.Action})
	}
	return r, nil
}

// statusNotes explains the current status in a line.
func statusNotes(t ticket.Ticket) string {
	switch t.Status {
	case ticket.StatusMerged:
		return summaries["status_notes:merged"] + t.ParentNumber + " / " + summaries["status_notes:merged_en"] + t.ParentNumber
	case ticket.StatusInvalid:
		r := summaries["invalid_reason:"+t.InvalidReason]
		if r == "" {
			r = t.InvalidReason
		}
		return summaries["status_notes:invalid"] + r
	case ticket.StatusReplied, ticket.StatusClosed:
		return t.ReplyText
	}
	return ""
}
