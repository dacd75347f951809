package api

import (
	"net/http"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/replytpl"
)

// The reply templates (答复模板). Who may read and keep which is decided
// in replytpl; these handlers only map.

// replyTemplateInput is what a create or a change sends.
type replyTemplateInput struct {
	OrgCode      string `json:"org_code"`
	CategoryCode string `json:"category_code"`
	Name         string `json:"name"`
	Body         string `json:"body"`
}

func (a *API) repliesOn(w http.ResponseWriter, r *http.Request) bool {
	if a.Replies == nil {
		a.fail(w, r, errs.New(errs.Unavailable, "答复模板暂不可用", "reply templates are not available"))
		return false
	}
	return true
}

func (a *API) listReplyTemplates(w http.ResponseWriter, r *http.Request, u auth.User) {
	if !a.repliesOn(w, r) {
		return
	}
	list, err := a.Replies.List(r.Context(), u)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": list, "placeholders": replytpl.Placeholders})
}

func (a *API) getReplyTemplate(w http.ResponseWriter, r *http.Request, u auth.User) {
	if !a.repliesOn(w, r) {
		return
	}
	t, err := a.Replies.Get(r.Context(), u, r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// saveReplyTemplate creates a template (POST) or changes one (PUT …/{id}).
func (a *API) saveReplyTemplate(w http.ResponseWriter, r *http.Request, u auth.User) {
	if !a.repliesOn(w, r) {
		return
	}
	var in replyTemplateInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	t := replytpl.Template{ID: r.PathValue("id"), OrgCode: in.OrgCode, CategoryCode: in.CategoryCode, Name: in.Name, Body: in.Body}
	var saved replytpl.Template
	var err error
	status := http.StatusOK
	if t.ID == "" {
		saved, err = a.Replies.Create(r.Context(), u, t)
		status = http.StatusCreated
	} else {
		saved, err = a.Replies.Update(r.Context(), u, t)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, status, saved)
}

func (a *API) deleteReplyTemplate(w http.ResponseWriter, r *http.Request, u auth.User) {
	if !a.repliesOn(w, r) {
		return
	}
	if err := a.Replies.Delete(r.Context(), u, r.PathValue("id")); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// ticketReplyTemplates answers the templates that apply when the caller
// replies to the ticket, each rendered for it.
func (a *API) ticketReplyTemplates(w http.ResponseWriter, r *http.Request, u auth.User) {
	if !a.repliesOn(w, r) {
		return
	}
	_, list, err := a.Replies.ForTicket(r.Context(), u, r.PathValue("number"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": list})
}
