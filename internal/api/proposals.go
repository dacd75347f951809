package api

import (
	"net/http"
	"strconv"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/proposal"
)

// POST /api/v1/areas {"parent_code","name"}: a courtyard under a community.
func (a *API) createCourtyard(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		ParentCode string `json:"parent_code"`
		Name       string `json:"name"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	area, err := a.Proposals.CreateCourtyard(r.Context(), u, in.ParentCode, in.Name)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, area)
}

// PUT /api/v1/areas/{code}/population {"population"}
func (a *API) setPopulation(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		Population *int64 `json:"population"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	if in.Population == nil {
		a.fail(w, r, errs.Invalidf("缺少人口数", "population is required"))
		return
	}
	area, err := a.Proposals.SetPopulation(r.Context(), u, r.PathValue("code"), *in.Population)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, area)
}

// POST /api/v1/areas/{code}/residents {"phone"}: staff verify a resident.
func (a *API) verifyResident(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		Phone string `json:"phone"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	res, err := a.Proposals.VerifyResident(r.Context(), u, r.PathValue("code"), in.Phone)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	res.Phone = auth.MaskPhone(res.Phone)
	writeJSON(w, http.StatusCreated, res)
}

// POST /api/v1/proposals {"level","area_code","title","body","tickets"}
func (a *API) createProposal(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in proposal.New
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	p, err := a.Proposals.Create(r.Context(), u, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, p)
}

// GET /api/v1/proposals?area_code=&status=&due=&mine=&cursor=&limit=
func (a *API) listProposals(w http.ResponseWriter, r *http.Request, u auth.User) {
	q := r.URL.Query()
	f := proposal.Filter{AreaCode: q.Get("area_code"), Status: proposal.Status(q.Get("status")), Cursor: q.Get("cursor"),
		Due: q.Get("due") == "true", Mine: q.Get("mine") == "true"}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > proposal.MaxList {
			a.fail(w, r, errs.Invalidf("limit 须为1到%d", "limit must be 1 to %d", proposal.MaxList))
			return
		}
		f.Limit = n
	}
	page, err := a.Proposals.List(r.Context(), u, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

// GET /api/v1/proposals/{number}
func (a *API) getProposal(w http.ResponseWriter, r *http.Request, u auth.User) {
	p, err := a.Proposals.Get(r.Context(), u, r.PathValue("number"))
	a.proposalDone(w, r, p, err)
}

// GET /api/v1/proposals/{number}/events
func (a *API) proposalEvents(w http.ResponseWriter, r *http.Request, u auth.User) {
	evs, err := a.Proposals.Events(r.Context(), u, r.PathValue("number"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": evs})
}

// POST /api/v1/proposals/{number}/cosign {}
func (a *API) cosignProposal(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		OnBehalfOf string `json:"on_behalf_of"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	p, err := a.Proposals.CosignFor(r.Context(), u, r.PathValue("number"), in.OnBehalfOf)
	a.proposalDone(w, r, p, err)
}

// POST /api/v1/proposals/{number}/answer {"decision","text"}
func (a *API) answerProposal(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in proposal.Answer
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	p, err := a.Proposals.Answer(r.Context(), u, r.PathValue("number"), in)
	a.proposalDone(w, r, p, err)
}

// POST /api/v1/proposals/{number}/progress {"text","percent","done"}
func (a *API) proposalProgress(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in proposal.Progress
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	p, err := a.Proposals.ReportProgress(r.Context(), u, r.PathValue("number"), in)
	a.proposalDone(w, r, p, err)
}

func (a *API) proposalDone(w http.ResponseWriter, r *http.Request, p proposal.Proposal, err error) {
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}
