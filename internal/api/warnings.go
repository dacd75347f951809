package api

import (
	"net/http"
	"strconv"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/insight/warning"
)

// warningJSON is a warning with what the caller may do with it.
type warningJSON struct {
	warning.Warning
	Actions []string `json:"actions"`
}

func warningOut(u auth.User, w warning.Warning) warningJSON {
	a := warning.Actions(u, w)
	if a == nil {
		a = []string{}
	}
	return warningJSON{w, a}
}

// GET /api/v1/insight/warnings?status=open|acknowledged|converted|dismissed|active&limit=
func (a *API) listWarnings(w http.ResponseWriter, r *http.Request, u auth.User) {
	q := r.URL.Query()
	f := warning.Filter{Status: q.Get("status")}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > warning.MaxList {
			a.fail(w, r, errs.Invalidf("limit 须为1到%d", "limit must be 1 to %d", warning.MaxList))
			return
		}
		f.Limit = n
	}
	items, err := a.Warnings.List(r.Context(), u, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]warningJSON, len(items))
	for i, x := range items {
		out[i] = warningOut(u, x)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

// GET /api/v1/insight/warnings/{id}
func (a *API) getWarning(w http.ResponseWriter, r *http.Request, u auth.User) {
	x, err := a.Warnings.Get(r.Context(), u, r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, warningOut(u, x))
}

// POST /api/v1/insight/warnings/{id}/acknowledge {}
func (a *API) acknowledgeWarning(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct{}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	x, err := a.Warnings.Acknowledge(r.Context(), u, r.PathValue("id"))
	a.warningDone(w, r, u, x, err)
}

// POST /api/v1/insight/warnings/{id}/dismiss {"reason"}
func (a *API) dismissWarning(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	x, err := a.Warnings.Dismiss(r.Context(), u, r.PathValue("id"), in.Reason)
	a.warningDone(w, r, u, x, err)
}

// POST /api/v1/insight/warnings/{id}/convert {"kind":"ticket"|"rectification"}
func (a *API) convertWarning(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		Kind string `json:"kind"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	x, err := a.Warnings.Convert(r.Context(), u, r.PathValue("id"), in.Kind)
	a.warningDone(w, r, u, x, err)
}

func (a *API) warningDone(w http.ResponseWriter, r *http.Request, u auth.User, x warning.Warning, err error) {
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, warningOut(u, x))
}
