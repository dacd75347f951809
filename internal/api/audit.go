package api

import (
	"net/http"

	"github.com/gongzhi/gongzhi/internal/auth"
)

// searchAudit is GET /api/v1/audit; the auth service decides who may.
func (a *API) searchAudit(w http.ResponseWriter, r *http.Request, u auth.User) {
	f, err := auth.ParseAuditQuery(r.URL.Query())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	page, err := a.Auth.SearchAudit(r.Context(), u, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}
