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
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/config"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

func newServer(t *testing.T, engine string) *httptest.Server {
	t.Helper()
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Demo: true, BcryptCost: 4, AdminPassword: "admin-pass-123"}
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
	return srv
}

func post(t *testing.T, srv *httptest.Server, path, token, key string, body any) (int, http.Header, map[string]any) {
	t.Helper()
	j, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", srv.URL+path, bytes.NewReader(j))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	json.Unmarshal(raw, &m)
	return resp.StatusCode, resp.Header, m
}

func get(t *testing.T, srv *httptest.Server, path, token string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest("GET", srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	return m
}

func login(t *testing.T, srv *httptest.Server, user string) string {
	t.Helper()
	code, _, m := post(t, srv, "/api/v1/auth/token", "", "", map[string]string{"username": user, "password": "gongzhi-demo"})
	if code != 200 {
		t.Fatalf("login %s: %d %v", user, code, m)
	}
	return m["token"].(string)
}

func TestIdempotencyKey(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			srv := newServer(t, engine)
			agent := login(t, srv, "demo-agent")
			handler := login(t, srv, "demo-handler")
			body := map[string]any{"kind": "complaint", "category_code": "0101", "description": "楼下井盖缺失", "area_code": "110117001001", "reporter_phone": "13912345678"}

			// Concurrent twins and later retries all get the one ticket.
			var wg sync.WaitGroup
			numbers := make([]string, 6)
			for i := range numbers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					code, _, m := post(t, srv, "/api/v1/tickets", agent, "submit-1", body)
					if code == 201 {
						numbers[i], _ = m["number"].(string)
					} else if code != 409 { // a twin still in flight may be told to retry
						t.Errorf("twin %d: %d %v", i, code, m)
					}
				}()
			}
			wg.Wait()
			code, h, m := post(t, srv, "/api/v1/tickets", agent, "submit-1", body)
			if code != 201 || h.Get("Idempotent-Replayed") != "true" {
				t.Fatalf("retry: %d %v %v", code, h, m)
			}
			first := m["number"].(string)
			for _, n := range numbers {
				if n != "" && n != first {
					t.Fatalf("twins made two tickets: %v", numbers)
				}
			}
			list := get(t, srv, "/api/v1/tickets?limit=100", agent)
			if n := len(list["items"].([]any)); n != 1 {
				t.Fatalf("%d tickets after retries, want 1", n)
			}
			// The same key for another body is refused.
			other := map[string]any{"kind": "complaint", "category_code": "0101", "description": "另一件事", "area_code": "110117001001", "reporter_phone": "13912345678"}
			if code, _, m := post(t, srv, "/api/v1/tickets", agent, "submit-1", other); code != 409 {
				t.Fatalf("key reuse: %d %v", code, m)
			}
			// Keys are per caller: another caller's same key is a new request.
			if code, _, _ := post(t, srv, "/api/v1/tickets", "", "submit-1", body); code != 201 {
				t.Fatalf("anonymous with the same key: %d", code)
			}
			// An action retried returns the first answer and appends one event.
			for i := 0; i < 3; i++ {
				if code, _, m := post(t, srv, "/api/v1/tickets/"+first+"/actions/sign", handler, "sign-1", map[string]any{}); code != 200 {
					t.Fatalf("sign retry %d: %d %v", i, code, m)
				}
			}
			events := get(t, srv, "/api/v1/tickets/"+first+"/events", handler)
			if n := len(events["items"].([]any)); n != 3 {
				t.Fatalf("events after retried sign: %d, want 3 (create, dispatch, sign)", n)
			}
			if code, _, _ := post(t, srv, "/api/v1/tickets", agent, strings.Repeat("k", 200), body); code != 400 {
				t.Fatalf("overlong key: %d", code)
			}
		})
	}
}

func TestRateLimits(t *testing.T) {
	srv := newServer(t, "sqlite")
	body := map[string]any{"category_code": "0101", "description": "路灯不亮", "area_code": "110117001001", "reporter_phone": "13700000000"}
	for i := 0; i < 10; i++ {
		if code, _, m := post(t, srv, "/api/v1/tickets", "", "", body); code != 201 {
			t.Fatalf("submission %d: %d %v", i, code, m)
		}
	}
	code, h, m := post(t, srv, "/api/v1/tickets", "", "", body)
	if code != 429 || m["error"].(map[string]any)["code"] != "too_many_requests" {
		t.Fatalf("11th submission from one phone in an hour: %d %v", code, m)
	}
	// A tenth of the hour's ten refills one: about six minutes.
	if wait, err := strconv.Atoi(h.Get("Retry-After")); err != nil || wait < 300 || wait > 360 {
		t.Fatalf("Retry-After %q for the phone's limit", h.Get("Retry-After"))
	}
	// Staff entering calls are not limited.
	agent := login(t, srv, "demo-agent")
	if code, _, m := post(t, srv, "/api/v1/tickets", agent, "", body); code != 201 {
		t.Fatalf("agent: %d %v", code, m)
	}
	// One-time codes: per phone once a minute, per address 20 a minute.
	post(t, srv, "/api/v1/auth/code", "", "", map[string]string{"phone": "13600000000"})
	if code, h, m := post(t, srv, "/api/v1/auth/code", "", "", map[string]string{"phone": "13600000000"}); code != 429 || h.Get("Retry-After") != "60" {
		t.Fatalf("a second code for one phone within a minute: %d %v %v", code, h, m)
	}
	limited := false
	for i := 0; i < 25 && !limited; i++ {
		code, _, _ := post(t, srv, "/api/v1/auth/code", "", "", map[string]string{"phone": fmt.Sprintf("139000000%02d", i)})
		limited = code == 429
	}
	if !limited {
		t.Fatal("25 code requests from one address were all accepted")
	}
}

// TestSubmitQuotaIsTheSubmitters: refused submissions spend no one's quota,
// and a logged-in resident's quota is her account's, which guests typing her
// phone cannot spend.
func TestSubmitQuotaIsTheSubmitters(t *testing.T) {
	srv := newServer(t, "sqlite")
	const phone = "13700000001"
	valid := map[string]any{"category_code": "0101", "description": "路灯不亮", "area_code": "110117001001", "reporter_phone": phone}
	junk := []map[string]any{
		{"category_code": "0101", "area_code": "110117001001", "reporter_phone": phone},                                             // no description
		{"category_code": "9999", "description": "x", "area_code": "110117001001", "reporter_phone": phone},                         // no such category
		{"category_code": "0101", "description": "x", "area_code": "110117999999", "reporter_phone": phone},                         // no such area
		{"category_code": "0101", "description": "x", "area_code": "110117001001", "reporter_phone": phone, "urgency": "emergency"}, // not a resident's to say
	}
	for i := 0; i < 12; i++ {
		if code, _, m := post(t, srv, "/api/v1/tickets", "", "", junk[i%len(junk)]); code != 400 {
			t.Fatalf("junk %d: %d %v", i, code, m)
		}
	}
	if code, _, m := post(t, srv, "/api/v1/tickets", "", "", valid); code != 201 {
		t.Fatalf("her submission after 12 refused ones with her phone: %d %v", code, m)
	}
	// Strangers fill the guest quota of her phone with accepted submissions…
	for i := 0; i < 9; i++ {
		if code, _, m := post(t, srv, "/api/v1/tickets", "", "", valid); code != 201 {
			t.Fatalf("guest submission %d: %d %v", i, code, m)
		}
	}
	if code, _, _ := post(t, srv, "/api/v1/tickets", "", "", valid); code != 429 {
		t.Fatalf("11th guest submission with one phone: %d", code)
	}
	// …but she, logged in, submits on her account's own quota, ten an hour,
	// whatever phone she gives.
	tok := residentToken(t, srv, phone)
	mine := map[string]any{"category_code": "0101", "description": "楼道灯坏了", "area_code": "110117001001"}
	for i := 0; i < 10; i++ {
		if i%2 == 1 {
			mine["reporter_phone"] = fmt.Sprintf("136000000%02d", i)
		}
		if code, _, m := post(t, srv, "/api/v1/tickets", tok, "", mine); code != 201 {
			t.Fatalf("her own submission %d: %d %v", i, code, m)
		}
	}
	if code, _, _ := post(t, srv, "/api/v1/tickets", tok, "", mine); code != 429 {
		t.Fatalf("11th submission by one account: %d", code)
	}
}

// TestGridWorkerFilesInHerArea: a location alone does not place a grid
// worker's report; she names her community.
func TestGridWorkerFilesInHerArea(t *testing.T) {
	srv := newServer(t, "sqlite")
	grid := login(t, srv, "demo-grid")
	far := map[string]any{"category_code": "0101", "description": "井盖缺失", "lat": 39.9042, "lng": 116.4074}
	code, _, m := post(t, srv, "/api/v1/tickets", grid, "", far)
	e, _ := m["error"].(map[string]any)
	if code != 403 || e["code"] != "forbidden" || e["message"] == "" || e["message_en"] == "" {
		t.Fatalf("a location outside her grid and no area: %d %v", code, m)
	}
	far["area_code"] = "110117002001"
	if code, _, m := post(t, srv, "/api/v1/tickets", grid, "", far); code != 403 {
		t.Fatalf("another community: %d %v", code, m)
	}
	here := map[string]any{"category_code": "0101", "description": "井盖缺失", "area_code": "110117001001", "lat": 40.14, "lng": 117.12}
	if code, _, m := post(t, srv, "/api/v1/tickets", grid, "", here); code != 201 {
		t.Fatalf("in her community: %d %v", code, m)
	}
}

func send(t *testing.T, srv *httptest.Server, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	j, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, srv.URL+path, bytes.NewReader(j))
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

func TestTimeLimitsAndExceptions(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			srv := newServer(t, engine)
			code, _, m := post(t, srv, "/api/v1/auth/token", "", "", map[string]string{"username": "admin", "password": "admin-pass-123"})
			if code != 200 {
				t.Fatalf("admin login: %d", code)
			}
			admin := m["token"].(string)
			dispatcher := login(t, srv, "demo-dispatcher")
			handler := login(t, srv, "demo-handler")

			_, before := send(t, srv, "GET", "/api/v1/timelimits", dispatcher, nil)
			lines := len(before["items"].([]any))
			line := map[string]any{"category_code": "0101", "urgency": "urgent", "sign": "1h", "contact": "4h", "complete": "1d"}
			if code, _ := send(t, srv, "PUT", "/api/v1/timelimits", dispatcher, line); code != 403 {
				t.Fatalf("dispatcher sets limits: %d", code)
			}
			if code, m := send(t, srv, "PUT", "/api/v1/timelimits", admin, line); code != 200 {
				t.Fatalf("admin sets limits: %d %v", code, m)
			}
			if code, _ := send(t, srv, "PUT", "/api/v1/timelimits", admin, with(line, "sign", "soon")); code != 400 {
				t.Fatalf("bad limit: %d", code)
			}
			if code, _ := send(t, srv, "DELETE", "/api/v1/timelimits?urgency=normal", admin, nil); code != 400 {
				t.Fatalf("delete the default: %d", code)
			}
			code, m = send(t, srv, "GET", "/api/v1/timelimits", dispatcher, nil)
			if code != 200 || len(m["items"].([]any)) != lines+1 {
				t.Fatalf("limits: %d %v", code, m)
			}
			if code, _ := send(t, srv, "DELETE", "/api/v1/timelimits?category_code=0101&urgency=urgent", admin, nil); code != 204 {
				t.Fatalf("delete a line: %d", code)
			}

			// A unit hands a ticket back; the dispatcher sends it to the right one.
			code, _, tk := post(t, srv, "/api/v1/tickets", "", "", map[string]any{"category_code": "0101", "description": "小区里有人私搭乱建",
				"area_code": "110117001001", "reporter_phone": "13911110000"})
			if code != 201 {
				t.Fatalf("submit: %d %v", code, tk)
			}
			n := tk["number"].(string)
			if code, m := send(t, srv, "POST", "/api/v1/tickets/"+n+"/actions/return", handler, map[string]any{"reason": "not_our_duty", "note": "违建归城管执法"}); code != 200 || m["status"] != "returned" {
				t.Fatalf("return: %d %v", code, m)
			}
			code, m = send(t, srv, "GET", "/api/v1/tickets?status=returned", dispatcher, nil)
			if code != 200 || len(m["items"].([]any)) != 1 {
				t.Fatalf("returned list: %d %v", code, m)
			}
			if code, m := send(t, srv, "POST", "/api/v1/tickets/"+n+"/actions/approve_return", dispatcher, map[string]any{"org_code": "110117-D15"}); code != 200 || m["assigned_org_code"] != "110117-D15" {
				t.Fatalf("approve return: %d %v", code, m)
			}
			for _, q := range []string{"light=blue", "overdue=maybe", "part=everything"} {
				if code, _ := send(t, srv, "GET", "/api/v1/tickets?"+q, handler, nil); code != 400 {
					t.Fatalf("%s: %d", q, code)
				}
			}
			if code, m := send(t, srv, "GET", "/api/v1/notifications", dispatcher, nil); code != 200 || len(m["items"].([]any)) == 0 {
				t.Fatalf("dispatcher notifications: %d %v", code, m)
			}
		})
	}
}

func with(m map[string]any, k string, v any) map[string]any {
	out := map[string]any{}
	for kk, vv := range m {
		out[kk] = vv
	}
	out[k] = v
	return out
}
