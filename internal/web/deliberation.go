package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/deliberation"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Comments (议事评论): the comments section of an item's page (the
// "comments" template, given a CommentsView), its forms, the page that
// reports a comment, the staff's moderation queue and the public figures of
// moderation. Who may read, write and moderate what is the deliberation
// capability's; these pages only lay it out.

// deliberationRoutes are the comments' pages.
func (s *Server) deliberationRoutes(h route) {
	h("POST /comments", s.commentPost)
	h("GET /comments/{id}/report", s.commentReportForm)
	h("POST /comments/{id}/report", s.commentReport)
	h("GET /staff/moderation", s.moderationPage)
	h("POST /staff/moderation/mode", s.moderationMode)
	h("POST /staff/moderation/{id}", s.moderationAct)
	h("GET /participate/moderation", s.moderationStats)
}

// CommentsView is the comments section of an item's page.
type CommentsView struct {
	CSRF    string
	Err     string
	Flash   string
	Thread  deliberation.Thread
	Rows    []CommentRow // the page's comments and replies, in the order shown
	Back    string       // the item's page, where the forms come back
	Reply   *CommentRow  // the comment being answered
	MoreURL string
	Login   string // where a guest logs in to take part
	// StaffOnly tells staff who do not answer for the item that only its
	// responsible unit replies here.
	StaffOnly bool
	// The form's values, after a refusal.
	Position, Body string
}

// CommentRow is one comment as its section shows it.
type CommentRow struct {
	deliberation.Comment
	Who, ParentWho                   string // the author, and the author replied to
	ReplyURL, ReportURL, ModerateURL string
}

var errNoComments = errs.New(errs.Unavailable, "评论服务未启用", "comments are not available")

// errText is the message of err in the page's language.
func (s *Server) errText(r *http.Request, lang string, err error) string {
	e := errs.As(err)
	if errs.Logged(e.Code) {
		s.Log.Error("web request", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if lang == "en" {
		return e.MsgEn
	}
	return e.Msg
}

// who is how a comment's author is named on a page.
func who(lang string, c deliberation.Comment) string {
	if c.AuthorKind == "resident" {
		return tr(lang, "delib.resident", c.Tag())
	}
	if c.OrgName() == "" {
		return tr(lang, "delib.staff")
	}
	return c.OrgName()
}

// commentsView lays out the comments on the item ref for u (nil: a guest)
// on the page at r, which takes ccursor (the page of comments), reply (the
// comment to answer) and c (what was just done).
func (s *Server) commentsView(r *http.Request, p *Page, u *auth.User, ref string) *CommentsView {
	if s.Deliberation == nil {
		return nil
	}
	var user auth.User
	if u != nil {
		user = *u
	}
	q := r.URL.Query()
	v := &CommentsView{CSRF: p.CSRF, Back: r.URL.Path}
	if user.ID == "" {
		v.Login = "/login?next=" + url.QueryEscape(r.URL.Path)
	}
	th, err := s.Deliberation.List(r.Context(), user, ref, q.Get("ccursor"), 0)
	if err != nil {
		v.Err = s.errText(r, p.Lang, err)
		return v
	}
	v.Thread = th
	v.StaffOnly = user.Role.IsStaff() && th.Open && !th.CanComment
	if c := q.Get("c"); c != "" {
		if _, ok := messages["delib.flash."+c]; ok {
			v.Flash = tr(p.Lang, "delib.flash."+c)
		}
	}
	here := r.URL.Path
	if cur := q.Get("ccursor"); cur != "" {
		here += "?" + url.Values{"ccursor": {cur}}.Encode()
	}
	v.Rows = s.commentRows(p.Lang, user, th, here)
	for i := range v.Rows {
		if v.Rows[i].ID == q.Get("reply") && v.Rows[i].ReplyURL != "" {
			v.Reply = &v.Rows[i]
		}
	}
	if th.Next != "" {
		v.MoreURL = r.URL.Path + "?" + url.Values{"ccursor": {th.Next}}.Encode() + "#comments"
	}
	return v
}

// commentRows flattens the thread's comments and replies with the links
// each offers the reader; here is the page they are on.
func (s *Server) commentRows(lang string, u auth.User, th deliberation.Thread, here string) []CommentRow {
	var rows []CommentRow
	names := map[string]string{}
	sep := "?"
	if strings.Contains(here, "?") {
		sep = "&"
	}
	add := func(c deliberation.Comment) {
		row := CommentRow{Comment: c, Who: who(lang, c), ParentWho: names[c.ParentID]}
		row.Replies = nil
		names[c.ID] = row.Who
		if th.CanComment && c.Status == deliberation.StatusPublished && c.Depth < deliberation.MaxDepth {
			row.ReplyURL = here + sep + "reply=" + c.ID + "#comment-form"
		}
		if deliberation.CanReport(u, c) {
			row.ReportURL = "/comments/" + c.ID + "/report?" + url.Values{"back": {here}}.Encode()
		}
		if th.Moderator && (c.Status == deliberation.StatusPending || c.Reports > 0) {
			row.ModerateURL = "/staff/moderation#c-" + c.ID
		}
		rows = append(rows, row)
	}
	for _, c := range th.Items {
		add(c)
		for _, x := range c.Replies {
			add(x)
		}
	}
	return rows
}

// backTo is where a comment's form returns: the local page it names, its
// query dropped, or home.
func backTo(v string) string {
	v, _, _ = strings.Cut(v, "?")
	if !localTarget(v) {
		return "/"
	}
	return v
}

// commentPost writes a comment or a reply and returns to the item's page;
// a refusal shows the form again with its words.
func (s *Server) commentPost(w http.ResponseWriter, r *http.Request) {
	back := backTo(r.PostFormValue("back"))
	u := s.user(r)
	if u == nil {
		redirect(w, r, "/login?next="+url.QueryEscape(back))
		return
	}
	if s.Deliberation == nil {
		s.fail(w, r, errNoComments)
		return
	}
	f := r.PostFormValue
	in := deliberation.New{Target: f("target"), Position: deliberation.Position(f("position")), Body: f("body"), ParentID: f("parent_id")}
	c, err := s.Deliberation.Post(r.Context(), *u, in)
	if err == nil {
		done := "posted"
		if c.Status == deliberation.StatusPending {
			done = "held"
		}
		redirect(w, r, back+"?c="+done+"#c-"+c.ID)
		return
	}
	if errs.Is(err, errs.NotFound) && in.ParentID == "" {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "delib.form.title")
	status := statusOf(err)
	v := &CommentsView{CSRF: p.CSRF, Back: back, Err: s.errText(r, p.Lang, err), Position: f("position"), Body: f("body")}
	if v.Thread, err = s.Deliberation.List(r.Context(), *u, in.Target, "", 1); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.ParentID != "" {
		if x, _, gerr := s.Deliberation.Get(r.Context(), *u, in.ParentID); gerr == nil {
			v.Reply = &CommentRow{Comment: x, Who: who(p.Lang, x)}
		}
	}
	p.Data = v
	s.render(w, r, status, "deliberation_form", p)
}
