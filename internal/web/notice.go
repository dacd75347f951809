package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/notice"
)

// Topics, announcements and village affairs and finance disclosure (议题,
// 公告/公示, 村务公开, 财务公开): the residents' list and page (guests read
// the public ones), the objection form during the public-notice period.
// Who may read and do what is the notice capability's; these pages only lay
// it out. The staff's pages are notice_staff.go.

// noticeRoutes are the items' pages, the residents' and the staff's.
func (s *Server) noticeRoutes(h route) {
	h("GET /notices", s.noticeList)
	h("GET /notices/{number}", s.noticePage)
	h("POST /notices/{number}/objections", s.noticeObject)
	h("GET /staff/notices", s.staffNotices)
	h("GET /staff/notices/new", s.staffNoticeNew)
	h("POST /staff/notices", s.staffNoticeCreate)
	h("POST /staff/notices/rules", s.staffNoticeRule)
	h("GET /staff/notices/{number}", s.staffNotice)
	h("POST /staff/notices/{number}/{action}", s.staffNoticeAct) // open, object, finalise, withdraw
	h("POST /staff/notices/{number}/objections/{id}/answer", s.staffNoticeAnswer)
}

// NoticeView is an item with what its pages show of its periods.
type NoticeView struct {
	notice.Notice
	// CommentEnds and NoticeEnds are the last days of the periods;
	// DaysLeft the days left of the one running; Open whether objections
	// are taken now.
	CommentEnds, NoticeEnds string
	DaysLeft                int
	Open                    bool
}

// NoticeListData is the residents' list.
type NoticeListData struct {
	Items   []NoticeView
	Tabs    []Tab
	NextURL string
}

// NoticeData is one item's page, the residents' and the staff's.
type NoticeData struct {
	N      NoticeView
	Events []notice.Event
	// The resident's objection form; Left is how many more she may raise.
	CanObject bool
	Left      int
	Login     string // where a guest logs in to object
	// The staff's forms.
	CanOpen, CanDecide, CanAnswer, CanFinalise, CanWithdraw, CanObjectFor, SummaryRequired, CanEdit bool
	LinesText                                                                                       string // a draft's lines as its edit form takes them
	Levels                                                                                          []disclosure.Level
	Comments                                                                                        *CommentsView // nil without the service
}

var errNoNotices = errs.New(errs.Unavailable, "公示公告服务未启用", "notices are not available")

// lastDay writes the last day of a period that ends at midnight.
func (s *Server) lastDay(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Add(-time.Millisecond).In(s.loc).Format("2006-01-02")
}

func (s *Server) noticeView(n notice.Notice) NoticeView {
	v := NoticeView{Notice: n, CommentEnds: s.lastDay(n.CommentUntil), NoticeEnds: s.lastDay(n.NoticeUntil)}
	switch n.Status {
	case notice.StatusCommenting:
		v.DaysLeft = s.Notices.DaysLeft(n.CommentUntil)
	case notice.StatusNoticing:
		v.DaysLeft = s.Notices.DaysLeft(n.NoticeUntil)
		v.Open = v.DaysLeft > 0
	}
	return v
}

// noticeReader is who reads the residents' pages: a resident, a guest (the
// zero user), never staff, who are sent to their page (to).
func (s *Server) noticeReader(w http.ResponseWriter, r *http.Request, to string) (auth.User, bool) {
	if s.Notices == nil {
		s.fail(w, r, errNoNotices)
		return auth.User{}, false
	}
	u := s.user(r)
	if u == nil {
		return auth.User{}, true
	}
	if u.Role.StaffAccount() {
		redirect(w, r, to)
		return auth.User{}, false
	}
	return *u, true
}

func (s *Server) noticeList(w http.ResponseWriter, r *http.Request) {
	u, ok := s.noticeReader(w, r, "/staff/notices")
	if !ok {
		return
	}
	p := s.page(w, r, "notice.title")
	q := r.URL.Query()
	kind := notice.Kind(q.Get("kind"))
	if !kind.Valid() {
		kind = ""
	}
	page, err := s.Notices.List(r.Context(), u, notice.Filter{Kind: kind, Cursor: q.Get("cursor")})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &NoticeListData{}
	d.Tabs = append(d.Tabs, Tab{Label: tr(p.Lang, "notice.tab.all"), URL: "/notices", Active: kind == ""})
	for _, k := range notice.Kinds {
		d.Tabs = append(d.Tabs, Tab{Label: tr(p.Lang, "notice.kind."+string(k)), URL: "/notices?kind=" + string(k), Active: kind == k})
	}
	for _, n := range page.Items {
		d.Items = append(d.Items, s.noticeView(n))
	}
	if page.Next != "" {
		v := url.Values{"cursor": {page.Next}}
		if kind != "" {
			v.Set("kind", string(kind))
		}
		d.NextURL = "/notices?" + v.Encode()
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "notice_list", p)
}

func (s *Server) noticePage(w http.ResponseWriter, r *http.Request) {
	u, ok := s.noticeReader(w, r, "/staff/notices/"+url.PathEscape(r.PathValue("number")))
	if !ok {
		return
	}
	s.renderNotice(w, r, s.page(w, r, "notice.one"), u, http.StatusOK)
}

// renderNotice lays out one item for u, the residents' page or the staff's
// (p.Staff).
func (s *Server) renderNotice(w http.ResponseWriter, r *http.Request, p *Page, u auth.User, status int) {
	number := r.PathValue("number")
	n, err := s.Notices.Get(r.Context(), u, number)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &NoticeData{N: s.noticeView(n)}
	if d.Events, err = s.Notices.Events(r.Context(), u, number); err != nil {
		s.fail(w, r, err)
		return
	}
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["notice.flash."+done]; ok {
			p.Flash = tr(p.Lang, "notice.flash."+done)
		}
	}
	d.CanObject, d.Left = notice.OffersObjection(u, n, d.N.Open), notice.MaxPerResident-n.Mine
	if u.ID == "" && d.N.Open {
		d.Login = "/login?next=" + url.QueryEscape("/notices/"+n.Number)
	}
	if p.Staff {
		d.CanOpen = notice.CanOpen(u, n)
		d.CanDecide = d.CanOpen && n.Status == notice.StatusCommenting
		d.CanAnswer, d.CanFinalise, d.CanWithdraw = notice.CanAnswer(u, n), notice.CanFinalise(u, n), notice.CanWithdraw(u, n)
		d.CanObjectFor = notice.OffersObjectionFor(u, n, d.N.Open)
		d.SummaryRequired = notice.SummaryRequired(n)
		if d.CanEdit = notice.CanEdit(u, n); d.CanEdit {
			d.LinesText, d.Levels = notice.FormatLines(n.Lines), disclosure.Levels
		}
	}
	d.Comments = s.commentsView(r, p, &u, "notice:"+n.Number)
	p.Data = d
	s.render(w, r, status, "notice", p)
}

func (s *Server) noticeObject(w http.ResponseWriter, r *http.Request) {
	number := r.PathValue("number")
	u := s.resident(w, r)
	if u == nil {
		return
	}
	if u.Role.StaffAccount() {
		redirect(w, r, "/staff/notices/"+url.PathEscape(number))
		return
	}
	if s.Notices == nil {
		s.fail(w, r, errNoNotices)
		return
	}
	if _, err := s.Notices.Object(r.Context(), *u, number, notice.NewObjection{Text: r.PostFormValue("text")}); err != nil {
		if errs.Is(err, errs.NotFound) {
			s.fail(w, r, err)
			return
		}
		p := s.page(w, r, "notice.one")
		s.renderNotice(w, r, p, *u, s.formError(r, p, err))
		return
	}
	redirect(w, r, "/notices/"+url.PathEscape(number)+"?done=objected#objections")
}
