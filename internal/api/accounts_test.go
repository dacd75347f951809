package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/config"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

func loginAs(t *testing.T, srv *httptest.Server, user, password string) string {
	t.Helper()
	code, _, m := post(t, srv, "/api/v1/auth/token", "", "", map[string]string{"username": user, "password": password})
	if code != 200 {
		t.Fatalf("login %s: %d %v", user, code, m)
	}
	return m["token"].(string)
}

func userIDOf(t *testing.T, users map[string]any, name string) string {
	t.Helper()
	items, _ := users["items"].([]any)
	for _, it := range items {
		if u := it.(map[string]any); u["username"] == name {
			return u["id"].(string)
		}
	}
	t.Fatalf("no user %s in %v", name, users)
	return ""
}

// Failed password logins are limited per account and per client address;
// the lock is refused before any password is checked, holds until an
// administrator unlocks the account, and lands in the audit log.
func TestPasswordLoginLimit(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			srv := newServer(t, engine)
			tokenPath := "/api/v1/auth/token"
			admin := loginAs(t, srv, "admin", "lantern-river-42")
			for i := range 5 {
				if code, _, m := post(t, srv, tokenPath, "", "", map[string]string{"username": "demo-handler", "password": "wrong-password-1"}); code != 401 {
					t.Fatalf("wrong password %d: %d %v", i, code, m)
				}
			}
			code, h, m := post(t, srv, tokenPath, "", "", map[string]string{"username": "demo-handler", "password": "gongzhi-demo"})
			if code != 429 || h.Get("Retry-After") == "" {
				t.Fatalf("the right password after 5 wrong ones: %d %v %v", code, h, m)
			}
			users := get(t, srv, "/api/v1/users", admin)
			id := userIDOf(t, users, "demo-handler")
			if code, _, m := post(t, srv, "/api/v1/users/"+id+"/unlock", login(t, srv, "demo-agent"), "", nil); code != 403 {
				t.Fatalf("unlock by an agent: %d %v", code, m)
			}
			if code, _, m := post(t, srv, "/api/v1/users/"+id+"/unlock", admin, "", nil); code != 204 {
				t.Fatalf("unlock: %d %v", code, m)
			}
			login(t, srv, "demo-handler")

			// Per address: many names, one address (every request here is
			// from 127.0.0.1, which has failed 5 times already).
			for i := range 15 {
				if code, _, m := post(t, srv, tokenPath, "", "", map[string]string{"username": fmt.Sprintf("nobody-%d", i), "password": "wrong-password-1"}); code != 401 {
					t.Fatalf("unknown name %d: %d %v", i, code, m)
				}
			}
			code, h, m = post(t, srv, tokenPath, "", "", map[string]string{"username": "demo-agent", "password": "gongzhi-demo"})
			if code != 429 || h.Get("Retry-After") == "" {
				t.Fatalf("the right password from a locked address: %d %v %v", code, h, m)
			}
		})
	}
}

// call sends a request with a JSON body (or none) and answers the status
// and the decoded body.
func call(t *testing.T, srv *httptest.Server, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		j, _ := json.Marshal(body)
		rd = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, srv.URL+path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

func TestPasswordChangeResetAndRevoke(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			srv := newServer(t, engine)
			admin := loginAs(t, srv, "admin", "lantern-river-42")
			code, m := call(t, srv, "POST", "/api/v1/users", admin, map[string]string{"username": "acc-user", "password": "first-password-1",
				"role": "handler", "org_code": "110117001-SO", "area_code": "110117001"})
			if code != 201 {
				t.Fatalf("create: %d %v", code, m)
			}
			id := m["id"].(string)
			tok1 := loginAs(t, srv, "acc-user", "first-password-1")
			tok2 := loginAs(t, srv, "acc-user", "first-password-1")
			for _, c := range []struct {
				body map[string]string
				want int
			}{
				{map[string]string{"old_password": "wrong-password-1", "new_password": "second-password-2"}, 400},
				{map[string]string{"old_password": "first-password-1", "new_password": "1234567890"}, 400},
				{map[string]string{"old_password": "first-password-1", "new_password": "acc-user-2026"}, 400},
				{map[string]string{"old_password": "first-password-1", "new_password": "second-password-2"}, 204},
			} {
				if code, m := call(t, srv, "POST", "/api/v1/auth/password", tok1, c.body); code != c.want {
					t.Fatalf("change %v: %d %v, want %d", c.body, code, m, c.want)
				}
			}
			if code, _ := call(t, srv, "GET", "/api/v1/notifications", tok1, nil); code != 200 {
				t.Fatalf("the token that changed the password: %d", code)
			}
			if code, _ := call(t, srv, "GET", "/api/v1/notifications", tok2, nil); code != 401 {
				t.Fatalf("another token after a change: %d", code)
			}
			// A caller revokes her own token.
			if code, m := call(t, srv, "DELETE", "/api/v1/auth/token", tok1, nil); code != 204 {
				t.Fatalf("revoke: %d %v", code, m)
			}
			if code, _ := call(t, srv, "GET", "/api/v1/notifications", tok1, nil); code != 401 {
				t.Fatalf("a revoked token: %d", code)
			}
			if code, _ := call(t, srv, "DELETE", "/api/v1/auth/token", "", nil); code != 401 {
				t.Fatalf("revoke without a token: %d", code)
			}
			// An administrator's reset forces a change before anything else.
			tok3 := loginAs(t, srv, "acc-user", "second-password-2")
			if code, m := call(t, srv, "POST", "/api/v1/users/"+id+"/password", admin, map[string]string{"password": "temporary-pass-5"}); code != 204 {
				t.Fatalf("reset: %d %v", code, m)
			}
			if code, _ := call(t, srv, "GET", "/api/v1/notifications", tok3, nil); code != 401 {
				t.Fatalf("a token from before the reset: %d", code)
			}
			tok4 := loginAs(t, srv, "acc-user", "temporary-pass-5")
			code, m = call(t, srv, "GET", "/api/v1/tickets", tok4, nil)
			if e, _ := m["error"].(map[string]any); code != 403 || !strings.Contains(e["message_en"].(string), "change it first") {
				t.Fatalf("before changing the temporary password: %d %v", code, m)
			}
			if code, m := call(t, srv, "POST", "/api/v1/auth/password", tok4, map[string]string{"old_password": "temporary-pass-5", "new_password": "third-password-3"}); code != 204 {
				t.Fatalf("change after reset: %d %v", code, m)
			}
			if code, m := call(t, srv, "GET", "/api/v1/tickets", tok4, nil); code != 200 {
				t.Fatalf("after the change: %d %v", code, m)
			}
		})
	}
}

// With --admin-totp an administrator may only enrol a second factor until
// she has one; logins then need its code.
func TestAdminTOTPRequiredAPI(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			cfg := config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Demo: true, BcryptCost: 4, AdminPassword: "lantern-river-42", AdminTOTP: true}
			if engine != "sqlite" {
				cfg.DB = dbtest.DSN(t, engine)
			}
			a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { a.Close() })
			srv := httptest.NewServer(a.Handler)
			t.Cleanup(srv.Close)
			admin := loginAs(t, srv, "admin", "lantern-river-42")
			code, m := call(t, srv, "GET", "/api/v1/users", admin, nil)
			if e, _ := m["error"].(map[string]any); code != 403 || !strings.Contains(fmt.Sprint(e["message_en"]), "two-step") {
				t.Fatalf("an admin without totp: %d %v", code, m)
			}
			code, m = call(t, srv, "POST", "/api/v1/auth/totp", admin, nil)
			if code != 200 {
				t.Fatalf("begin: %d %v", code, m)
			}
			if code, m := call(t, srv, "POST", "/api/v1/auth/totp/confirm", admin, map[string]string{"code": totpNow(t, m["secret"].(string))}); code != 204 {
				t.Fatalf("confirm: %d %v", code, m)
			}
			if code, m := call(t, srv, "GET", "/api/v1/users", admin, nil); code != 200 {
				t.Fatalf("after enrolling: %d %v", code, m)
			}
			if code, m := call(t, srv, "POST", "/api/v1/auth/token", "", map[string]string{"username": "admin", "password": "lantern-river-42"}); code != 401 {
				t.Fatalf("login without a code: %d %v", code, m)
			}
			// The code of the enrolment is used up: the field reaches the check.
			code, m = call(t, srv, "POST", "/api/v1/auth/token", "", map[string]string{"username": "admin", "password": "lantern-river-42", "totp": "000000"})
			if e, _ := m["error"].(map[string]any); code != 401 || !strings.Contains(fmt.Sprint(e["message_en"]), "authenticator code") {
				t.Fatalf("login with a wrong code: %d %v", code, m)
			}
		})
	}
}

// An account created, disabled and enabled through the API leaves one audit
// entry for each, by the administrator who did it (the auth service writes
// them, not the routes).
func TestUserAdministrationAuditedOnce(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			srv := newServer(t, engine)
			admin := loginAs(t, srv, "admin", "lantern-river-42")
			code, m := call(t, srv, "POST", "/api/v1/users", admin, map[string]string{"username": "audited-user", "password": "first-password-1",
				"role": "handler", "org_code": "110117001-SO", "area_code": "110117001"})
			if code != 201 {
				t.Fatalf("create: %d %v", code, m)
			}
			id := m["id"].(string)
			for _, step := range []string{"disable", "enable"} {
				if code, m := call(t, srv, "POST", "/api/v1/users/"+id+"/"+step, admin, nil); code != 204 {
					t.Fatalf("%s: %d %v", step, code, m)
				}
			}
			log := get(t, srv, "/api/v1/audit?actor=admin&limit=200", admin)
			items, _ := log["items"].([]any)
			n := map[string]int{}
			for _, it := range items {
				if e := it.(map[string]any); e["object"] == "user:"+id {
					n[e["action"].(string)]++
				}
			}
			if n["create_user"] != 1 || n["disable_user"] != 1 || n["enable_user"] != 1 || len(n) != 3 {
				t.Fatalf("audit entries for the new account: %v, want one of each: %v", n, log)
			}
			handler := loginAs(t, srv, "demo-handler", "gongzhi-demo")
			if code, m := call(t, srv, "POST", "/api/v1/users", handler, map[string]string{"username": "not-made", "password": "first-password-1",
				"role": "handler", "org_code": "110117001-SO", "area_code": "110117001"}); code != 403 {
				t.Fatalf("a handler creates an account: %d %v", code, m)
			}
			if code, m := call(t, srv, "POST", "/api/v1/users/"+id+"/disable", handler, nil); code != 403 {
				t.Fatalf("a handler disables an account: %d %v", code, m)
			}
		})
	}
}
