package api_test

import (
	"fmt"
	"net/http/httptest"
	"testing"

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
