package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/needs"
)

// Residents' needs: her page /needs, reached from 我的事项, where she reads
// the consent text, registers her needs, sees who read them and withdraws;
// and the grid worker's visit plan /staff/visits, which asks why before
// it shows anyone, with a visit form per resident and the form to register
// a resident's needs with her consent given in person. Who may see and do
// what is the needs capability's.

func (s *Server) needsRoutes(h route) {
	h("GET /needs", s.needsPage)
	h("POST /needs", s.needsRegister)
	h("POST /needs/withdraw", s.needsWithdraw)
	h("GET /staff/visits", s.staffVisits)
	h("POST /staff/visits/register", s.staffVisitsRegister)
	h("POST /staff/visits/{id}", s.staffVisit)
}

// NeedsData is the resident's page.
type NeedsData struct {
	R          needs.Registration
	Reads      []needs.Read
	Categories []string
	Places     []gov.Area
	Consent    string
	Version    string
	Chosen     map[string]bool
}

// VisitsData is the grid worker's visit plan.
type VisitsData struct {
	Reason     string
	Shown      bool // the plan was read, with Reason
	Items      []needs.PlanItem
	Categories []string
	Places     []gov.Area
	Consent    string
	Version    string
}

var errNoNeeds = errs.New(errs.Unavailable, "需求登记服务未启用", "needs are not available")

func canVisits(u *auth.User) bool { return u != nil && needs.CanPlan(*u) }

func (s *Server) needsResident(w http.ResponseWriter, r *http.Request) *auth.User {
	u := s.resident(w, r)
	if u == nil {
		return nil
	}
	if u.Role.StaffAccount() {
		redirect(w, r, "/staff/visits")
		return nil
	}
	if s.Needs == nil {
		s.fail(w, r, errNoNeeds)
		return nil
	}
	return u
}

func consentText(lang string) string {
	if lang == "en" {
		return needs.ConsentText[1]
	}
	return needs.ConsentText[0]
}

func (s *Server) needsPage(w http.ResponseWriter, r *http.Request) {
	u := s.needsResident(w, r)
	if u == nil {
		return
	}
	s.renderNeeds(w, r, s.page(w, r, "needs.title"), u, http.StatusOK)
}

func (s *Server) renderNeeds(w http.ResponseWriter, r *http.Request, p *Page, u *auth.User, status int) {
	ctx := r.Context()
	reg, err := s.Needs.Mine(ctx, *u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	reads, err := s.Needs.Reads(ctx, *u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	places, err := s.Needs.Places(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &NeedsData{R: reg, Reads: reads, Categories: needs.Categories, Places: places, Consent: consentText(p.Lang), Version: needs.ConsentVersion, Chosen: map[string]bool{}}
	if p.Form != nil {
		for _, c := range p.Form["categories"] {
			d.Chosen[c] = true
		}
	} else {
		for _, c := range reg.Categories {
			d.Chosen[c] = true
		}
	}
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["needs.flash."+done]; ok {
			p.Flash = tr(p.Lang, "needs.flash."+done)
		}
	}
	p.Data = d
	s.render(w, r, status, "needs", p)
}

func needsForm(r *http.Request) needs.New {
	f := r.PostFormValue
	return needs.New{AreaCode: f("area_code"), Name: f("name"), Address: f("address"), Categories: r.PostForm["categories"], Note: f("note"),
		Consent: f("consent") == "1", ConsentVersion: f("consent_version"), Phone: f("phone"), InPerson: f("in_person") == "1"}
}

func (s *Server) needsRegister(w http.ResponseWriter, r *http.Request) {
	u := s.needsResident(w, r)
	if u == nil {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, errs.Invalidf("表单格式不正确", "malformed form"))
		return
	}
	n := needsForm(r)
	n.Phone, n.InPerson = "", false
	if _, err := s.Needs.Register(r.Context(), *u, n); err != nil {
		p := s.page(w, r, "needs.title")
		s.renderNeeds(w, r, p, u, s.formError(r, p, err))
		return
	}
	redirect(w, r, "/needs?done=registered")
}

func (s *Server) needsWithdraw(w http.ResponseWriter, r *http.Request) {
	u := s.needsResident(w, r)
	if u == nil {
		return
	}
	if _, err := s.Needs.Withdraw(r.Context(), *u); err != nil {
		p := s.page(w, r, "needs.title")
		s.renderNeeds(w, r, p, u, s.formError(r, p, err))
		return
	}
	redirect(w, r, "/needs?done=withdrawn")
}

func (s *Server) visitsStaff(w http.ResponseWriter, r *http.Request) *auth.User {
	u := s.staff(w, r)
	if u == nil {
		return nil
	}
	if !canVisits(u) {
		s.fail(w, r, errs.ErrForbidden)
		return nil
	}
	if s.Needs == nil {
		s.fail(w, r, errNoNeeds)
		return nil
	}
	return u
}

func (s *Server) staffVisits(w http.ResponseWriter, r *http.Request) {
	u := s.visitsStaff(w, r)
	if u == nil {
		return
	}
	s.renderVisits(w, r, s.page(w, r, "visits.title"), u, http.StatusOK, r.URL.Query().Get("reason"))
}

// renderVisits shows the plan when a reason is given (a recorded read),
// and only the reason's form otherwise.
func (s *Server) renderVisits(w http.ResponseWriter, r *http.Request, p *Page, u *auth.User, status int, reason string) {
	ctx := r.Context()
	places, err := s.Needs.Places(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &VisitsData{Reason: strings.TrimSpace(reason), Categories: needs.Categories, Places: places, Consent: consentText(p.Lang), Version: needs.ConsentVersion}
	if d.Reason != "" {
		items, err := s.Needs.Plan(ctx, *u, d.Reason)
		if err != nil {
			if !errs.Is(err, errs.Invalid) {
				s.fail(w, r, err)
				return
			}
			status = s.formError(r, p, err)
		} else {
			d.Items, d.Shown = items, true
		}
	}
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["visits.flash."+done]; ok {
			p.Flash = tr(p.Lang, "visits.flash."+done)
		}
	}
	p.Data = d
	s.render(w, r, status, "visits_staff", p)
}

func (s *Server) staffVisit(w http.ResponseWriter, r *http.Request) {
	u := s.visitsStaff(w, r)
	if u == nil {
		return
	}
	reason := r.PostFormValue("reason")
	if err := s.Needs.Visit(r.Context(), *u, r.PathValue("id"), r.PostFormValue("note")); err != nil {
		p := s.page(w, r, "visits.title")
		s.renderVisits(w, r, p, u, s.formError(r, p, err), reason)
		return
	}
	redirect(w, r, "/staff/visits?"+url.Values{"reason": {reason}, "done": {"visited"}}.Encode())
}

func (s *Server) staffVisitsRegister(w http.ResponseWriter, r *http.Request) {
	u := s.visitsStaff(w, r)
	if u == nil {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, errs.Invalidf("表单格式不正确", "malformed form"))
		return
	}
	if _, err := s.Needs.Register(r.Context(), *u, needsForm(r)); err != nil {
		p := s.page(w, r, "visits.title")
		s.renderVisits(w, r, p, u, s.formError(r, p, err), "")
		return
	}
	redirect(w, r, "/staff/visits?done=registered")
}
