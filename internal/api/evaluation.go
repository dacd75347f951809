package api

import (
	"net/http"
	"strconv"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/evaluation"
)

// Evaluation (评价) endpoints. Who sees what is evaluation's rule
// (evaluation.Visible, CanOpenFigure, VisibleRows).

type evaluationResponse struct {
	Period   evaluation.Period  `json:"period"`
	Group    string             `json:"group"`
	AreaCode string             `json:"area_code"`
	Rows     []any              `json:"rows"`
	Weights  evaluation.Weights `json:"weights"`
	K        float64            `json:"k"`
}

func staffOnly(u auth.User) error {
	if !u.Role.IsStaff() {
		return errs.ErrForbidden
	}
	return nil
}

// evaluationQuery reads group, area_code and the period (month, or from and
// to, or the current month).
func (a *API) evaluationQuery(r *http.Request, u auth.User) (evaluation.Query, error) {
	q := r.URL.Query()
	p, err := a.Evaluation.ParsePeriod(r.Context(), q.Get("from"), q.Get("to"), q.Get("month"))
	if err != nil {
		return evaluation.Query{}, err
	}
	eq := evaluation.Query{Period: p, Group: q.Get("group"), AreaCode: q.Get("area_code"), Times: q.Get("times") == "1" || q.Get("times") == "true"}
	if eq.Group == "" {
		eq.Group = evaluation.GroupOrg
	}
	if eq.Group == evaluation.GroupArea && eq.AreaCode == "" {
		eq.AreaCode = u.AreaCode
	}
	return eq, nil
}

// GET /api/v1/evaluation?from=&to=|month=&group=org|area&area_code=&times=1
func (a *API) evaluation(w http.ResponseWriter, r *http.Request, u auth.User) {
	if err := evaluation.CanEvaluate(u); err != nil {
		a.fail(w, r, err)
		return
	}
	q, err := a.evaluationQuery(r, u)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	res, err := a.Evaluation.EvaluateFor(r.Context(), u, q)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, evaluationResponse{Period: res.Period, Group: res.Group, AreaCode: res.AreaCode,
		Rows: res.Rows, Weights: res.Settings.Weights, K: res.Settings.K})
}

// GET /api/v1/evaluation/tickets?figure=&org_code=|area_code=&from=&to=|month=&cursor=&limit=
func (a *API) evaluationTickets(w http.ResponseWriter, r *http.Request, u auth.User) {
	if err := evaluation.CanEvaluate(u); err != nil {
		a.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	p, err := a.Evaluation.ParsePeriod(r.Context(), q.Get("from"), q.Get("to"), q.Get("month"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	fq := evaluation.FigureQuery{Period: p, Figure: q.Get("figure"), OrgCode: q.Get("org_code"), AreaCode: q.Get("area_code"), Cursor: q.Get("cursor")}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			a.fail(w, r, errs.Invalidf("limit 须为1到500", "limit must be 1 to 500"))
			return
		}
		fq.Limit = n
	}
	if err := evaluation.CanOpenFigure(u, fq); err != nil {
		a.fail(w, r, err)
		return
	}
	page, err := a.Evaluation.FigureTickets(r.Context(), fq)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

// GET /api/v1/evaluation/rankings?month=YYYY-MM&group=org|area&area_code=
func (a *API) evaluationRankings(w http.ResponseWriter, r *http.Request, u auth.User) {
	if err := evaluation.CanEvaluate(u); err != nil {
		a.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	month := q.Get("month")
	if month == "" {
		p, err := a.Evaluation.ParsePeriod(r.Context(), "", "", "") // the last complete month
		if err != nil {
			a.fail(w, r, err)
			return
		}
		month = p.Month
	}
	group, area := q.Get("group"), q.Get("area_code")
	if group == evaluation.GroupArea && area == "" {
		area = u.AreaCode
	}
	rk, err := a.Evaluation.RankFor(r.Context(), u, month, group, area)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"month": rk.Month, "rows": rk.Rows, "red": rk.Red, "black": rk.Black})
}

// GET /api/v1/evaluation/settings (admin)
func (a *API) evaluationSettings(w http.ResponseWriter, r *http.Request, _ auth.User) {
	st, err := a.Evaluation.Settings(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// PUT /api/v1/evaluation/settings (admin): the whole settings object.
func (a *API) saveEvaluationSettings(w http.ResponseWriter, r *http.Request, admin auth.User) {
	st, err := a.Evaluation.Settings(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if err := decode(w, r, &st); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.Evaluation.SaveSettings(r.Context(), st); err != nil {
		a.fail(w, r, err)
		return
	}
	a.Auth.Audit(r.Context(), admin, auth.AuditEvaluationSettings, "settings:evaluation", "")
	writeJSON(w, http.StatusOK, st)
}

// GET /api/v1/health/online?from=&to=|month= (staff): the platform's online
// rate and error rate.
func (a *API) onlineRate(w http.ResponseWriter, r *http.Request, u auth.User) {
	if err := staffOnly(u); err != nil {
		a.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	p, err := a.Evaluation.ParsePeriod(r.Context(), q.Get("from"), q.Get("to"), q.Get("month"))
	if q.Get("from") == "" && q.Get("to") == "" && q.Get("month") == "" {
		p, _, err = a.Evaluation.Months(r.Context()) // the platform's health: the month under way
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	rep, err := a.Evaluation.HealthReport(r.Context(), p)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

// GET /api/v1/rectifications?org_code=&status=&overdue=true&cursor=&limit=
func (a *API) listRectifications(w http.ResponseWriter, r *http.Request, u auth.User) {
	q := r.URL.Query()
	f := evaluation.RectFilter{OrgCode: q.Get("org_code"), Status: q.Get("status"), Overdue: q.Get("overdue") == "true", Cursor: q.Get("cursor")}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			a.fail(w, r, errs.Invalidf("limit 须为1到200", "limit must be 1 to 200"))
			return
		}
		f.Limit = n
	}
	items, next, err := a.Evaluation.Rectifications(r.Context(), u, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": next})
}

// POST /api/v1/rectifications (supervisors, admin)
func (a *API) createRectification(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in evaluation.NewRectification
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	t, err := a.Evaluation.CreateRectification(r.Context(), u, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/rectifications/"+t.ID)
	writeJSON(w, http.StatusCreated, t)
}

// POST /api/v1/rectifications/from-ranking {"month","area_code","deadline"}
// (supervisors, admin): a task for every unit in 整改 that month.
func (a *API) rectifyFromRanking(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		Month    string `json:"month"`
		AreaCode string `json:"area_code"`
		Deadline string `json:"deadline"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	items, err := a.Evaluation.RectifyFromRanking(r.Context(), u, in.Month, in.AreaCode, in.Deadline)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, list[evaluation.Rectification]{Items: items})
}

// GET /api/v1/rectifications/{id}
func (a *API) getRectification(w http.ResponseWriter, r *http.Request, u auth.User) {
	t, err := a.Evaluation.Rectification(r.Context(), u, r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// POST /api/v1/rectifications/{id}/submit {"measures","evidence"} (handlers of the unit)
func (a *API) submitRectification(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in evaluation.Submission
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	t, err := a.Evaluation.SubmitRectification(r.Context(), u, r.PathValue("id"), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// POST /api/v1/rectifications/{id}/review {"accept","note"} (supervisors, admin)
func (a *API) reviewRectification(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in evaluation.Review
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	t, err := a.Evaluation.ReviewRectification(r.Context(), u, r.PathValue("id"), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}
