package api

import (
	"net/http"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/practice"
)

// Practice mode: who may switch is the practice capability's; this handler
// only decodes and encodes. While it is on, every other request of the
// caller is served by the sandbox (internal/app), this one by the real
// server, so it switches off from inside the sandbox too.

var errNoPractice = errs.New(errs.Unavailable, "练习模式未启用", "practice mode is not available")

// PracticeSwitch is the body of POST /api/v1/practice.
type PracticeSwitch struct {
	On *bool `json:"on"`
}

var errPracticeOn = errs.Invalidf("请给出 on：true 或 false", "give on: true or false")

// POST /api/v1/practice {"on":true|false}
func (a *API) switchPractice(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Practice == nil {
		a.fail(w, r, errNoPractice)
		return
	}
	var in PracticeSwitch
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	if in.On == nil {
		a.fail(w, r, errPracticeOn)
		return
	}
	var st practice.State
	var err error
	if *in.On {
		st, err = a.Practice.On(r.Context(), u)
	} else {
		st, err = a.Practice.Off(r.Context(), u)
	}
	a.answer(w, r, http.StatusOK, st, err)
}
