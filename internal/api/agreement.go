package api

import (
	"context"
	"net/http"

	"github.com/gongzhi/gongzhi/internal/agreement"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// The agreements of organisations outside the government and the monthly
// report of their staff's reads of personal data: who may do what is the
// agreement capability's; these handlers only decode and encode.

var errNoAgreements = errs.New(errs.Unavailable, "服务协议功能未启用", "agreements are not available")

// POST /api/v1/agreements (agreement.Input)
func (a *API) createAgreement(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Agreements == nil {
		a.fail(w, r, errNoAgreements)
		return
	}
	var in agreement.Input
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.Agreements.Create(r.Context(), u, in)
	a.answer(w, r, http.StatusCreated, v, err)
}

// GET /api/v1/agreements?org_code=&status=
func (a *API) listAgreements(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Agreements == nil {
		a.fail(w, r, errNoAgreements)
		return
	}
	q := r.URL.Query()
	items, err := a.Agreements.List(r.Context(), u, agreement.Filter{OrgCode: q.Get("org_code"), Status: agreement.Status(q.Get("status"))})
	a.answer(w, r, http.StatusOK, map[string]any{"items": items}, err)
}

// GET /api/v1/agreements/{id}
func (a *API) getAgreement(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Agreements == nil {
		a.fail(w, r, errNoAgreements)
		return
	}
	v, err := a.Agreements.Get(r.Context(), u, r.PathValue("id"))
	a.answer(w, r, http.StatusOK, v, err)
}

// PUT /api/v1/agreements/{id} (agreement.Input)
func (a *API) updateAgreement(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Agreements == nil {
		a.fail(w, r, errNoAgreements)
		return
	}
	var in agreement.Input
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.Agreements.Update(r.Context(), u, r.PathValue("id"), in)
	a.answer(w, r, http.StatusOK, v, err)
}

// moveAgreement is suspend, resume or end: POST …/{id}/{step} {"reason"}.
func (a *API) moveAgreement(w http.ResponseWriter, r *http.Request, u auth.User,
	step func(ctx context.Context, u auth.User, id, reason string) (agreement.Agreement, error)) {
	if a.Agreements == nil {
		a.fail(w, r, errNoAgreements)
		return
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := step(r.Context(), u, r.PathValue("id"), in.Reason)
	a.answer(w, r, http.StatusOK, v, err)
}

// POST /api/v1/agreements/{id}/suspend {"reason"}
func (a *API) suspendAgreement(w http.ResponseWriter, r *http.Request, u auth.User) {
	a.moveAgreement(w, r, u, a.Agreements.Suspend)
}

// POST /api/v1/agreements/{id}/resume {"reason"}
func (a *API) resumeAgreement(w http.ResponseWriter, r *http.Request, u auth.User) {
	a.moveAgreement(w, r, u, a.Agreements.Resume)
}

// POST /api/v1/agreements/{id}/end {"reason"}
func (a *API) endAgreement(w http.ResponseWriter, r *http.Request, u auth.User) {
	a.moveAgreement(w, r, u, a.Agreements.End)
}

// GET /api/v1/agreements/{id}/events
func (a *API) agreementEvents(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Agreements == nil {
		a.fail(w, r, errNoAgreements)
		return
	}
	items, err := a.Agreements.Events(r.Context(), u, r.PathValue("id"))
	a.answer(w, r, http.StatusOK, map[string]any{"items": items}, err)
}

// GET /api/v1/personal-data-reads?month=2026-11
func (a *API) personalDataReads(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Agreements == nil {
		a.fail(w, r, errNoAgreements)
		return
	}
	v, err := a.Agreements.MonthlyReport(r.Context(), u, r.URL.Query().Get("month"))
	a.answer(w, r, http.StatusOK, v, err)
}

// auditDownload writes a file downloaded through the API to the audit log,
// with who asked for it: every bulk read is there.
func (a *API) auditDownload(r *http.Request, u auth.User, file string) error {
	return a.Auth.Audit(r.Context(), u, auth.AuditDownload, "file:"+file, r.URL.RequestURI())
}
