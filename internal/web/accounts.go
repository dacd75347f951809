package web

import (
	"net/http"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// accountRoutes are the pages of account controls: unlocking and resetting
// accounts, one's own password and second factor.
func (s *Server) accountRoutes(h func(string, http.HandlerFunc)) {
	h("POST /staff/users/{id}/unlock", s.unlockUser)
	h("POST /staff/users/{id}/reset", s.resetPassword)
	h("POST /staff/users/{id}/totp/remove", s.removeTOTP)
	h("GET /staff/account", s.account)
	h("POST /staff/account/password", s.changePassword)
	h("POST /staff/account/totp", s.beginTOTP)
	h("POST /staff/account/totp/confirm", s.confirmTOTP)
}

// upkeepPages are what a session may open while its account has a step
// pending (auth.Pending): a password to change, a second factor to enrol.
var upkeepPages = map[string]bool{
	"GET /staff/account":               true,
	"POST /staff/account/password":     true,
	"POST /staff/account/totp":         true,
	"POST /staff/account/totp/confirm": true,
	"POST /logout":                     true,
	"POST /staff/login":                true, // another account may log in on this browser
	"GET /lang":                        true,
	"GET /big":                         true,
}

// pendingStep answers a request of a session whose account has a step
// pending, unless it is part of that step: pages go to the account page,
// forms are refused. It reports whether it answered.
func (s *Server) pendingStep(w http.ResponseWriter, r *http.Request, sess *auth.Session) bool {
	err := s.Auth.PendingError(sess.User)
	if err == nil || upkeepPages[r.Pattern] {
		return false
	}
	if r.Method == http.MethodGet {
		redirect(w, r, "/staff/account")
	} else {
		s.fail(w, r, err)
	}
	return true
}

// accountHolder returns the logged-in user of a staff account (staff and
// the auditor), or answers as staff does for the others.
func (s *Server) accountHolder(w http.ResponseWriter, r *http.Request) *auth.User {
	if u := s.user(r); u != nil && u.Role.StaffAccount() {
		return u
	}
	return s.staff(w, r)
}

// AccountData is the page of one's own account.
type AccountData struct {
	User      auth.User
	Pending   string
	Enrolment *auth.TOTPEnrolment // a secret just made, shown once
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request, p *Page, status int, e *auth.TOTPEnrolment) {
	u := state(r).sess.User
	p.Data = &AccountData{User: u, Pending: s.Auth.Pending(u), Enrolment: e}
	s.render(w, r, status, "staff_account", p)
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) {
	if s.accountHolder(w, r) == nil {
		return
	}
	p := s.page(w, r, "account.title")
	if done := r.URL.Query().Get("done"); done == "password" || done == "totp" {
		p.Flash = tr(p.Lang, "flash.account."+done)
	}
	s.accountPage(w, r, p, http.StatusOK, nil)
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	if s.accountHolder(w, r) == nil {
		return
	}
	f := r.PostForm
	var err error
	if f.Get("new_password") != f.Get("new_password2") {
		err = errs.Invalidf("两次输入的新密码不一致", "the two new passwords differ")
	} else {
		err = s.Auth.ChangePassword(r.Context(), *state(r).sess, f.Get("old_password"), f.Get("new_password"))
	}
	if err != nil {
		s.accountFailed(w, r, err)
		return
	}
	redirect(w, r, "/staff/account?done=password")
}

func (s *Server) beginTOTP(w http.ResponseWriter, r *http.Request) {
	u := s.accountHolder(w, r)
	if u == nil {
		return
	}
	e, err := s.Auth.BeginTOTP(r.Context(), *u)
	if err != nil {
		s.accountFailed(w, r, err)
		return
	}
	p := s.page(w, r, "account.title")
	s.accountPage(w, r, p, http.StatusOK, &e)
}

func (s *Server) confirmTOTP(w http.ResponseWriter, r *http.Request) {
	u := s.accountHolder(w, r)
	if u == nil {
		return
	}
	if err := s.Auth.ConfirmTOTP(r.Context(), *u, r.PostForm.Get("code")); err != nil {
		s.accountFailed(w, r, err)
		return
	}
	redirect(w, r, "/staff/account?done=totp")
}

func (s *Server) unlockUser(w http.ResponseWriter, r *http.Request) {
	u := s.admin(w, r)
	if u == nil {
		return
	}
	if err := s.Auth.Unlock(r.Context(), *u, r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/staff/users?done=unlocked")
}

// resetPassword gives an account a temporary password, made up here and
// shown on this answer only (never in a URL).
func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) {
	admin := s.admin(w, r)
	if admin == nil {
		return
	}
	target, err := s.Auth.User(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	temp, err := s.Auth.ResetPassword(r.Context(), *admin, target.ID, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "users.title")
	p.Form = nil
	p.Flash = tr(p.Lang, "flash.user.reset", target.Username)
	s.usersPageWith(w, r, p, http.StatusOK, &ResetResult{Username: target.Username, Password: temp})
}

// ResetResult is a temporary password just set, shown once.
type ResetResult struct {
	Username string
	Password string
}

func (s *Server) removeTOTP(w http.ResponseWriter, r *http.Request) {
	admin := s.admin(w, r)
	if admin == nil {
		return
	}
	if err := s.Auth.RemoveTOTP(r.Context(), *admin, r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/staff/users?done=totp_removed")
}

// accountFailed shows the account page again with err, never echoing what
// was typed (passwords, codes).
func (s *Server) accountFailed(w http.ResponseWriter, r *http.Request, err error) {
	p := s.page(w, r, "account.title")
	p.Form = nil
	status := s.formError(r, p, err)
	errs.SetRetryAfter(w.Header(), err)
	s.accountPage(w, r, p, status, nil)
}
