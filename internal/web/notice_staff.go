package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/notice"
)

// The staff's pages of topics, announcements and disclosures: the list of
// their organisation's items and of their area's, the village committees'
// disclosure schedules (due, overdue, done) and, for the administrator,
// their rules; the form that publishes an item; one item with the forms
// that open its periods, answer objections, enter one on a resident's
// behalf, finalise it with the summary and withdraw it.

// NoticeStaffListData is the staff's list.
type NoticeStaffListData struct {
	Items     []NoticeView
	Tabs      []Tab
	NextURL   string
	CanCreate bool
	Due       []notice.Due
	Rules     []notice.Rule // the administrator's
	CanRules  bool
}

// NoticeNewData is the form that publishes an item.
type NoticeNewData struct {
	Kinds    []notice.Kind
	Levels   []disclosure.Level
	AreaCode string
	Limits   map[string]int
}

func canNotices(u *auth.User) bool { return u != nil && u.Role.IsStaff() }

func (s *Server) noticeStaff(w http.ResponseWriter, r *http.Request) *auth.User {
	u := s.staff(w, r)
	if u == nil {
		return nil
	}
	if !canNotices(u) {
		s.fail(w, r, errs.ErrForbidden)
		return nil
	}
	if s.Notices == nil {
		s.fail(w, r, errNoNotices)
		return nil
	}
	return u
}

func (s *Server) staffNotices(w http.ResponseWriter, r *http.Request) {
	u := s.noticeStaff(w, r)
	if u == nil {
		return
	}
	s.renderStaffNotices(w, r, s.page(w, r, "notice.staff.title"), *u, http.StatusOK)
}

func (s *Server) renderStaffNotices(w http.ResponseWriter, r *http.Request, p *Page, u auth.User, status int) {
	q := r.URL.Query()
	own := u.OrgCode != "" && q.Get("view") != "all"
	d := &NoticeStaffListData{CanCreate: notice.CanCreate(u), CanRules: notice.CanSetRules(u)}
	if u.OrgCode != "" {
		d.Tabs = []Tab{{Label: tr(p.Lang, "notice.tab.org"), URL: "/staff/notices", Active: own},
			{Label: tr(p.Lang, "notice.tab.area"), URL: "/staff/notices?view=all", Active: !own}}
	}
	f := notice.Filter{Org: own, Cursor: q.Get("cursor"), Limit: 50}
	if !own && !u.IsAdmin() {
		f.AreaCode = u.AreaCode // her area's, not every public item of the district
	}
	page, err := s.Notices.List(r.Context(), u, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, n := range page.Items {
		d.Items = append(d.Items, s.noticeView(n))
	}
	if page.Next != "" {
		v := url.Values{"cursor": {page.Next}}
		if !own {
			v.Set("view", "all")
		}
		d.NextURL = "/staff/notices?" + v.Encode()
	}
	if d.Due, err = s.Notices.DueDisclosures(r.Context(), u); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.CanRules {
		if d.Rules, err = s.Notices.Rules(r.Context()); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if done := q.Get("done"); done != "" {
		if _, ok := messages["notice.flash."+done]; ok {
			p.Flash = tr(p.Lang, "notice.flash."+done)
		}
	}
	p.Data = d
	s.render(w, r, status, "notice_staff_list", p)
}

func (s *Server) staffNoticeNew(w http.ResponseWriter, r *http.Request) {
	u := s.noticeStaff(w, r)
	if u == nil {
		return
	}
	s.renderNoticeNew(w, r, s.page(w, r, "notice.new"), *u, http.StatusOK)
}

func (s *Server) renderNoticeNew(w http.ResponseWriter, r *http.Request, p *Page, u auth.User, status int) {
	if !notice.CanCreate(u) {
		s.fail(w, r, errs.ErrForbidden)
		return
	}
	p.Data = &NoticeNewData{Kinds: notice.Kinds, Levels: disclosure.Levels, AreaCode: u.AreaCode, Limits: map[string]int{
		"notice": notice.DefaultNoticeDays, "noticeMin": notice.MinNoticeDays, "noticeMax": notice.MaxNoticeDays,
		"comment": notice.DefaultCommentDays, "commentMin": notice.MinCommentDays, "commentMax": notice.MaxCommentDays}}
	s.render(w, r, status, "notice_staff_new", p)
}

// formDays reads a number of days from the form; empty is 0 (the default).
func formDays(r *http.Request, key string) (int, error) {
	v := strings.TrimSpace(r.PostFormValue(key))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, errs.Invalidf("天数应为整数", "the days must be a whole number")
	}
	return n, nil
}

func (s *Server) staffNoticeCreate(w http.ResponseWriter, r *http.Request) {
	u := s.noticeStaff(w, r)
	if u == nil {
		return
	}
	f := r.PostFormValue
	n := notice.New{Kind: notice.Kind(f("kind")), AreaCode: strings.TrimSpace(f("area_code")), Level: disclosure.Level(f("level")),
		Title: f("title"), Body: f("body"), Period: strings.TrimSpace(f("period")), Draft: f("draft") == "1"}
	var err error
	if n.NoticeDays, err = formDays(r, "notice_days"); err == nil && n.Kind == notice.KindTopic {
		n.CommentDays, err = formDays(r, "comment_days")
	}
	if err == nil && n.Kind == notice.KindFinance {
		n.Lines, err = notice.ParseLines(f("lines"))
	}
	if !n.Kind.Scheduled() {
		n.Period = ""
	}
	var x notice.Notice
	if err == nil {
		x, err = s.Notices.Create(r.Context(), *u, n)
	}
	if err != nil {
		p := s.page(w, r, "notice.new")
		s.renderNoticeNew(w, r, p, *u, s.formError(r, p, err))
		return
	}
	redirect(w, r, "/staff/notices/"+url.PathEscape(x.Number)+"?done=created")
}

func (s *Server) staffNotice(w http.ResponseWriter, r *http.Request) {
	u := s.noticeStaff(w, r)
	if u == nil {
		return
	}
	s.renderNotice(w, r, s.page(w, r, "notice.one"), *u, http.StatusOK)
}

func (s *Server) staffNoticeAct(w http.ResponseWriter, r *http.Request) {
	u := s.noticeStaff(w, r)
	if u == nil {
		return
	}
	number, f := r.PathValue("number"), r.PostFormValue
	var err error
	action := r.PathValue("action")
	switch action {
	case "open":
		in := notice.OpenInput{Decision: f("decision"), Summary: f("summary")}
		if in.NoticeDays, err = formDays(r, "notice_days"); err == nil {
			_, err = s.Notices.Open(r.Context(), *u, number, in)
		}
	case "edit":
		c := notice.Changes{Level: disclosure.Level(f("level")), Title: f("title"), Body: f("body"), Period: strings.TrimSpace(f("period"))}
		if c.NoticeDays, err = formDays(r, "notice_days"); err == nil {
			c.CommentDays, err = formDays(r, "comment_days")
		}
		if err == nil {
			c.Lines, err = notice.ParseLines(f("lines"))
		}
		if err == nil {
			_, err = s.Notices.Edit(r.Context(), *u, number, c)
		}
	case "object":
		_, err = s.Notices.Object(r.Context(), *u, number, notice.NewObjection{Text: f("text"), Phone: f("phone")})
	case "finalise":
		_, err = s.Notices.Finalise(r.Context(), *u, number, f("summary"))
	case "withdraw":
		_, err = s.Notices.Withdraw(r.Context(), *u, number, f("reason"))
	default:
		s.notFound(w, r)
		return
	}
	s.afterNoticeAct(w, r, *u, number, action, err)
}

func (s *Server) staffNoticeAnswer(w http.ResponseWriter, r *http.Request) {
	u := s.noticeStaff(w, r)
	if u == nil {
		return
	}
	number := r.PathValue("number")
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil || id < 1 {
		s.notFound(w, r)
		return
	}
	_, err = s.Notices.Answer(r.Context(), *u, number, id, notice.AnswerInput{Text: r.PostFormValue("text"), Changed: r.PostFormValue("changed") == "1"})
	s.afterNoticeAct(w, r, *u, number, "answer", err)
}

// afterNoticeAct redirects to the item with its flash, or shows the form's
// error on it.
func (s *Server) afterNoticeAct(w http.ResponseWriter, r *http.Request, u auth.User, number, action string, err error) {
	if err != nil {
		if errs.Is(err, errs.NotFound) && action != "answer" {
			s.fail(w, r, err)
			return
		}
		p := s.page(w, r, "notice.one")
		s.renderNotice(w, r, p, u, s.formError(r, p, err))
		return
	}
	redirect(w, r, "/staff/notices/"+url.PathEscape(number)+"?done="+action)
}

// staffNoticeRule sets a disclosure schedule's rule (the administrator).
func (s *Server) staffNoticeRule(w http.ResponseWriter, r *http.Request) {
	u := s.noticeStaff(w, r)
	if u == nil {
		return
	}
	f := r.PostFormValue
	days, err := formDays(r, "due_days")
	if err == nil {
		_, err = s.Notices.SetRule(r.Context(), *u, notice.Rule{AreaCode: strings.TrimSpace(f("area_code")), Kind: notice.Kind(f("kind")), Every: f("every"), DueDays: days})
	}
	if err != nil {
		p := s.page(w, r, "notice.staff.title")
		s.renderStaffNotices(w, r, p, *u, s.formError(r, p, err))
		return
	}
	redirect(w, r, "/staff/notices?done=rule")
}
