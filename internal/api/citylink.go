package api

import (
	"net/http"
	"strconv"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/citylink"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Linked 12345 platforms (package citylink): the administrator registers
// them and reads what was sent to them. The platforms themselves call
// /open311/v2/citylink/{platform}/… with their own keys, never this API.

var errNoCitylink = errs.NotFoundf("本服务未启用平台对接", "linked platforms are not enabled on this server")

// createPlatform registers a platform; the answer holds the inbound key
// this once when it was made here.
func (a *API) createPlatform(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Citylink == nil {
		a.fail(w, r, errNoCitylink)
		return
	}
	var in citylink.NewPlatform
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	p, err := a.Citylink.Register(r.Context(), u, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, p)
}

func (a *API) listPlatforms(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Citylink == nil {
		a.fail(w, r, errNoCitylink)
		return
	}
	items, err := a.Citylink.List(r.Context(), u)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[citylink.Platform]{Items: items})
}

func (a *API) getPlatform(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Citylink == nil {
		a.fail(w, r, errNoCitylink)
		return
	}
	p, err := a.Citylink.Get(r.Context(), u, r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// updatePlatform takes {"active":false} to pause, {"active":true} to
// resume, and any other field of citylink.Change to change it.
func (a *API) updatePlatform(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Citylink == nil {
		a.fail(w, r, errNoCitylink)
		return
	}
	var in citylink.Change
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	p, err := a.Citylink.Update(r.Context(), u, r.PathValue("id"), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// platformDeliveries answers GET /api/v1/citylink/deliveries[?platform=&limit=].
func (a *API) platformDeliveries(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Citylink == nil {
		a.fail(w, r, errNoCitylink)
		return
	}
	limit := 0
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			a.fail(w, r, errs.Invalidf("limit 须为正整数", "limit must be a positive integer"))
			return
		}
		limit = n
	}
	items, err := a.Citylink.Deliveries(r.Context(), u, r.URL.Query().Get("platform"), limit)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[citylink.Delivery]{Items: items})
}

// platformStatistics answers GET /api/v1/citylink/platforms/{id}/statistics:
// the monthly figures a lower platform reported, by month.
func (a *API) platformStatistics(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Citylink == nil {
		a.fail(w, r, errNoCitylink)
		return
	}
	if _, err := a.Citylink.Get(r.Context(), u, r.PathValue("id")); err != nil {
		a.fail(w, r, err)
		return
	}
	m, err := a.Citylink.ReceivedStats(r.Context(), u, r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"months": m})
}
