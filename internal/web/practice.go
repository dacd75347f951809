package web

import (
	"net/http"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// Practice mode: the account page's switch, and the banner of every page
// the sandbox serves (Page.Practice). Who may switch is the practice
// capability's; the routing of a practising account's requests to the
// sandbox is the application's (internal/app).

var errNoPractice = errs.New(errs.Unavailable, "练习模式未启用", "practice mode is not available")

// practiceMessages are the words of practice mode.
var practiceMessages = map[string][2]string{
	"practice.banner": {"练习模式 · 在此所做的一切不会到达任何单位，也不计入任何指标。", "Practice mode · nothing done here reaches a unit or counts in an indicator."},
	"practice.title":  {"练习模式", "Practice mode"},
	"practice.lead":   {"在独立的练习环境中试用受理、派单和办理，不影响真实工单和指标。", "Try filing, dispatching and handling in a sandbox of your own, without touching real tickets or figures."},
	"practice.on":     {"进入练习模式", "Start practising"},
	"practice.off":    {"退出练习模式", "Stop practising"},
}

func (s *Server) practiceRoutes(h func(string, http.HandlerFunc)) {
	h("POST /staff/practice", s.switchPractice)
}

// switchPractice switches the account's own practice mode: on=1 on,
// anything else off.
func (s *Server) switchPractice(w http.ResponseWriter, r *http.Request) {
	u := s.accountHolder(w, r)
	if u == nil {
		return
	}
	if s.Practice == nil {
		s.accountFailed(w, r, errNoPractice)
		return
	}
	var err error
	if r.PostForm.Get("on") == "1" {
		_, err = s.Practice.On(r.Context(), *u)
	} else {
		_, err = s.Practice.Off(r.Context(), *u)
	}
	if err != nil {
		s.accountFailed(w, r, err)
		return
	}
	redirect(w, r, "/staff/account")
}
