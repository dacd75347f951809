package web

import (
	"net/http"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/kiosk"
)

// KioskStaffData is the registry of terminals on the staff page.
type KioskStaffData struct {
	Registry kiosk.Registry
	Month    string
	Manage   bool
	Key      string // the enrolment key just issued, shown this once
	KeyFor   string
}

func (s *Server) kioskStaff(w http.ResponseWriter, r *http.Request) {
	s.kioskStaffPage(w, r, http.StatusOK, "", "")
}

func (s *Server) kioskStaffPage(w http.ResponseWriter, r *http.Request, status int, key, keyFor string) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	if s.Kiosk == nil {
		s.fail(w, r, errNoKiosk)
		return
	}
	var month time.Time // the month under way
	if m := r.URL.Query().Get("month"); m != "" {
		t, err := time.ParseInLocation("2006-01", m, s.loc)
		if err != nil {
			s.fail(w, r, errKioskMonth)
			return
		}
		month = t
	}
	reg, err := s.Kiosk.List(r.Context(), *u, month)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "kiosk.staff.title")
	if key != "" {
		p.Flash = tr(p.Lang, "kiosk.keyissued")
	}
	p.Data = &KioskStaffData{Registry: reg, Month: reg.Month, Manage: kiosk.CanManage(*u), Key: key, KeyFor: keyFor}
	s.render(w, r, status, "kiosk_staff", p)
}

func (s *Server) kioskRegister(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	if s.Kiosk == nil {
		s.fail(w, r, errNoKiosk)
		return
	}
	f := r.PostForm
	t, key, err := s.Kiosk.Register(r.Context(), *u, kiosk.NewTerminal{ID: f.Get("id"), Name: f.Get("name"), AreaCode: f.Get("area_code"), Place: f.Get("place")})
	if err != nil {
		s.kioskStaffFailed(w, r, err)
		return
	}
	s.kioskStaffPage(w, r, http.StatusOK, key, t.ID)
}

func (s *Server) kioskRekey(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	if s.Kiosk == nil {
		s.fail(w, r, errNoKiosk)
		return
	}
	id := r.PathValue("id")
	key, err := s.Kiosk.Rekey(r.Context(), *u, id)
	if err != nil {
		s.kioskStaffFailed(w, r, err)
		return
	}
	s.kioskStaffPage(w, r, http.StatusOK, key, id)
}

// kioskStaffFailed shows the registry again with the form's error.
func (s *Server) kioskStaffFailed(w http.ResponseWriter, r *http.Request, err error) {
	u := s.user(r)
	reg, lerr := s.Kiosk.List(r.Context(), *u, time.Time{})
	if lerr != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "kiosk.staff.title")
	status := s.formError(r, p, err)
	p.Data = &KioskStaffData{Registry: reg, Month: reg.Month, Manage: kiosk.CanManage(*u)}
	s.render(w, r, status, "kiosk_staff", p)
}

func canKiosks(u *auth.User) bool { return u != nil && kiosk.CanRead(*u) }
