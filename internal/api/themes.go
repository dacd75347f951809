package api

import (
	"net/http"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/insight/themes"
)

func (a *API) themesOn(w http.ResponseWriter, r *http.Request) bool {
	if a.Themes == nil {
		a.fail(w, r, errs.New(errs.Unavailable, "智能分析未启用", "insight is not enabled"))
		return false
	}
	return true
}

// GET /api/v1/insight/themes?month=YYYY-MM: the month's recurring problems
// (每月一题) in the caller's area; without a month the last complete one.
func (a *API) monthThemes(w http.ResponseWriter, r *http.Request, u auth.User) {
	if !a.themesOn(w, r) {
		return
	}
	m, err := a.Themes.Themes(r.Context(), u, r.URL.Query().Get("month"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

// POST /api/v1/insight/themes/{id}/rectification {"month","org_code","due",
// "owner_user_id"}: the theme becomes a rectification task (those who set
// tasks).
func (a *API) rectifyTheme(w http.ResponseWriter, r *http.Request, u auth.User) {
	if !a.themesOn(w, r) {
		return
	}
	var in themes.ToRect
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	t, err := a.Themes.Rectify(r.Context(), u, r.PathValue("id"), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/rectifications/"+t.ID)
	writeJSON(w, http.StatusCreated, t)
}

// POST /api/v1/insight/themes/{id}/proposal {"month","area_code",
// "on_behalf_of","title","body"}: the theme becomes a proposal raised for a
// resident of the area (the proposals' rules).
func (a *API) proposeTheme(w http.ResponseWriter, r *http.Request, u auth.User) {
	if !a.themesOn(w, r) {
		return
	}
	var in themes.ToProposal
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	p, err := a.Themes.Propose(r.Context(), u, r.PathValue("id"), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/proposals/"+p.Number)
	writeJSON(w, http.StatusCreated, p)
}
