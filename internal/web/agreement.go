package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/gongzhi/gongzhi/internal/agreement"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// The district's agreements with organisations outside the government
// (协议/责任清单): the list with the form that makes one, one agreement's
// page with its duties, log and the forms that suspend, resume and end it,
// and the month's report of reads of personal data by those organisations'
// staff. Who may do what is the agreement capability's.

func (s *Server) agreementRoutes(h route) {
	h("GET /staff/agreements", s.staffAgreements)
	h("POST /staff/agreements", s.staffAgreementCreate)
	h("GET /staff/agreements/reads", s.staffAgreementReads)
	h("GET /staff/agreements/{id}", s.staffAgreement)
	h("POST /staff/agreements/{id}/{step}", s.staffAgreementStep)
}

// StaffAgreementsData is the list of agreements with the form.
type StaffAgreementsData struct {
	Items []agreement.Agreement
	Orgs  []gov.Org // outside the government, for the form
}

// StaffAgreementData is one agreement's page.
type StaffAgreementData struct {
	A      agreement.Agreement
	Events []agreement.Event
	Manage bool
}

var errNoAgreementsPage = errs.New(errs.Unavailable, "服务协议功能未启用", "agreements are not available")

func canAgreements(u *auth.User) bool { return u != nil && agreement.CanManage(*u) }

func (s *Server) agreementStaff(w http.ResponseWriter, r *http.Request) *auth.User {
	u := s.staff(w, r)
	if u == nil {
		return nil
	}
	if s.Agreements == nil {
		s.fail(w, r, errNoAgreementsPage)
		return nil
	}
	return u
}

func (s *Server) staffAgreements(w http.ResponseWriter, r *http.Request) {
	u := s.agreementStaff(w, r)
	if u == nil {
		return
	}
	s.renderStaffAgreements(w, r, s.page(w, r, "agr.title"), u, http.StatusOK)
}

func (s *Server) renderStaffAgreements(w http.ResponseWriter, r *http.Request, p *Page, u *auth.User, status int) {
	ctx := r.Context()
	items, err := s.Agreements.List(ctx, *u, agreement.Filter{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &StaffAgreementsData{Items: items}
	if agreement.CanManage(*u) {
		all, err := s.Gov.Orgs(ctx, gov.OrgFilter{})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, o := range all {
			if !o.Kind.Government() {
				d.Orgs = append(d.Orgs, o)
			}
		}
	}
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["agr.flash."+done]; ok {
			p.Flash = tr(p.Lang, "agr.flash."+done)
		}
	}
	p.Data = d
	s.render(w, r, status, "agreements_staff", p)
}

// fields splits a field of codes written with spaces, commas or new lines.
func fields(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
}

// agreementForm reads the form: duties one a line, "category limit note".
func agreementForm(r *http.Request) (agreement.Input, error) {
	f := r.PostFormValue
	in := agreement.Input{OrgCode: f("org_code"), Title: f("title"), Areas: fields(f("areas")), Categories: fields(f("categories")),
		Services: strings.Split(f("services"), "\n"), Rights: f("rights"), DataAreas: fields(f("data_areas")),
		SeePhone: f("see_phone") == "1", SeeName: f("see_name") == "1", SeeAddress: f("see_address") == "1",
		StartsOn: f("starts_on"), EndsOn: f("ends_on")}
	lines := strings.Split(f("duties"), "\n")
	if len(lines) > agreement.MaxDuties+1 {
		return in, errs.Invalidf("责任条款最多%d条", "at most %d duties", agreement.MaxDuties)
	}
	for _, line := range lines {
		parts := strings.Fields(line)
		if len(parts) == 0 {
			continue
		}
		if len(parts) < 2 {
			return in, errs.Invalidf("责任条款每行写“分类代码 时限 说明”，如 0403 8h 停暖8个工作小时内办结：%q", "a duty is a line \"category limit note\", such as 0403 8h heating back within 8 working hours: %q", line)
		}
		lim, err := ticket.ParseLimit(parts[1])
		if err != nil {
			return in, err
		}
		in.Duties = append(in.Duties, agreement.Duty{CategoryCode: parts[0], Limit: lim, Note: strings.Join(parts[2:], " ")})
	}
	return in, nil
}

func (s *Server) staffAgreementCreate(w http.ResponseWriter, r *http.Request) {
	u := s.agreementStaff(w, r)
	if u == nil {
		return
	}
	in, err := agreementForm(r)
	var a agreement.Agreement
	if err == nil {
		a, err = s.Agreements.Create(r.Context(), *u, in)
	}
	if errs.Is(err, errs.Forbidden) {
		s.fail(w, r, err)
		return
	}
	if err != nil {
		p := s.page(w, r, "agr.title")
		s.renderStaffAgreements(w, r, p, u, s.formError(r, p, err))
		return
	}
	redirect(w, r, "/staff/agreements/"+url.PathEscape(a.ID)+"?done=created")
}

func (s *Server) staffAgreement(w http.ResponseWriter, r *http.Request) {
	u := s.agreementStaff(w, r)
	if u == nil {
		return
	}
	s.renderStaffAgreement(w, r, s.page(w, r, "agr.one"), u, http.StatusOK)
}

func (s *Server) renderStaffAgreement(w http.ResponseWriter, r *http.Request, p *Page, u *auth.User, status int) {
	ctx := r.Context()
	id := r.PathValue("id")
	a, err := s.Agreements.Get(ctx, *u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	evs, err := s.Agreements.Events(ctx, *u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["agr.flash."+done]; ok {
			p.Flash = tr(p.Lang, "agr.flash."+done)
		}
	}
	p.Data = &StaffAgreementData{A: a, Events: evs, Manage: agreement.CanManage(*u)}
	s.render(w, r, status, "agreement_staff", p)
}

// stepFunc is one of the agreement's status changes.
type stepFunc func(ctx context.Context, u auth.User, id, reason string) (agreement.Agreement, error)

// staffAgreementStep suspends, resumes or ends an agreement.
func (s *Server) staffAgreementStep(w http.ResponseWriter, r *http.Request) {
	u := s.agreementStaff(w, r)
	if u == nil {
		return
	}
	steps := map[string]func(*agreement.Service) stepFunc{
		"suspend": func(a *agreement.Service) stepFunc { return a.Suspend },
		"resume":  func(a *agreement.Service) stepFunc { return a.Resume },
		"end":     func(a *agreement.Service) stepFunc { return a.End },
	}
	step, ok := steps[r.PathValue("step")]
	if !ok {
		s.notFound(w, r)
		return
	}
	id := r.PathValue("id")
	if _, err := step(s.Agreements)(r.Context(), *u, id, r.PostFormValue("reason")); err != nil {
		if errs.Is(err, errs.Forbidden) || errs.Is(err, errs.NotFound) {
			s.fail(w, r, err)
			return
		}
		p := s.page(w, r, "agr.one")
		s.renderStaffAgreement(w, r, p, u, s.formError(r, p, err))
		return
	}
	redirect(w, r, "/staff/agreements/"+url.PathEscape(id)+"?done="+r.PathValue("step"))
}

// StaffReadsData is the month's report of reads of personal data.
type StaffReadsData struct {
	R agreement.Report
}

func (s *Server) staffAgreementReads(w http.ResponseWriter, r *http.Request) {
	u := s.agreementStaff(w, r)
	if u == nil {
		return
	}
	p := s.page(w, r, "agr.reads")
	rep, err := s.Agreements.MonthlyReport(r.Context(), *u, r.URL.Query().Get("month"))
	if errs.Is(err, errs.Invalid) {
		p.Err = tr(p.Lang, "agr.reads.badmonth")
		rep, err = s.Agreements.MonthlyReport(r.Context(), *u, "")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Data = &StaffReadsData{R: rep}
	s.render(w, r, http.StatusOK, "agreement_reads", p)
}

// auditDownload writes a file downloaded from a page to the audit log, with
// who asked for it: every bulk read is there.
func (s *Server) auditDownload(r *http.Request, file string) error {
	u := s.user(r)
	if u == nil {
		return nil
	}
	return s.Auth.Audit(r.Context(), *u, auth.AuditDownload, "file:"+file, r.URL.RequestURI())
}
