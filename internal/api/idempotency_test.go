package api_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/config"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/idem"
)

// TestIdempotencyKeepsNoSecrets: the answers that carry a credential (a
// bearer token, an API key, a webhook secret, a demo login code) are never
// kept for replay. A retry with the key is told, in both languages, that the
// key was used and the secret is shown only once; a refused request leaves
// the key free; nothing derived from the password is stored either.
func TestIdempotencyKeepsNoSecrets(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			cfg := config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Demo: true, BcryptCost: 4, AdminPassword: "lantern-river-42"}
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

			// stored returns every stored row of idempotency_keys as one text.
			stored := func() string {
				rows, err := a.DB.R.QueryContext(context.Background(), `SELECT scope, key, request_hash, resource, status, response FROM idempotency_keys`)
				if err != nil {
					t.Fatal(err)
				}
				defer rows.Close()
				var b strings.Builder
				for rows.Next() {
					var scope, key, hash, res, resp string
					var status int
					if err := rows.Scan(&scope, &key, &hash, &res, &status, &resp); err != nil {
						t.Fatal(err)
					}
					b.WriteString(strings.Join([]string{scope, key, hash, res, resp}, "|") + "\n")
				}
				if err := rows.Err(); err != nil {
					t.Fatal(err)
				}
				return b.String()
			}
			onlyOnce := func(what string, code int, m map[string]any) {
				t.Helper()
				e, _ := m["error"].(map[string]any)
				if code != 409 || e == nil || !strings.Contains(e["message_en"].(string), "only once") || !strings.Contains(e["message"].(string), "只显示一次") {
					t.Fatalf("%s replayed: %d %v", what, code, m)
				}
			}

			creds := map[string]string{"username": "demo-dispatcher", "password": "gongzhi-demo"}
			// A refused login does not use the key up.
			if code, _, m := post(t, srv, "/api/v1/auth/token", "", "login-1", map[string]string{"username": "demo-dispatcher", "password": "wrong-password"}); code != 401 {
				t.Fatalf("wrong password: %d %v", code, m)
			}
			code, _, m := post(t, srv, "/api/v1/auth/token", "", "login-1", creds)
			if code != 200 {
				t.Fatalf("keyed login after a refused one: %d %v", code, m)
			}
			token := m["token"].(string)
			code, h, m := post(t, srv, "/api/v1/auth/token", "", "login-1", creds)
			onlyOnce("login", code, m)
			if h.Get("Idempotent-Replayed") != "" {
				t.Fatal("a refused replay is marked as replayed")
			}
			rows := stored()
			if rows == "" {
				t.Fatal("the used key was not kept")
			}
			if strings.Contains(rows, token) {
				t.Fatalf("the bearer token is stored in idempotency_keys:\n%s", rows)
			}
			for _, body := range []string{`{"password":"gongzhi-demo","username":"demo-dispatcher"}`, `{"username":"demo-dispatcher","password":"gongzhi-demo"}`} {
				if strings.Contains(rows, idem.Hash("POST", "/api/v1/auth/token", []byte(body))) {
					t.Fatal("a fast hash of the login request (and its password) is stored")
				}
			}

			_, _, am := post(t, srv, "/api/v1/auth/token", "", "", map[string]string{"username": "admin", "password": "lantern-river-42"})
			admin := am["token"].(string)
			var agentID any
			for _, u := range get(t, srv, "/api/v1/users", admin)["items"].([]any) {
				if m := u.(map[string]any); m["username"] == "demo-agent" {
					agentID = m["id"]
				}
			}
			code, _, m = post(t, srv, "/api/v1/apikeys", admin, "key-1", map[string]any{"name": "上报系统", "user_id": agentID})
			if code != 201 {
				t.Fatalf("keyed API key: %d %v", code, m)
			}
			apiKey := m["key"].(string)
			code, _, m = post(t, srv, "/api/v1/apikeys", admin, "key-1", map[string]any{"name": "上报系统", "user_id": agentID})
			onlyOnce("API key", code, m)

			handler := login(t, srv, "demo-handler")
			sub := map[string]any{"url": "https://hooks.example.org/binhe", "events": []string{"dispatch"}}
			code, _, m = post(t, srv, "/api/v1/webhooks", handler, "hook-1", sub)
			if code != 201 {
				t.Fatalf("keyed webhook: %d %v", code, m)
			}
			secret := m["secret"].(string)
			code, _, m = post(t, srv, "/api/v1/webhooks", handler, "hook-1", sub)
			onlyOnce("webhook", code, m)

			code, _, m = post(t, srv, "/api/v1/auth/code", "", "code-1", map[string]string{"phone": "13700000009"})
			if code != 202 {
				t.Fatalf("keyed code: %d %v", code, m)
			}
			devCode := `"dev_code":"` + m["dev_code"].(string) + `"`

			rows = stored()
			for what, s := range map[string]string{"API key": apiKey, "webhook secret": secret, "login code": devCode, "bearer token": token} {
				if strings.Contains(rows, s) {
					t.Errorf("the %s is stored in idempotency_keys:\n%s", what, rows)
				}
			}
			// A new account's password is left out of the stored request hash;
			// the answer, which holds no secret, is still replayed.
			nu := map[string]string{"username": "idem-user", "password": "orchard-lamp-73", "name": "测试", "role": "agent",
				"org_code": "110117-HOTLINE", "area_code": "110117"}
			code, _, m = post(t, srv, "/api/v1/users", admin, "user-1", nu)
			if code != 201 {
				t.Fatalf("keyed user: %d %v", code, m)
			}
			if body, _ := json.Marshal(nu); strings.Contains(stored(), idem.Hash("POST", "/api/v1/users", body)) {
				t.Fatal("a fast hash of the new account's password is stored")
			}
			nu["password"] = "another-lamp-74"
			if code, h, m := post(t, srv, "/api/v1/users", admin, "user-1", nu); code != 201 || h.Get("Idempotent-Replayed") != "true" {
				t.Fatalf("user replay with another password: %d %v %v", code, h, m)
			}
			nu["name"] = "别人"
			if code, _, m := post(t, srv, "/api/v1/users", admin, "user-1", nu); code != 409 {
				t.Fatalf("user key reused for another name: %d %v", code, m)
			}
			// Answers without a secret are still replayed.
			tk := map[string]any{"category_code": "0101", "description": "路灯不亮", "area_code": "110117001001", "reporter_phone": "13700000008"}
			post(t, srv, "/api/v1/tickets", "", "ticket-1", tk)
			if code, h, _ := post(t, srv, "/api/v1/tickets", "", "ticket-1", tk); code != 201 || h.Get("Idempotent-Replayed") != "true" {
				t.Fatalf("ticket replay: %d %v", code, h)
			}
		})
	}
}
