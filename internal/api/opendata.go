package api

import (
	"net/http"
	"strconv"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// The open-data portal (数据开放): what each dataset holds and who may
// switch it are the capability's; these handlers decode and encode, and
// limit strangers' reads per address.

var errNoOpenData = errs.New(errs.Unavailable, "数据开放服务未启用", "open data is not available")

// openData checks that the service is there and takes a token of the
// address's reads; it returns the caller, if any.
func (a *API) openData(w http.ResponseWriter, r *http.Request) (auth.User, bool) {
	if a.OpenData == nil {
		a.fail(w, r, errNoOpenData)
		return auth.User{}, false
	}
	if err := a.Limits.CheckOpenData(r); err != nil {
		a.fail(w, r, err)
		return auth.User{}, false
	}
	u, _, err := a.caller(r)
	if err != nil {
		a.fail(w, r, err)
		return auth.User{}, false
	}
	return u, true
}

// GET /api/v1/opendata/datasets
func (a *API) openDatasets(w http.ResponseWriter, r *http.Request) {
	u, ok := a.openData(w, r)
	if !ok {
		return
	}
	ds, err := a.OpenData.Catalogue(r.Context(), u)
	a.answer(w, r, http.StatusOK, map[string]any{"items": ds}, err)
}

// GET /api/v1/opendata/datasets/{id}
func (a *API) openDataset(w http.ResponseWriter, r *http.Request) {
	u, ok := a.openData(w, r)
	if !ok {
		return
	}
	t, err := a.OpenData.Table(r.Context(), u, r.PathValue("id"))
	a.answer(w, r, http.StatusOK, t.Dataset, err)
}

// GET /api/v1/opendata/datasets/{id}/records?page=&per_page=
func (a *API) openRecords(w http.ResponseWriter, r *http.Request) {
	u, ok := a.openData(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	page, perPage := 0, 0
	for _, p := range []struct {
		name string
		to   *int
	}{{"page", &page}, {"per_page", &perPage}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				a.fail(w, r, errs.Invalidf("%s 须为整数", "%s must be a whole number", p.name))
				return
			}
			*p.to = n
		}
	}
	pg, err := a.OpenData.PageOf(r.Context(), u, r.PathValue("id"), page, perPage)
	a.answer(w, r, http.StatusOK, pg, err)
}

// POST /api/v1/opendata/datasets/{id}/publication {"published": bool}
func (a *API) publishDataset(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.OpenData == nil {
		a.fail(w, r, errNoOpenData)
		return
	}
	var in struct {
		Published *bool `json:"published"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	if in.Published == nil {
		a.fail(w, r, errs.Invalidf("请给出 published（true 或 false）", "give published (true or false)"))
		return
	}
	p, err := a.OpenData.SetPublished(r.Context(), u, r.PathValue("id"), *in.Published)
	a.answer(w, r, http.StatusOK, p, err)
}

// GET /api/v1/opendata/datasets/{id}/events
func (a *API) openDataEvents(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.OpenData == nil {
		a.fail(w, r, errNoOpenData)
		return
	}
	evs, err := a.OpenData.Events(r.Context(), u, r.PathValue("id"))
	a.answer(w, r, http.StatusOK, map[string]any{"items": evs}, err)
}
