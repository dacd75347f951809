package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/project"
)

// The staff's key-project pages: their unit's projects, the needs and
// opinions waiting for its answer (the earliest due first, overdue in
// red), every project they may read, and the form that creates one; one
// project with the forms that run it (phase, milestones, progress with
// photos, answers) and those that enter a resident's input or evaluation
// on her behalf.

// StaffProjectsData is the staff's list.
type StaffProjectsData struct {
	View      string // mine, queue or all
	Tabs      []Tab
	Items     []project.Project
	Queue     *project.Queue
	NextURL   string
	CanCreate bool
	Levels    []disclosure.Level
}

func canProjects(u *auth.User) bool { return u != nil && u.Role.IsStaff() }

func (s *Server) projectStaff(w http.ResponseWriter, r *http.Request) *auth.User {
	u := s.staff(w, r)
	if u == nil {
		return nil
	}
	if s.Projects == nil {
		s.fail(w, r, errNoProjects)
		return nil
	}
	return u
}

func (s *Server) staffProjects(w http.ResponseWriter, r *http.Request) {
	u := s.projectStaff(w, r)
	if u == nil {
		return
	}
	p := s.page(w, r, "proj.staff.title")
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["proj.flash."+done]; ok {
			p.Flash = tr(p.Lang, "proj.flash."+done)
		}
	}
	s.renderStaffProjects(w, r, p, *u, http.StatusOK)
}

func (s *Server) renderStaffProjects(w http.ResponseWriter, r *http.Request, p *Page, u auth.User, status int) {
	q := r.URL.Query()
	d := &StaffProjectsData{View: q.Get("view"), CanCreate: project.CanCreateAny(u), Levels: disclosure.Levels}
	queue := project.CanSeeQueue(u)
	if d.View == "" || (!queue && d.View != "all") {
		d.View = "all"
		if queue {
			d.View = "mine"
		}
	}
	if queue {
		d.Tabs = append(d.Tabs, Tab{Label: tr(p.Lang, "proj.tab.mine"), URL: "/staff/projects?view=mine", Active: d.View == "mine"},
			Tab{Label: tr(p.Lang, "proj.tab.queue"), URL: "/staff/projects?view=queue", Active: d.View == "queue"})
	}
	d.Tabs = append(d.Tabs, Tab{Label: tr(p.Lang, "proj.tab.visible"), URL: "/staff/projects?view=all", Active: d.View == "all"})
	var err error
	if d.View == "queue" {
		var qu project.Queue
		qu, err = s.Projects.Unanswered(r.Context(), u, q.Get("cursor"), 50)
		d.Queue = &qu
		if err == nil && qu.Next != "" {
			d.NextURL = "/staff/projects?" + url.Values{"view": {"queue"}, "cursor": {qu.Next}}.Encode()
		}
	} else {
		var page project.Page
		page, err = s.Projects.List(r.Context(), u, project.Filter{Mine: d.View == "mine" && !u.IsAdmin(), Cursor: q.Get("cursor"), Limit: 50})
		d.Items = page.Items
		if err == nil && page.Next != "" {
			d.NextURL = "/staff/projects?" + url.Values{"view": {d.View}, "cursor": {page.Next}}.Encode()
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Data = d
	s.render(w, r, status, "project_staff_list", p)
}

// staffProjectCreate creates a project from the list page's form.
func (s *Server) staffProjectCreate(w http.ResponseWriter, r *http.Request) {
	u := s.projectStaff(w, r)
	if u == nil {
		return
	}
	f := r.PostFormValue
	budget, err := project.ParseYuan(f("budget"))
	var x project.Detail
	if err == nil {
		x, err = s.Projects.Create(r.Context(), *u, project.New{AreaCode: f("area_code"), OrgCode: f("org_code"), Title: f("title"),
			Description: f("description"), BudgetFen: budget, Level: disclosure.Level(f("level"))})
	}
	if err != nil {
		p := s.page(w, r, "proj.staff.title")
		s.renderStaffProjects(w, r, p, *u, s.formError(r, p, err))
		return
	}
	redirect(w, r, "/staff/projects/"+url.PathEscape(x.Number)+"?done=created")
}

func (s *Server) staffProject(w http.ResponseWriter, r *http.Request) {
	u := s.projectStaff(w, r)
	if u == nil {
		return
	}
	s.renderProject(w, r, s.page(w, r, "proj.one"), *u, http.StatusOK)
}

func (s *Server) staffProjectPhoto(w http.ResponseWriter, r *http.Request) {
	u := s.projectStaff(w, r)
	if u == nil {
		return
	}
	s.serveProjectPhoto(w, r, *u)
}

// staffProjectAct takes the staff's forms on a project.
func (s *Server) staffProjectAct(w http.ResponseWriter, r *http.Request) {
	u := s.projectStaff(w, r)
	if u == nil {
		return
	}
	ctx, f, number := r.Context(), r.PostFormValue, r.PathValue("number")
	action := r.PathValue("action")
	var err error
	switch action {
	case "phase":
		_, err = s.Projects.SetPhase(ctx, *u, number, project.Phase(f("phase")))
	case "milestone":
		_, err = s.Projects.AddMilestone(ctx, *u, number, project.MilestoneIn{Title: f("title"), Planned: f("planned")})
	case "done":
		_, err = s.Projects.DoneMilestone(ctx, *u, number, f("milestone"), f("done"))
	case "progress":
		err = s.staffProgress(r, *u, number)
	case "answer":
		_, err = s.Projects.Answer(ctx, *u, number, f("input"), f("text"))
	case "input":
		_, err = s.Projects.Submit(ctx, *u, number, project.InputIn{Kind: f("kind"), Text: f("text"), Phone: f("phone")})
	case "evaluation":
		var in project.EvaluationIn
		if in, err = evaluationForm(r); err == nil {
			_, _, err = s.Projects.Evaluate(ctx, *u, number, in)
		}
	default:
		s.notFound(w, r)
		return
	}
	s.projectFormDone(w, r, *u, "/staff/projects/"+url.PathEscape(number), action, err)
}

// staffProgress reports progress with the form's photos.
func (s *Server) staffProgress(r *http.Request, u auth.User, number string) error {
	f := r.PostFormValue
	v := strings.TrimSpace(f("percent"))
	var pct *int64
	if v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return errs.Invalidf("进度应为0到100的整数", "percent must be a whole number from 0 to 100")
		}
		pct = &n
	}
	files := uploaded(r)
	photos := make([]project.PhotoIn, 0, len(files))
	for _, fh := range files {
		file, err := fh.Open()
		if err != nil {
			return errs.Wrap(err, "open uploaded photo")
		}
		defer file.Close()
		photos = append(photos, project.PhotoIn{Name: fh.Filename, R: file})
	}
	_, err := s.Projects.ReportProgress(r.Context(), u, number, project.Progress{Percent: pct, Note: f("note"), Reason: f("reason")}, photos)
	return err
}
