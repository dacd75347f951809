package web

import (
	"context"
	"net/http"
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
	// RateURL is where the rating form posts; empty when the viewer may not rate.
	RateURL string
	Phone   string // the phone proved on the lookup page, carried to the rating
	// Staff only.
	OrgGroups []Group
	Suggest   string
}

// Can reports whether action is among the available ones.
func (v *TicketView) Can(action string) bool {
	for _, a := range v.Actions {
		if a == action {
			return true
		}
	}
	return false
}

// EventView is one line of a timeline in words.
type EventView struct {
	At   time.Time
	Text string
	Who  string
	Note string
}

// ticketView fills in names and the timeline of t as u sees it.
func (s *Server) ticketView(ctx context.Context, lang string, u auth.User, t ticket.Ticket) (*TicketView, error) {
	v := &TicketView{T: t, Area: s.areaName(ctx, t.AreaCode), Org: s.orgName(ctx, t.AssignedOrgCode)}
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
	orgNames := map[string]string{}
	for _, e := range evs {
		ev := EventView{At: e.At, Note: e.Note}
		switch e.Action {
		case ticket.ActionDispatch:
			if _, ok := orgNames[e.OrgCode]; !ok {
				orgNames[e.OrgCode] = s.orgName(ctx, e.OrgCode)
			}
			ev.Text = tr(lang, "ev.dispatch", orgNames[e.OrgCode])
			if strings.Contains(e.Note, "/") && strings.HasPrefix(e.Note, "按派单目录") {
				ev.Note = tr(lang, "ev.auto")
			}
		case ticket.ActionReply:
			ev.Text = tr(lang, "ev.reply")
		case ticket.ActionRate:
			ev.Text = tr(lang, "ev.rate")
			sat, comment, _ := strings.Cut(e.Note, ": ")
			ev.Note = tr(lang, "sat."+sat)
			if comment != "" {
				ev.Note += "：" + comment
			}
		default:
			ev.Text = tr(lang, "ev."+e.Action)
		}
		switch {
		case e.Actor == "reporter":
			ev.Who = tr(lang, "who.reporter")
		case e.Actor == "system" || e.Actor == "":
			ev.Who = tr(lang, "who.system")
		case u.Role.IsStaff():
			ev.Who = e.Actor + "（" + tr(lang, "role."+e.ActorRole) + "）"
		default:
			ev.Who = tr(lang, "role."+e.ActorRole)
		}
		v.Events = append(v.Events, ev)
	}
	v.Actions = ticket.AvailableActions(u, t)
	return v, nil
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
