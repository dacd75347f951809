package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/training"
)

// Training sessions (staff pages) and the role guides (/help): who may set
// up, record and read is the training capability's; this file only maps.

var errNoTraining = errs.New(errs.Unavailable, "培训功能未启用", "training is not available")

func (s *Server) trainingRoutes(h route) {
	h("GET /help", s.helpIndex)
	h("GET /help/{role}", s.helpGuide)
	h("GET /staff/training", s.trainingStaff)
	h("POST /staff/training", s.trainingCreate)
	h("GET /staff/training/{id}", s.trainingSession)
	h("POST /staff/training/{id}/attendance", s.trainingAttend)
}

// HelpData is the role guides' page: one guide, or the list of them; a
// resident reading her guide sees the sessions she attended.
type HelpData struct {
	Guide    *training.Guide
	Guides   []training.Guide
	Attended []training.Detail
}

func (s *Server) helpIndex(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "help.title")
	p.Data = &HelpData{Guides: training.Guides}
	s.render(w, r, http.StatusOK, "help", p)
}

func (s *Server) helpGuide(w http.ResponseWriter, r *http.Request) {
	g, ok := training.GuideFor(r.PathValue("role"))
	if !ok {
		s.fail(w, r, errs.NotFoundf("没有该角色的使用指南", "no guide for this role"))
		return
	}
	d := &HelpData{Guide: &g, Guides: training.Guides}
	if u := s.user(r); u != nil && s.Training != nil { // her own attendance (training.Mine)
		mine, err := s.Training.Mine(r.Context(), *u)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Attended = mine
	}
	p := s.page(w, r, "help.title")
	p.Data = d
	s.render(w, r, http.StatusOK, "help", p)
}

// TrainingStaffData is the list of sessions with the form of a new one.
type TrainingStaffData struct {
	Sessions  []training.Session
	Audiences []string
	Guides    []training.Guide
}

func (s *Server) trainingStaff(w http.ResponseWriter, r *http.Request) {
	s.trainingStaffPage(w, r, http.StatusOK, nil)
}

func (s *Server) trainingStaffPage(w http.ResponseWriter, r *http.Request, status int, formErr error) {
	u := s.staffWhere(w, r, s.Training != nil, errNoTraining)
	if u == nil {
		return
	}
	list, err := s.Training.List(r.Context(), *u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "training.title")
	if formErr != nil {
		status = s.formError(r, p, formErr)
	}
	p.Data = &TrainingStaffData{Sessions: list, Audiences: training.Audiences, Guides: training.Guides}
	s.render(w, r, status, "training_staff", p)
}

func (s *Server) trainingCreate(w http.ResponseWriter, r *http.Request) {
	u := s.staffWhere(w, r, s.Training != nil, errNoTraining)
	if u == nil {
		return
	}
	f := r.PostForm
	at, _ := time.ParseInLocation("2006-01-02T15:04", f.Get("starts_at"), s.loc)
	x, err := s.Training.Create(r.Context(), *u, training.NewSession{Title: f.Get("title"), Audience: f.Get("audience"),
		OrgCode: f.Get("org_code"), AreaCode: f.Get("area_code"), StartsAt: at, Place: f.Get("place"), Guide: f.Get("guide")})
	if err != nil {
		s.trainingStaffPage(w, r, http.StatusOK, err)
		return
	}
	redirect(w, r, "/staff/training/"+url.PathEscape(x.ID))
}

// TrainingSessionData is one session with its attendance.
type TrainingSessionData struct {
	D training.Detail
}

func (s *Server) trainingSession(w http.ResponseWriter, r *http.Request) {
	s.trainingSessionPage(w, r, http.StatusOK, nil)
}

func (s *Server) trainingSessionPage(w http.ResponseWriter, r *http.Request, status int, formErr error) {
	u := s.staffWhere(w, r, s.Training != nil, errNoTraining)
	if u == nil {
		return
	}
	d, err := s.Training.Get(r.Context(), *u, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "training.session")
	if formErr != nil {
		status = s.formError(r, p, formErr)
	}
	p.Data = &TrainingSessionData{D: d}
	s.render(w, r, status, "training_session", p)
}

func (s *Server) trainingAttend(w http.ResponseWriter, r *http.Request) {
	u := s.staffWhere(w, r, s.Training != nil, errNoTraining)
	if u == nil {
		return
	}
	id := r.PathValue("id")
	_, err := s.Training.Attend(r.Context(), *u, id, training.Attendee{UserID: r.PostForm.Get("user_id"), Phone: r.PostForm.Get("phone")})
	if err != nil {
		s.trainingSessionPage(w, r, http.StatusOK, err)
		return
	}
	redirect(w, r, "/staff/training/"+url.PathEscape(id))
}

func canTraining(u *auth.User) bool { return u != nil && training.CanList(*u) }

// helpRole is the guide a staff member's nav links to: her role's, or the
// list for a role without one.
func helpRole(u *auth.User) string {
	if u != nil && training.GuideExists(string(u.Role)) {
		return "/help/" + string(u.Role)
	}
	return "/help"
}
