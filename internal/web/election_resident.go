package web

import (
	"net/http"
	"net/url"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/election"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// MyElectionsData is the resident's list: the elections she may vote in
// or read.
type MyElectionsData struct {
	Items []*ElectionData
}

// electionResident returns the logged-in resident, sending staff to their
// page of the same thing.
func (s *Server) electionResident(w http.ResponseWriter, r *http.Request, staffTo string) *auth.User {
	u := s.resident(w, r)
	if u == nil {
		return nil
	}
	if u.Role.StaffAccount() {
		redirect(w, r, staffTo)
		return nil
	}
	if s.Elections == nil {
		s.fail(w, r, errNoElections)
		return nil
	}
	return u
}

// myElections is the resident's page of elections (/elections), reached
// from 参与议事.
func (s *Server) myElections(w http.ResponseWriter, r *http.Request) {
	u := s.electionResident(w, r, "/staff/elections")
	if u == nil {
		return
	}
	pg := s.page(w, r, "elec.mine")
	d := &MyElectionsData{}
	if election.CanList(*u) {
		items, _, err := s.Elections.List(r.Context(), *u, election.Filter{Limit: election.MaxList})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, e := range items {
			d.Items = append(d.Items, &ElectionData{E: e, AreaName: s.areaName(r.Context(), e.AreaCode), Open: s.Elections.TakesBallots(e),
				Upcoming: s.Elections.Upcoming(e)})
		}
	}
	pg.Data = d
	s.render(w, r, http.StatusOK, "election_list", pg)
}

// electionPage is one election for the resident: the candidates to choose
// from while she may vote, her own ballot once cast, the count once closed.
func (s *Server) electionPage(w http.ResponseWriter, r *http.Request) {
	u := s.electionResident(w, r, "/staff/elections/"+url.PathEscape(r.PathValue("id")))
	if u == nil {
		return
	}
	pg := s.page(w, r, "elec.one")
	if r.URL.Query().Get("done") == "cast" {
		pg.Flash = tr(pg.Lang, "elec.done.cast")
	}
	s.renderElection(w, r, pg, u, http.StatusOK)
}

func (s *Server) renderElection(w http.ResponseWriter, r *http.Request, pg *Page, u *auth.User, status int) {
	d, err := s.electionData(r, pg.Lang, *u, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if pg.Form != nil { // a refused ballot: her ticks again
		for _, c := range pg.Form["choice"] {
			d.Mine[c] = true
		}
	}
	pg.Data = d
	s.render(w, r, status, "election", pg)
}

// electionCast casts the resident's own ballot.
func (s *Server) electionCast(w http.ResponseWriter, r *http.Request) {
	u := s.electionResident(w, r, "/staff/elections/"+url.PathEscape(r.PathValue("id")))
	if u == nil {
		return
	}
	id := r.PathValue("id")
	_, err := s.Elections.Cast(r.Context(), *u, id, election.BallotIn{Choices: r.PostForm["choice"], Blank: r.PostForm.Get("blank") == "1"})
	if err != nil {
		if errs.Is(err, errs.NotFound) {
			s.fail(w, r, err)
			return
		}
		pg := s.page(w, r, "elec.one")
		s.renderElection(w, r, pg, u, s.formError(r, pg, err))
		return
	}
	redirect(w, r, "/elections/"+url.PathEscape(id)+"?done=cast")
}
