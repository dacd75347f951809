package api

import (
	"net/http"
	"strconv"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/project"
)

// Key projects (重点项目): the handlers only map; who may read and do what
// is the project capability's. A project's list and page are read by
// guests too (its disclosure level decides); everything else needs a caller.

var errNoProjects = errs.New(errs.Unavailable, "重点项目服务未启用", "key projects are not available")

func (a *API) projectsOn(w http.ResponseWriter, r *http.Request) bool {
	if a.Projects == nil {
		a.fail(w, r, errNoProjects)
		return false
	}
	return true
}

// POST /api/v1/projects {"area_code","org_code","title","description","budget_fen","level"}
func (a *API) createProject(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in project.New
	if !a.decodeProject(w, r, &in) {
		return
	}
	d, err := a.Projects.Create(r.Context(), u, in)
	a.projectDone(w, r, http.StatusCreated, d, err)
}

// GET /api/v1/projects?area_code=&phase=&mine=&cursor=&limit=
func (a *API) listProjects(w http.ResponseWriter, r *http.Request) {
	u, _, err := a.caller(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if !a.projectsOn(w, r) {
		return
	}
	q := r.URL.Query()
	f := project.Filter{AreaCode: q.Get("area_code"), Phase: project.Phase(q.Get("phase")), Cursor: q.Get("cursor"), Mine: q.Get("mine") == "true"}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > project.MaxList {
			a.fail(w, r, errs.Invalidf("limit 须为1到%d", "limit must be 1 to %d", project.MaxList))
			return
		}
		f.Limit = n
	}
	page, err := a.Projects.List(r.Context(), u, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

// GET /api/v1/projects/{number}
func (a *API) getProject(w http.ResponseWriter, r *http.Request) {
	u, _, err := a.caller(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if !a.projectsOn(w, r) {
		return
	}
	d, err := a.Projects.Get(r.Context(), u, r.PathValue("number"))
	a.projectDone(w, r, http.StatusOK, d, err)
}

// POST /api/v1/projects/{number}/phase {"phase"}
func (a *API) projectPhase(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		Phase project.Phase `json:"phase"`
	}
	if !a.decodeProject(w, r, &in) {
		return
	}
	d, err := a.Projects.SetPhase(r.Context(), u, r.PathValue("number"), in.Phase)
	a.projectDone(w, r, http.StatusOK, d, err)
}

// POST /api/v1/projects/{number}/milestones {"title","planned"}
func (a *API) addProjectMilestone(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in project.MilestoneIn
	if !a.decodeProject(w, r, &in) {
		return
	}
	d, err := a.Projects.AddMilestone(r.Context(), u, r.PathValue("number"), in)
	a.projectDone(w, r, http.StatusCreated, d, err)
}

// POST /api/v1/projects/{number}/milestones/{id}/done {"done"}
func (a *API) projectMilestoneDone(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		Done string `json:"done"`
	}
	if !a.decodeProject(w, r, &in) {
		return
	}
	d, err := a.Projects.DoneMilestone(r.Context(), u, r.PathValue("number"), r.PathValue("id"), in.Done)
	a.projectDone(w, r, http.StatusOK, d, err)
}

// POST /api/v1/projects/{number}/progress {"percent","note","reason"}:
// photos are added on the staff's web page.
func (a *API) projectProgress(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in project.Progress
	if !a.decodeProject(w, r, &in) {
		return
	}
	d, err := a.Projects.ReportProgress(r.Context(), u, r.PathValue("number"), in, nil)
	a.projectDone(w, r, http.StatusCreated, d, err)
}

// POST /api/v1/projects/{number}/inputs {"kind","text","phone"}
func (a *API) projectInput(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in project.InputIn
	if !a.decodeProject(w, r, &in) {
		return
	}
	x, err := a.Projects.Submit(r.Context(), u, r.PathValue("number"), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, x)
}

// POST /api/v1/projects/{number}/inputs/{id}/answer {"text"}
func (a *API) answerProjectInput(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		Text string `json:"text"`
	}
	if !a.decodeProject(w, r, &in) {
		return
	}
	x, err := a.Projects.Answer(r.Context(), u, r.PathValue("number"), r.PathValue("id"), in.Text)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, x)
}

// POST /api/v1/projects/{number}/evaluations {"score","text","phone"}: 201
// for her first evaluation, 200 when it changes the one she gave.
func (a *API) evaluateProject(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in project.EvaluationIn
	if !a.decodeProject(w, r, &in) {
		return
	}
	d, created, err := a.Projects.Evaluate(r.Context(), u, r.PathValue("number"), in)
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	a.projectDone(w, r, status, d, err)
}

// GET /api/v1/project-inputs/unanswered?cursor=&limit=
func (a *API) unansweredProjectInputs(w http.ResponseWriter, r *http.Request, u auth.User) {
	if !a.projectsOn(w, r) {
		return
	}
	q := r.URL.Query()
	limit := 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			a.fail(w, r, errs.Invalidf("limit 须为1到%d", "limit must be 1 to %d", project.MaxList))
			return
		}
		limit = n
	}
	page, err := a.Projects.Unanswered(r.Context(), u, q.Get("cursor"), limit)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

func (a *API) decodeProject(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := decode(w, r, v); err != nil {
		a.fail(w, r, err)
		return false
	}
	return a.projectsOn(w, r)
}

func (a *API) projectDone(w http.ResponseWriter, r *http.Request, status int, d project.Detail, err error) {
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, status, d)
}
