package api

import (
	"net/http"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/indicator"
)

// The indicator catalogue (治理效能指标): who may read or change what is the
// capability's; these handlers only decode and encode.

var errNoIndicators = errs.New(errs.Unavailable, "指标服务未启用", "indicators are not available")

// GET /api/v1/indicators?month=YYYY-MM
func (a *API) listIndicators(w http.ResponseWriter, r *http.Request, u auth.User) {
	m, ok := a.indicatorMonth(w, r, u)
	if !ok {
		return
	}
	v, err := a.Indicators.Compute(r.Context(), u, m)
	a.answer(w, r, http.StatusOK, v, err)
}

// indicatorMonth is the month a reader of the values asks for; false once
// the request is answered (no indicators here, not a reader, a bad month).
func (a *API) indicatorMonth(w http.ResponseWriter, r *http.Request, u auth.User) (time.Time, bool) {
	if a.Indicators == nil {
		a.fail(w, r, errNoIndicators)
		return time.Time{}, false
	}
	if !indicator.CanRead(u) {
		a.fail(w, r, errs.ErrForbidden)
		return time.Time{}, false
	}
	m, err := a.Indicators.ParseMonth(r.URL.Query().Get("month"))
	if err != nil {
		a.fail(w, r, err)
		return time.Time{}, false
	}
	return m, true
}

// GET /api/v1/indicators/catalogue: public.
func (a *API) indicatorCatalogue(w http.ResponseWriter, r *http.Request) {
	if a.Indicators == nil {
		a.fail(w, r, errNoIndicators)
		return
	}
	items, err := a.Indicators.Settings(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	costs, err := a.Indicators.Costs(r.Context())
	a.answer(w, r, http.StatusOK, map[string]any{"items": items, "costs": costs}, err)
}

// GET /api/v1/indicators/changes: public; the actor's id for those who
// read the values.
func (a *API) indicatorChanges(w http.ResponseWriter, r *http.Request) {
	if a.Indicators == nil {
		a.fail(w, r, errNoIndicators)
		return
	}
	u, _, err := a.caller(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	items, err := a.Indicators.Changes(r.Context(), indicator.CanRead(u))
	a.answer(w, r, http.StatusOK, map[string]any{"items": items}, err)
}

// PUT /api/v1/indicators/{code} {"weight","enabled","reason"}
func (a *API) setIndicator(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Indicators == nil {
		a.fail(w, r, errNoIndicators)
		return
	}
	var in indicator.Override
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.Indicators.SetOverride(r.Context(), u, r.PathValue("code"), in)
	a.answer(w, r, http.StatusOK, v, err)
}

// PUT /api/v1/indicators/costs {"cost_per_hour","fixed_monthly","cost_ceiling","reason"}
func (a *API) setIndicatorCosts(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Indicators == nil {
		a.fail(w, r, errNoIndicators)
		return
	}
	var in indicator.CostsInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.Indicators.SetCosts(r.Context(), u, in)
	a.answer(w, r, http.StatusOK, v, err)
}

// GET /api/v1/indicators/compare?month=YYYY-MM: each district the caller
// may read, side by side.
func (a *API) compareIndicators(w http.ResponseWriter, r *http.Request, u auth.User) {
	m, ok := a.indicatorMonth(w, r, u)
	if !ok {
		return
	}
	v, err := a.Indicators.Compare(r.Context(), u, m)
	a.answer(w, r, http.StatusOK, v, err)
}
