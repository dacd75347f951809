package api

import (
	"net/http"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/evaluation"
)

// GET /api/v1/evaluation/requesters?month=|from=&to=: residents' and
// enterprises' requests counted apart (evaluation.Requesters decides who).
func (a *API) evaluationRequesters(w http.ResponseWriter, r *http.Request, u auth.User) {
	if err := evaluation.CanSeeRequesters(u); err != nil {
		a.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	p, err := a.Evaluation.ParsePeriod(r.Context(), q.Get("from"), q.Get("to"), q.Get("month"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	res, err := a.Evaluation.Requesters(r.Context(), u, p)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}
