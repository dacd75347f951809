package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// TestAuditorPages: the auditor logs in on the staff login, lands on the
// audit log and finds there, by the phone, the agent who looked a caller up
// on the console; every other staff page and API call refuses her, and
// other staff cannot open the audit log. On both engines.
func TestAuditorPages(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			a := newAppOn(t, engine)
			srv := httptest.NewServer(a.Handler)
			defer srv.Close()
			tk, err := a.Tickets.Create(context.Background(), nil, ticket.NewTicket{CategoryCode: "0101", AreaCode: "110117001001",
				Description: "楼道灯坏了", ReporterPhone: "13911114444"})
			if err != nil {
				t.Fatal(err)
			}

			// The admin makes an auditor on the users page: no area, no unit.
			admin := staffLogin(t, srv, "admin", "admin-pass-123")
			_, page := admin.get("/staff/users")
			mustContain(t, page, `<option value="auditor"`, "审计员")
			status, body := admin.post("/staff/users", url.Values{"csrf": {csrf(t, page)}, "username": {"shen.ji"}, "password": {"audit-passphrase-26"},
				"name": {"沈计"}, "role": {"auditor"}})
			if status != 200 || !strings.Contains(body, "shen.ji") {
				t.Fatalf("create auditor: %d\n%s", status, body)
			}

			// The agent looks the caller up on the console.
			agent := staffLogin(t, srv, "demo-agent", "gongzhi-demo")
			if _, body := agent.get("/staff/console?phone=13911114444"); !strings.Contains(body, tk.Number) {
				t.Fatal("the console did not find the caller's ticket")
			}
			var clear int
			a.DB.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE object LIKE '%13911114444%' OR detail LIKE '%13911114444%'`).Scan(&clear)
			if clear != 0 {
				t.Fatal("the caller's phone is in clear in the audit log")
			}

			aud := newClient(t, srv)
			_, page = aud.get("/staff/login")
			status, body = aud.post("/staff/login", url.Values{"csrf": {csrf(t, page)}, "username": {"shen.ji"}, "password": {"audit-passphrase-26"}})
			if status != 200 {
				t.Fatalf("auditor login: %d\n%s", status, body)
			}
			mustContain(t, body, "<h1>审计日志</h1>", `href="/staff/audit"`, "审计员")
			mustLack(t, body, `href="/staff/new"`, `href="/staff/console"`, `href="/staff/notifications"`)
			_, body = aud.get("/staff/audit?phone=" + url.QueryEscape("139 1111 4444"))
			mustContain(t, body, "demo-agent", "查看个人信息", "caller history")
			mustLack(t, body, ">"+"13911114444"+"<")
			_, body = aud.get("/staff/audit?actor=demo-agent&from=2000-01-01")
			mustContain(t, body, "demo-agent")
			if status, body := aud.get("/staff/audit?from=nonsense"); status != 400 || !strings.Contains(body, "时间格式") {
				t.Errorf("a bad date: %d", status)
			}
			// Paging: one entry a page, every page reachable by its link.
			_, body = aud.get("/staff/audit?limit=1")
			if !strings.Contains(body, "/staff/audit?cursor=") {
				t.Error("no next-page link")
			}

			// Nothing else is hers.
			for _, p := range []string{"/staff/new", "/staff/users", "/staff/dashboard", "/staff/unit", "/staff/console",
				"/staff/notifications", "/staff/tickets/" + tk.Number, "/staff/export?format=csv", "/staff/patrol",
				"/staff/rectifications", "/staff/timelimits", "/staff/apikeys", "/staff/public-settings", "/my",
				"/tickets/" + tk.Number} {
				status, body := aud.get(p)
				if status == 200 && !strings.Contains(body, "<h1>审计日志</h1>") {
					t.Errorf("auditor opens %s: %d", p, status)
				}
				if strings.Contains(body, "楼道灯坏了") {
					t.Errorf("auditor sees a ticket on %s", p)
				}
			}
			tok := apiToken(t, srv, "shen.ji", "audit-passphrase-26")
			for _, p := range []string{"/api/v1/tickets", "/api/v1/tickets/" + tk.Number, "/api/v1/callers/13911114444/tickets",
				"/api/v1/notifications", "/api/v1/tickets/export?format=csv", "/api/v1/users", "/api/v1/evaluation/rankings", "/api/v1/apikeys"} {
				// 404 for a ticket: like anyone outside the staff, she
				// does not learn that it exists.
				if code := apiGet(t, srv, tok, p); code != http.StatusForbidden && code != http.StatusNotFound {
					t.Errorf("auditor GET %s: %d, want 403 or 404", p, code)
				}
			}
			req, _ := http.NewRequest("POST", srv.URL+"/api/v1/tickets", strings.NewReader(
				`{"category_code":"0101","area_code":"110117001001","description":"审计员不能登记","reporter_phone":"13911115555"}`))
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("auditor files a ticket: %d", resp.StatusCode)
			}
			if code := apiGet(t, srv, tok, "/api/v1/audit?phone=13911114444"); code != 200 {
				t.Errorf("auditor GET /api/v1/audit: %d", code)
			}

			// Other staff cannot read the log.
			for _, user := range []string{"demo-agent", "demo-dispatcher", "demo-supervisor"} {
				c := staffLogin(t, srv, user, "gongzhi-demo")
				if status, _ := c.get("/staff/audit"); status != http.StatusForbidden {
					t.Errorf("%s opens the audit log: %d", user, status)
				}
				if code := apiGet(t, srv, apiToken(t, srv, user, "gongzhi-demo"), "/api/v1/audit"); code != http.StatusForbidden {
					t.Errorf("%s reads the audit log by API: %d", user, code)
				}
			}
			if _, body := admin.get("/staff/audit?actor=shen.ji"); !strings.Contains(body, "查询审计日志") {
				t.Error("the auditor's searches are not in the log the admin reads")
			}
		})
	}
}

func apiToken(t *testing.T, srv *httptest.Server, user, pass string) string {
	t.Helper()
	resp, err := http.Post(srv.URL+"/api/v1/auth/token", "application/json",
		strings.NewReader(fmt.Sprintf(`{"username":%q,"password":%q}`, user, pass)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v struct{ Token string }
	if err := jsonDecode(resp, &v); err != nil || v.Token == "" {
		t.Fatalf("token for %s: %d %v", user, resp.StatusCode, err)
	}
	return v.Token
}

func apiGet(t *testing.T, srv *httptest.Server, token, path string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func jsonDecode(resp *http.Response, v any) error { return json.NewDecoder(resp.Body).Decode(v) }
