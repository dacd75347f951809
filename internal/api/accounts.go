package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// allowPending marks a request as one a token may make while its account
// has a step pending (auth.Pending): a password to change, a second factor
// to enrol, the token to end. caller lets such a request through.
func allowPending(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		next(w, r.WithContext(context.WithValue(r.Context(), pendingAllowedKey{}, true)))
	}
}

type pendingAllowedKey struct{}

// pendingAllowed reports whether allowPending marked the request.
func pendingAllowed(r *http.Request) bool {
	ok, _ := r.Context().Value(pendingAllowedKey{}).(bool)
	return ok
}

// bearer is the token of the request's Authorization header.
func bearer(r *http.Request) string {
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return strings.TrimSpace(token)
}

func (a *API) unlockUser(w http.ResponseWriter, r *http.Request, admin auth.User) {
	if err := a.Auth.Unlock(r.Context(), admin, r.PathValue("id")); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// disableUser turns an account off: its sessions and tokens end, its keys
// stop working. Not one's own.
func (a *API) disableUser(w http.ResponseWriter, r *http.Request, admin auth.User) {
	if err := a.Auth.SetDisabled(r.Context(), admin, r.PathValue("id"), true); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// enableUser turns a disabled account on again.
func (a *API) enableUser(w http.ResponseWriter, r *http.Request, admin auth.User) {
	if err := a.Auth.SetDisabled(r.Context(), admin, r.PathValue("id"), false); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// resetPassword takes {"password"}: the temporary password, which the
// account must change at its next login. The answer carries no secret.
func (a *API) resetPassword(w http.ResponseWriter, r *http.Request, admin auth.User) {
	var req struct {
		Password string `json:"password"`
	}
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	if req.Password == "" {
		a.fail(w, r, errs.Invalidf("请提供临时密码（password），用户下次登录后须修改", "give the temporary password (password); the user must change it at the next login"))
		return
	}
	if _, err := a.Auth.ResetPassword(r.Context(), admin, r.PathValue("id"), req.Password); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// changePassword takes {"old_password","new_password"}; the caller's other
// sessions and tokens end, this token goes on.
func (a *API) changePassword(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req struct {
		Old string `json:"old_password"`
		New string `json:"new_password"`
	}
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.Auth.ChangePassword(r.Context(), auth.Session{Token: bearer(r), User: u}, req.Old, req.New); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// revokeToken ends the caller's own bearer token.
func (a *API) revokeToken(w http.ResponseWriter, r *http.Request, _ auth.User) {
	if err := a.Auth.Logout(r.Context(), bearer(r)); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// beginTOTP answers a new secret for the caller's authenticator app, shown
// this once; two-step login is on once confirmTOTP sees a code from it.
func (a *API) beginTOTP(w http.ResponseWriter, r *http.Request, u auth.User) {
	e, err := a.Auth.BeginTOTP(r.Context(), u)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

// confirmTOTP takes {"code"}: the first code of the new secret.
func (a *API) confirmTOTP(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req struct {
		Code string `json:"code"`
	}
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.Auth.ConfirmTOTP(r.Context(), u, req.Code); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// removeTOTP turns off the two-step login of an account whose owner lost her
// authenticator.
func (a *API) removeTOTP(w http.ResponseWriter, r *http.Request, admin auth.User) {
	if err := a.Auth.RemoveTOTP(r.Context(), admin, r.PathValue("id")); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
