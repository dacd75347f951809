package web

import (
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"net/http"
	"net/url"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/proposal"
)

// Residents' proposals (提案): the list of her areas' proposals, one
// proposal with its co-sign button, the form that raises one. Who may see
// and do what is the proposal capability's; these pages only lay it out.

// proposalRoutes are the proposals' pages, the residents' and the staff's.
func (s *Server) proposalRoutes(h route) {
	h("GET /proposals", s.proposalList)
	h("GET /proposals/new", s.proposalNew)
	h("POST /proposals", s.proposalCreate)
	h("GET /proposals/{number}", s.proposalPage)
	h("POST /proposals/{number}/cosign", s.proposalCosign)
	h("GET /staff/proposals", s.staffProposals)
	h("GET /staff/proposals/{number}", s.staffProposal)
	h("POST /staff/proposals", s.staffRaiseFor)
	h("POST /staff/proposals/{number}/{action}", s.staffProposalAct) // answer, progress, cosign
	h("GET /staff/residents", s.residentsPage)
	h("POST /staff/residents/{action}", s.residentsAct) // verify, import, courtyard, population, populations
}

// ProposalListData is the residents' list.
type ProposalListData struct {
	Items   []proposal.Proposal
	NextURL string
	Areas   []gov.Area // where she may raise one; none until staff verify her
}

// ProposalData is one proposal's page.
type ProposalData struct {
	P         proposal.Proposal
	Events    []proposal.Event
	CanCosign bool
	Light     string
	CanAnswer bool
	CanReport bool
	// CanCosignFor: staff may co-sign it for a resident.
	CanCosignFor bool
	Comments     *CommentsView // the comments section, nil without the service
}

// ProposalNewData is the form.
type ProposalNewData struct {
	Areas []gov.Area
}

var errNoProposals = errs.New(errs.Unavailable, "提案服务未启用", "proposals are not available")

// proposalResident returns the logged-in resident, sending staff to their
// pages and others to log in.
func (s *Server) proposalResident(w http.ResponseWriter, r *http.Request, staffTo string) *auth.User {
	u := s.resident(w, r)
	if u == nil {
		return nil
	}
	if u.Role.StaffAccount() {
		redirect(w, r, staffTo)
		return nil
	}
	if s.Proposals == nil {
		s.fail(w, r, errNoProposals)
		return nil
	}
	return u
}

func (s *Server) proposalList(w http.ResponseWriter, r *http.Request) {
	u := s.proposalResident(w, r, "/staff/proposals")
	if u == nil {
		return
	}
	p := s.page(w, r, "prop.title")
	page, err := s.Proposals.List(r.Context(), *u, proposal.Filter{Cursor: r.URL.Query().Get("cursor")})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &ProposalListData{Items: page.Items}
	if page.Next != "" {
		d.NextURL = "/proposals?" + url.Values{"cursor": {page.Next}}.Encode()
	}
	if d.Areas, err = s.Proposals.ProposalAreas(r.Context(), *u); err != nil {
		s.fail(w, r, err)
		return
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "proposal_list", p)
}

func (s *Server) proposalNew(w http.ResponseWriter, r *http.Request) {
	u := s.proposalResident(w, r, "/staff/proposals")
	if u == nil {
		return
	}
	s.renderProposalNew(w, r, s.page(w, r, "prop.new"), *u, http.StatusOK)
}

func (s *Server) renderProposalNew(w http.ResponseWriter, r *http.Request, p *Page, u auth.User, status int) {
	areas, err := s.Proposals.ProposalAreas(r.Context(), u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Data = &ProposalNewData{Areas: areas}
	s.render(w, r, status, "proposal_new", p)
}

// proposalCreate raises a proposal; the area field is "level:code", as the
// form's one choice names both.
func (s *Server) proposalCreate(w http.ResponseWriter, r *http.Request) {
	u := s.proposalResident(w, r, "/staff/proposals")
	if u == nil {
		return
	}
	level, code, _ := strings.Cut(r.PostFormValue("area"), ":")
	n := proposal.New{Level: gov.Level(level), AreaCode: code, Title: r.PostFormValue("title"), Body: r.PostFormValue("body"),
		Visibility: disclosure.Level(r.PostFormValue("visibility"))}
	x, err := s.Proposals.Create(r.Context(), *u, n)
	if err != nil {
		p := s.page(w, r, "prop.new")
		s.renderProposalNew(w, r, p, *u, s.formError(r, p, err))
		return
	}
	redirect(w, r, "/proposals/"+url.PathEscape(x.Number)+"?done=created")
}

func (s *Server) proposalPage(w http.ResponseWriter, r *http.Request) {
	if s.user(r) == nil && s.Proposals != nil {
		// A guest reads a public proposal; any other sends her to log in.
		if _, err := s.Proposals.Get(r.Context(), auth.User{}, r.PathValue("number")); err == nil {
			s.renderProposal(w, r, s.page(w, r, "prop.one"), auth.User{}, "proposal", http.StatusOK)
			return
		}
	}
	u := s.proposalResident(w, r, "/staff/proposals/"+url.PathEscape(r.PathValue("number")))
	if u == nil {
		return
	}
	s.renderProposal(w, r, s.page(w, r, "prop.one"), *u, "proposal", http.StatusOK)
}

func (s *Server) renderProposal(w http.ResponseWriter, r *http.Request, p *Page, u auth.User, name string, status int) {
	number := r.PathValue("number")
	x, err := s.Proposals.Get(r.Context(), u, number)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	evs, err := s.Proposals.Events(r.Context(), u, number)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["prop.flash."+done]; ok {
			p.Flash = tr(p.Lang, "prop.flash."+done)
		}
	}
	d := &ProposalData{P: x, Events: evs, Light: s.Proposals.Light(x), CanAnswer: proposal.CanAnswer(u, x), CanReport: proposal.CanProgress(u, x)}
	d.CanCosign = proposal.OffersCosign(u, x)
	d.CanCosignFor = proposal.OffersActFor(u, x)
	d.Comments = s.commentsView(r, p, &u, proposal.CommentKind+":"+x.Number)
	p.Data = d
	s.render(w, r, status, name, p)
}

func (s *Server) proposalCosign(w http.ResponseWriter, r *http.Request) {
	u := s.proposalResident(w, r, "/staff/proposals")
	if u == nil {
		return
	}
	number := r.PathValue("number")
	if _, err := s.Proposals.Cosign(r.Context(), *u, number); err != nil {
		if errs.Is(err, errs.NotFound) {
			s.fail(w, r, err)
			return
		}
		p := s.page(w, r, "prop.one")
		s.renderProposal(w, r, p, *u, "proposal", s.formError(r, p, err))
		return
	}
	redirect(w, r, "/proposals/"+url.PathEscape(number)+"?done=cosigned")
}
