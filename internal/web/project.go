package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gongzhi/gongzhi/internal/attachment"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/project"
)

// Key projects (重点项目): the residents' list and page, where they send
// needs and opinions and give their evaluation, and the staff's pages
// (project_staff.go). Who may read and do what is the project capability's
// (project.OffersTo tells each page which forms to show); these pages only
// lay it out. Residents' phones and names never appear on them.

// projectRoutes are the key projects' pages, the residents' and the staff's.
func (s *Server) projectRoutes(h, files route) {
	h("GET /projects", s.projectList)
	h("GET /projects/{number}", s.projectPage)
	h("POST /projects/{number}/inputs", s.projectInput)
	h("POST /projects/{number}/evaluation", s.projectEvaluate)
	h("GET /projects/{number}/photos/{id}", s.projectPhoto)
	h("GET /staff/projects", s.staffProjects)
	h("POST /staff/projects", s.staffProjectCreate)
	h("GET /staff/projects/{number}", s.staffProject)
	// phase, milestone, done, progress (with photos), answer, input, evaluation
	files("POST /staff/projects/{number}/{action}", s.staffProjectAct)
	h("GET /staff/projects/{number}/photos/{id}", s.staffProjectPhoto)
}

// ProjectListData is the residents' list.
type ProjectListData struct {
	Items   []project.Project
	Tabs    []Tab
	NextURL string
}

// ProjectStep is one phase in the steps a project's page shows.
type ProjectStep struct {
	Phase   project.Phase
	N       int
	Done    bool
	Current bool
}

// ProjectData is one project's page, the residents' and the staff's.
type ProjectData struct {
	Comments *CommentsView // the comments section, nil without the service
	D        project.Detail
	Steps    []ProjectStep
	Budget   string // in yuan, "" when not given
	Staff    bool   // the staff's page: its forms and links
	Base     string // /projects/N or /staff/projects/N
	LoginURL string
	Events   []project.Event
	Needs    []project.Input
	Opinions []project.Input
	Score    int64 // the score her form starts on
	// NotResident tells a resident who may read the project but not take
	// part that only its area's verified residents do.
	NotResident bool
}

var errNoProjects = errs.New(errs.Unavailable, "重点项目服务未启用", "key projects are not available")

// projectReader returns who reads the residents' pages: the logged-in user
// or a guest (the zero user). Staff are sent to their pages.
func (s *Server) projectReader(w http.ResponseWriter, r *http.Request, staffTo string) (auth.User, bool) {
	if s.Projects == nil {
		s.fail(w, r, errNoProjects)
		return auth.User{}, false
	}
	u := s.user(r)
	if u == nil {
		return auth.User{}, true
	}
	if u.Role.StaffAccount() {
		redirect(w, r, staffTo)
		return auth.User{}, false
	}
	return *u, true
}

func (s *Server) projectList(w http.ResponseWriter, r *http.Request) {
	u, ok := s.projectReader(w, r, "/staff/projects?view=all")
	if !ok {
		return
	}
	p := s.page(w, r, "proj.title")
	q := r.URL.Query()
	phase := project.Phase(q.Get("phase"))
	page, err := s.Projects.List(r.Context(), u, project.Filter{Phase: phase, Cursor: q.Get("cursor")})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &ProjectListData{Items: page.Items}
	d.Tabs = append(d.Tabs, Tab{Label: tr(p.Lang, "proj.tab.all"), URL: "/projects", Active: phase == ""})
	for _, ph := range project.Phases {
		d.Tabs = append(d.Tabs, Tab{Label: tr(p.Lang, "proj.phase."+string(ph)), URL: "/projects?phase=" + string(ph), Active: phase == ph})
	}
	if page.Next != "" {
		d.NextURL = "/projects?" + url.Values{"phase": {string(phase)}, "cursor": {page.Next}}.Encode()
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "project_list", p)
}

func (s *Server) projectPage(w http.ResponseWriter, r *http.Request) {
	number := r.PathValue("number")
	u, ok := s.projectReader(w, r, "/staff/projects/"+url.PathEscape(number))
	if !ok {
		return
	}
	s.renderProject(w, r, s.page(w, r, "proj.one"), u, http.StatusOK)
}

// renderProject lays out the project for u: the residents' page, or the
// staff's under /staff with their forms and the history.
func (s *Server) renderProject(w http.ResponseWriter, r *http.Request, p *Page, u auth.User, status int) {
	number := r.PathValue("number")
	x, err := s.Projects.Get(r.Context(), u, number)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &ProjectData{D: x, Staff: p.Staff, Base: "/projects/" + url.PathEscape(number)}
	if d.Staff {
		d.Base = "/staff" + d.Base
		if x.May.Run || x.May.ActFor {
			if d.Events, err = s.Projects.Events(r.Context(), u, number); err != nil {
				s.fail(w, r, err)
				return
			}
		}
	}
	d.LoginURL = "/login?next=" + url.QueryEscape("/projects/"+number)
	if x.BudgetFen != nil {
		d.Budget = project.FormatYuan(*x.BudgetFen)
	}
	for i, ph := range project.Phases {
		cur := ph == x.Phase
		d.Steps = append(d.Steps, ProjectStep{Phase: ph, N: i + 1, Current: cur, Done: !cur && stepBefore(ph, x.Phase)})
	}
	for _, in := range x.Inputs {
		if in.Kind == project.KindNeed {
			d.Needs = append(d.Needs, in)
		} else {
			d.Opinions = append(d.Opinions, in)
		}
	}
	d.NotResident = u.Role == auth.RoleResident && x.Phase != project.Closed && !x.May.Need && !x.May.Opinion && !x.May.Evaluate
	if x.Mine != nil {
		d.Score = x.Mine.Score
	}
	if v := p.V("score"); v != "" {
		d.Score, _ = strconv.ParseInt(v, 10, 64)
	}
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["proj.flash."+done]; ok {
			p.Flash = tr(p.Lang, "proj.flash."+done)
		}
	}
	d.Comments = s.commentsView(r, p, &u, "project:"+x.Number)
	p.Data = d
	s.render(w, r, status, "project", p)
}

// stepBefore reports whether phase a comes before b.
func stepBefore(a, b project.Phase) bool {
	for _, ph := range project.Phases {
		switch ph {
		case b:
			return false
		case a:
			return true
		}
	}
	return false
}

// projectResident returns the logged-in resident for a form, sending
// others to log in and staff to their page.
func (s *Server) projectResident(w http.ResponseWriter, r *http.Request) *auth.User {
	if s.Projects == nil {
		s.fail(w, r, errNoProjects)
		return nil
	}
	u := s.user(r)
	if u == nil {
		redirect(w, r, "/login?next="+url.QueryEscape("/projects/"+r.PathValue("number")))
		return nil
	}
	if u.Role.StaffAccount() {
		redirect(w, r, "/staff/projects/"+url.PathEscape(r.PathValue("number")))
		return nil
	}
	return u
}

// projectFormDone sends the browser back to the project's page, or shows
// the form's error on it.
func (s *Server) projectFormDone(w http.ResponseWriter, r *http.Request, u auth.User, base, done string, err error) {
	if err == nil {
		redirect(w, r, base+"?done="+done)
		return
	}
	if errs.Is(err, errs.NotFound) && r.PathValue("id") == "" {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "proj.one")
	s.renderProject(w, r, p, u, s.formError(r, p, err))
}

// projectInput sends the resident's need or opinion.
func (s *Server) projectInput(w http.ResponseWriter, r *http.Request) {
	u := s.projectResident(w, r)
	if u == nil {
		return
	}
	kind := r.PostFormValue("kind")
	_, err := s.Projects.Submit(r.Context(), *u, r.PathValue("number"), project.InputIn{Kind: kind, Text: r.PostFormValue("text")})
	s.projectFormDone(w, r, *u, "/projects/"+url.PathEscape(r.PathValue("number")), kind, err)
}

// projectEvaluate gives or changes the resident's evaluation.
func (s *Server) projectEvaluate(w http.ResponseWriter, r *http.Request) {
	u := s.projectResident(w, r)
	if u == nil {
		return
	}
	in, err := evaluationForm(r)
	if err == nil {
		_, _, err = s.Projects.Evaluate(r.Context(), *u, r.PathValue("number"), in)
	}
	s.projectFormDone(w, r, *u, "/projects/"+url.PathEscape(r.PathValue("number")), "evaluated", err)
}

// evaluationForm reads the evaluation form: a score of 1 to 5 chosen, a
// comment, and (on the staff's form) the resident's phone.
func evaluationForm(r *http.Request) (project.EvaluationIn, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(r.PostFormValue("score")), 10, 64)
	if err != nil {
		return project.EvaluationIn{}, errs.Invalidf("请选择1到5分", "choose a score of 1 to 5")
	}
	return project.EvaluationIn{Score: n, Text: r.PostFormValue("text"), Phone: r.PostFormValue("phone")}, nil
}

// projectPhoto serves a report's photo to whoever may read the project.
func (s *Server) projectPhoto(w http.ResponseWriter, r *http.Request) {
	if s.Projects == nil {
		s.fail(w, r, errNoProjects)
		return
	}
	u := auth.User{}
	if x := s.user(r); x != nil {
		u = *x
	}
	s.serveProjectPhoto(w, r, u)
}

func (s *Server) serveProjectPhoto(w http.ResponseWriter, r *http.Request, u auth.User) {
	thumb, err := attachment.ParseThumb(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, att, err := s.Projects.OpenPhoto(r.Context(), u, r.PathValue("number"), r.PathValue("id"), thumb)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer f.Close()
	attachment.Serve(w, r, f, att, thumb)
}
