package app_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/config"
	"github.com/gongzhi/gongzhi/internal/demo"
	"github.com/gongzhi/gongzhi/internal/errs"
)

type answer struct {
	status int
	header http.Header
	body   string
}

func call(t *testing.T, hc *http.Client, method, u, ctype, body string, hdr map[string]string) answer {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, string(b)}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// TestDiskFull fills the SQLite database (its writer may not grow the file
// past its present size: PRAGMA max_page_count, which fails the way a full
// disk does, with SQLITE_FULL) and checks every surface: the API answers 503
// with Retry-After and code unavailable, Open311 503, the web pages a 503
// page saying the service is unavailable, and /readyz 503. Given room
// again, all of them serve.
func TestDiskFull(t *testing.T) {
	ctx := context.Background()
	cfg := config.Default()
	cfg.Addr, cfg.DataDir, cfg.Demo, cfg.BcryptCost, cfg.AdminPassword = "127.0.0.1:0", t.TempDir(), true, 4, "lantern-river-42"
	a, err := app.New(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	hc := srv.Client()

	if r := call(t, hc, "GET", srv.URL+"/readyz", "", "", nil); r.status != 200 {
		t.Fatalf("readyz before the disk filled: %d %s", r.status, r.body)
	}
	// What needs a write before the disk fills: a token, an API key, a web form.
	var tok struct{ Token string }
	r := call(t, hc, "POST", srv.URL+"/api/v1/auth/token", "application/json", `{"username":"demo-agent","password":"gongzhi-demo"}`, nil)
	if json.Unmarshal([]byte(r.body), &tok); tok.Token == "" {
		t.Fatalf("login: %d %s", r.status, r.body)
	}
	admin, err := a.Auth.UserByUsername(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	svc, err := a.Auth.CreateUser(ctx, auth.System(), auth.NewUser{Username: "svc-open311", Password: "not-used-password-1", Name: "Open311",
		Role: auth.RoleHandler, OrgCode: demo.OrgHotline, AreaCode: demo.DistrictCode})
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := a.Auth.CreateAPIKey(ctx, admin, "app", svc.ID)
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	page := call(t, browser, "GET", srv.URL+"/submit", "", "", nil)
	m := csrfRE.FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("no form token on /submit: %d", page.status)
	}

	// Fill the database: no page may be added past the present size, and
	// the free pages are taken by a table of filler.
	w := a.DB.W
	if _, err := w.ExecContext(ctx, `CREATE TABLE filler (b BLOB)`); err != nil {
		t.Fatal(err)
	}
	var pages int
	if err := w.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := w.ExecContext(ctx, `PRAGMA max_page_count = `+strconv.Itoa(pages)); err != nil {
		t.Fatal(err)
	}
	full := false
	for range 100000 {
		if _, err := w.ExecContext(ctx, `INSERT INTO filler (b) VALUES (randomblob(1000))`); err != nil {
			if !strings.Contains(err.Error(), "full") {
				t.Fatalf("filling: %v", err)
			}
			if !errs.Is(errs.Wrap(err, "fill"), errs.Unavailable) {
				t.Fatalf("SQLITE_FULL is not an unavailable error: %v", errs.Wrap(err, "fill"))
			}
			full = true
			break
		}
	}
	if !full {
		t.Fatal("the database never filled")
	}

	// The API: submissions until one needs a new page; that one is a 503.
	ticket := `{"kind":"complaint","category_code":"0101","description":"磁盘已满时的提交","area_code":"110117001001","reporter_phone":"13912345678"}`
	failed := false
	for i := range 50 {
		r := call(t, hc, "POST", srv.URL+"/api/v1/tickets", "application/json", ticket, map[string]string{"Authorization": "Bearer " + tok.Token})
		if r.status == 201 {
			continue
		}
		if r.status != 503 || r.header.Get("Retry-After") != "5" || !strings.Contains(r.body, `"code":"unavailable"`) {
			t.Fatalf("API submission %d with the disk full: %d, Retry-After %q: %s", i, r.status, r.header.Get("Retry-After"), r.body)
		}
		failed = true
		break
	}
	if !failed {
		t.Fatal("50 submissions fitted in a full database")
	}
	if r := call(t, hc, "GET", srv.URL+"/readyz", "", "", nil); r.status != 503 {
		t.Errorf("readyz with the disk full: %d %s", r.status, r.body)
	}
	if err := a.DB.Ready(ctx, true); !errs.Is(err, errs.Unavailable) {
		t.Errorf("a fresh write probe with the disk full: %v", err)
	}

	// Open311: a server fault, not a bad request.
	form := url.Values{"api_key": {key}, "service_code": {"0101"}, "lat": {"40.14"}, "long": {"117.12"}, "description": {"磁盘已满时的 Open311 提交"}}
	// A request smaller than the API's (no phone, so no message to one) may
	// still fit in what a page has left: until one does not.
	for _, format := range []string{"json", "xml"} {
		for i := range 50 {
			r := call(t, hc, "POST", srv.URL+"/open311/v2/requests."+format, "application/x-www-form-urlencoded", form.Encode(), nil)
			if r.status == 201 && i < 49 {
				continue
			}
			if r.status != 503 || r.header.Get("Retry-After") != "5" {
				t.Errorf("Open311 %s with the disk full: %d, Retry-After %q: %s", format, r.status, r.header.Get("Retry-After"), r.body)
			}
			break
		}
	}

	// The web: the resident's form answers a page that says so, in 503.
	sub := url.Values{"csrf": {m[1]}, "kind": {"help"}, "category_code": {"0101"}, "description": {"磁盘已满时的网页提交"},
		"street": {"110117001"}, "community": {"110117001001"}, "reporter_name": {"李明"}, "reporter_phone": {"13900002222"}}
	r = call(t, browser, "POST", srv.URL+"/submit", "application/x-www-form-urlencoded", sub.Encode(), nil)
	if r.status != 503 || r.header.Get("Retry-After") != "5" || !strings.Contains(r.body, "服务暂时不可用") {
		t.Errorf("web submission with the disk full: %d, Retry-After %q:\n%s", r.status, r.header.Get("Retry-After"), r.body)
	}
	// In English for a visitor who chose it.
	u, _ := url.Parse(srv.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: "lang", Value: "en"}})
	r = call(t, browser, "POST", srv.URL+"/submit", "application/x-www-form-urlencoded", sub.Encode(), nil)
	if r.status != 503 || !strings.Contains(r.body, "service temporarily unavailable") {
		t.Errorf("web submission in English with the disk full: %d:\n%s", r.status, r.body)
	}

	// Room again: everything serves.
	if _, err := w.ExecContext(ctx, `PRAGMA max_page_count = 1073741823`); err != nil {
		t.Fatal(err)
	}
	if err := a.DB.Ready(ctx, true); err != nil {
		t.Fatalf("write probe after the disk was freed: %v", err)
	}
	r = call(t, hc, "POST", srv.URL+"/api/v1/tickets", "application/json", ticket, map[string]string{"Authorization": "Bearer " + tok.Token})
	if r.status != 201 {
		t.Fatalf("submission after the disk was freed: %d %s", r.status, r.body)
	}
	if r := call(t, hc, "GET", srv.URL+"/readyz", "", "", nil); r.status != 200 {
		t.Errorf("readyz after the disk was freed: %d %s", r.status, r.body)
	}
}
