package web

import (
	"net/http"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// APIKeysData is the API key administration page.
type APIKeysData struct {
	Keys     []APIKeyRow
	Accounts []auth.User // the accounts a key may act as
	// NewKey is the key just made, shown on the answer to the form and
	// never again; NewName is its name.
	NewKey  string
	NewName string
}

// APIKeyRow is one key of the list, with the account it acts as.
type APIKeyRow struct {
	auth.APIKey
	Account string // username and name of the account
}

// keysAdmin returns the logged-in administrator or answers for the others.
func (s *Server) keysAdmin(w http.ResponseWriter, r *http.Request) *auth.User {
	return s.onlyAdmin(w, r, errs.New(errs.Forbidden, "只有系统管理员可以管理 API 密钥", "only administrators can manage API keys"))
}

func (s *Server) apiKeysPage(w http.ResponseWriter, r *http.Request, u *auth.User, p *Page, d *APIKeysData, status int) {
	ctx := r.Context()
	keys, err := s.Auth.ListAPIKeys(ctx, *u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	users, err := s.Auth.Users(ctx, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names := map[string]string{}
	for _, a := range users {
		names[a.ID] = a.Username
		if a.Name != "" {
			names[a.ID] += " " + a.Name
		}
		if auth.APIKeyRole(a.Role) && !a.Disabled {
			d.Accounts = append(d.Accounts, a)
		}
	}
	for _, k := range keys {
		acct := names[k.UserID]
		if acct == "" {
			acct = k.UserID
		}
		d.Keys = append(d.Keys, APIKeyRow{APIKey: k, Account: acct})
	}
	p.Data = d
	s.render(w, r, status, "staff_apikeys", p)
}

func (s *Server) apiKeys(w http.ResponseWriter, r *http.Request) {
	u := s.keysAdmin(w, r)
	if u == nil {
		return
	}
	p := s.page(w, r, "keys.title")
	if r.URL.Query().Get("done") == "revoked" {
		p.Flash = tr(p.Lang, "flash.key.revoked")
	}
	s.apiKeysPage(w, r, u, p, &APIKeysData{}, http.StatusOK)
}

// createAPIKey makes a key and shows it on the answer, the only time it is
// shown: the answer is not cached and a reload does not show it again.
func (s *Server) createAPIKey(w http.ResponseWriter, r *http.Request) {
	u := s.keysAdmin(w, r)
	if u == nil {
		return
	}
	p := s.page(w, r, "keys.title")
	key, k, err := s.Auth.CreateAPIKey(r.Context(), *u, r.PostForm.Get("name"), r.PostForm.Get("user_id"))
	if err != nil {
		status := s.formError(r, p, err)
		s.apiKeysPage(w, r, u, p, &APIKeysData{}, status)
		return
	}
	p.Form = nil
	s.apiKeysPage(w, r, u, p, &APIKeysData{NewKey: key, NewName: k.Name}, http.StatusOK)
}

func (s *Server) revokeAPIKey(w http.ResponseWriter, r *http.Request) {
	u := s.keysAdmin(w, r)
	if u == nil {
		return
	}
	if err := s.Auth.RevokeAPIKey(r.Context(), *u, r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/staff/apikeys?done=revoked")
}
