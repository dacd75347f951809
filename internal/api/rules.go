package api

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ruleset"
)

// The rules shared across levels (规则分级共享): who may read, publish,
// override, import and apply is the ruleset capability's; these handlers
// only decode and encode.

var (
	errNoRules        = errs.New(errs.Unavailable, "规则共享功能未启用", "shared rules are not available")
	errRulesVersion   = errs.Invalidf("version 须为正整数", "version must be a positive whole number")
	errRulesFileLarge = errs.New(errs.TooLarge, "规则集文件不能超过1MB", "a rule-set file may have at most 1 MB")
)

// RuleVersions lists the published versions held.
type RuleVersions struct {
	Items []ruleset.Version `json:"items"`
}

// GET /api/v1/rules?area=: public; who made each override for staff readers.
func (a *API) getRules(w http.ResponseWriter, r *http.Request) {
	if a.Rules == nil {
		a.fail(w, r, errNoRules)
		return
	}
	u, _, err := a.caller(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.Rules.Effective(r.Context(), u, r.URL.Query().Get("area"))
	a.answer(w, r, http.StatusOK, v, err)
}

// GET /api/v1/rules/versions?area=: public.
func (a *API) ruleVersions(w http.ResponseWriter, r *http.Request) {
	if a.Rules == nil {
		a.fail(w, r, errNoRules)
		return
	}
	v, err := a.Rules.Versions(r.Context(), r.URL.Query().Get("area"))
	a.answer(w, r, http.StatusOK, RuleVersions{Items: v}, err)
}

// GET /api/v1/rules/diff?area=&against=upper|N
func (a *API) ruleDiff(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Rules == nil {
		a.fail(w, r, errNoRules)
		return
	}
	q := r.URL.Query()
	v, err := a.Rules.Diff(r.Context(), u, q.Get("area"), q.Get("against"))
	a.answer(w, r, http.StatusOK, v, err)
}

// POST /api/v1/rules/overrides {"section","key","value","reason","withdraw"}
func (a *API) ruleOverride(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Rules == nil {
		a.fail(w, r, errNoRules)
		return
	}
	var in ruleset.OverrideInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.Rules.SetOverride(r.Context(), u, in)
	a.answer(w, r, http.StatusOK, v, err)
}

// POST /api/v1/rules/publish {"area_code","note","entries"|"from_live","locked"}
func (a *API) rulePublish(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Rules == nil {
		a.fail(w, r, errNoRules)
		return
	}
	var in ruleset.PublishInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.Rules.Publish(r.Context(), u, in)
	a.answer(w, r, http.StatusCreated, v, err)
}

// POST /api/v1/rules/apply {"area_code"}
func (a *API) ruleApply(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Rules == nil {
		a.fail(w, r, errNoRules)
		return
	}
	var in struct {
		AreaCode string `json:"area_code"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.Rules.Apply(r.Context(), u, in.AreaCode)
	a.answer(w, r, http.StatusOK, v, err)
}

// GET /api/v1/rules/export?area=&version=: the file, public.
func (a *API) ruleExport(w http.ResponseWriter, r *http.Request) {
	if a.Rules == nil {
		a.fail(w, r, errNoRules)
		return
	}
	q := r.URL.Query()
	version := 0
	if s := q.Get("version"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			a.fail(w, r, errRulesVersion)
			return
		}
		version = n
	}
	b, name, err := a.Rules.Export(r.Context(), q.Get("area"), version)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b)
}

// POST /api/v1/rules/import: the body is the file as export wrote it.
func (a *API) ruleImport(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Rules == nil {
		a.fail(w, r, errNoRules)
		return
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, ruleset.MaxFile))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		a.fail(w, r, errRulesFileLarge)
		return
	}
	if err != nil {
		a.fail(w, r, errs.Invalidf("无法读取请求内容", "could not read the request body"))
		return
	}
	v, err := a.Rules.Import(r.Context(), u, b)
	a.answer(w, r, http.StatusOK, v, err)
}
