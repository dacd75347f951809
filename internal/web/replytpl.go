package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/replytpl"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// The reply templates (答复模板): the chooser on the staff ticket page's
// reply forms, and the page that keeps them (/staff/replies). Which
// templates a user keeps and which apply to a ticket is replytpl's.

// ReplyChooser is the chooser of the reply forms of one ticket.
type ReplyChooser struct {
	Items  []ReplyItem
	Chosen *ReplyItem // the template of ?tpl=ID, filled into the empty reply boxes
	Manage bool       // the viewer keeps templates: a link to the page
}

// ReplyItem is one template rendered for the ticket.
type ReplyItem struct {
	ID, Name, Scope, Text string
	Missing               string // the placeholders it has no value for, as written
	URL                   string // the page with this template chosen
	Chosen                bool
}

// replyChooser builds the chooser when one of the page's forms takes a
// reply; nil otherwise, or without the service.
func (s *Server) replyChooser(r *http.Request, lang string, u auth.User, t ticket.Ticket, v *TicketView) (*ReplyChooser, error) {
	if s.Replies == nil || !slices.ContainsFunc(v.Forms, func(f ActionForm) bool { return slices.Contains(f.Fields, "reply_text") }) {
		return nil, nil
	}
	list, err := s.Replies.Templates(r.Context(), u, t)
	if err != nil {
		return nil, err
	}
	c := &ReplyChooser{Manage: replytpl.CanManage(u)}
	want := r.URL.Query().Get("tpl")
	for _, rt := range list {
		it := ReplyItem{ID: rt.ID, Name: rt.Name, Scope: tr(lang, scopeKey(rt.Template)), Text: rt.Text,
			URL: "/staff/tickets/" + url.PathEscape(t.Number) + "?tpl=" + url.QueryEscape(rt.ID)}
		if len(rt.Missing) > 0 {
			it.Missing = "{" + strings.Join(rt.Missing, "}、{") + "}"
		}
		it.Chosen = rt.ID == want
		c.Items = append(c.Items, it)
		if it.Chosen {
			c.Chosen = &c.Items[len(c.Items)-1]
		}
	}
	return c, nil
}

// scopeKey names where a template comes from, in the order they are listed.
func scopeKey(t replytpl.Template) string {
	switch {
	case t.OrgCode != "" && t.CategoryCode != "":
		return "rt.scope.unitcat"
	case t.CategoryCode != "":
		return "rt.scope.cat"
	case t.OrgCode != "":
		return "rt.scope.unit"
	}
	return "rt.scope.general"
}

// RepliesData is the page that keeps the templates.
type RepliesData struct {
	Rows   []ReplyRow
	Manage bool
	// The form: a new template, or the one being edited.
	Edit       *replytpl.Template
	Action     string // where the form posts
	Units      []Group
	UnitFixed  string // the unit's name when the user keeps one unit's only
	Categories []Group
	Preview    *replytpl.Rendered
	// Placeholders and Example (JSON of the example's values) for the help and the live preview.
	Placeholders []replytpl.Placeholder
	Example      string
}

// ReplyRow is one template in the list.
type ReplyRow struct {
	replytpl.Template
	Unit, Category string
	Editable       bool
}

func (s *Server) replies(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil || s.repliesOff(w, r) {
		return
	}
	p := s.page(w, r, "rt.title")
	if done := r.URL.Query().Get("done"); done == "saved" || done == "deleted" {
		p.Flash = tr(p.Lang, "rt.done."+done)
	}
	var edit *replytpl.Template
	if id := r.URL.Query().Get("edit"); id != "" {
		t, err := s.Replies.Get(r.Context(), *u, id)
		if err == nil && !replytpl.CanEdit(*u, t.OrgCode) {
			err = errs.ErrForbidden
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		edit = &t
		p.Form = url.Values{"name": {t.Name}, "body": {t.Body}, "category_code": {t.CategoryCode}, "org_code": {t.OrgCode}}
	}
	s.renderReplies(w, r, p, http.StatusOK, edit, nil)
}

// renderReplies shows the page; edit is the template being edited (nil: a
// new one), preview the form's text filled for the example.
func (s *Server) renderReplies(w http.ResponseWriter, r *http.Request, p *Page, status int, edit *replytpl.Template, preview *replytpl.Rendered) {
	u := p.User
	list, err := s.Replies.List(r.Context(), *u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &RepliesData{Manage: replytpl.CanManage(*u), Edit: edit, Action: "/staff/replies", Preview: preview, Placeholders: replytpl.Placeholders}
	if edit != nil {
		d.Action = "/staff/replies/" + url.PathEscape(edit.ID)
	}
	groups, cats, err := s.categoryGroups(r.Context(), p.Lang)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Categories = groups
	for _, t := range list {
		row := ReplyRow{Template: t, Unit: tr(p.Lang, "rt.general"), Category: tr(p.Lang, "rt.anycat"), Editable: replytpl.CanEdit(*u, t.OrgCode)}
		if t.OrgCode != "" {
			row.Unit = s.orgName(r.Context(), t.OrgCode)
		}
		if t.CategoryCode != "" {
			row.Category = cats[t.CategoryCode]
		}
		d.Rows = append(d.Rows, row)
	}
	if err := s.replyUnits(r.Context(), p.Lang, *u, d); err != nil {
		s.fail(w, r, err)
		return
	}
	ex, _ := json.Marshal(s.Replies.Example())
	d.Example = string(ex)
	p.Data = d
	s.render(w, r, status, "staff_replies", p)
}

// replyUnits fills the form's choice of unit: the administrator chooses,
// anyone else keeps the one scope she may.
func (s *Server) replyUnits(ctx context.Context, lang string, u auth.User, d *RepliesData) error {
	if !replytpl.ChoosesUnit(u) {
		if own := replytpl.OwnScope(u); own != "" {
			d.UnitFixed = s.orgName(ctx, own)
		} else {
			d.UnitFixed = tr(lang, "rt.general")
		}
		return nil
	}
	dist, err := s.district(ctx)
	if err != nil && !errs.Is(err, errs.NotFound) {
		return err
	}
	d.Units, err = s.orgGroups(ctx, lang, dist.Code)
	return err
}

// replyForm reads the form of a template.
func replyForm(r *http.Request, u auth.User) replytpl.Template {
	f := r.PostForm
	t := replytpl.Template{Name: f.Get("name"), Body: f.Get("body"), CategoryCode: strings.TrimSpace(f.Get("category_code")), OrgCode: replytpl.OwnScope(u)}
	if replytpl.ChoosesUnit(u) {
		t.OrgCode = strings.TrimSpace(f.Get("org_code"))
	}
	return t
}

// saveReply creates (no id) or changes a template, or previews the form.
func (s *Server) saveReply(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil || s.repliesOff(w, r) {
		return
	}
	t := replyForm(r, *u)
	var edit *replytpl.Template
	if id := r.PathValue("id"); id != "" {
		old, err := s.Replies.Get(r.Context(), *u, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		edit, t.ID, t.OrgCode = &old, id, old.OrgCode
	}
	p := s.page(w, r, "rt.title")
	var err error
	if r.PostForm.Get("preview") != "" {
		var pv replytpl.Rendered
		if pv, err = s.Replies.Preview(t.Body); err == nil {
			s.renderReplies(w, r, p, http.StatusOK, edit, &pv)
			return
		}
	} else if edit != nil {
		_, err = s.Replies.Update(r.Context(), *u, t)
	} else {
		_, err = s.Replies.Create(r.Context(), *u, t)
	}
	if err != nil {
		s.renderReplies(w, r, p, s.formError(r, p, err), edit, nil)
		return
	}
	redirect(w, r, "/staff/replies?done=saved")
}

func (s *Server) deleteReply(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil || s.repliesOff(w, r) {
		return
	}
	if err := s.Replies.Delete(r.Context(), *u, r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/staff/replies?done=deleted")
}

// replyRoutes are the template pages.
func (s *Server) replyRoutes(h route) {
	h("GET /staff/replies", s.replies)
	h("POST /staff/replies", s.saveReply)
	h("POST /staff/replies/{id}", s.saveReply)
	h("POST /staff/replies/{id}/delete", s.deleteReply)
}

// canReplies is the menu's test: u keeps templates.
func canReplies(u *auth.User) bool { return u != nil && replytpl.CanManage(*u) }

// repliesOff answers 503 when the server keeps no templates.
func (s *Server) repliesOff(w http.ResponseWriter, r *http.Request) bool {
	if s.Replies != nil {
		return false
	}
	s.fail(w, r, errs.New(errs.Unavailable, "答复模板暂不可用", "reply templates are not available"))
	return true
}
