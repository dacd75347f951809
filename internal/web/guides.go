package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gongzhi/gongzhi/internal/attachment"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/kb"
	"github.com/gongzhi/gongzhi/internal/limit"
)

// The published knowledge base for residents: answers shown as she types
// her request on /submit (or after 先看看有没有答案 without script), the
// service guides /guides with their online applications, and her
// application's page. What is published, who applies and who reviews are
// the kb capability's; these pages only lay them out.

func (s *Server) guideRoutes(h, files route) {
	h("GET /submit/kb", s.submitKB)
	files("POST /submit/answered", s.submitAnswered)
	h("GET /guides", s.guideList)
	h("GET /guides/{id}", s.guidePage)
	files("POST /guides/{id}/apply", s.guideApply)
	h("GET /guides/applications/{id}", s.guideApplication)
	files("POST /guides/applications/{id}/complete", s.guideComplete)
	h("GET /guides/applications/{id}/files/{seq}", s.guideFile)
	h("GET /staff/guides", s.staffGuides)
	h("GET /staff/guides/new", s.staffGuideForm)
	h("GET /staff/guides/edit/{id}", s.staffGuideForm)
	h("POST /staff/guides/save", s.staffGuideSave)
	h("GET /staff/guides/figures", s.staffGuideFigures)
	h("GET /staff/guides/applications", s.staffGuideApplications)
	h("GET /staff/guides/applications/{id}", s.guideApplication)
	h("POST /staff/guides/applications/{id}/review", s.staffGuideReview)
	h("GET /staff/guides/applications/{id}/files/{seq}", s.guideFile)
}

var errNoKB = errs.New(errs.Unavailable, "知识库未启用", "the knowledge base is not available")

// GuideAnswers is the box of answers on the filing page.
type GuideAnswers struct {
	Asked   bool // she asked (the button, or the script)
	Answers []kb.PublicArticle
}

// GuideListData is the list of guides, or the answers to a question.
type GuideListData struct {
	Q     string
	Items []kb.PublicArticle
}

// GuideData is one guide, with the application form where it takes one.
type GuideData struct {
	A        kb.PublicArticle
	Answered bool // she said it solved her question
	CanApply bool // a resident may apply here now
	Login    string
	Places   []Group // streets and their communities
	Checked  map[string]bool
}

// checkText holds a client address to the rate of the public text
// searches; false when it is over (the answer is written).
func (s *Server) checkText(w http.ResponseWriter, r *http.Request, asJSON bool) bool {
	if s.Limits == nil || s.Limits.SuggestIP == nil {
		return true
	}
	err := limit.Check(s.Limits.SuggestIP, limit.ClientIP(r))
	if err == nil {
		return true
	}
	errs.SetRetryAfter(w.Header(), err)
	if asJSON {
		s.writeJSONError(w, r, err)
	} else {
		s.fail(w, r, err)
	}
	return false
}

// kbAnswers fills the filing page's answers for her description, when she
// pressed 先看看有没有答案.
func (s *Server) kbAnswers(r *http.Request, d *SubmitData) error {
	if s.KB == nil || r.PostForm.Get("step") != "kb" {
		return nil
	}
	items, err := s.KB.Search(r.Context(), r.PostForm.Get("description"), 3)
	if err != nil {
		return err
	}
	d.KB = &GuideAnswers{Asked: true, Answers: items}
	return nil
}

// submitKB answers the script on the filing page as she types.
func (s *Server) submitKB(w http.ResponseWriter, r *http.Request) {
	if s.KB == nil {
		s.writeJSONError(w, r, errNoKB)
		return
	}
	if !s.checkText(w, r, true) {
		return
	}
	items, err := s.KB.Search(r.Context(), r.URL.Query().Get("q"), 3)
	if err != nil {
		s.writeJSONError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// submitAnswered: 这解决了我的问题. Nothing is filed; the answer is counted
// and she is shown it on its own page.
func (s *Server) submitAnswered(w http.ResponseWriter, r *http.Request) {
	if s.KB == nil {
		s.fail(w, r, errNoKB)
		return
	}
	if !s.checkText(w, r, false) {
		return
	}
	id := r.PostForm.Get("answered")
	if err := s.KB.Answered(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/guides/"+url.PathEscape(id)+"?answered=1")
}

func (s *Server) guideList(w http.ResponseWriter, r *http.Request) {
	if s.KB == nil {
		s.fail(w, r, errNoKB)
		return
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	d := &GuideListData{Q: q}
	var err error
	if q != "" {
		if !s.checkText(w, r, false) {
			return
		}
		d.Items, err = s.KB.Search(r.Context(), q, kb.MaxPublicHits)
	} else {
		d.Items, err = s.KB.Guides(r.Context())
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "guide.title")
	p.Data = d
	s.render(w, r, http.StatusOK, "guide_list", p)
}

func (s *Server) guidePage(w http.ResponseWriter, r *http.Request) {
	s.renderGuide(w, r, s.page(w, r, "guide.title"), http.StatusOK)
}

func (s *Server) renderGuide(w http.ResponseWriter, r *http.Request, p *Page, status int) {
	if s.KB == nil {
		s.fail(w, r, errNoKB)
		return
	}
	a, err := s.KB.PublicGet(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &GuideData{A: a, Answered: r.URL.Query().Get("answered") == "1", Checked: map[string]bool{},
		Login: "/login?next=" + url.QueryEscape("/guides/"+a.ID)}
	if a.Guide.ApplyCategory != "" && p.User != nil {
		d.CanApply = kb.CanApply(*p.User, s.KB.Article(a), s.KB.Today())
		if d.Places, err = s.places(r.Context()); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if p.Form != nil {
		for _, c := range p.Form["checked"] {
			d.Checked[c] = true
		}
	}
	p.Title = a.Title
	p.Data = d
	s.render(w, r, status, "guide", p)
}

// uploads are the form's files under field "files".
func uploads(r *http.Request) ([]kb.Upload, func()) {
	var out []kb.Upload
	var closers []func() error
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["files"] {
			if fh.Filename == "" && fh.Size == 0 {
				continue
			}
			f, err := fh.Open()
			if err != nil {
				continue
			}
			closers = append(closers, f.Close)
			out = append(out, kb.Upload{Name: fh.Filename, R: f})
		}
	}
	return out, func() {
		for _, c := range closers {
			c()
		}
	}
}

func applyInput(r *http.Request) (kb.ApplyInput, func()) {
	files, done := uploads(r)
	return kb.ApplyInput{AreaCode: r.PostForm.Get("area_code"), Note: r.PostForm.Get("note"), Checked: r.PostForm["checked"], Files: files}, done
}

func (s *Server) guideApply(w http.ResponseWriter, r *http.Request) {
	u := s.resident(w, r)
	if u == nil || s.KB == nil {
		return
	}
	in, done := applyInput(r)
	defer done()
	app, err := s.KB.Apply(r.Context(), *u, r.PathValue("id"), in)
	if err != nil {
		p := s.page(w, r, "guide.title")
		s.renderGuide(w, r, p, s.formError(r, p, err))
		return
	}
	redirect(w, r, "/guides/applications/"+app.ID+"?done=applied")
}

// GuideAppData is an application's page, the resident's or the staff's.
type GuideAppData struct {
	App         kb.Application
	Guide       kb.PublicArticle
	Base        string // the page's path, for its files and forms
	CanDecide   bool
	CanComplete bool
	Checked     map[string]bool
}

func (s *Server) guideApplication(w http.ResponseWriter, r *http.Request) {
	s.renderApplication(w, r, s.page(w, r, "guide.app.title"), http.StatusOK)
}

func (s *Server) renderApplication(w http.ResponseWriter, r *http.Request, p *Page, status int) {
	staff := strings.HasPrefix(r.URL.Path, "/staff/")
	var u *auth.User
	if staff {
		u = s.staff(w, r)
	} else {
		u = s.resident(w, r)
	}
	if u == nil {
		return
	}
	if s.KB == nil {
		s.fail(w, r, errNoKB)
		return
	}
	app, err := s.KB.Application(r.Context(), *u, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, _ := s.KB.Get(r.Context(), app.ArticleID)
	base := "/guides/applications/" + app.ID
	if staff {
		base = "/staff" + base
	}
	d := &GuideAppData{App: app, Guide: kb.PublicOf(a), Base: base, CanDecide: staff && kb.CanDecide(*u, app), CanComplete: !staff && kb.CanComplete(*u, app), Checked: map[string]bool{}}
	for _, c := range app.Checked {
		d.Checked[c] = true
	}
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["guide.flash."+done]; ok {
			p.Flash = tr(p.Lang, "guide.flash."+done)
		}
	}
	p.Data = d
	s.render(w, r, status, "guide_application", p)
}

func (s *Server) guideComplete(w http.ResponseWriter, r *http.Request) {
	u := s.resident(w, r)
	if u == nil || s.KB == nil {
		return
	}
	in, done := applyInput(r)
	defer done()
	if _, err := s.KB.Complete(r.Context(), *u, r.PathValue("id"), in); err != nil {
		p := s.page(w, r, "guide.app.title")
		s.renderApplication(w, r, p, s.formError(r, p, err))
		return
	}
	redirect(w, r, "/guides/applications/"+r.PathValue("id")+"?done=completed")
}

// guideFile shows an uploaded material to the applicant or a reviewer.
func (s *Server) guideFile(w http.ResponseWriter, r *http.Request) {
	var u *auth.User
	if strings.HasPrefix(r.URL.Path, "/staff/") {
		u = s.staff(w, r)
	} else {
		u = s.resident(w, r)
	}
	if u == nil || s.KB == nil {
		return
	}
	seq, err := strconv.Atoi(r.PathValue("seq"))
	thumb, terr := attachment.ParseThumb(r)
	if err != nil || terr != nil {
		s.fail(w, r, errs.NotFoundf("没有这份材料", "no such file"))
		return
	}
	f, att, err := s.KB.OpenFile(r.Context(), *u, r.PathValue("id"), seq, thumb)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer f.Close()
	attachment.Serve(w, r, f, att, thumb)
}
