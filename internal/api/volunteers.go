package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/volunteer"
)

// Volunteers and points (志愿服务, 积分制): who may do what is the volunteer
// capability's; these handlers only decode and encode.

var errNoVolunteers = errs.New(errs.Unavailable, "志愿服务未启用", "volunteering is not available")

// volunteerDone runs fn and writes its answer.
func volunteerDone[T any](a *API, w http.ResponseWriter, r *http.Request, status int, fn func(context.Context) (T, error)) {
	if a.Volunteers == nil {
		a.fail(w, r, errNoVolunteers)
		return
	}
	x, err := fn(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	writeJSON(w, status, x)
}

func volunteerLimit(r *http.Request) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > volunteer.MaxList {
		return 0, errs.Invalidf("limit 须为1到%d", "limit must be 1 to %d", volunteer.MaxList)
	}
	return n, nil
}

// volunteerMe is what a resident reads of her own.
type volunteerMe struct {
	Volunteer *volunteer.Volunteer `json:"volunteer"`
	Balance   int64                `json:"balance"`
	Ledger    []volunteer.Entry    `json:"ledger"`
	Codes     []volunteer.Code     `json:"codes"`
	ShopsOn   bool                 `json:"shops_on"`
}

// GET /api/v1/volunteer/me
func (a *API) volunteerMine(w http.ResponseWriter, r *http.Request, u auth.User) {
	volunteerDone(a, w, r, http.StatusOK, func(ctx context.Context) (volunteerMe, error) {
		if !volunteer.CanSeeOwn(u) {
			return volunteerMe{}, errs.New(errs.Forbidden, "请用手机号登录", "sign in with your phone")
		}
		out := volunteerMe{ShopsOn: a.Volunteers.Rules().Shops}
		v, err := a.Volunteers.Mine(ctx, u)
		if err == nil {
			out.Volunteer = &v
		} else if !errs.Is(err, errs.NotFound) {
			return out, err
		}
		if out.Balance, err = a.Volunteers.Balance(ctx, u); err != nil {
			return out, err
		}
		if out.Ledger, err = a.Volunteers.Ledger(ctx, u, 0); err != nil {
			return out, err
		}
		out.Codes, err = a.Volunteers.Codes(ctx, u, 0)
		return out, err
	})
}

// POST /api/v1/volunteer/register {"name","skills","community_code","areas"}
func (a *API) volunteerRegister(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in volunteer.Registration
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	volunteerDone(a, w, r, http.StatusCreated, func(ctx context.Context) (volunteer.Volunteer, error) { return a.Volunteers.Register(ctx, u, in) })
}

// GET /api/v1/volunteer/volunteers?area_code=&status=&limit=
func (a *API) listVolunteers(w http.ResponseWriter, r *http.Request, u auth.User) {
	n, err := volunteerLimit(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	volunteerDone(a, w, r, http.StatusOK, func(ctx context.Context) (map[string]any, error) {
		list, err := a.Volunteers.Volunteers(ctx, u, q.Get("area_code"), q.Get("status"), n)
		return map[string]any{"items": list}, err
	})
}

// POST /api/v1/volunteer/volunteers/{id}/decision {"approve","note"}
func (a *API) decideVolunteer(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		Approve *bool  `json:"approve"`
		Note    string `json:"note"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	if in.Approve == nil {
		a.fail(w, r, errs.Invalidf("请写明是否通过（approve）", "say whether to approve (approve)"))
		return
	}
	volunteerDone(a, w, r, http.StatusOK, func(ctx context.Context) (volunteer.Volunteer, error) {
		return a.Volunteers.Decide(ctx, u, r.PathValue("id"), *in.Approve, in.Note)
	})
}

// GET /api/v1/volunteer/tasks?area_code=&limit=
func (a *API) listVolunteerTasks(w http.ResponseWriter, r *http.Request, u auth.User) {
	n, err := volunteerLimit(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	volunteerDone(a, w, r, http.StatusOK, func(ctx context.Context) (map[string]any, error) {
		list, err := a.Volunteers.Tasks(ctx, u, r.URL.Query().Get("area_code"), n)
		return map[string]any{"items": list}, err
	})
}

// POST /api/v1/volunteer/tasks {"area_code","title","place","starts_at","places"}
func (a *API) postVolunteerTask(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in volunteer.NewTask
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	volunteerDone(a, w, r, http.StatusCreated, func(ctx context.Context) (volunteer.Task, error) { return a.Volunteers.Post(ctx, u, in) })
}

// GET /api/v1/volunteer/tasks/{id}
func (a *API) getVolunteerTask(w http.ResponseWriter, r *http.Request, u auth.User) {
	volunteerDone(a, w, r, http.StatusOK, func(ctx context.Context) (volunteer.Task, error) { return a.Volunteers.Task(ctx, u, r.PathValue("id")) })
}

// volunteerTaskStep serves the steps on a task that take no fields.
func volunteerTaskStep(step func(*volunteer.Service, context.Context, auth.User, string) (volunteer.Task, error)) func(*API, http.ResponseWriter, *http.Request, auth.User) {
	return func(a *API, w http.ResponseWriter, r *http.Request, u auth.User) {
		var in struct{}
		if err := decode(w, r, &in); err != nil {
			a.fail(w, r, err)
			return
		}
		volunteerDone(a, w, r, http.StatusOK, func(ctx context.Context) (volunteer.Task, error) {
			return step(a.Volunteers, ctx, u, r.PathValue("id"))
		})
	}
}

// POST /api/v1/volunteer/tasks/{id}/hours {"volunteer_id","hours"}
func (a *API) volunteerHours(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		VolunteerID string   `json:"volunteer_id"`
		Hours       *float64 `json:"hours"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	if in.Hours == nil || in.VolunteerID == "" {
		a.fail(w, r, errs.Invalidf("请写明志愿者（volunteer_id）和时长（hours）", "give volunteer_id and hours"))
		return
	}
	volunteerDone(a, w, r, http.StatusOK, func(ctx context.Context) (volunteer.Task, error) {
		return a.Volunteers.ConfirmHours(ctx, u, r.PathValue("id"), in.VolunteerID, *in.Hours)
	})
}

// POST /api/v1/volunteer/codes {"points"}
func (a *API) makeVolunteerCode(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		Points int64 `json:"points"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	volunteerDone(a, w, r, http.StatusCreated, func(ctx context.Context) (volunteer.Code, error) { return a.Volunteers.MakeCode(ctx, u, in.Points) })
}

// POST /api/v1/volunteer/codes/{id}/withdraw
func (a *API) withdrawVolunteerCode(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct{}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	volunteerDone(a, w, r, http.StatusNoContent, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, a.Volunteers.WithdrawCode(ctx, u, r.PathValue("id"))
	})
}

// POST /api/v1/volunteer/redeem {"code"}: a partner shop confirms a code.
func (a *API) redeemVolunteerCode(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		Code string `json:"code"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	volunteerDone(a, w, r, http.StatusOK, func(ctx context.Context) (volunteer.Code, error) { return a.Volunteers.ConfirmCode(ctx, u, in.Code) })
}

// GET /api/v1/volunteer/shops
func (a *API) listVolunteerShops(w http.ResponseWriter, r *http.Request, u auth.User) {
	volunteerDone(a, w, r, http.StatusOK, func(ctx context.Context) (map[string]any, error) {
		list, err := a.Volunteers.Shops(ctx)
		return map[string]any{"items": list, "shops_on": a.Volunteers.Rules().Shops}, err
	})
}

// PUT /api/v1/volunteer/shops/{org}
func (a *API) addVolunteerShop(w http.ResponseWriter, r *http.Request, u auth.User) {
	volunteerDone(a, w, r, http.StatusNoContent, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, a.Volunteers.AddShop(ctx, u, r.PathValue("org"))
	})
}

// DELETE /api/v1/volunteer/shops/{org}
func (a *API) removeVolunteerShop(w http.ResponseWriter, r *http.Request, u auth.User) {
	volunteerDone(a, w, r, http.StatusNoContent, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, a.Volunteers.RemoveShop(ctx, u, r.PathValue("org"))
	})
}
