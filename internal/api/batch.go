package api

import (
	"net/http"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// batchRequest is the body of POST /api/v1/tickets/batch.
type batchRequest struct {
	Action  string             `json:"action"`
	Numbers []string           `json:"numbers"`
	Input   ticket.ActionInput `json:"input"`
}

// batchAnswer is its answer: each ticket's result, in the order named.
type batchAnswer struct {
	Results []ticket.BatchResult `json:"results"`
	Done    int                  `json:"done"`
	Refused int                  `json:"refused"`
}

// batch takes one action on many tickets; the ticket service acts on each
// as on one (its own check, its own event) and says what came of each.
func (a *API) batch(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in batchRequest
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	res, err := a.Tickets.ActMany(r.Context(), u, in.Action, in.Numbers, in.Input)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := batchAnswer{Results: res}
	for _, x := range res {
		if x.OK {
			out.Done++
		} else {
			out.Refused++
		}
	}
	writeJSON(w, http.StatusOK, out)
}
