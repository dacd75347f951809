package api

import (
	"net/http"
	"strconv"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/notice"
)

// Topics, announcements and village affairs and finance disclosure
// (internal/notice). Lists and items are read by anyone, each seeing what
// the item's disclosure level lets her: a guest the public ones.

// POST /api/v1/notices {"kind","area_code","org_code","level","title","body","period","comment_days","notice_days","lines","draft"}
func (a *API) createNotice(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in notice.New
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	n, err := a.Notices.Create(r.Context(), u, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/notices/"+n.Number)
	writeJSON(w, http.StatusCreated, n)
}

// GET /api/v1/notices?area_code=&kind=&status=&cursor=&limit=
func (a *API) listNotices(w http.ResponseWriter, r *http.Request) {
	u, _, err := a.caller(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	f := notice.Filter{AreaCode: q.Get("area_code"), Kind: notice.Kind(q.Get("kind")), Status: notice.Status(q.Get("status")), Cursor: q.Get("cursor")}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > notice.MaxList {
			a.fail(w, r, errs.Invalidf("limit 须为1到%d", "limit must be 1 to %d", notice.MaxList))
			return
		}
		f.Limit = n
	}
	page, err := a.Notices.List(r.Context(), u, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

// GET /api/v1/notices/{number}
func (a *API) getNotice(w http.ResponseWriter, r *http.Request) {
	u, _, err := a.caller(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	n, err := a.Notices.Get(r.Context(), u, r.PathValue("number"))
	a.noticeDone(w, r, n, err)
}

// POST /api/v1/notices/{number}/open {"decision","summary","notice_days"}
func (a *API) openNotice(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in notice.OpenInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	n, err := a.Notices.Open(r.Context(), u, r.PathValue("number"), in)
	a.noticeDone(w, r, n, err)
}

// PUT /api/v1/notices/{number} {"level","title","body","period",
// "comment_days","notice_days","lines"}: a draft changed by its publisher.
func (a *API) editNotice(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in notice.Changes
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	n, err := a.Notices.Edit(r.Context(), u, r.PathValue("number"), in)
	a.noticeDone(w, r, n, err)
}

// POST /api/v1/notices/{number}/objections {"text","phone"}
func (a *API) objectNotice(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in notice.NewObjection
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	n, err := a.Notices.Object(r.Context(), u, r.PathValue("number"), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, n)
}

// POST /api/v1/notices/{number}/objections/{id}/answer {"text","changed"}
func (a *API) answerObjection(w http.ResponseWriter, r *http.Request, u auth.User) {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil || id < 1 || id > notice.MaxObjections {
		a.fail(w, r, errs.NotFoundf("异议不存在", "no such objection"))
		return
	}
	var in notice.AnswerInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	n, err := a.Notices.Answer(r.Context(), u, r.PathValue("number"), id, in)
	a.noticeDone(w, r, n, err)
}

// POST /api/v1/notices/{number}/finalise {"summary"}
func (a *API) finaliseNotice(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		Summary string `json:"summary"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	n, err := a.Notices.Finalise(r.Context(), u, r.PathValue("number"), in.Summary)
	a.noticeDone(w, r, n, err)
}

// POST /api/v1/notices/{number}/withdraw {"reason"}
func (a *API) withdrawNotice(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	n, err := a.Notices.Withdraw(r.Context(), u, r.PathValue("number"), in.Reason)
	a.noticeDone(w, r, n, err)
}

// GET /api/v1/disclosure-schedules/due
func (a *API) dueDisclosures(w http.ResponseWriter, r *http.Request, u auth.User) {
	items, err := a.Notices.DueDisclosures(r.Context(), u)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

func (a *API) noticeDone(w http.ResponseWriter, r *http.Request, n notice.Notice, err error) {
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, n)
}
