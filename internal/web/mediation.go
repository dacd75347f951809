package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/mediation"
)

// People's mediation (人民调解): the residents' page, where she applies for
// mediation of her own dispute and follows her cases to the agreement, and
// the staff's (mediation_staff.go) with the case file to print. Who may see
// and do what is the mediation capability's; these pages only lay it out.

// mediationRoutes are the pages of mediation, the residents' and the staff's.
func (s *Server) mediationRoutes(h, files route) {
	h("GET /mediation", s.mediationList)
	h("POST /mediation", s.mediationApply)
	h("GET /mediation/{number}", s.mediationPage)
	h("POST /mediation/{number}/refuse", s.mediationRefuse)
	h("GET /staff/mediation", s.staffMediation)
	h("POST /staff/mediation", s.staffMediationCreate)
	h("GET /staff/mediation/figures", s.staffMediationFigures)
	h("POST /staff/mediation/committees/{code}", s.staffMediationMembers)
	h("GET /staff/mediation/{number}", s.staffMediationCase)
	h("GET /staff/mediation/{number}/print", s.staffMediationPrint)
	h("GET /staff/mediation/{number}/signatures/{session}/{party}", s.staffMediationSignature)
	// risk, mediators, schedule, session, sign (an image of the signature),
	// agree, confirm, followup, refuse, terminate
	files("POST /staff/mediation/{number}/{action}", s.staffMediationAct)
}

// MediationListData is the residents' page: the application form and her
// cases.
type MediationListData struct {
	Cases  []mediation.Case
	Guest  bool
	Types  []string
	Routes string
	// Areas are the areas a committee serves, to choose where to apply;
	// Home is hers when she was verified to live in one.
	Areas []mediation.Committee
	Home  string
}

// MediationData is one case for a party.
type MediationData struct {
	C         mediation.Case
	CanRefuse bool
	Refusing  int // her place among the parties
}

var errNoMediation = errs.New(errs.Unavailable, "人民调解服务未启用", "mediation is not available")

// mediationResident returns who reads the residents' pages: the logged-in
// resident, or a guest (the zero user) who sees how to apply; staff go to
// their pages.
func (s *Server) mediationResident(w http.ResponseWriter, r *http.Request, staffTo string) (auth.User, bool) {
	u := s.user(r)
	if u != nil && u.Role.StaffAccount() {
		redirect(w, r, staffTo)
		return auth.User{}, false
	}
	if s.Mediation == nil {
		s.fail(w, r, errNoMediation)
		return auth.User{}, false
	}
	if u == nil {
		return auth.User{}, true
	}
	return *u, true
}

func (s *Server) mediationList(w http.ResponseWriter, r *http.Request) {
	u, ok := s.mediationResident(w, r, "/staff/mediation")
	if !ok {
		return
	}
	s.renderMediationList(w, r, s.page(w, r, "med.title"), u, http.StatusOK)
}

func (s *Server) renderMediationList(w http.ResponseWriter, r *http.Request, p *Page, u auth.User, status int) {
	d := &MediationListData{Guest: u.ID == "", Types: mediation.DisputeTypes, Routes: mediation.Routes}
	if !d.Guest {
		coms, err := s.Mediation.Committees(r.Context(), "")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, c := range coms {
			if c.Complete() {
				d.Areas = append(d.Areas, c)
			}
		}
		d.Home = s.residentArea(r, u)
		cases, err := s.Mediation.List(r.Context(), u, mediation.Filter{})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Cases = cases
	}
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["med.flash."+done]; ok {
			p.Flash = tr(p.Lang, "med.flash."+done)
		}
	}
	p.Data = d
	s.render(w, r, status, "mediation_list", p)
}

// mediationApply takes a resident's application: she is the applicant,
// the other side the respondent.
func (s *Server) mediationApply(w http.ResponseWriter, r *http.Request) {
	u := s.resident(w, r)
	if u == nil {
		return
	}
	if _, ok := s.mediationResident(w, r, "/staff/mediation"); !ok {
		return
	}
	f := r.PostFormValue
	n := mediation.New{DisputeType: f("dispute_type"), Summary: f("summary"), AreaCode: f("area_code"),
		Parties: []mediation.NewParty{
			{Name: f("name"), Role: mediation.RoleApplicant, Address: f("address"), Claim: f("claim")},
			{Name: f("other_name"), Phone: f("other_phone"), Role: mediation.RoleRespondent, Address: f("other_address")}}}
	if n.AreaCode == "" {
		n.AreaCode = s.residentArea(r, *u)
	}
	c, err := s.Mediation.Apply(r.Context(), *u, n)
	if err != nil {
		p := s.page(w, r, "med.title")
		s.renderMediationList(w, r, p, *u, s.formError(r, p, err))
		return
	}
	redirect(w, r, "/mediation/"+url.PathEscape(c.Number)+"?done=applied")
}

// residentArea is the area she was verified to live in, if any: the
// application goes to its committee.
func (s *Server) residentArea(r *http.Request, u auth.User) string {
	var code string
	err := s.Mediation.ResidentArea(r.Context(), u, &code)
	if err != nil {
		return ""
	}
	return code
}

func (s *Server) mediationPage(w http.ResponseWriter, r *http.Request) {
	u, ok := s.mediationResident(w, r, "/staff/mediation/"+url.PathEscape(r.PathValue("number")))
	if !ok {
		return
	}
	if u.ID == "" {
		redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()))
		return
	}
	s.renderMediation(w, r, s.page(w, r, "med.one"), u, http.StatusOK)
}

func (s *Server) renderMediation(w http.ResponseWriter, r *http.Request, p *Page, u auth.User, status int) {
	c, err := s.Mediation.Get(r.Context(), u, r.PathValue("number"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["med.flash."+done]; ok {
			p.Flash = tr(p.Lang, "med.flash."+done)
		}
	}
	d := &MediationData{C: c}
	for _, x := range c.Parties {
		if x.Phone == u.Phone && mediation.CanRefuse(u, false, x) && c.Status.Open() {
			d.CanRefuse, d.Refusing = true, x.Seq
		}
	}
	p.Data = d
	s.render(w, r, status, "mediation", p)
}

func (s *Server) mediationRefuse(w http.ResponseWriter, r *http.Request) {
	u := s.resident(w, r)
	if u == nil {
		return
	}
	if _, ok := s.mediationResident(w, r, "/staff/mediation/"+url.PathEscape(r.PathValue("number"))); !ok {
		return
	}
	number := r.PathValue("number")
	if _, err := s.Mediation.Refuse(r.Context(), *u, number, 0, r.PostFormValue("reason")); err != nil {
		if errs.Is(err, errs.NotFound) {
			s.fail(w, r, err)
			return
		}
		p := s.page(w, r, "med.one")
		s.renderMediation(w, r, p, *u, s.formError(r, p, err))
		return
	}
	redirect(w, r, "/mediation/"+url.PathEscape(number)+"?done=refused")
}

// The staff's pages.

// StaffMediationData is the staff's list by colour with the form that
// opens a case.
type StaffMediationData struct {
	ByRisk   []MediationGroup
	Types    []string
	Sources  []string
	Risks    []mediation.Risk
	AreaCode string
	Figures  *mediation.Figures
	Rates    MediationRates
	// Committees are those of her area, each with whether she keeps its
	// membership.
	Committees []MediationCommitteeRow
}

// MediationCommitteeRow is a committee with its members as lines of the
// form (姓名,手机号,账号,职务).
type MediationCommitteeRow struct {
	mediation.Committee
	CanKeep bool
	Lines   string
}

// MediationRates are the figures' rates in words ("—" with nothing to count).
type MediationRates struct{ Success, Median, Performance, Confirmation string }

// MediationGroup is the cases of one colour.
type MediationGroup struct {
	Risk  mediation.Risk
	Cases []mediation.Case
}

// StaffMediationCaseData is one case with the forms that follow it.
type StaffMediationCaseData struct {
	C mediation.Case
	// HandOver offers to hand the ended case over as a ticket, in one of
	// the Categories.
	HandOver   bool
	Categories []Group
	Committee  mediation.Committee
	Events     []mediation.Event
	Risks      []mediation.Risk
	Today      string
}

func canMediation(u *auth.User) bool { return u != nil && mediation.CanWork(*u) }

func (s *Server) mediationStaff(w http.ResponseWriter, r *http.Request) *auth.User {
	u := s.staff(w, r)
	if u == nil {
		return nil
	}
	if !canMediation(u) {
		s.fail(w, r, errs.ErrForbidden)
		return nil
	}
	if s.Mediation == nil {
		s.fail(w, r, errNoMediation)
		return nil
	}
	return u
}

func (s *Server) staffMediation(w http.ResponseWriter, r *http.Request) {
	u := s.mediationStaff(w, r)
	if u == nil {
		return
	}
	s.renderStaffMediation(w, r, s.page(w, r, "med.staff.title"), u, http.StatusOK)
}

func (s *Server) renderStaffMediation(w http.ResponseWriter, r *http.Request, p *Page, u *auth.User, status int) {
	cases, err := s.Mediation.List(r.Context(), *u, mediation.Filter{Status: r.URL.Query().Get("status"), Limit: mediation.MaxList})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["med.flash."+done]; ok {
			p.Flash = tr(p.Lang, "med.flash."+done)
		}
	}
	d := &StaffMediationData{Types: mediation.DisputeTypes, Sources: mediation.Sources, Risks: mediation.Risks, AreaCode: u.AreaCode}
	for _, k := range mediation.Risks {
		g := MediationGroup{Risk: k}
		for _, c := range cases {
			if c.Risk == k {
				g.Cases = append(g.Cases, c)
			}
		}
		d.ByRisk = append(d.ByRisk, g)
	}
	coms, err := s.Mediation.Committees(r.Context(), u.AreaCode)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, c := range coms {
		row := MediationCommitteeRow{Committee: c, CanKeep: mediation.CanKeepCommittee(*u, c.Code, c.AreaCode)}
		var lines []string
		for _, m := range c.Members {
			acct := ""
			if m.UserID != "" {
				if x, err := s.Auth.User(r.Context(), m.UserID); err == nil {
					acct = x.Username
				}
			}
			lines = append(lines, strings.Join([]string{m.Name, m.Phone, acct, m.Duty}, ","))
		}
		row.Lines = strings.Join(lines, "\n")
		d.Committees = append(d.Committees, row)
	}
	p.Data = d
	s.render(w, r, status, "mediation_staff_list", p)
}

// staffMediationCreate opens a case from the form: two parties (the
// applicant and the respondent), or from a ticket by its number.
func (s *Server) staffMediationCreate(w http.ResponseWriter, r *http.Request) {
	u := s.mediationStaff(w, r)
	if u == nil {
		return
	}
	f := r.PostFormValue
	n := mediation.New{Source: f("source"), SourceNote: f("source_note"), DisputeType: f("dispute_type"), Summary: f("summary"), AreaCode: f("area_code"),
		Risk: mediation.Risk(f("risk")), Violence: f("violence") != "",
		Parties: []mediation.NewParty{
			{Name: f("a_name"), Phone: f("a_phone"), Role: mediation.RoleApplicant, Address: f("a_address"), Claim: f("a_claim")},
			{Name: f("b_name"), Phone: f("b_phone"), Role: mediation.RoleRespondent, Address: f("b_address"), Claim: f("b_claim")}}}
	var c mediation.Case
	var err error
	if tk := strings.TrimSpace(f("ticket_number")); tk != "" {
		c, err = s.Mediation.FromTicket(r.Context(), *u, tk, n)
	} else {
		c, err = s.Mediation.Create(r.Context(), *u, n)
	}
	if err != nil && c.Number == "" {
		p := s.page(w, r, "med.staff.title")
		s.renderStaffMediation(w, r, p, u, s.formError(r, p, err))
		return
	}
	redirect(w, r, "/staff/mediation/"+url.PathEscape(c.Number)+"?done=created")
}

func (s *Server) staffMediationCase(w http.ResponseWriter, r *http.Request) {
	u := s.mediationStaff(w, r)
	if u == nil {
		return
	}
	s.renderStaffMediationCase(w, r, s.page(w, r, "med.one"), u, http.StatusOK)
}

func (s *Server) mediationCaseData(r *http.Request, u *auth.User) (*StaffMediationCaseData, error) {
	ctx := r.Context()
	c, err := s.Mediation.Get(ctx, *u, r.PathValue("number"))
	if err != nil {
		return nil, err
	}
	d := &StaffMediationCaseData{C: c, Risks: mediation.Risks, Today: time.Now().In(s.loc).Format(mediation.DateLayout)}
	if d.Committee, err = s.Mediation.Committee(ctx, c.Committee); err != nil {
		return nil, err
	}
	if d.Events, err = s.Mediation.Events(ctx, *u, c.Number); err != nil {
		return nil, err
	}
	if d.HandOver = mediation.OffersHandOver(c, c.CanRun); d.HandOver {
		if d.Categories, _, err = s.categoryGroups(ctx, state(r).lang); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (s *Server) renderStaffMediationCase(w http.ResponseWriter, r *http.Request, p *Page, u *auth.User, status int) {
	d, err := s.mediationCaseData(r, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["med.flash."+done]; ok {
			p.Flash = tr(p.Lang, "med.flash."+done)
		}
	}
	p.Data = d
	s.render(w, r, status, "mediation_staff", p)
}

// staffMediationAct takes the case page's forms.
func (s *Server) staffMediationAct(w http.ResponseWriter, r *http.Request) {
	u := s.mediationStaff(w, r)
	if u == nil {
		return
	}
	ctx, f, number, action := r.Context(), r.PostFormValue, r.PathValue("number"), r.PathValue("action")
	ms := s.Mediation
	var err error
	num := func(k string) int { n, _ := strconv.Atoi(strings.TrimSpace(f(k))); return n }
	switch action {
	case "risk":
		_, err = ms.Regrade(ctx, *u, number, mediation.Risk(f("risk")), f("violence") != "", f("note"))
	case "mediators":
		r.ParseForm()
		_, err = ms.SetMediators(ctx, *u, number, r.PostForm["member"], f("chosen") != "")
	case "schedule":
		var at time.Time
		if at, err = time.ParseInLocation("2006-01-02T15:04", f("at"), s.loc); err != nil {
			err = errs.Invalidf("请填写调解时间", "give the session's time")
		} else {
			_, err = ms.Schedule(ctx, *u, number, at, f("place"))
		}
	case "session":
		n := mediation.NewSession{Place: f("place"), Record: f("record")}
		if v := f("held_at"); v != "" {
			if n.HeldAt, err = time.ParseInLocation("2006-01-02T15:04", v, s.loc); err != nil {
				err = errs.Invalidf("调解时间格式不正确", "malformed session time")
			}
		}
		if err == nil {
			_, err = ms.RecordSession(ctx, *u, number, n)
		}
	case "sign":
		file, hdr, ferr := r.FormFile("signature")
		if ferr == nil {
			defer file.Close()
			_, err = ms.Sign(ctx, *u, number, num("session"), num("party"), hdr.Filename, file)
		} else {
			_, err = ms.Sign(ctx, *u, number, num("session"), num("party"), "", nil)
		}
	case "agree":
		_, err = ms.Agree(ctx, *u, number, mediation.NewAgreement{Kind: f("kind"), Facts: f("facts"), Content: f("content"),
			Performance: f("performance"), PerformBy: f("perform_by"), EffectiveOn: f("effective_on")})
	case "confirm":
		_, err = ms.Confirm(ctx, *u, number, f("state"), f("on"))
	case "followup":
		_, err = ms.FollowUp(ctx, *u, number, f("performed"), f("note"))
	case "refuse":
		_, err = ms.Refuse(ctx, *u, number, num("party"), f("reason"))
	case "terminate":
		_, err = ms.Terminate(ctx, *u, number, f("reason"))
	case "ticket":
		_, err = ms.HandOverToTicket(ctx, *u, number, mediation.HandOver{CategoryCode: f("category_code"), Note: f("note")})
	default:
		s.notFound(w, r)
		return
	}
	if err != nil {
		if errs.Is(err, errs.NotFound) {
			s.fail(w, r, err)
			return
		}
		p := s.page(w, r, "med.one")
		s.renderStaffMediationCase(w, r, p, u, s.formError(r, p, err))
		return
	}
	redirect(w, r, "/staff/mediation/"+url.PathEscape(number)+"?done="+action)
}

// MediationPrintData is the case file (卷宗) to print.
type MediationPrintData struct {
	*StaffMediationCaseData
	PrintedAt time.Time
	PrintedBy string
	BackURL   string
}

// staffMediationPrint is the case file: every record of the case on A4 in
// Chinese, as the tickets' print page is (the browser saves it as PDF).
func (s *Server) staffMediationPrint(w http.ResponseWriter, r *http.Request) {
	u := s.mediationStaff(w, r)
	if u == nil {
		return
	}
	d, err := s.mediationCaseData(r, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "med.print.title")
	p.Lang = "zh" // the case file is in Chinese
	pd := &MediationPrintData{StaffMediationCaseData: d, PrintedAt: time.Now(), PrintedBy: u.Name, BackURL: "/staff/mediation/" + url.PathEscape(d.C.Number)}
	if pd.PrintedBy == "" {
		pd.PrintedBy = u.Username
	}
	p.Data = pd
	var buf bytes.Buffer
	if err := s.pages[p.Lang]["mediation_print"].ExecuteTemplate(&buf, "medprint", p); err != nil {
		s.fail(w, r, errs.Wrap(err, "render the case file"))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// staffMediationMembers sets a committee's members from the form's lines:
// 姓名,手机号,账号,职务 (chair, deputy or member), the account a staff
// login name.
func (s *Server) staffMediationMembers(w http.ResponseWriter, r *http.Request) {
	u := s.mediationStaff(w, r)
	if u == nil {
		return
	}
	var list []mediation.NewMember
	var err error
	for i, line := range strings.Split(strings.ReplaceAll(r.PostFormValue("members"), "，", ","), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, ",")
		for len(f) < 4 {
			f = append(f, "")
		}
		m := mediation.NewMember{Name: f[0], Phone: f[1], Duty: strings.TrimSpace(f[3])}
		if acct := strings.TrimSpace(f[2]); acct != "" {
			x, e := s.Auth.UserByUsername(r.Context(), acct)
			if e != nil {
				err = errs.Invalidf("第%d行：账号 %s 不存在", "line %d: no account %s", i+1, acct)
				break
			}
			m.UserID = x.ID
		}
		list = append(list, m)
	}
	if err == nil {
		_, err = s.Mediation.SetMembers(r.Context(), *u, r.PathValue("code"), list)
	}
	if err != nil {
		p := s.page(w, r, "med.staff.title")
		s.renderStaffMediation(w, r, p, u, s.formError(r, p, err))
		return
	}
	redirect(w, r, "/staff/mediation?done=members")
}
