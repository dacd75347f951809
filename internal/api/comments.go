package api

import (
	"net/http"
	"strconv"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/deliberation"
	"github.com/gongzhi/gongzhi/internal/errs"
)

var errNoComments = errs.New(errs.Unavailable, "评论服务未启用", "comments are not available")

// GET /api/v1/comments?target=kind:id&cursor=&limit=: anyone who may read
// the item; a guest reads those of public items.
func (a *API) listComments(w http.ResponseWriter, r *http.Request) {
	u, _, err := a.caller(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if a.Deliberation == nil {
		a.fail(w, r, errNoComments)
		return
	}
	q := r.URL.Query()
	limit := 0
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 {
			a.fail(w, r, errs.Invalidf("limit 须为1到%d", "limit must be 1 to %d", deliberation.MaxList))
			return
		}
	}
	if q.Get("target") == "" {
		a.fail(w, r, errs.Invalidf("缺少评论对象 target", "target is required"))
		return
	}
	th, err := a.Deliberation.List(r.Context(), u, q.Get("target"), q.Get("cursor"), limit)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, th)
}

// POST /api/v1/comments {"target","position","body","parent_id"}
func (a *API) createComment(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in deliberation.New
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	if a.Deliberation == nil {
		a.fail(w, r, errNoComments)
		return
	}
	c, err := a.Deliberation.Post(r.Context(), u, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

// POST /api/v1/comments/{id}/report {"reason","text"}
func (a *API) reportComment(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in deliberation.Report
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	if a.Deliberation == nil {
		a.fail(w, r, errNoComments)
		return
	}
	if err := a.Deliberation.Report(r.Context(), u, r.PathValue("id"), in); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// POST /api/v1/comments/{id}/moderate {"decision","reason","text"}
func (a *API) moderateComment(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in deliberation.Decision
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	if a.Deliberation == nil {
		a.fail(w, r, errNoComments)
		return
	}
	c, err := a.Deliberation.Moderate(r.Context(), u, r.PathValue("id"), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// GET /api/v1/moderation/queue?cursor=
func (a *API) moderationQueue(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Deliberation == nil {
		a.fail(w, r, errNoComments)
		return
	}
	page, err := a.Deliberation.Queue(r.Context(), u, r.URL.Query().Get("cursor"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

// GET /api/v1/moderation/stats?month=YYYY-MM: public.
func (a *API) moderationStats(w http.ResponseWriter, r *http.Request) {
	if a.Deliberation == nil {
		a.fail(w, r, errNoComments)
		return
	}
	st, err := a.Deliberation.Stats(r.Context(), r.URL.Query().Get("month"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// PUT /api/v1/moderation/mode {"mode":"pre|post"} (admin)
func (a *API) setModerationMode(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		Mode deliberation.Mode `json:"mode"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	if a.Deliberation == nil {
		a.fail(w, r, errNoComments)
		return
	}
	m, err := a.Deliberation.SetMode(r.Context(), u, in.Mode)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}
