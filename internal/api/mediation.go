package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/mediation"
)

// People's mediation (人民调解): who may do what is the mediation
// capability's; these handlers only decode and encode.

var errNoMediation = errs.New(errs.Unavailable, "人民调解服务未启用", "mediation is not available")

// mediationCase is a case as the API answers it: with the agreement's
// confirmation deadline also at the top.
type mediationCase struct {
	mediation.Case
	ConfirmationDeadline string `json:"confirmation_deadline,omitempty"`
}

func (a *API) mediationDone(w http.ResponseWriter, r *http.Request, status int, fn func(context.Context) (mediation.Case, error)) {
	if a.Mediation == nil {
		a.fail(w, r, errNoMediation)
		return
	}
	c, err := fn(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := mediationCase{Case: c}
	if c.Agreement != nil {
		out.ConfirmationDeadline = c.Agreement.ConfirmationDeadline
	}
	writeJSON(w, status, out)
}

// POST /api/v1/mediation/cases {"source","dispute_type","summary","area_code","parties":[{"name","phone","role"}],"risk"}:
// staff open a case; a resident applies for her own (she is the first party).
func (a *API) createMediationCase(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in mediation.New
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	a.mediationDone(w, r, http.StatusCreated, func(ctx context.Context) (mediation.Case, error) { return a.Mediation.Submit(ctx, u, in) })
}

// POST /api/v1/mediation/tickets/{number} {"dispute_type","parties",…}: the ticket becomes a case.
func (a *API) mediationFromTicket(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in mediation.New
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	a.mediationDone(w, r, http.StatusCreated, func(ctx context.Context) (mediation.Case, error) {
		return a.Mediation.FromTicket(ctx, u, r.PathValue("number"), in)
	})
}

// GET /api/v1/mediation/cases?status=&risk=&limit=
func (a *API) listMediationCases(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Mediation == nil {
		a.fail(w, r, errNoMediation)
		return
	}
	q := r.URL.Query()
	f := mediation.Filter{Status: q.Get("status"), Risk: q.Get("risk")}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > mediation.MaxList {
			a.fail(w, r, errs.Invalidf("limit 须为1到%d", "limit must be 1 to %d", mediation.MaxList))
			return
		}
		f.Limit = n
	}
	items, err := a.Mediation.List(r.Context(), u, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// GET /api/v1/mediation/cases/{number}
func (a *API) getMediationCase(w http.ResponseWriter, r *http.Request, u auth.User) {
	a.mediationDone(w, r, http.StatusOK, func(ctx context.Context) (mediation.Case, error) {
		return a.Mediation.Get(ctx, u, r.PathValue("number"))
	})
}

// GET /api/v1/mediation/cases/{number}/events
func (a *API) mediationEvents(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Mediation == nil {
		a.fail(w, r, errNoMediation)
		return
	}
	evs, err := a.Mediation.Events(r.Context(), u, r.PathValue("number"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": evs})
}

// POST /api/v1/mediation/cases/{number}/agreement {"kind","facts","content","performance","perform_by","effective_on"}
func (a *API) mediationAgreement(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in mediation.NewAgreement
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	a.mediationDone(w, r, http.StatusOK, func(ctx context.Context) (mediation.Case, error) {
		return a.Mediation.Agree(ctx, u, r.PathValue("number"), in)
	})
}

// POST /api/v1/mediation/cases/{number}/terminate {"reason"}
func (a *API) mediationTerminate(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	a.mediationDone(w, r, http.StatusOK, func(ctx context.Context) (mediation.Case, error) {
		return a.Mediation.Terminate(ctx, u, r.PathValue("number"), in.Reason)
	})
}

// POST /api/v1/mediation/cases/{number}/ticket {"category_code","note"}
func (a *API) mediationHandOver(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in mediation.HandOver
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	a.mediationDone(w, r, http.StatusOK, func(ctx context.Context) (mediation.Case, error) {
		return a.Mediation.HandOverToTicket(ctx, u, r.PathValue("number"), in)
	})
}

// POST /api/v1/mediation/cases/{number}/refuse {"party","reason"}
func (a *API) mediationRefuse(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		Party  int    `json:"party"`
		Reason string `json:"reason"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	a.mediationDone(w, r, http.StatusOK, func(ctx context.Context) (mediation.Case, error) {
		return a.Mediation.Refuse(ctx, u, r.PathValue("number"), in.Party, in.Reason)
	})
}

// POST /api/v1/mediation/cases/{number}/risk {"risk","violence","note"}
func (a *API) mediationRegrade(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		Risk     mediation.Risk `json:"risk"`
		Violence bool           `json:"violence"`
		Note     string         `json:"note"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	a.mediationDone(w, r, http.StatusOK, func(ctx context.Context) (mediation.Case, error) {
		return a.Mediation.Regrade(ctx, u, r.PathValue("number"), in.Risk, in.Violence, in.Note)
	})
}

// POST /api/v1/mediation/cases/{number}/mediators {"member_ids","chosen"}
func (a *API) mediationMediators(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		MemberIDs []string `json:"member_ids"`
		Chosen    bool     `json:"chosen"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	a.mediationDone(w, r, http.StatusOK, func(ctx context.Context) (mediation.Case, error) {
		return a.Mediation.SetMediators(ctx, u, r.PathValue("number"), in.MemberIDs, in.Chosen)
	})
}

// POST /api/v1/mediation/cases/{number}/sessions {"held_at","place","record"}
func (a *API) mediationSession(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in mediation.NewSession
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	a.mediationDone(w, r, http.StatusOK, func(ctx context.Context) (mediation.Case, error) {
		return a.Mediation.RecordSession(ctx, u, r.PathValue("number"), in)
	})
}

// POST /api/v1/mediation/cases/{number}/schedule {"at","place"}
func (a *API) mediationSchedule(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		At    time.Time `json:"at"`
		Place string    `json:"place"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	a.mediationDone(w, r, http.StatusOK, func(ctx context.Context) (mediation.Case, error) {
		return a.Mediation.Schedule(ctx, u, r.PathValue("number"), in.At, in.Place)
	})
}

// POST /api/v1/mediation/cases/{number}/signatures {"session","party"}: signed in person.
func (a *API) mediationSign(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		Session int `json:"session"`
		Party   int `json:"party"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	a.mediationDone(w, r, http.StatusOK, func(ctx context.Context) (mediation.Case, error) {
		return a.Mediation.Sign(ctx, u, r.PathValue("number"), in.Session, in.Party, "", nil)
	})
}

// POST /api/v1/mediation/cases/{number}/confirmation {"state","on"}
func (a *API) mediationConfirm(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		State string `json:"state"`
		On    string `json:"on"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	a.mediationDone(w, r, http.StatusOK, func(ctx context.Context) (mediation.Case, error) {
		return a.Mediation.Confirm(ctx, u, r.PathValue("number"), in.State, in.On)
	})
}

// POST /api/v1/mediation/cases/{number}/follow-up {"performed","note"}
func (a *API) mediationFollowUp(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		Performed string `json:"performed"`
		Note      string `json:"note"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	a.mediationDone(w, r, http.StatusOK, func(ctx context.Context) (mediation.Case, error) {
		return a.Mediation.FollowUp(ctx, u, r.PathValue("number"), in.Performed, in.Note)
	})
}

// GET /api/v1/mediation/figures?area_code=
func (a *API) mediationFigures(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Mediation == nil {
		a.fail(w, r, errNoMediation)
		return
	}
	f, err := a.Mediation.Figures(r.Context(), u, r.URL.Query().Get("area_code"), 0, 0)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, f)
}

// GET /api/v1/mediation/committees?area_code=
func (a *API) mediationCommittees(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Mediation == nil {
		a.fail(w, r, errNoMediation)
		return
	}
	if !mediation.CanListCommittees(u) {
		a.fail(w, r, errs.ErrForbidden)
		return
	}
	cs, err := a.Mediation.Committees(r.Context(), r.URL.Query().Get("area_code"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": cs})
}

// PUT /api/v1/mediation/committees/{code}/members {"members":[{"name","phone","user_id","duty"}]}
func (a *API) mediationMembers(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Mediation == nil {
		a.fail(w, r, errNoMediation)
		return
	}
	var in struct {
		Members []mediation.NewMember `json:"members"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	c, err := a.Mediation.SetMembers(r.Context(), u, r.PathValue("code"), in.Members)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}
