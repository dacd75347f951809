package web

import (
	"net/http"
	"net/url"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// UsersData is the user administration page.
type UsersData struct {
	Users []auth.User
	Roles []Option
	Reset *ResetResult // a temporary password just set
}

// admin returns the logged-in administrator or answers for the others.
func (s *Server) admin(w http.ResponseWriter, r *http.Request) *auth.User {
	return s.onlyAdmin(w, r, errs.New(errs.Forbidden, "只有系统管理员可以管理用户", "only administrators can manage users"))
}

// onlyAdmin returns the logged-in administrator, or answers the others with
// refusal, which says what only the administrator may do.
func (s *Server) onlyAdmin(w http.ResponseWriter, r *http.Request, refusal error) *auth.User {
	u := s.staff(w, r)
	if u == nil {
		return nil
	}
	if !u.IsAdmin() {
		s.fail(w, r, refusal)
		return nil
	}
	return u
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, p *Page, status int) {
	s.usersPageWith(w, r, p, status, nil)
}

func (s *Server) usersPageWith(w http.ResponseWriter, r *http.Request, p *Page, status int, reset *ResetResult) {
	users, err := s.Auth.Users(r.Context(), false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &UsersData{Users: users, Reset: reset}
	for _, role := range auth.Roles {
		if role == auth.RoleResident {
			continue
		}
		d.Roles = append(d.Roles, Option{Value: string(role), Label: tr(p.Lang, "role."+string(role))})
	}
	p.Data = d
	s.render(w, r, status, "staff_users", p)
}

func (s *Server) users(w http.ResponseWriter, r *http.Request) {
	if s.admin(w, r) == nil {
		return
	}
	p := s.page(w, r, "users.title")
	if done := r.URL.Query().Get("done"); done != "" {
		p.Flash = tr(p.Lang, "flash.user."+done)
	}
	p.Form = url.Values{"role": {string(auth.RoleHandler)}}
	s.usersPage(w, r, p, http.StatusOK)
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	u := s.admin(w, r)
	if u == nil {
		return
	}
	f := r.PostForm
	_, err := s.Auth.CreateUser(r.Context(), *u, auth.NewUser{
		Username: f.Get("username"), Password: f.Get("password"), Name: f.Get("name"), Phone: f.Get("phone"),
		Role: auth.Role(f.Get("role")), OrgCode: f.Get("org_code"), AreaCode: f.Get("area_code"),
	})
	if err != nil {
		p := s.page(w, r, "users.title")
		p.Form.Del("password")
		status := s.formError(r, p, err)
		s.usersPage(w, r, p, status)
		return
	}
	redirect(w, r, "/staff/users?done=created")
}

func (s *Server) setDisabled(w http.ResponseWriter, r *http.Request, disabled bool) {
	u := s.admin(w, r)
	if u == nil {
		return
	}
	if err := s.Auth.SetDisabled(r.Context(), *u, r.PathValue("id"), disabled); err != nil {
		s.fail(w, r, err)
		return
	}
	done := "enabled"
	if disabled {
		done = "disabled"
	}
	redirect(w, r, "/staff/users?done="+done)
}

func (s *Server) disableUser(w http.ResponseWriter, r *http.Request) { s.setDisabled(w, r, true) }
func (s *Server) enableUser(w http.ResponseWriter, r *http.Request)  { s.setDisabled(w, r, false) }
