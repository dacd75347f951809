package api_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/config"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/webhook"
)

func TestWebhooksAPI(t *testing.T) {
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
			_, _, am := post(t, srv, "/api/v1/auth/token", "", "", map[string]string{"username": "admin", "password": "lantern-river-42"})
			admin := am["token"].(string)
			handler := login(t, srv, "demo-handler") // 滨河街道办事处
			dept := login(t, srv, "demo-handler-dept")
			dispatcher := login(t, srv, "demo-dispatcher")

			// Bad input and other units' subscriptions get clear, bilingual errors.
			for _, c := range []struct {
				token string
				body  map[string]any
				code  int
				en    string
			}{
				{dispatcher, map[string]any{"org_code": "110117001-SO", "url": "https://example.org/h", "events": []string{"*"}}, 403, "handler of 110117001-SO"},
				{handler, map[string]any{"org_code": "110117-D01", "url": "https://example.org/h", "events": []string{"*"}}, 403, "administrator"},
				{handler, map[string]any{"url": "http://127.0.0.1:9/h", "events": []string{"*"}}, 400, "non-public"},
				{handler, map[string]any{"url": "https://u:p@example.org/h", "events": []string{"*"}}, 400, "credentials"},
				{handler, map[string]any{"url": "gopher://example.org/h", "events": []string{"*"}}, 400, "http://"},
				{handler, map[string]any{"url": "https://example.org/" + strings.Repeat("x", 490), "events": []string{"*"}}, 400, "500"},
				{handler, map[string]any{"url": "https://example.org/h", "events": []string{"signed"}}, 400, "unknown event kind"},
				{handler, map[string]any{"url": "https://example.org/h"}, 400, "events is required"},
				{handler, map[string]any{"url": 7}, 400, "wrong type"},
				{"", map[string]any{"url": "https://example.org/h", "events": []string{"*"}}, 401, "log in"},
			} {
				code, m := send(t, srv, "POST", "/api/v1/webhooks", c.token, c.body)
				e, _ := m["error"].(map[string]any)
				if code != c.code || e == nil || !strings.Contains(e["message_en"].(string), c.en) || e["message"] == "" {
					t.Errorf("%v: %d %v, want %d %q", c.body, code, m, c.code, c.en)
				}
			}

			code, made := send(t, srv, "POST", "/api/v1/webhooks", handler, map[string]any{"url": "https://hooks.example.org/binhe", "events": []string{"dispatch", "sign"}})
			secret, _ := made["secret"].(string)
			if code != 201 || !strings.HasPrefix(secret, "whsec_") || made["org_code"] != "110117001-SO" || made["active"] != true {
				t.Fatalf("create: %d %v", code, made)
			}
			id := made["id"].(string)
			code, deptHook := send(t, srv, "POST", "/api/v1/webhooks", admin, map[string]any{"org_code": "110117-D01", "url": "https://hooks.example.org/cg", "events": []string{"*"}})
			if code != 201 {
				t.Fatalf("admin creates for a department: %d %v", code, deptHook)
			}
			code, l := send(t, srv, "GET", "/api/v1/webhooks", handler, nil)
			items, _ := l["items"].([]any)
			if code != 200 || len(items) != 1 {
				t.Fatalf("handler's list: %d %v", code, l)
			}
			if it := items[0].(map[string]any); it["secret"] != nil || !strings.HasPrefix(secret, it["secret_prefix"].(string)) {
				t.Fatalf("the list shows the secret: %v", it)
			}
			if code, l := send(t, srv, "GET", "/api/v1/webhooks", admin, nil); code != 200 || len(l["items"].([]any)) != 2 {
				t.Fatalf("admin's list: %d %v", code, l)
			}
			if code, _ := send(t, srv, "GET", "/api/v1/webhooks?org_code=110117-D01", handler, nil); code != 403 {
				t.Fatalf("handler lists a department's: %d", code)
			}
			if code, _ := send(t, srv, "DELETE", "/api/v1/webhooks/"+deptHook["id"].(string), handler, nil); code != 403 {
				t.Fatalf("handler deletes a department's: %d", code)
			}
			if code, m := send(t, srv, "PATCH", "/api/v1/webhooks/"+id, handler, map[string]any{}); code != 400 {
				t.Fatalf("patch without active: %d %v", code, m)
			}
			if code, m := send(t, srv, "PATCH", "/api/v1/webhooks/"+id, handler, map[string]any{"active": false}); code != 200 || m["active"] != false {
				t.Fatalf("pause: %d %v", code, m)
			}

			// The delivery log, filled by a worker allowed to reach this test's receiver.
			got := 0
			rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				got++
				w.WriteHeader(http.StatusInternalServerError)
				w.Write([]byte("down for maintenance"))
			}))
			t.Cleanup(rc.Close)
			worker := webhook.New(a.DB, a.Clock, slog.New(slog.DiscardHandler), webhook.Options{AllowPrivate: true})
			u, err := a.Auth.Authenticate(context.Background(), dept, "api")
			if err != nil {
				t.Fatal(err)
			}
			local, err := worker.Create(context.Background(), u.User, webhook.NewWebhook{URL: rc.URL, Events: []string{"*"}})
			if err != nil {
				t.Fatal(err)
			}
			if code, _, m := post(t, srv, "/api/v1/tickets", login(t, srv, "demo-agent"), "", map[string]any{"kind": "complaint", "category_code": "0105",
				"description": "人行道地砖破损", "area_code": "110117001001", "reporter_phone": "13912345678"}); code != 201 || m["assigned_org_code"] != "110117-D01" {
				t.Fatalf("ticket for the department: %d %v", code, m)
			}
			if _, err := worker.RunOnce(context.Background()); err != nil {
				t.Fatal(err)
			}
			code, log := send(t, srv, "GET", "/api/v1/webhooks/"+local.ID+"/deliveries?limit=10", dept, nil)
			entries, _ := log["items"].([]any)
			if code != 200 || len(entries) != 2 || got != 1 {
				t.Fatalf("log: %d %v (receiver got %d)", code, log, got)
			}
			first := entries[1].(map[string]any)
			if first["status"] != "pending" || first["attempts"] != float64(1) || first["status_code"] != float64(500) ||
				first["response"] != "down for maintenance" || first["last_error"] != "HTTP 500" || first["next_at"] == nil {
				t.Fatalf("log entry %v", first)
			}
			if code, _ := send(t, srv, "GET", "/api/v1/webhooks/"+local.ID+"/deliveries", handler, nil); code != 403 {
				t.Fatalf("another unit's log: %d", code)
			}
			if code, _ := send(t, srv, "GET", "/api/v1/webhooks/"+local.ID+"/deliveries?limit=x", dept, nil); code != 400 {
				t.Fatalf("bad limit: %d", code)
			}
			if code, _ := send(t, srv, "DELETE", "/api/v1/webhooks/"+id, handler, nil); code != 204 {
				t.Fatalf("delete: %d", code)
			}
			if code, _ := send(t, srv, "GET", "/api/v1/webhooks/"+id+"/deliveries", handler, nil); code != 404 {
				t.Fatalf("deleted hook's log: %d", code)
			}
		})
	}
}
