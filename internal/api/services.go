package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/service"
)

// The neighbourhood service circle (邻里服务): who may do what is the service
// capability's; these handlers only decode and encode.

var errNoServices = errs.New(errs.Unavailable, "邻里服务未启用", "services are not available")

// GET /api/v1/services/near?area_code=&lat=&lng=&radius_m=&category=
func (a *API) servicesNear(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Services == nil {
		a.fail(w, r, errNoServices)
		return
	}
	q := r.URL.Query()
	in := service.NearQuery{AreaCode: q.Get("area_code"), Category: service.Category(q.Get("category"))}
	num := func(name string) (*float64, bool) {
		v := q.Get(name)
		if v == "" {
			return nil, true
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			a.fail(w, r, errs.Invalidf("%s 须为数字", "%s must be a number", name))
			return nil, false
		}
		return &f, true
	}
	var ok bool
	if in.Lat, ok = num("lat"); !ok {
		return
	}
	if in.Lng, ok = num("lng"); !ok {
		return
	}
	rad, ok := num("radius_m")
	if !ok {
		return
	}
	if rad != nil {
		in.Radius = *rad
	}
	if in.AreaCode == "" && in.Lat == nil {
		homes, err := a.Services.HomeAreas(r.Context(), u)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if len(homes) > 0 {
			in.AreaCode = homes[0].Code
		}
	}
	near, err := a.Services.Near(r.Context(), u, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, near)
}

// GET /api/v1/services/providers: the providers the caller keeps.
func (a *API) serviceProviders(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Services == nil {
		a.fail(w, r, errNoServices)
		return
	}
	ps, err := a.Services.Providers(r.Context(), u)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": ps})
}

// POST /api/v1/services/providers {"org_code","provides","hours","priced","price_note","lat","lng","areas","active"}
func (a *API) saveServiceProvider(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in service.ProviderInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	serviceDone(a, w, r, http.StatusOK, func(ctx context.Context) (service.Provider, error) { return a.Services.SaveProvider(ctx, u, in) })
}

// GET /api/v1/services/providers/{org}
func (a *API) getServiceProvider(w http.ResponseWriter, r *http.Request, u auth.User) {
	serviceDone(a, w, r, http.StatusOK, func(ctx context.Context) (service.Provider, error) {
		return a.Services.Provider(ctx, u, r.PathValue("org"))
	})
}

// POST /api/v1/services/providers/{org}/qualifications {"name","number","expires_on"}
func (a *API) addServiceQualification(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in service.QualificationInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	serviceDone(a, w, r, http.StatusCreated, func(ctx context.Context) (service.Provider, error) {
		return a.Services.AddQualification(ctx, u, r.PathValue("org"), in)
	})
}

// POST /api/v1/services/offers {"id","org_code","category","name","description","priced","price_note","active"}
func (a *API) saveServiceOffer(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in service.OfferInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	status := http.StatusCreated
	if in.ID != "" {
		status = http.StatusOK
	}
	serviceDone(a, w, r, status, func(ctx context.Context) (service.Offer, error) { return a.Services.SaveOffer(ctx, u, in) })
}

// GET /api/v1/services/offers/{id}
func (a *API) getServiceOffer(w http.ResponseWriter, r *http.Request, u auth.User) {
	serviceDone(a, w, r, http.StatusOK, func(ctx context.Context) (service.Offer, error) { return a.Services.Offer(ctx, u, r.PathValue("id")) })
}

// POST /api/v1/services/offers/{id}/slots {"starts_at","ends_at","capacity"}
func (a *API) addServiceSlot(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in service.SlotInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	serviceDone(a, w, r, http.StatusCreated, func(ctx context.Context) (service.Offer, error) {
		return a.Services.AddSlot(ctx, u, r.PathValue("id"), in)
	})
}

// POST /api/v1/services/requests {"service_id","slot_id","note","area_code","name","on_behalf_of","from_ticket"}
func (a *API) createServiceRequest(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in service.NewRequest
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	serviceDone(a, w, r, http.StatusCreated, func(ctx context.Context) (service.Request, error) { return a.Services.Create(ctx, u, in) })
}

// GET /api/v1/services/requests?mine=1|org_code=|area_code=&status=&open=1&limit=
func (a *API) listServiceRequests(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Services == nil {
		a.fail(w, r, errNoServices)
		return
	}
	q := r.URL.Query()
	f := service.Filter{Mine: q.Get("mine") == "1" || q.Get("mine") == "true", OrgCode: q.Get("org_code"), AreaCode: q.Get("area_code"),
		Status: service.Status(q.Get("status")), OpenOnly: q.Get("open") == "1" || q.Get("open") == "true"}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > service.MaxList {
			a.fail(w, r, errs.Invalidf("limit 须为1到%d", "limit must be 1 to %d", service.MaxList))
			return
		}
		f.Limit = n
	}
	items, err := a.Services.List(r.Context(), u, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// GET /api/v1/services/requests/{number}
func (a *API) getServiceRequest(w http.ResponseWriter, r *http.Request, u auth.User) {
	serviceDone(a, w, r, http.StatusOK, func(ctx context.Context) (service.Request, error) {
		return a.Services.Get(ctx, u, r.PathValue("number"))
	})
}

// GET /api/v1/services/requests/{number}/events
func (a *API) serviceRequestEvents(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Services == nil {
		a.fail(w, r, errNoServices)
		return
	}
	evs, err := a.Services.Events(r.Context(), u, r.PathValue("number"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": evs})
}

// serviceStep serves the steps of a request that take no fields: confirm,
// cancel, complete.
func serviceStep(step func(*service.Service, context.Context, auth.User, string) (service.Request, error)) func(*API, http.ResponseWriter, *http.Request, auth.User) {
	return func(a *API, w http.ResponseWriter, r *http.Request, u auth.User) {
		var in struct{}
		if err := decode(w, r, &in); err != nil {
			a.fail(w, r, err)
			return
		}
		serviceDone(a, w, r, http.StatusOK, func(ctx context.Context) (service.Request, error) {
			return step(a.Services, ctx, u, r.PathValue("number"))
		})
	}
}

// POST /api/v1/services/requests/{number}/decline {"reason"}
func (a *API) declineServiceRequest(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	serviceDone(a, w, r, http.StatusOK, func(ctx context.Context) (service.Request, error) {
		return a.Services.Decline(ctx, u, r.PathValue("number"), in.Reason)
	})
}

// POST /api/v1/services/requests/{number}/rate {"rating","text"}
func (a *API) rateServiceRequest(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		Rating int    `json:"rating"`
		Text   string `json:"text"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	serviceDone(a, w, r, http.StatusOK, func(ctx context.Context) (service.Request, error) {
		return a.Services.Rate(ctx, u, r.PathValue("number"), in.Rating, in.Text)
	})
}

// POST /api/v1/services/requests/{number}/complain {"text"}
func (a *API) complainServiceRequest(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		Text string `json:"text"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	serviceDone(a, w, r, http.StatusOK, func(ctx context.Context) (service.Request, error) {
		return a.Services.Complain(ctx, u, r.PathValue("number"), in.Text)
	})
}

// GET /api/v1/services/figures?area_code=&from=YYYY-MM-DD&to=YYYY-MM-DD: per
// community and category, the requests of the days from to to (the last
// 30 days unless named).
func (a *API) serviceFigures(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Services == nil {
		a.fail(w, r, errNoServices)
		return
	}
	q := r.URL.Query()
	from, to, err := a.Services.Period(q.Get("from"), q.Get("to"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	figs, err := a.Services.Figures(r.Context(), u, q.Get("area_code"), from, to)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": from.Format(time.DateOnly), "to": to.AddDate(0, 0, -1).Format(time.DateOnly), "items": figs})
}

func serviceDone[T any](a *API, w http.ResponseWriter, r *http.Request, status int, fn func(context.Context) (T, error)) {
	if a.Services == nil {
		a.fail(w, r, errNoServices)
		return
	}
	v, err := fn(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, status, v)
}
