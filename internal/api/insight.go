package api

import (
	"net/http"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/insight"
)

// routeRequest is the body of POST /api/v1/insight/route.
type routeRequest struct {
	Text     string `json:"text"`
	AreaCode string `json:"area_code"`
}

// routerAnswer is GET /api/v1/insight/router: the models and how often
// intake took their suggestions in the last 30 days.
type routerAnswer struct {
	AutoDispatch float64              `json:"auto_dispatch"` // 0: off
	Models       []insight.ModelInfo  `json:"models"`
	Acceptance   []insight.Acceptance `json:"acceptance"`
}

func (a *API) insightOn(w http.ResponseWriter, r *http.Request) bool {
	if a.Insight == nil {
		a.fail(w, r, errs.New(errs.Unavailable, "智能分析未启用", "insight is not enabled"))
		return false
	}
	return true
}

func (a *API) route(w http.ResponseWriter, r *http.Request, u auth.User) {
	if !a.insightOn(w, r) {
		return
	}
	if err := a.Limits.CheckText(u.ID); err != nil {
		a.fail(w, r, err)
		return
	}
	var in routeRequest
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	out, err := a.Insight.Route(r.Context(), u, in.Text, in.AreaCode)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) trainRouter(w http.ResponseWriter, r *http.Request, u auth.User) {
	if !a.insightOn(w, r) {
		return
	}
	m, err := a.Insight.Train(r.Context(), u)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, insight.ModelInfo{Version: m.Version, TrainedAt: m.TrainedAt, Samples: m.Samples,
		Top1: m.Top1, Top3: m.Top3, UnitTop1: m.UnitTop1, UnitTop3: m.UnitTop3, TrainMs: m.TrainMs})
}

func (a *API) router(w http.ResponseWriter, r *http.Request, u auth.User) {
	if !a.insightOn(w, r) {
		return
	}
	models, err := a.Insight.Models(r.Context(), u)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	acc, err := a.Insight.Acceptance(r.Context(), u)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, routerAnswer{AutoDispatch: a.Insight.AutoDispatch(), Models: models, Acceptance: acc})
}
