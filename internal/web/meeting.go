package web

import (
	"net/http"
	"net/url"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/meeting"
)

// Consultation meetings (议事会): the residents' list of the meetings they
// may see (upcoming and published) and one meeting's page, with her
// sign-in button while it is open and the published record; the staff's
// pages are meeting_staff.go. Who may see and do what is the meeting
// capability's; these pages only lay it out.

// meetingRoutes are the meetings' pages, the residents' and the staff's.
func (s *Server) meetingRoutes(h route) {
	h("GET /meetings", s.meetingList)
	h("GET /meetings/{id}", s.meetingPage)
	h("POST /meetings/{id}/signin", s.meetingSignIn)
	h("GET /staff/meetings", s.staffMeetings)
	h("POST /staff/meetings", s.staffMeetingCreate)
	h("GET /staff/meetings/{id}", s.staffMeeting)
	// add, import, remove, notice, open, signin, minutes, resolve, task, done, close, publish
	h("POST /staff/meetings/{id}/{action}", s.staffMeetingAct)
}

// MeetingListData is the residents' list.
type MeetingListData struct {
	Upcoming  []meeting.Meeting // noticed, open, or held and not yet published
	Published []meeting.Meeting
	NextURL   string
	Guest     bool
}

// MeetingData is one meeting's page for residents.
type MeetingData struct {
	M         meeting.Meeting
	CanSignIn bool
	Guest     bool
}

var errNoMeetings = errs.New(errs.Unavailable, "议事会服务未启用", "meetings are not available")

// meetingReader returns who reads the residents' meeting pages: the
// logged-in resident, or a guest (the zero user), who reads the public
// ones; staff go to their pages.
func (s *Server) meetingReader(w http.ResponseWriter, r *http.Request, staffTo string) (auth.User, bool) {
	u := s.user(r)
	if u != nil && u.Role.StaffAccount() {
		redirect(w, r, staffTo)
		return auth.User{}, false
	}
	if s.Meetings == nil {
		s.fail(w, r, errNoMeetings)
		return auth.User{}, false
	}
	if u == nil {
		return auth.User{}, true
	}
	return *u, true
}

func (s *Server) meetingList(w http.ResponseWriter, r *http.Request) {
	u, ok := s.meetingReader(w, r, "/staff/meetings")
	if !ok {
		return
	}
	p := s.page(w, r, "meet.title")
	page, err := s.Meetings.List(r.Context(), u, meeting.Filter{Cursor: r.URL.Query().Get("cursor"), Limit: 50})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &MeetingListData{Guest: u.ID == ""}
	for _, m := range page.Items {
		if m.Status == meeting.StatusPublished {
			d.Published = append(d.Published, m)
		} else {
			d.Upcoming = append(d.Upcoming, m)
		}
	}
	if page.Next != "" {
		d.NextURL = "/meetings?" + url.Values{"cursor": {page.Next}}.Encode()
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "meeting_list", p)
}

func (s *Server) meetingPage(w http.ResponseWriter, r *http.Request) {
	u, ok := s.meetingReader(w, r, "/staff/meetings/"+url.PathEscape(r.PathValue("id")))
	if !ok {
		return
	}
	s.renderMeeting(w, r, s.page(w, r, "meet.one"), u, http.StatusOK)
}

func (s *Server) renderMeeting(w http.ResponseWriter, r *http.Request, p *Page, u auth.User, status int) {
	m, err := s.Meetings.Get(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["meet.flash."+done]; ok {
			p.Flash = tr(p.Lang, "meet.flash."+done)
		}
	}
	p.Data = &MeetingData{M: m, CanSignIn: meeting.OffersSignIn(u, m), Guest: u.ID == ""}
	s.render(w, r, status, "meeting", p)
}

func (s *Server) meetingSignIn(w http.ResponseWriter, r *http.Request) {
	u := s.resident(w, r)
	if u == nil {
		return
	}
	if _, ok := s.meetingReader(w, r, "/staff/meetings/"+url.PathEscape(r.PathValue("id"))); !ok {
		return
	}
	id := r.PathValue("id")
	if _, err := s.Meetings.SignIn(r.Context(), *u, id, ""); err != nil {
		if errs.Is(err, errs.NotFound) {
			s.fail(w, r, err)
			return
		}
		p := s.page(w, r, "meet.one")
		s.renderMeeting(w, r, p, *u, s.formError(r, p, err))
		return
	}
	redirect(w, r, "/meetings/"+url.PathEscape(id)+"?done=signed")
}
