package api

import (
	"net/http"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/natcode"
)

// National codes (GB/T 30428): who may read or change the mapping is the
// capability's; these handlers only decode and encode.

var errNoNatCodes = errs.New(errs.Unavailable, "国家标准编码服务未启用", "national codes are not available")

// GET /api/v1/national/mapping
func (a *API) nationalMapping(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.NatCodes == nil {
		a.fail(w, r, errNoNatCodes)
		return
	}
	m, err := a.NatCodes.View(r.Context(), u)
	a.answer(w, r, http.StatusOK, m, err)
}

// GET /api/v1/categories/{code}/national
func (a *API) categoryNational(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.NatCodes == nil {
		a.fail(w, r, errNoNatCodes)
		return
	}
	row, err := a.NatCodes.CategoryView(r.Context(), u, r.PathValue("code"))
	a.answer(w, r, http.StatusOK, row, err)
}

// PUT /api/v1/categories/{code}/national {"urban","classes","not_applicable"}
func (a *API) setCategoryNational(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.NatCodes == nil {
		a.fail(w, r, errNoNatCodes)
		return
	}
	var in natcode.Input
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	if _, err := a.NatCodes.Set(r.Context(), u, r.PathValue("code"), in); err != nil {
		a.fail(w, r, err)
		return
	}
	row, err := a.NatCodes.CategoryView(r.Context(), u, r.PathValue("code"))
	a.answer(w, r, http.StatusOK, row, err)
}

// PUT /api/v1/areas/{code}/grid-code {"unit_code"}
func (a *API) setGridCode(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.NatCodes == nil {
		a.fail(w, r, errNoNatCodes)
		return
	}
	var in struct {
		UnitCode string `json:"unit_code"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	g, err := a.NatCodes.SetGrid(r.Context(), u, r.PathValue("code"), in.UnitCode)
	a.answer(w, r, http.StatusOK, g, err)
}
