package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/config"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/demo"
)

// practiceCall is one JSON request of the practice test.
func practiceCall(t *testing.T, srv *httptest.Server, method, path, token, key string, body any) (int, map[string]any) {
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
	return resp.StatusCode, m
}

// realFigures are the real database's counts of what a practice ticket
// could reach, and the month's dashboard and indicators as JSON.
func realFigures(t *testing.T, a *App) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	for _, table := range []string{"tickets", "ticket_events", "webhook_outbox", "webhook_deliveries", "citylink_forwards",
		"notifications", "evaluation_tickets", "evaluation_days", "ticket_helpers", "audit_log"} {
		var n int
		if err := a.DB.W.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		b, _ := json.Marshal(n)
		out[table] = string(b)
	}
	admin := auth.User{ID: "practice-test-admin", Role: auth.RoleAdmin}
	district, err := a.Gov.Area(ctx, demo.DistrictCode)
	if err != nil {
		t.Fatal(err)
	}
	dash, err := a.Evaluation.Dashboard(ctx, admin, district, a.Evaluation.MonthOf(time.Now(), 1))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(dash)
	out["dashboard"] = string(b)
	now := time.Now().In(clock.BusinessZone())
	m, err := a.Indicators.Compute(ctx, admin, time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, now.Location()))
	if err != nil {
		t.Fatal(err)
	}
	b, _ = json.Marshal(m)
	out["indicators"] = string(b)
	return out
}

// TestPracticeReachesNothing: a dispatcher who practises files and
// dispatches a ticket; she reads it while practising, the real database's
// counts, dashboard and indicators do not move, and once she stops the
// real server knows no such ticket.
func TestPracticeReachesNothing(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			cfg := config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Demo: true, BcryptCost: 4, AdminPassword: "lantern-river-42", NoWorker: true}
			if engine != "sqlite" {
				cfg.DB = dbtest.DSN(t, engine)
			}
			a, err := New(context.Background(), cfg, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { a.Close() })
			srv := httptest.NewServer(a.Handler)
			t.Cleanup(srv.Close)
			code, m := practiceCall(t, srv, "POST", "/api/v1/auth/token", "", "", map[string]string{"username": "demo-dispatcher", "password": "gongzhi-demo"})
			if code != 200 {
				t.Fatalf("login: %d %v", code, m)
			}
			tok := m["token"].(string)
			before := realFigures(t, a)

			if code, m := practiceCall(t, srv, "POST", "/api/v1/practice", tok, "practice-on", map[string]any{"on": true}); code != 200 || m["on"] != true {
				t.Fatalf("practice on: %d %v", code, m)
			}
			body := map[string]any{"kind": "complaint", "category_code": "0101", "description": "练习：楼下井盖缺失", "area_code": "110117001001", "reporter_phone": "13912345678"}
			code, m = practiceCall(t, srv, "POST", "/api/v1/tickets", tok, "practice-ticket", body)
			if code != 201 {
				t.Fatalf("file a ticket while practising: %d %v", code, m)
			}
			number, _ := m["number"].(string)
			if len(number) != 15 || number[8] != '9' {
				t.Fatalf("a practice ticket's number %q is not of the sandbox's node", number)
			}
			one := "/api/v1/tickets/" + number
			// The seeded dispatch catalogue dispatched it on filing; the
			// dispatcher sends it to another unit by hand.
			act, to := "dispatch", map[string]any{"org_code": "110117-D01"}
			if m["status"] == "dispatched" {
				act, to = "redispatch", map[string]any{"org_code": "110117-D15", "note": "练习改派"}
			}
			code, m = practiceCall(t, srv, "POST", one+"/actions/"+act, tok, "practice-dispatch", to)
			if code != 200 {
				t.Fatalf("dispatch while practising: %d %v", code, m)
			}
			if code, m := practiceCall(t, srv, "GET", one, tok, "", nil); code != 200 || m["number"] != number {
				t.Fatalf("read the practice ticket: %d %v", code, m)
			}
			sb, err := a.Sandbox(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			var n int
			if err := sb.DB.W.QueryRow(`SELECT COUNT(*) FROM ticket_events WHERE ticket_number = $1`, number).Scan(&n); err != nil || n < 3 {
				t.Fatalf("the sandbox's events of the ticket: %d %v", n, err)
			}

			if after := realFigures(t, a); !reflect.DeepEqual(before, after) {
				for k := range before {
					if before[k] != after[k] {
						t.Errorf("%s moved while practising:\nbefore %s\nafter  %s", k, before[k], after[k])
					}
				}
			}

			if code, m := practiceCall(t, srv, "POST", "/api/v1/practice", tok, "practice-off", map[string]any{"on": false}); code != 200 || m["on"] != false {
				t.Fatalf("practice off: %d %v", code, m)
			}
			if code, _ := practiceCall(t, srv, "GET", one, tok, "", nil); code != 404 {
				t.Fatalf("the practice ticket on the real server: %d, want 404", code)
			}
			// The same ticket filed for real is counted: the figures above
			// would have seen it.
			if code, m := practiceCall(t, srv, "POST", "/api/v1/tickets", tok, "real-ticket", body); code != 201 {
				t.Fatalf("file a real ticket: %d %v", code, m)
			}
			if real := realFigures(t, a); real["tickets"] == before["tickets"] || real["ticket_events"] == before["ticket_events"] {
				t.Fatalf("a real ticket is not counted: %s tickets, %s events", real["tickets"], real["ticket_events"])
			}
		})
	}
}

var practiceCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// TestPracticeWeb: the account page offers practice; once on, the pages
// come from the sandbox with the banner, and the account page's button
// (served by the real server) switches it off.
func TestPracticeWeb(t *testing.T) {
	a := newTestApp(t, func(c *config.Config) { c.Demo = true })
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar}
	page := func(method, path string, form url.Values) string {
		t.Helper()
		var resp *http.Response
		var err error
		if method == "POST" {
			resp, err = hc.PostForm(srv.URL+path, form)
		} else {
			resp, err = hc.Get(srv.URL + path)
		}
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
		}
		return string(b)
	}
	token := func(body string) string {
		t.Helper()
		m := practiceCSRF.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no form token")
		}
		return m[1]
	}
	body := page("GET", "/staff/login", nil)
	page("POST", "/staff/login", url.Values{"csrf": {token(body)}, "username": {"demo-dispatcher"}, "password": {"gongzhi-demo"}})
	body = page("GET", "/staff/account", nil)
	if !strings.Contains(body, "进入练习模式") || strings.Contains(body, "practice-banner") {
		t.Fatalf("the account page before practice: %s", body)
	}
	body = page("POST", "/staff/practice", url.Values{"csrf": {token(body)}, "on": {"1"}})
	if !strings.Contains(body, "practice-banner") || !strings.Contains(body, "退出练习模式") {
		t.Fatalf("the account page while practising: %s", body)
	}
	if body := page("GET", "/staff", nil); !strings.Contains(body, "practice-banner") {
		t.Fatalf("the workbench while practising has no banner")
	}
	body = page("POST", "/staff/practice", url.Values{"csrf": {token(body)}})
	if strings.Contains(body, "practice-banner") || !strings.Contains(body, "进入练习模式") {
		t.Fatalf("the account page after practice: %s", body)
	}
}
