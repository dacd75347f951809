package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// TicketView is a ticket with the names and the timeline a page shows.
type TicketView struct {
	T        ticket.Ticket
	Category string
	Area     string
	Org      string
	Events   []EventView
	Actions  []string
	// Forms are the staff page's forms of Actions (staff_forms.go).
	Forms []ActionForm
	// RateURL is where the rating form posts; empty when the viewer may not rate.
	RateURL string
	Phone   string // the phone proved on the lookup page, carried to the rating
	// Staff only.
	OrgGroups []Group
	CatGroups []Group // the categories a dispatcher may classify the ticket under as she dispatches it
	Suggest   string
	Helpers   []HelperView
	Summons   []SummonsView
	// MyPart is the viewer's unit's part when it co-handles the ticket
	// (协办) rather than leads it.
	MyPart *ticket.Helper
	// MySummons is the viewer's unit's pending summons, if any.
	MySummons *SummonsView
	// Who asked for the pending return or extension, and when.
	ReturnBy, ExtensionBy EventView
	ReturnNote            string // what the unit wrote besides the reason
	// Failed is the action whose form failed; Form is what was typed into it.
	Failed string
	Form   url.Values
	// Limits of the exceptions, for the hints.
	MaxExtensionDays, MaxWithinHours, MaxSummoned int
	// Photos by purpose; PhotoCount of all; PhotosFull when no more fit.
	Photos     []PhotoGroup
	PhotoCount int
	PhotosFull bool
	// UploadPurposes are what the viewer may add now (empty: no upload
	// form); UploadURL is where the form posts.
	UploadPurposes []string
	UploadURL      string
	// PhotoNote is what became of the photos of the last form.
	PhotoNote *PhotoNote
	// Next is what happens next, for the resident's page (next.go).
	Next *NextView
	// Replies are the reply templates of the staff page's reply forms (replytpl.go).
	Replies *ReplyChooser
}

// HelperView is a co-handling unit with its name.
type HelperView struct {
	ticket.Helper
	Org string
}

// SummonsView is a summoned unit with its name.
type SummonsView struct {
	ticket.Summons
	Org string
}

// ReturnReasons and InvalidReasons are the choices of the return and
// invalidate forms.
func (v *TicketView) ReturnReasons() []string  { return ticket.ReturnReasons }
func (v *TicketView) InvalidReasons() []string { return ticket.InvalidReasons }

// Can reports whether action is among the available ones.
func (v *TicketView) Can(action string) bool {
	for _, a := range v.Actions {
		if a == action {
			return true
		}
	}
	return false
}

// V returns what was typed into key of the action's form when that form
// failed, so only the failed form is filled again.
func (v *TicketView) V(action, key string) string {
	if v.Failed != action || v.Form == nil {
		return ""
	}
	return v.Form.Get(key)
}

// OrgSel is the unit preselected in the action's select: what was chosen
// when the form failed, or else the catalogue's suggestion.
func (v *TicketView) OrgSel(action string) string {
	if v.Failed == action && v.Form != nil {
		return v.Form.Get("org_code")
	}
	return v.Suggest
}

// Checked reports whether value was among the values of key in the failed form.
func (v *TicketView) Checked(action, key, value string) bool {
	if v.Failed != action || v.Form == nil {
		return false
	}
	for _, x := range v.Form[key] {
		if x == value {
			return true
		}
	}
	return false
}

// EventView is one line of a timeline in words.
type EventView struct {
	Kind string // the event's action, for the page's markup
	At   time.Time
	Text string
	Who  string
	Note string
	// Told marks, for the staff, a note its writer told the resident (告知居民).
	Told bool
	// Quality is the advice on a reply, for those who may see it (replyq.go).
	Quality *QualityView
}

// ticketView fills in names and the timeline of t as u sees it.
func (s *Server) ticketView(ctx context.Context, lang string, u auth.User, t ticket.Ticket) (*TicketView, error) {
	v := &TicketView{T: t, Area: s.areaName(ctx, t.AreaCode), Org: s.orgName(ctx, t.AssignedOrgCode),
		MaxExtensionDays: ticket.MaxExtensionDays, MaxWithinHours: ticket.MaxWithinHours, MaxSummoned: ticket.MaxSummoned}
	if c, err := s.Tickets.Category(ctx, t.CategoryCode); err == nil {
		v.Category = c.Name
		if lang == "en" && c.NameEn != "" {
			v.Category = c.NameEn
		}
	} else {
		v.Category = t.CategoryCode
	}
	evs, err := s.Tickets.Events(ctx, u, t.Number)
	if err != nil {
		return nil, err
	}
	staff := u.Role.IsStaff()
	orgNames := map[string]string{}
	name := func(code string) string {
		if _, ok := orgNames[code]; !ok {
			orgNames[code] = s.orgName(ctx, code)
		}
		return orgNames[code]
	}
	// evs is already the timeline of u's audience: what is left out and
	// which notes are kept is decided by ticket.Timeline, not here.
	for _, e := range evs {
		ev, returnNote := s.eventView(lang, e, t, staff, name)
		switch e.Action {
		case ticket.ActionReturn:
			v.ReturnBy, v.ReturnNote = ev, returnNote
		case ticket.ActionRequestExtension:
			v.ExtensionBy = ev
		}
		v.Events = append(v.Events, ev)
	}
	v.Actions = ticket.AvailableActions(u, t)
	if staff {
		s.timelineQuality(ctx, lang, u, t, evs, v)
		for _, h := range t.Helpers {
			hv := HelperView{Helper: h, Org: name(h.OrgCode)}
			v.Helpers = append(v.Helpers, hv)
			if u.Role == auth.RoleHandler && h.OrgCode == u.OrgCode && t.AssignedOrgCode != u.OrgCode {
				part := h
				v.MyPart = &part
			}
		}
		for _, sm := range t.Summons {
			sv := SummonsView{Summons: sm, Org: name(sm.OrgCode)}
			v.Summons = append(v.Summons, sv)
			if u.Role == auth.RoleHandler && sm.OrgCode == u.OrgCode && sm.Status == "pending" {
				mine := sv
				v.MySummons = &mine
			}
		}
	}
	return v, nil
}

// eventView words one event of the timeline in lang, as a member of staff
// or the reporter reads it; returnNote is the free text of a return's
// reason. name gives a unit's name.
func (s *Server) eventView(lang string, e ticket.Event, t ticket.Ticket, staff bool, name func(string) string) (ev EventView, returnNote string) {
	ev, returnNote = eventText(lang, e, t, name)
	ev.Told = staff && e.NotifyResident
	if m, ok := messages["rev."+e.Action]; ok && !staff {
		if strings.Contains(m[0], "%s") {
			ev.Text = tr(lang, "rev."+e.Action, name(e.OrgCode))
		} else {
			ev.Text = tr(lang, "rev."+e.Action)
		}
	}
	switch {
	case e.Actor == "reporter":
		ev.Who = tr(lang, "who.reporter")
	case e.Actor == "system" || e.Actor == "":
		ev.Who = tr(lang, "who.system")
	case staff:
		ev.Who = e.Actor + "（" + tr(lang, "role."+e.ActorRole) + "）"
	default:
		ev.Who = tr(lang, "role."+e.ActorRole)
	}
	return ev, returnNote
}

// eventText is the words of an event and of its note.
func eventText(lang string, e ticket.Event, t ticket.Ticket, name func(string) string) (ev EventView, returnNote string) {
	ev = EventView{Kind: e.Action, At: e.At, Note: e.Note}
	switch e.Action {
	case ticket.ActionDispatch:
		ev.Text = tr(lang, "ev.dispatch", name(e.OrgCode))
		if strings.Contains(e.Note, "/") && strings.HasPrefix(e.Note, "按派单目录") {
			ev.Note = tr(lang, "ev.auto")
		}
	case ticket.ActionRedispatch, ticket.ActionApproveReturn, ticket.ActionAddHelper,
		"helper_sign", "helper_reply", ticket.ActionReport, "summons_missed":
		ev.Text = tr(lang, "ev."+e.Action, name(e.OrgCode))
	case ticket.ActionReply:
		ev.Text = tr(lang, "ev.reply")
	case ticket.ActionAttach:
		// The note reads "purpose attachment-id".
		purpose, _, _ := strings.Cut(e.Note, " ")
		ev.Text, ev.Note = tr(lang, "ev.attach", msgOr(lang, "photo.purpose.", purpose)), ""
	case ticket.ActionRate:
		ev.Text = tr(lang, "ev.rate")
		if e.ByPhone {
			ev.Text = tr(lang, "ev.rate.phone")
		}
		if sat, comment, _ := strings.Cut(e.Note, ": "); sat != "" {
			ev.Note = tr(lang, "sat."+sat)
			if comment != "" {
				ev.Note += "：" + comment
			}
		}
	case ticket.ActionReturn, ticket.ActionInvalidate:
		prefix := "reason."
		if e.Action == ticket.ActionInvalidate {
			prefix = "invalid."
		}
		code, rest, _ := strings.Cut(e.Note, " ")
		ev.Text = tr(lang, "ev."+e.Action)
		if e.Action == ticket.ActionReturn {
			returnNote = strings.TrimSpace(rest)
		}
		if _, ok := messages[prefix+code]; ok {
			ev.Note = tr(lang, prefix+code)
			if strings.TrimSpace(rest) != "" {
				ev.Note += "：" + strings.TrimSpace(rest)
			}
		}
	case ticket.ActionWhistle, ticket.ActionEscalate:
		// The note reads "ORG1,ORG2 4h note".
		ev.Text = tr(lang, "ev."+e.Action)
		f := strings.SplitN(e.Note, " ", 3)
		if len(f) >= 2 && strings.HasSuffix(f[1], "h") {
			var names []string
			for _, c := range strings.Split(f[0], ",") {
				names = append(names, name(c))
			}
			ev.Note = tr(lang, "ev.summons.note", strings.Join(names, "、"), strings.TrimSuffix(f[1], "h"))
			if len(f) == 3 && f[2] != "" {
				ev.Note += "：" + f[2]
			}
		}
	case ticket.ActionMerge:
		into := strings.TrimSpace(strings.TrimPrefix(e.Note, "→"))
		into, rest, _ := strings.Cut(into, " ")
		if into == "" { // the note is the staff's; the ticket still says where it went
			into = t.ParentNumber
		}
		ev.Text, ev.Note = tr(lang, "ev.merge", into), strings.TrimSpace(rest)
	default:
		ev.Text = tr(lang, "ev."+e.Action)
	}
	return ev, returnNote
}

// parseYesNo reads a yes/no radio; nil when neither was chosen.
func parseYesNo(v string) *bool {
	switch v {
	case "yes", "true", "1":
		b := true
		return &b
	case "no", "false", "0":
		b := false
		return &b
	}
	return nil
}

// ratingInput reads the rating form.
func ratingInput(r *http.Request) ticket.ActionInput {
	return ticket.ActionInput{
		Resolved:     parseYesNo(r.PostForm.Get("resolved")),
		Satisfaction: ticket.Satisfaction(r.PostForm.Get("satisfaction")),
		Comment:      r.PostForm.Get("comment"),
	}
}
