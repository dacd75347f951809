package api

import (
	"net/http"

	"github.com/gongzhi/gongzhi/internal/auth"
)

// createAPIKey takes {"name","user_id"}: the key acts as that staff account
// (a dispatcher, agent, handler or grid worker). The key is shown this once.
func (a *API) createAPIKey(w http.ResponseWriter, r *http.Request, admin auth.User) {
	var in struct {
		Name   string `json:"name"`
		UserID string `json:"user_id"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	key, k, err := a.Auth.CreateAPIKey(r.Context(), admin, in.Name, in.UserID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"key": key, "api_key": k})
}

func (a *API) listAPIKeys(w http.ResponseWriter, r *http.Request, admin auth.User) {
	items, err := a.Auth.ListAPIKeys(r.Context(), admin)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[auth.APIKey]{Items: items})
}

func (a *API) revokeAPIKey(w http.ResponseWriter, r *http.Request, admin auth.User) {
	if err := a.Auth.RevokeAPIKey(r.Context(), admin, r.PathValue("id")); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
