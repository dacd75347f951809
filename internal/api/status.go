package api

import (
	"net/http"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// The installation's status for the supervising department: who may read
// it is the status capability's.

var errNoStatus = errs.New(errs.Unavailable, "系统状态服务未启用", "the status is not available")

// GET /api/v1/status?month=YYYY-MM
func (a *API) systemStatus(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Status == nil {
		a.fail(w, r, errNoStatus)
		return
	}
	v, err := a.Status.Read(r.Context(), u, r.URL.Query().Get("month"))
	a.answer(w, r, http.StatusOK, v, err)
}
