package api

import (
	"net/http"

	"github.com/gongzhi/gongzhi/internal/auth"
)

// accountRoutes are the routes of account controls: unlocking, passwords,
// the second factor, ending one's own token.
func (a *API) accountRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/v1/users/{id}/unlock", a.idempotent(a.admin(a.unlockUser)))
}

func (a *API) unlockUser(w http.ResponseWriter, r *http.Request, admin auth.User) {
	if err := a.Auth.Unlock(r.Context(), admin, r.PathValue("id")); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
