package api

import (
	"net/http"

	"github.com/gongzhi/gongzhi/internal/agenda"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/plaintext"
)

// agendaList is the caller's one list: what a resident takes part in, or
// what staff must answer (narrowed by ?q=).
func (a *API) agendaList(w http.ResponseWriter, r *http.Request, u auth.User) {
	q := r.URL.Query().Get("q")
	if len([]rune(q)) > 50 {
		a.fail(w, r, errs.Invalidf("q 不超过50字", "q must be at most 50 characters"))
		return
	}
	items, err := a.Agenda.For(r.Context(), u, plaintext.Clean(q))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[agenda.Item]{Items: items})
}
