package api

import (
	"net/http"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/kb"
	"github.com/gongzhi/gongzhi/internal/limit"
)

// The published knowledge base, its service guides and online
// applications (internal/kb decides what is published and who reviews).

// checkPublicText holds a client address to the rate of the public text
// searches (limit.Set.SuggestIP).
func (a *API) checkPublicText(w http.ResponseWriter, r *http.Request) bool {
	if a.Limits == nil || a.Limits.SuggestIP == nil {
		return true
	}
	if err := limit.Check(a.Limits.SuggestIP, limit.ClientIP(r)); err != nil {
		a.fail(w, r, err)
		return false
	}
	return true
}

// GET /api/v1/kb/search?q=TEXT: the published answers, best first.
func (a *API) searchPublicKB(w http.ResponseWriter, r *http.Request) {
	if !a.checkPublicText(w, r) {
		return
	}
	n, err := queryLimit(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	items, err := a.KB.Search(r.Context(), r.URL.Query().Get("q"), min(n, kb.MaxPublicHits))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[kb.PublicArticle]{Items: items})
}

// POST /api/v1/kb/{id}/answered: the answer solved the question; no ticket.
func (a *API) answeredKB(w http.ResponseWriter, r *http.Request) {
	if !a.checkPublicText(w, r) {
		return
	}
	if err := a.KB.Answered(r.Context(), r.PathValue("id")); err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"counted": true})
}

// GET /api/v1/kb/figures?month=YYYY-MM
func (a *API) kbFigures(w http.ResponseWriter, r *http.Request, u auth.User) {
	f, err := a.KB.Figures(r.Context(), u, r.URL.Query().Get("month"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, f)
}

// POST /api/v1/kb/{id}/applications {"area_code","note","checked"}: an
// online application without uploads (the web form takes those).
func (a *API) applyKB(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in kb.ApplyInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	p, err := a.KB.Apply(r.Context(), u, r.PathValue("id"), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, p)
}

// GET /api/v1/kb/applications: the applications the caller reviews.
func (a *API) kbApplications(w http.ResponseWriter, r *http.Request, u auth.User) {
	items, err := a.KB.ToReview(r.Context(), u)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[kb.Application]{Items: items})
}

// GET /api/v1/kb/applications/{id}
func (a *API) kbApplication(w http.ResponseWriter, r *http.Request, u auth.User) {
	p, err := a.KB.Application(r.Context(), u, r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// POST /api/v1/kb/applications/{id}/review {"decision","note"}
func (a *API) reviewKB(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		Decision string `json:"decision"`
		Note     string `json:"note"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	p, err := a.KB.Review(r.Context(), u, r.PathValue("id"), in.Decision, in.Note)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}
