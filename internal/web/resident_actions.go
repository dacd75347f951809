package web

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// residentActions are the reporter's own actions that POST
// /tickets/{number}/act/{action} takes; the rating has its own form.
var residentActions = []string{ticket.ActionWithdraw, ticket.ActionUrge, ticket.ActionSupplement}

// ResidentForm is one of the reporter's action forms (resident_actions.html).
type ResidentForm struct {
	Action   string
	URL      string
	Required bool // the note is what the action is about (补充)
	MaxLen   int
}

// ResidentForms are the forms of the reporter's actions that the state
// machine offers her now (v.Actions, from ticket.AvailableActions).
func (v *TicketView) ResidentForms() []ResidentForm {
	var out []ResidentForm
	for _, a := range v.Actions {
		if slices.Contains(residentActions, a) && slices.Contains(ticket.FormFields(a), "note") {
			out = append(out, ResidentForm{Action: a, URL: "/tickets/" + url.PathEscape(v.T.Number) + "/act/" + a,
				Required: a == ticket.ActionSupplement, MaxLen: ticket.MaxSupplement})
		}
	}
	return out
}

// residentAct takes one of the reporter's actions for the logged-in resident
// or the guest who proved the reporter's phone on the lookup page.
func (s *Server) residentAct(w http.ResponseWriter, r *http.Request) {
	number, action := r.PathValue("number"), r.PathValue("action")
	if !slices.Contains(residentActions, action) {
		s.fail(w, r, errs.NotFoundf("未知的操作：%q", "unknown action: %q", action))
		return
	}
	u, _ := s.ticketUser(w, r, number)
	if u == nil {
		return
	}
	if _, err := s.Tickets.Act(r.Context(), *u, number, action, ticket.ActionInput{Note: r.PostForm.Get("note")}); err != nil {
		if errs.Is(err, errs.NotFound) {
			s.fail(w, r, err)
			return
		}
		s.residentActFailed(w, r, *u, number, action, err)
		return
	}
	redirect(w, r, "/tickets/"+url.PathEscape(number)+"?done="+action)
}

// residentActFailed shows the ticket again with the error by the form that
// failed and what was typed into it.
func (s *Server) residentActFailed(w http.ResponseWriter, r *http.Request, u auth.User, number, action string, err error) {
	s.ticketAgain(w, r, u, number, err, func(p *Page, v *TicketView) {
		v.Failed, v.Form = action, p.Form
		if v.Can(ticket.ActionRate) {
			v.RateURL = "/tickets/" + v.T.Number + "/rate"
			if s.user(r) == nil {
				v.RateURL, v.Phone = "/track/rate", u.Phone
			}
		}
	})
}
