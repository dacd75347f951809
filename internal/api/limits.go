package api

import (
	"net/http"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

func (a *API) listTimeLimits(w http.ResponseWriter, r *http.Request, _ auth.User) {
	items, err := a.Tickets.TimeLimits(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[ticket.TimeLimit]{Items: items})
}

// setTimeLimit takes {"category_code","kind","urgency","sign","contact","complete"}
// with limits written "2h" (working hours), "5d" (working days) or "24ch" (clock hours).
func (a *API) setTimeLimit(w http.ResponseWriter, r *http.Request, _ auth.User) {
	var tl ticket.TimeLimit
	if err := decode(w, r, &tl); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.Tickets.SetTimeLimit(r.Context(), tl); err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, tl)
}

func (a *API) deleteTimeLimit(w http.ResponseWriter, r *http.Request, _ auth.User) {
	q := r.URL.Query()
	err := a.Tickets.DeleteTimeLimit(r.Context(), q.Get("category_code"), ticket.Kind(q.Get("kind")), ticket.Urgency(q.Get("urgency")))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) notifications(w http.ResponseWriter, r *http.Request, u auth.User) {
	items, err := a.Tickets.Notifications(r.Context(), u, ticket.DefaultLimit*2)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[ticket.Notification]{Items: items})
}

// sweep runs the background work once, for operators and tests.
func (a *API) sweep(w http.ResponseWriter, r *http.Request, _ auth.User) {
	st, err := a.Tickets.Sweep(r.Context())
	if err != nil {
		a.fail(w, r, errs.Wrap(err, "sweep"))
		return
	}
	writeJSON(w, http.StatusOK, st)
}
