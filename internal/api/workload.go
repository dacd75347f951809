package api

import (
	"net/http"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/rootcause"
)

// The workload against resources, the returns report with its catalogue
// proposals, and the root-cause records of themes and rectification tasks.
// Who may read or write each is the evaluation's (and for a theme the
// themes'); these only map.

// GET /api/v1/evaluation/workload?month=YYYY-MM
func (a *API) evaluationWorkload(w http.ResponseWriter, r *http.Request, u auth.User) {
	p, err := a.Evaluation.ParsePeriod(r.Context(), "", "", r.URL.Query().Get("month"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	res, err := a.Evaluation.Workload(r.Context(), u, p)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// GET /api/v1/evaluation/returns?month=YYYY-MM
func (a *API) evaluationReturns(w http.ResponseWriter, r *http.Request, u auth.User) {
	p, err := a.Evaluation.ParsePeriod(r.Context(), "", "", r.URL.Query().Get("month"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	res, err := a.Evaluation.Passes(r.Context(), u, p)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// applyIn is a proposal to apply.
type applyIn struct {
	Month        string `json:"month"`
	CategoryCode string `json:"category_code"`
	AreaCode     string `json:"area_code"`
}

// POST /api/v1/evaluation/returns/proposals {"month","category_code","area_code"}
func (a *API) applyReturnsProposal(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in applyIn
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	p, err := a.Evaluation.ParsePeriod(r.Context(), "", "", in.Month)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	res, err := a.Evaluation.ApplyProposal(r.Context(), u, p, in.CategoryCode, in.AreaCode)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// rootCauseOut is a record as it stands (null for none) and its versions.
type rootCauseOut struct {
	Current *rootcause.Record  `json:"current"`
	History []rootcause.Record `json:"history"`
}

func rootCauseOf(h []rootcause.Record) rootCauseOut {
	out := rootCauseOut{History: h}
	if len(h) > 0 {
		out.Current = &h[0]
	}
	return out
}

// GET /api/v1/rectifications/{id}/root-cause
func (a *API) rectRootCause(w http.ResponseWriter, r *http.Request, u auth.User) {
	h, err := a.Evaluation.RectRootCause(r.Context(), u, r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rootCauseOf(h))
}

// POST /api/v1/rectifications/{id}/root-cause {"root_cause","affected","obstacles","departments"}
func (a *API) setRectRootCause(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in rootcause.Input
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	rec, err := a.Evaluation.SetRectRootCause(r.Context(), u, r.PathValue("id"), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rec)
}

// GET /api/v1/insight/themes/{id}/root-cause?month=YYYY-MM
func (a *API) themeRootCause(w http.ResponseWriter, r *http.Request, u auth.User) {
	if !a.themesOn(w, r) {
		return
	}
	_, h, err := a.Themes.RootCause(r.Context(), u, r.URL.Query().Get("month"), r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rootCauseOf(h))
}

// themeRootIn is a theme's record with the theme's month.
type themeRootIn struct {
	Month string `json:"month"`
	rootcause.Input
}

// POST /api/v1/insight/themes/{id}/root-cause {"month","root_cause","affected","obstacles","departments"}
func (a *API) setThemeRootCause(w http.ResponseWriter, r *http.Request, u auth.User) {
	if !a.themesOn(w, r) {
		return
	}
	var in themeRootIn
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	rec, err := a.Themes.SetRootCause(r.Context(), u, in.Month, r.PathValue("id"), in.Input)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rec)
}
