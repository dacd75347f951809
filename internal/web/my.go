package web

import (
	"github.com/gongzhi/gongzhi/internal/agenda"
	"net/http"
	"net/url"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/proposal"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// MyData is a page of 我的事项: what is hers, newest first.
type MyData struct {
	Items    []Item
	NextURL  string
	Notes    []ticket.Notification // to the resident's phone
	Awaiting int                   // her tickets awaiting her rating
	Members  []Chip                // the family members sharing her phone, as filters
	Guest    bool                  // a guest who proved her phone on /track
	// Where she lives, as staff verified it, and the proposals she raised
	// (a logged-in resident, on the first page).
	Residences []proposal.Residence
	// Agenda is everything else she takes part in (proposals, votes,
	// meetings, …), what waits for her first.
	Agenda []agenda.Item
}

// Chip is one filter of the list.
type Chip struct {
	Label string
	URL   string
	On    bool
}

func (s *Server) myTickets(w http.ResponseWriter, r *http.Request) {
	u := s.resident(w, r)
	if u == nil {
		return
	}
	if u.Role.StaffAccount() {
		redirect(w, r, "/staff")
		return
	}
	s.renderMine(w, r, *u, "/my", false)
}

// renderMine shows the list of everything u's phone holds (by the ticket
// capability's rule, ticket.List): to the logged-in resident on /my, and to
// a guest who proved her phone by a code on /track/mine.
func (s *Server) renderMine(w http.ResponseWriter, r *http.Request, u auth.User, path string, guest bool) {
	p := s.page(w, r, "my.title")
	q := r.URL.Query()
	who := q.Get("who")
	// ?status=replied: those waiting for her rating (the home page's 评价 door).
	status := q.Get("status")
	page, err := s.Tickets.List(r.Context(), u, ticket.Filter{Cursor: q.Get("cursor"), ReporterName: who, Status: ticket.Status(status)})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, names, err := s.categoryGroups(r.Context(), p.Lang)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &MyData{Items: ticketItems(u, p.Lang, page.Items, names), Guest: guest}
	if page.NextCursor != "" {
		d.NextURL = path + "?" + url.Values{"cursor": {page.NextCursor}, "who": {who}, "status": {status}}.Encode()
	}
	if d.Awaiting, err = s.Tickets.AwaitingRating(r.Context(), u); err != nil {
		s.fail(w, r, err)
		return
	}
	members, err := s.Tickets.ReporterNames(r.Context(), u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Chips only where a phone holds more than one member.
	if len(members) > 1 {
		d.Members = append(d.Members, Chip{Label: tr(p.Lang, "items.all"), URL: path, On: who == ""})
		for _, m := range members {
			d.Members = append(d.Members, Chip{Label: m, URL: path + "?" + url.Values{"who": {m}}.Encode(), On: who == m})
		}
	}
	if u.Phone != "" && q.Get("cursor") == "" {
		if d.Notes, err = s.Tickets.Notifications(r.Context(), u, 10); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if !guest && s.Proposals != nil && u.Role == auth.RoleResident && q.Get("cursor") == "" {
		if err := s.myParticipation(r, u, d); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "my", p)
}

// myParticipation adds where she lives and what she takes part in to 我的.
func (s *Server) myParticipation(r *http.Request, u auth.User, d *MyData) error {
	var err error
	if d.Residences, err = s.Proposals.ResidentAreas(r.Context(), u.Phone); err != nil {
		return err
	}
	if s.Agenda != nil {
		d.Agenda, err = s.Agenda.Mine(r.Context(), u)
	}
	return err
}
