package api

import (
	"net/http"
	"strconv"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/needs"
	"github.com/gongzhi/gongzhi/internal/screening"
)

// The screening rounds (逐一排查) and residents' registered needs: who may
// do what is their capabilities'; these handlers only decode and encode.

var (
	errNoScreening = errs.New(errs.Unavailable, "排查服务未启用", "screening is not available")
	errNoNeeds     = errs.New(errs.Unavailable, "需求登记服务未启用", "needs are not available")
)

// answer writes v, or the error.
func (a *API) answer(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, status, v)
}

// POST /api/v1/screening/rounds {"area_code","title","starts_at","ends_at","places","from_previous"}
func (a *API) createRound(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Screening == nil {
		a.fail(w, r, errNoScreening)
		return
	}
	var in screening.New
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.Screening.Create(r.Context(), u, in)
	a.answer(w, r, http.StatusCreated, v, err)
}

// GET /api/v1/screening/rounds?area_code=&status=&limit=
func (a *API) listRounds(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Screening == nil {
		a.fail(w, r, errNoScreening)
		return
	}
	q := r.URL.Query()
	f := screening.Filter{AreaCode: q.Get("area_code"), Status: screening.Status(q.Get("status"))}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > screening.MaxList {
			a.fail(w, r, errs.Invalidf("limit 须为1到%d", "limit must be 1 to %d", screening.MaxList))
			return
		}
		f.Limit = n
	}
	items, err := a.Screening.List(r.Context(), u, f)
	a.answer(w, r, http.StatusOK, map[string]any{"items": items}, err)
}

// GET /api/v1/screening/rounds/{id}
func (a *API) getRound(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Screening == nil {
		a.fail(w, r, errNoScreening)
		return
	}
	v, err := a.Screening.Get(r.Context(), u, r.PathValue("id"))
	a.answer(w, r, http.StatusOK, v, err)
}

// GET /api/v1/screening/rounds/{id}/events
func (a *API) roundEvents(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Screening == nil {
		a.fail(w, r, errNoScreening)
		return
	}
	evs, err := a.Screening.Events(r.Context(), u, r.PathValue("id"))
	a.answer(w, r, http.StatusOK, map[string]any{"items": evs}, err)
}

// POST /api/v1/screening/rounds/{id}/checks {"seq","result","note","convert_to","category_code"}
func (a *API) recordCheck(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Screening == nil {
		a.fail(w, r, errNoScreening)
		return
	}
	var in screening.Check
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.Screening.Record(r.Context(), u, r.PathValue("id"), in)
	a.answer(w, r, http.StatusOK, v, err)
}

// GET /api/v1/screening/coverage?area_code=&month=YYYY-MM
func (a *API) screeningCoverage(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Screening == nil {
		a.fail(w, r, errNoScreening)
		return
	}
	q := r.URL.Query()
	v, err := a.Screening.Coverage(r.Context(), u, q.Get("area_code"), q.Get("month"))
	a.answer(w, r, http.StatusOK, v, err)
}

// GET /api/v1/needs/consent
func (a *API) needsConsent(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"version": needs.ConsentVersion, "text": needs.ConsentText[0], "text_en": needs.ConsentText[1],
		"categories": needs.Categories})
}

// POST /api/v1/needs {"area_code","name","address","categories","note","consent","consent_version","phone","in_person"}
func (a *API) registerNeeds(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Needs == nil {
		a.fail(w, r, errNoNeeds)
		return
	}
	var in needs.New
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.Needs.Register(r.Context(), u, in)
	a.answer(w, r, http.StatusOK, v, err)
}

// GET /api/v1/needs/mine
func (a *API) myNeeds(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Needs == nil {
		a.fail(w, r, errNoNeeds)
		return
	}
	v, err := a.Needs.Mine(r.Context(), u)
	a.answer(w, r, http.StatusOK, v, err)
}

// POST /api/v1/needs/withdraw {}
func (a *API) withdrawNeeds(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Needs == nil {
		a.fail(w, r, errNoNeeds)
		return
	}
	var in struct{}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.Needs.Withdraw(r.Context(), u)
	a.answer(w, r, http.StatusOK, v, err)
}

// GET /api/v1/needs/reads
func (a *API) needsReads(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Needs == nil {
		a.fail(w, r, errNoNeeds)
		return
	}
	v, err := a.Needs.Reads(r.Context(), u)
	a.answer(w, r, http.StatusOK, map[string]any{"items": v}, err)
}

// GET /api/v1/needs/plan?reason=
func (a *API) needsPlan(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Needs == nil {
		a.fail(w, r, errNoNeeds)
		return
	}
	v, err := a.Needs.Plan(r.Context(), u, r.URL.Query().Get("reason"))
	a.answer(w, r, http.StatusOK, map[string]any{"items": v}, err)
}

// POST /api/v1/needs/{id}/visits {"note"}
func (a *API) needsVisit(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Needs == nil {
		a.fail(w, r, errNoNeeds)
		return
	}
	var in struct {
		Note string `json:"note"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	err := a.Needs.Visit(r.Context(), u, r.PathValue("id"), in.Note)
	a.answer(w, r, http.StatusOK, map[string]any{"status": "recorded"}, err)
}
