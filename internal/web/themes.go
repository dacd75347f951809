package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/insight/themes"
)

// The month's themes (每月一题): the recurring problems of a month, each
// with its figures, areas and units, a link to its tickets on the
// workbench, and for those who set rectification tasks the form that
// makes it one. Who sees and who sets is the themes service's.

func canThemes(u *auth.User) bool { return u != nil && themes.CanSee(*u) }

// ThemesData is the page.
type ThemesData struct {
	Month      themes.Month
	Months     []string
	Current    string // the month under way
	Items      []ThemeView
	CanRectify bool
	CanPropose bool // the form that makes a theme a proposal for a resident
	DefaultDue string
	Failed     string // the theme whose form failed
}

// ThemeView is one theme as the page lays it out.
type ThemeView struct {
	themes.Theme
	Rank      int
	RepeatPct string
	ListURL   string // the workbench, the month's tickets with its first words
}

func (s *Server) themesPage(w http.ResponseWriter, r *http.Request) {
	u := s.themeStaff(w, r)
	if u == nil {
		return
	}
	pg := s.page(w, r, "themes.title")
	s.renderThemes(w, r, pg, u, http.StatusOK, "")
}

// themeStaff is the staff user who may see themes, or answers itself.
func (s *Server) themeStaff(w http.ResponseWriter, r *http.Request) *auth.User {
	u := s.staff(w, r)
	if u == nil {
		return nil
	}
	if !canThemes(u) {
		s.fail(w, r, errs.New(errs.Forbidden, "只有管理员、督办和派单人员可以查看每月一题", "only administrators, supervisors and dispatchers see the monthly themes"))
		return nil
	}
	if s.Themes == nil || s.Evaluation == nil {
		s.fail(w, r, errNoEvaluation)
		return nil
	}
	return u
}

func (s *Server) renderThemes(w http.ResponseWriter, r *http.Request, pg *Page, u *auth.User, status int, failed string) {
	ms, err := s.evalMonths(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m, err := s.Themes.Themes(r.Context(), *u, ms.P.Month)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &ThemesData{Month: m, Months: ms.Months, Current: ms.Current, CanRectify: themes.CanRectify(*u), CanPropose: s.Themes.CanPropose(*u), Failed: failed,
		DefaultDue: time.Now().In(s.loc).AddDate(0, 0, 30).Format("2006-01-02")}
	from, to := m.From.In(s.loc).Format("2006-01-02"), m.To.In(s.loc).AddDate(0, 0, -1).Format("2006-01-02")
	for i, t := range m.Items {
		words := t.Words
		if len(words) > 2 {
			words = words[:2]
		}
		d.Items = append(d.Items, ThemeView{Theme: t, Rank: i + 1, RepeatPct: fmt.Sprintf("%.0f%%", t.RepeatRate*100),
			ListURL: "/staff?" + url.Values{"q": {strings.Join(words, " ")}, "from": {from}, "to": {to}}.Encode()})
	}
	pg.Data = d
	s.render(w, r, status, "staff_themes", pg)
}

// themeRectify turns a theme into a rectification task and opens it.
func (s *Server) themeRectify(w http.ResponseWriter, r *http.Request) {
	u := s.themeStaff(w, r)
	if u == nil {
		return
	}
	f := r.PostForm
	t, err := s.Themes.Rectify(r.Context(), *u, r.PathValue("id"), themes.ToRect{Month: f.Get("month"), OrgCode: f.Get("org_code"), Due: f.Get("due")})
	if err != nil {
		pg := s.page(w, r, "themes.title")
		pg.Form = f
		status := s.formError(r, pg, err)
		q := r.URL.Query()
		q.Set("month", f.Get("month"))
		r.URL.RawQuery = q.Encode()
		s.renderThemes(w, r, pg, u, status, r.PathValue("id"))
		return
	}
	redirect(w, r, "/staff/rectifications/"+t.ID+"?done=created")
}

// themePropose makes a theme a proposal raised for a resident, and opens it.
func (s *Server) themePropose(w http.ResponseWriter, r *http.Request) {
	u := s.themeStaff(w, r)
	if u == nil {
		return
	}
	f := r.PostForm
	p, err := s.Themes.Propose(r.Context(), *u, r.PathValue("id"), themes.ToProposal{Month: f.Get("month"), AreaCode: f.Get("area_code"),
		OnBehalfOf: f.Get("on_behalf_of")})
	if err != nil {
		pg := s.page(w, r, "themes.title")
		pg.Form = f
		status := s.formError(r, pg, err)
		q := r.URL.Query()
		q.Set("month", f.Get("month"))
		r.URL.RawQuery = q.Encode()
		s.renderThemes(w, r, pg, u, status, "p-"+r.PathValue("id"))
		return
	}
	redirect(w, r, "/staff/proposals/"+p.Number)
}
