package web

import (
	"net/http"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/kb"
)

// The staff's pages of the knowledge base: every article with its review
// date (stale ones flagged first), the administrator's form, the figures of
// questions answered without a ticket, and the online applications to
// review.

// StaffGuidesData is the staff's list.
type StaffGuidesData struct {
	Items   []kb.Article
	CanEdit bool
	Stale   int
}

// StaffGuideForm is the administrator's form of one article.
type StaffGuideForm struct {
	A         kb.Article
	Materials string // one a line
}

func (s *Server) guideStaff(w http.ResponseWriter, r *http.Request) *auth.User {
	u := s.staff(w, r)
	if u == nil {
		return nil
	}
	if s.KB == nil {
		s.fail(w, r, errNoKB)
		return nil
	}
	return u
}

func (s *Server) staffGuides(w http.ResponseWriter, r *http.Request) {
	u := s.guideStaff(w, r)
	if u == nil {
		return
	}
	items, err := s.KB.List(r.Context(), *u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &StaffGuidesData{Items: items, CanEdit: kb.CanEdit(*u)}
	for _, a := range items {
		if a.Stale {
			d.Stale++
		}
	}
	p := s.page(w, r, "guide.staff.title")
	if r.URL.Query().Get("done") == "saved" {
		p.Flash = tr(p.Lang, "guide.flash.saved")
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "staff_guides", p)
}

func (s *Server) staffGuideForm(w http.ResponseWriter, r *http.Request) {
	u := s.guideStaff(w, r)
	if u == nil {
		return
	}
	if !kb.CanEdit(*u) {
		s.fail(w, r, errs.ErrForbidden)
		return
	}
	a := kb.Article{Active: true}
	if id := r.PathValue("id"); id != "" {
		var err error
		if a, err = s.KB.Get(r.Context(), id); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	p := s.page(w, r, "guide.edit.title")
	p.Data = &StaffGuideForm{A: a, Materials: strings.Join(a.Guide.Materials, "\n")}
	s.render(w, r, http.StatusOK, "staff_guide_edit", p)
}

func (s *Server) staffGuideSave(w http.ResponseWriter, r *http.Request) {
	u := s.guideStaff(w, r)
	if u == nil {
		return
	}
	f := r.PostForm
	a := kb.Article{ID: f.Get("id"), CategoryCode: strings.TrimSpace(f.Get("category_code")), Title: f.Get("title"), Body: f.Get("body"), Keywords: f.Get("keywords"),
		Active: f.Get("active") == "1", Public: f.Get("public") == "1", ReviewBy: f.Get("review_by"),
		Guide: kb.Guide{Hours: f.Get("hours"), Place: f.Get("place"), Materials: strings.Split(f.Get("materials"), "\n"), Fees: f.Get("fees"),
			OnlineURL: f.Get("online_url"), ApplyCategory: f.Get("apply_category")}}
	if _, err := s.KB.Save(r.Context(), *u, a); err != nil {
		p := s.page(w, r, "guide.edit.title")
		status := s.formError(r, p, err)
		p.Data = &StaffGuideForm{A: a, Materials: f.Get("materials")}
		s.render(w, r, status, "staff_guide_edit", p)
		return
	}
	redirect(w, r, "/staff/guides?done=saved")
}

// StaffGuideFiguresData is the figures page.
type StaffGuideFiguresData struct {
	F kb.Figures
}

func (s *Server) staffGuideFigures(w http.ResponseWriter, r *http.Request) {
	u := s.guideStaff(w, r)
	if u == nil {
		return
	}
	f, err := s.KB.Figures(r.Context(), *u, r.URL.Query().Get("month"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "guide.fig.title")
	p.Data = &StaffGuideFiguresData{F: f}
	s.render(w, r, http.StatusOK, "staff_guide_figures", p)
}

func (s *Server) staffGuideApplications(w http.ResponseWriter, r *http.Request) {
	u := s.guideStaff(w, r)
	if u == nil {
		return
	}
	list, err := s.KB.ToReview(r.Context(), *u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "guide.apps.title")
	p.Data = list
	s.render(w, r, http.StatusOK, "staff_guide_apps", p)
}

func (s *Server) staffGuideReview(w http.ResponseWriter, r *http.Request) {
	u := s.guideStaff(w, r)
	if u == nil {
		return
	}
	id := r.PathValue("id")
	if _, err := s.KB.Review(r.Context(), *u, id, r.PostForm.Get("decision"), r.PostForm.Get("note")); err != nil {
		p := s.page(w, r, "guide.app.title")
		s.renderApplication(w, r, p, s.formError(r, p, err))
		return
	}
	redirect(w, r, "/staff/guides/applications/"+id+"?done=reviewed")
}
