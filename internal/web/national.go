package web

import (
	"net/http"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/natcode"
)

// National codes (GB/T 30428): the staff's list of the categories with their
// national classes, the grid codes and the conformance problems, and the
// administrator's form for one category. Who may read or change what is the
// capability's.

func (s *Server) nationalRoutes(h route) {
	h("GET /staff/national", s.staffNational)
	h("GET /staff/national/{code}", s.staffNationalEdit)
	h("POST /staff/national/{code}", s.staffNationalSet)
}

var errNoNatCodes = errs.New(errs.Unavailable, "国家标准编码服务未启用", "national codes are not available")

func canNational(u *auth.User) bool { return u != nil && natcode.CanRead(*u) }

// NationalData is the staff's list.
type NationalData struct {
	M       natcode.Mapping
	CanEdit bool
}

func (s *Server) staffNational(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	if s.NatCodes == nil {
		s.fail(w, r, errNoNatCodes)
		return
	}
	m, err := s.NatCodes.View(r.Context(), *u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "nat.title")
	if r.URL.Query().Get("done") == "saved" {
		p.Flash = tr(p.Lang, "nat.flash.saved")
	}
	p.Data = &NationalData{M: m, CanEdit: natcode.CanEdit(*u)}
	s.render(w, r, http.StatusOK, "national_staff", p)
}

// NationalEditData is the form of one category.
type NationalEditData struct {
	Row        natcode.Row
	Events     []natcode.Class
	Components []natcode.Class
	Event      string // the category's own event class code, "" for none
	Component  string
}

func (s *Server) staffNationalEdit(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	if s.NatCodes == nil {
		s.fail(w, r, errNoNatCodes)
		return
	}
	if !natcode.CanEdit(*u) {
		s.fail(w, r, errs.ErrForbidden)
		return
	}
	row, err := s.NatCodes.CategoryView(r.Context(), *u, r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &NationalEditData{Row: row, Events: natcode.ClassesOf(natcode.SchemeEvent), Components: natcode.ClassesOf(natcode.SchemeComponent)}
	for _, m := range row.Decision.Classes {
		switch m.Scheme {
		case natcode.SchemeEvent:
			d.Event = m.Code
		case natcode.SchemeComponent:
			d.Component = m.Code
		}
	}
	p := s.page(w, r, "nat.edit.title")
	p.Data = d
	s.render(w, r, http.StatusOK, "national_edit", p)
}

func (s *Server) staffNationalSet(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	if s.NatCodes == nil {
		s.fail(w, r, errNoNatCodes)
		return
	}
	in := natcode.Input{Urban: r.PostForm.Get("urban") == "1", NAReason: r.PostForm.Get("not_applicable"), Classes: []natcode.Mapped{}}
	for _, scheme := range natcode.Schemes {
		if c := strings.TrimSpace(r.PostForm.Get(scheme)); c != "" {
			in.Classes = append(in.Classes, natcode.Mapped{Scheme: scheme, Code: c})
		}
	}
	if _, err := s.NatCodes.Set(r.Context(), *u, r.PathValue("code"), in); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/staff/national?done=saved#nat-row-"+r.PathValue("code"))
}
