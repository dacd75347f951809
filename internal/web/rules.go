package web

import (
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gongzhi/gongzhi/internal/auth"

	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ruleset"
)

// The rules shared across levels (规则分级共享): the public page of the
// area's overrides with their reasons beside the upper level's value and
// the versions held, and the staff's page with the diff, the overrides,
// publication, import and apply. Who may do what is the capability's.

// canRules shows the way to the staff page to those who may read it.
func canRules(u *auth.User) bool { return u != nil && ruleset.CanRead(*u) }

func (s *Server) ruleRoutes(h, files route) {
	h("GET /rules", s.rulesPage)
	h("GET /staff/rules", s.staffRules)
	h("POST /staff/rules/override", s.staffRuleOverride)
	h("POST /staff/rules/apply", s.staffRuleApply)
	h("POST /staff/rules/publish", s.staffRulePublish)
	files("POST /staff/rules/import", s.staffRuleImport) // the file chosen, or its text pasted
}

var errNoRules = errs.New(errs.Unavailable, "规则共享功能未启用", "shared rules are not available")

// RulesData is the public page.
type RulesData struct {
	Effective ruleset.Effective
	Versions  []ruleset.Version
}

func (s *Server) rulesPage(w http.ResponseWriter, r *http.Request) {
	if s.Rules == nil {
		s.fail(w, r, errNoRules)
		return
	}
	// The public list, whoever looks at it: reasons, never names.
	eff, vs, err := s.Rules.Overrides(r.Context(), auth.User{}, r.URL.Query().Get("area"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "rules.title")
	p.Data = &RulesData{Effective: eff, Versions: vs}
	s.render(w, r, http.StatusOK, "rules", p)
}

// StaffRulesData is the staff's page.
type StaffRulesData struct {
	Diff      ruleset.Diff
	HasUpper  bool
	Against   string
	Versions  []ruleset.Version
	CanChange bool
	Sections  []ruleset.Section
	Applied   *ruleset.ApplyResult
}

func (s *Server) staffRules(w http.ResponseWriter, r *http.Request) {
	u := s.ruleActor(w, r)
	if u == nil {
		return
	}
	if !ruleset.CanRead(*u) {
		s.fail(w, r, errs.ErrForbidden)
		return
	}
	q := r.URL.Query()
	d := &StaffRulesData{Against: q.Get("against"), CanChange: ruleset.CanChange(*u), Sections: ruleset.Sections}
	if d.Against == "" {
		d.Against = "upper"
	}
	diff, err := s.Rules.Diff(r.Context(), *u, q.Get("area"), d.Against)
	switch {
	case err == nil:
		d.Diff, d.HasUpper = diff, true
	case errs.Is(err, errs.NotFound) && d.Against == "upper":
		eff, err := s.Rules.Effective(r.Context(), *u, q.Get("area"))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Diff.Effective = eff
	default:
		s.fail(w, r, err)
		return
	}
	if d.Versions, err = s.Rules.Versions(r.Context(), ""); err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "rules.staff.title")
	if done := q.Get("done"); done != "" {
		p.Flash = tr(p.Lang, "rules.flash."+done)
		if done == "applied" {
			p.Flash += " " + q.Get("n")
		}
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "rules_staff", p)
}

// ruleActor is the staff member acting on the rules, or nil once the
// request is answered.
func (s *Server) ruleActor(w http.ResponseWriter, r *http.Request) *auth.User {
	return s.staffWhere(w, r, s.Rules != nil, errNoRules)
}

// ruleDone answers an action on the rules: its error, or back to the staff
// page with what was done.
func (s *Server) ruleDone(w http.ResponseWriter, r *http.Request, err error, done string) {
	if err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/staff/rules?done="+done)
}

func (s *Server) staffRuleOverride(w http.ResponseWriter, r *http.Request) {
	u := s.ruleActor(w, r)
	if u == nil {
		return
	}
	f := r.PostForm
	in := ruleset.OverrideInput{Section: ruleset.Section(f.Get("section")), Key: f.Get("key"), Value: f.Get("value"),
		Reason: f.Get("reason"), Withdraw: f.Get("withdraw") == "1"}
	_, err := s.Rules.SetOverride(r.Context(), *u, in)
	s.ruleDone(w, r, err, "saved")
}

func (s *Server) staffRuleApply(w http.ResponseWriter, r *http.Request) {
	u := s.ruleActor(w, r)
	if u == nil {
		return
	}
	res, err := s.Rules.Apply(r.Context(), *u, "")
	s.ruleDone(w, r, err, "applied&n="+url.QueryEscape(strconv.Itoa(len(res.Changed))))
}

func (s *Server) staffRulePublish(w http.ResponseWriter, r *http.Request) {
	u := s.ruleActor(w, r)
	if u == nil {
		return
	}
	in := ruleset.PublishInput{AreaCode: r.PostForm.Get("area_code"), Note: r.PostForm.Get("note"), FromLive: true}
	_, err := s.Rules.Publish(r.Context(), *u, in)
	s.ruleDone(w, r, err, "published")
}

// staffRuleImport takes the file chosen in the form, or else its text
// pasted; either is checked whole by the capability before anything is
// written.
func (s *Server) staffRuleImport(w http.ResponseWriter, r *http.Request) {
	u := s.ruleActor(w, r)
	if u == nil {
		return
	}
	body := []byte(r.PostForm.Get("file"))
	if r.MultipartForm != nil && len(r.MultipartForm.File["upload"]) > 0 {
		f, err := r.MultipartForm.File["upload"][0].Open()
		if err != nil {
			s.fail(w, r, errs.Invalidf("读不出所选的文件", "the chosen file could not be read"))
			return
		}
		defer f.Close()
		// One byte past the limit, so that the capability refuses a file too large.
		if body, err = io.ReadAll(io.LimitReader(f, ruleset.MaxFile+1)); err != nil {
			s.fail(w, r, errs.Invalidf("读不出所选的文件", "the chosen file could not be read"))
			return
		}
	}
	_, err := s.Rules.Import(r.Context(), *u, body)
	s.ruleDone(w, r, err, "imported")
}
