package api

import (
	"net/http"

	"github.com/gongzhi/gongzhi/internal/agenda"
	"github.com/gongzhi/gongzhi/internal/auth"
)

// agendaList is the caller's one list: what a resident takes part in, or
// what staff must answer (narrowed by ?q=).
func (a *API) agendaList(w http.ResponseWriter, r *http.Request, u auth.User) {
	items, err := a.Agenda.For(r.Context(), u, r.URL.Query().Get("q"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[agenda.Item]{Items: items})
}
