package web

import (
	"net/http"
)

// accountRoutes are the pages of account controls: unlocking an account,
// changing and resetting passwords, the second factor.
func (s *Server) accountRoutes(h func(string, http.HandlerFunc)) {
	h("POST /staff/users/{id}/unlock", s.unlockUser)
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
