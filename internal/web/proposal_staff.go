package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/proposal"
)

// The staff's proposal pages: what her organisation must answer, with the
// due time and its light; one proposal with the answer and progress forms;
// and the page that verifies residents and keeps courtyards and populations.

// StaffProposalRow is one proposal in the staff's list.
type StaffProposalRow struct {
	proposal.Proposal
	Light string
}

// StaffProposalsData is the staff's list.
type StaffProposalsData struct {
	Items   []StaffProposalRow
	Tabs    []Tab
	Due     bool
	NextURL string
	// RaiseFor: the form that raises a proposal for a resident.
	RaiseFor bool
}

// ResidentsData is the residence page.
type ResidentsData struct {
	Result        *proposal.ImportResult
	Done          string
	CanPopulation bool
}

func canProposals(u *auth.User) bool { return u != nil && u.Role.IsStaff() }

func canResidents(u *auth.User) bool { return u != nil && proposal.CanManageResidents(*u) }

func (s *Server) proposalStaff(w http.ResponseWriter, r *http.Request) *auth.User {
	u := s.staff(w, r)
	if u == nil {
		return nil
	}
	if !canProposals(u) {
		s.fail(w, r, errs.ErrForbidden)
		return nil
	}
	if s.Proposals == nil {
		s.fail(w, r, errNoProposals)
		return nil
	}
	return u
}

func (s *Server) staffProposals(w http.ResponseWriter, r *http.Request) {
	u := s.proposalStaff(w, r)
	if u == nil {
		return
	}
	s.renderStaffProposals(w, r, s.page(w, r, "prop.staff.title"), *u, http.StatusOK)
}

// staffRaiseFor raises a proposal for a resident who telephoned or came in.
func (s *Server) staffRaiseFor(w http.ResponseWriter, r *http.Request) {
	u := s.proposalStaff(w, r)
	if u == nil {
		return
	}
	f := r.PostFormValue
	n := proposal.New{Level: gov.Level(f("level")), AreaCode: strings.TrimSpace(f("area_code")), Title: f("title"), Body: f("body"), OnBehalfOf: f("phone")}
	x, err := s.Proposals.Create(r.Context(), *u, n)
	if err != nil {
		p := s.page(w, r, "prop.staff.title")
		s.renderStaffProposals(w, r, p, *u, s.formError(r, p, err))
		return
	}
	redirect(w, r, "/staff/proposals/"+url.PathEscape(x.Number)+"?done=raisedfor")
}

func (s *Server) renderStaffProposals(w http.ResponseWriter, r *http.Request, p *Page, u auth.User, status int) {
	q := r.URL.Query()
	d := &StaffProposalsData{Due: q.Get("view") != "all" && proposal.CanSeeDue(u), RaiseFor: proposal.OffersRaiseFor(u)}
	if proposal.CanSeeDue(u) {
		d.Tabs = []Tab{{Label: tr(p.Lang, "prop.tab.due"), URL: "/staff/proposals", Active: d.Due},
			{Label: tr(p.Lang, "prop.tab.all"), URL: "/staff/proposals?view=all", Active: !d.Due}}
	}
	page, err := s.Proposals.List(r.Context(), u, proposal.Filter{Due: d.Due, Cursor: q.Get("cursor"), Limit: 50})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, x := range page.Items {
		d.Items = append(d.Items, StaffProposalRow{Proposal: x, Light: s.Proposals.Light(x)})
	}
	if page.Next != "" {
		d.NextURL = "/staff/proposals?" + url.Values{"view": {"all"}, "cursor": {page.Next}}.Encode()
	}
	p.Data = d
	s.render(w, r, status, "proposal_staff_list", p)
}

func (s *Server) staffProposal(w http.ResponseWriter, r *http.Request) {
	u := s.proposalStaff(w, r)
	if u == nil {
		return
	}
	s.renderProposal(w, r, s.page(w, r, "prop.one"), *u, "proposal_staff", http.StatusOK)
}

func (s *Server) staffProposalAct(w http.ResponseWriter, r *http.Request) {
	u := s.proposalStaff(w, r)
	if u == nil {
		return
	}
	number := r.PathValue("number")
	var err error
	switch r.PathValue("action") {
	case "answer":
		_, err = s.Proposals.Answer(r.Context(), *u, number, proposal.Answer{Decision: r.PostFormValue("decision"), Text: r.PostFormValue("text")})
	case "cosign": // for a resident who telephoned or came in
		_, err = s.Proposals.CosignFor(r.Context(), *u, number, r.PostFormValue("phone"))
		if err == nil {
			redirect(w, r, "/staff/proposals/"+url.PathEscape(number)+"?done=cosignedfor")
			return
		}
	case "progress":
		pct, perr := strconv.ParseInt(strings.TrimSpace(r.PostFormValue("percent")), 10, 64)
		if perr != nil && r.PostFormValue("percent") != "" {
			err = errs.Invalidf("进度应为0到100的整数", "percent must be a whole number from 0 to 100")
			break
		}
		_, err = s.Proposals.ReportProgress(r.Context(), *u, number, proposal.Progress{Text: r.PostFormValue("text"), Percent: pct, Done: r.PostFormValue("done") == "1"})
	default:
		s.notFound(w, r)
		return
	}
	if err != nil {
		if errs.Is(err, errs.NotFound) {
			s.fail(w, r, err)
			return
		}
		p := s.page(w, r, "prop.one")
		s.renderProposal(w, r, p, *u, "proposal_staff", s.formError(r, p, err))
		return
	}
	// An escalation may take the proposal out of her sight: back to the list.
	if x, gerr := s.Proposals.Get(r.Context(), *u, number); gerr != nil || (x.Status == proposal.StatusEscalated && !proposal.CanAnswer(*u, x)) {
		redirect(w, r, "/staff/proposals?done=answered")
		return
	}
	redirect(w, r, "/staff/proposals/"+url.PathEscape(number)+"?done=answered")
}

func (s *Server) residentsPage(w http.ResponseWriter, r *http.Request) {
	u := s.proposalStaff(w, r)
	if u == nil {
		return
	}
	if !canResidents(u) {
		s.fail(w, r, errs.ErrForbidden)
		return
	}
	p := s.page(w, r, "res.title")
	d := &ResidentsData{CanPopulation: proposal.CanSetPopulation(*u)}
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["res.flash."+done]; ok {
			p.Flash = tr(p.Lang, "res.flash."+done)
		}
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "proposal_residents", p)
}

// residentsAct takes the residence page's forms: one resident, a CSV of
// residents, a courtyard, a population, a CSV of populations.
func (s *Server) residentsAct(w http.ResponseWriter, r *http.Request) {
	u := s.proposalStaff(w, r)
	if u == nil {
		return
	}
	ctx, f := r.Context(), r.PostFormValue
	var res *proposal.ImportResult
	var err error
	var area gov.Area
	done := r.PathValue("action")
	switch done {
	case "verify":
		_, err = s.Proposals.VerifyResident(ctx, *u, strings.TrimSpace(f("area_code")), f("phone"))
	case "import":
		var x proposal.ImportResult
		x, err = s.Proposals.ImportResidents(ctx, *u, strings.NewReader(f("csv")))
		res = &x
	case "courtyard":
		area, err = s.Proposals.CreateCourtyard(ctx, *u, strings.TrimSpace(f("parent_code")), f("name"))
	case "population":
		n, perr := strconv.ParseInt(strings.TrimSpace(f("population")), 10, 64)
		if perr != nil {
			err = errs.Invalidf("人口数应为整数", "population must be a whole number")
			break
		}
		_, err = s.Proposals.SetPopulation(ctx, *u, strings.TrimSpace(f("area_code")), n)
	case "populations":
		var x proposal.ImportResult
		x, err = s.Proposals.ImportPopulation(ctx, *u, strings.NewReader(f("csv")))
		res = &x
	default:
		s.notFound(w, r)
		return
	}
	p := s.page(w, r, "res.title")
	d := &ResidentsData{CanPopulation: proposal.CanSetPopulation(*u), Result: res, Done: done}
	p.Data = d
	status := http.StatusOK
	if err != nil {
		status = s.formError(r, p, err)
	} else if done == "courtyard" {
		p.Flash = tr(p.Lang, "res.flash.courtyard", area.Code)
	} else if res == nil {
		p.Flash = tr(p.Lang, "res.flash."+done)
	}
	s.render(w, r, status, "proposal_residents", p)
}
