package web

import (
	"net/http"
	"net/url"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/deliberation"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// The report page, the staff's moderation queue with the administrator's
// choice of review mode, and the public figures of moderation.

// CommentReportData is the page that reports a comment.
type CommentReportData struct {
	C       CommentRow
	Title   string // the item's
	Back    string
	Reasons []string
}

func (s *Server) reportData(r *http.Request, p *Page, u auth.User) (*CommentReportData, error) {
	c, t, err := s.Deliberation.Get(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	back := r.URL.Query().Get("back")
	if r.Method == http.MethodPost {
		back = r.PostFormValue("back")
	}
	if back = backTo(back); back == "/" {
		back = t.URL
	}
	return &CommentReportData{C: CommentRow{Comment: c, Who: who(p.Lang, c)}, Title: t.Title, Back: back, Reasons: deliberation.Reasons}, nil
}

// commentUser is the logged-in user who reports a comment; others are sent
// to log in.
func (s *Server) commentUser(w http.ResponseWriter, r *http.Request) *auth.User {
	u := s.resident(w, r)
	if u == nil {
		return nil
	}
	if s.Deliberation == nil {
		s.fail(w, r, errNoComments)
		return nil
	}
	return u
}

func (s *Server) commentReportForm(w http.ResponseWriter, r *http.Request) {
	u := s.commentUser(w, r)
	if u == nil {
		return
	}
	p := s.page(w, r, "delib.report.title")
	d, err := s.reportData(r, p, *u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "deliberation_report", p)
}

func (s *Server) commentReport(w http.ResponseWriter, r *http.Request) {
	u := s.commentUser(w, r)
	if u == nil {
		return
	}
	p := s.page(w, r, "delib.report.title")
	d, err := s.reportData(r, p, *u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	err = s.Deliberation.Report(r.Context(), *u, d.C.ID, deliberation.Report{Reason: r.PostFormValue("reason"), Text: r.PostFormValue("text")})
	if err != nil {
		p.Data = d
		s.render(w, r, s.formError(r, p, err), "deliberation_report", p)
		return
	}
	redirect(w, r, d.Back+"?c=reported#comments")
}

// ModerationData is the staff's moderation page.
type ModerationData struct {
	Items   []QueueRow
	NextURL string
	Mode    deliberation.ModeSetting
	CanMode bool
	Reasons []string
}

// QueueRow is a comment of the queue with its author as named on the page.
type QueueRow struct {
	deliberation.Queued
	Who string
}

func canModeration(u *auth.User) bool { return u != nil && deliberation.CanSeeQueue(*u) }

func (s *Server) moderationStaff(w http.ResponseWriter, r *http.Request) *auth.User {
	u := s.staff(w, r)
	if u == nil {
		return nil
	}
	if !canModeration(u) {
		s.fail(w, r, errs.ErrForbidden)
		return nil
	}
	if s.Deliberation == nil {
		s.fail(w, r, errNoComments)
		return nil
	}
	return u
}

func (s *Server) moderationPage(w http.ResponseWriter, r *http.Request) {
	u := s.moderationStaff(w, r)
	if u == nil {
		return
	}
	p := s.page(w, r, "delib.mod.title")
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["delib.mod.flash."+done]; ok {
			p.Flash = tr(p.Lang, "delib.mod.flash."+done)
		}
	}
	s.renderModeration(w, r, p, *u, http.StatusOK)
}

func (s *Server) renderModeration(w http.ResponseWriter, r *http.Request, p *Page, u auth.User, status int) {
	cursor := r.URL.Query().Get("cursor")
	q, err := s.Deliberation.Queue(r.Context(), u, cursor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &ModerationData{CanMode: deliberation.CanSetMode(u), Reasons: deliberation.Reasons}
	for _, x := range q.Items {
		d.Items = append(d.Items, QueueRow{Queued: x, Who: who(p.Lang, x.Comment)})
	}
	if q.Next != "" {
		d.NextURL = "/staff/moderation?" + url.Values{"cursor": {q.Next}}.Encode()
	}
	if d.Mode, err = s.Deliberation.Mode(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	p.Data = d
	s.render(w, r, status, "deliberation_queue", p)
}

// moderationAct publishes or hides a comment.
func (s *Server) moderationAct(w http.ResponseWriter, r *http.Request) {
	u := s.moderationStaff(w, r)
	if u == nil {
		return
	}
	f := r.PostFormValue
	_, err := s.Deliberation.Moderate(r.Context(), *u, r.PathValue("id"), deliberation.Decision{Decision: f("decision"), Reason: f("reason"), Text: f("text")})
	if err != nil {
		if errs.Is(err, errs.NotFound) {
			s.fail(w, r, err)
			return
		}
		p := s.page(w, r, "delib.mod.title")
		s.renderModeration(w, r, p, *u, s.formError(r, p, err))
		return
	}
	redirect(w, r, "/staff/moderation?done="+url.QueryEscape(f("decision")))
}

// moderationMode sets the district's review mode (the administrator).
func (s *Server) moderationMode(w http.ResponseWriter, r *http.Request) {
	u := s.moderationStaff(w, r)
	if u == nil {
		return
	}
	if _, err := s.Deliberation.SetMode(r.Context(), *u, deliberation.Mode(r.PostFormValue("mode"))); err != nil {
		p := s.page(w, r, "delib.mod.title")
		s.renderModeration(w, r, p, *u, s.formError(r, p, err))
		return
	}
	redirect(w, r, "/staff/moderation?done=mode")
}

// ModerationStatsData is the public page of moderation.
type ModerationStatsData struct {
	deliberation.Stats
	Prev, Next string // the months around, "" for the future
	Reasons    []string
}

// moderationStats is the public page: a month's figures of moderation and
// the district's review mode.
func (s *Server) moderationStats(w http.ResponseWriter, r *http.Request) {
	if s.Deliberation == nil {
		s.fail(w, r, errNoComments)
		return
	}
	st, err := s.Deliberation.Stats(r.Context(), r.URL.Query().Get("month"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m, _ := s.Deliberation.ParseMonth(st.Month)
	now, _ := s.Deliberation.ParseMonth("")
	d := &ModerationStatsData{Stats: st, Prev: m.AddDate(0, -1, 0).Format("2006-01"), Reasons: deliberation.Reasons}
	if m.Before(now) {
		d.Next = m.AddDate(0, 1, 0).Format("2006-01")
	}
	p := s.page(w, r, "delib.stats.title")
	p.Data = d
	s.render(w, r, http.StatusOK, "deliberation_stats", p)
}
