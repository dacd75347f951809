package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

var (
	kioskKeyRE  = regexp.MustCompile(`<code>([A-Za-z0-9_-]+)</code>`)
	kioskCodeRE = regexp.MustCompile(`id="demo-code">[^<]*<strong>(\d+)</strong>`)
	receiptNoRE = regexp.MustCompile(`id="receipt-number">(\d+)<`)
)

// kioskTerminal registers a terminal as the administrator and enrols a new
// browser with its key; it returns the admin's client and the terminal's.
func kioskTerminal(t *testing.T, srv *httptest.Server, id string) (admin, term *client) {
	t.Helper()
	admin = staffLogin(t, srv, "admin", "lantern-river-42")
	_, page := admin.get("/staff/kiosks")
	status, page := admin.post("/staff/kiosks", url.Values{"csrf": {csrf(t, page)}, "id": {id}, "name": {"社区服务中心一号机"}, "place": {"金谷东园社区服务中心"}, "area_code": {"110117001001"}})
	m := kioskKeyRE.FindStringSubmatch(page)
	if status != 200 || m == nil {
		t.Fatalf("register: %d\n%s", status, page)
	}
	term = newClient(t, srv)
	_, page = term.get("/kiosk") // not enrolled: the enrolment page
	mustContain(t, page, `action="/kiosk/enrol"`)
	if status, page := term.post("/kiosk/enrol", url.Values{"csrf": {csrf(t, page)}, "key": {"wrong"}}); status != 401 {
		t.Fatalf("wrong key: %d\n%s", status, page)
	}
	status, page = term.post("/kiosk/enrol", url.Values{"csrf": {csrf(t, page)}, "key": {m[1]}})
	if status != 200 {
		t.Fatalf("enrol: %d\n%s", status, page)
	}
	mustContain(t, page, `id="kiosk-prompt"`, `class="big`, `action="/kiosk/code"`, "/static/kiosk.js")
	return admin, term
}

// kioskVisit logs a resident in on the terminal with a one-time code.
func kioskVisit(t *testing.T, term *client, phone string) string {
	t.Helper()
	_, page := term.get("/kiosk")
	tok := csrf(t, page)
	_, page = term.post("/kiosk/code", url.Values{"csrf": {tok}, "phone": {phone}})
	m := kioskCodeRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no code:\n%s", page)
	}
	status, page := term.post("/kiosk/login", url.Values{"csrf": {tok}, "phone": {phone}, "code": {m[1]}})
	if status != 200 {
		t.Fatalf("kiosk login: %d\n%s", status, page)
	}
	mustContain(t, page, `id="kiosk-end"`, `href="/submit"`)
	return page
}

// TestKioskVisit: a terminal enrolled with its key beats, a resident files
// in one visit and gets the receipt (number, masked phone only), her
// session is no longer remembered after the idle time (the server's bound),
// and the registry counts the visit and the ticket on the terminal.
func TestKioskVisit(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	admin, term := kioskTerminal(t, srv, "hall-1")
	if status, _ := term.get("/kiosk/beat"); status != http.StatusNoContent {
		t.Fatalf("beat: %d", status)
	}
	if status, _ := newClient(t, srv).get("/kiosk/beat"); status != 401 {
		t.Fatalf("beat of a browser not enrolled: %d", status)
	}
	page := kioskVisit(t, term, "13800138000")
	// The visit's session cookie is the browser's session's only.
	u, _ := url.Parse(srv.URL)
	for _, c := range term.hc.Jar.Cookies(u) {
		if c.Name == "gz_session" && !c.Expires.IsZero() {
			t.Fatal("the kiosk session is remembered")
		}
	}
	_, form := term.get("/submit")
	mustContain(t, form, "kiosk-prompt", "请逐项填写")
	status, page := term.post("/submit", url.Values{"csrf": {csrf(t, form)}, "description": {"楼道灯坏了，晚上看不见"}, "category_code": {"0304"},
		"community": {"110117001001"}})
	m := receiptNoRE.FindStringSubmatch(page)
	if status != 200 || m == nil {
		t.Fatalf("filing on the terminal: %d\n%s", status, page)
	}
	mustContain(t, page, "138****8000", `id="kiosk-print"`, "kiosk.css")
	if strings.Contains(page, "13800138000") {
		t.Fatal("the receipt shows the whole phone")
	}
	// Idle on the server: the visit's last input three minutes ago.
	if _, err := a.DB.W.Exec(`UPDATE kiosk_visits SET last_input = $1`, time.Now().Add(-3*time.Minute).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	_, page = term.get("/my")
	mustContain(t, page, "上一位的办理已结束", `action="/kiosk/code"`)
	if _, page = term.get("/my"); strings.Contains(page, "kiosk-end") {
		t.Fatal("the session outlived the idle visit")
	}
	// A visit ended by the resident logs the session out.
	page = kioskVisit(t, term, "13800138001")
	term.post("/kiosk/end", url.Values{"csrf": {csrf(t, page)}})
	if _, page = term.get("/kiosk"); !strings.Contains(page, `action="/kiosk/code"`) {
		t.Fatal("the ended visit is still logged in")
	}
	_, page = admin.get("/staff/kiosks")
	mustContain(t, page, "hall-1", "在线", "<td>2</td><td>1</td>")
	sup := staffLogin(t, srv, "demo-supervisor", "gongzhi-demo")
	_, page = sup.get("/staff/kiosks")
	mustContain(t, page, "hall-1")
	if strings.Contains(page, `method="post" action="/staff/kiosks"`) {
		t.Fatal("the supervisor is offered to register")
	}
	if status, _ := sup.post("/staff/kiosks", url.Values{"csrf": {csrf(t, page)}, "id": {"x-1"}, "name": {"x"}}); status != 403 {
		t.Fatalf("supervisor registers: %d", status)
	}
}

// TestKioskEnrolGuessesBounded: an address that keeps guessing enrolment
// keys is stopped at the look-ups' bound (30 in 10 minutes) with a 429 and
// Retry-After, and then not even the right key enrols from it.
func TestKioskEnrolGuessesBounded(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	admin := staffLogin(t, srv, "admin", "lantern-river-42")
	_, page := admin.get("/staff/kiosks")
	_, page = admin.post("/staff/kiosks", url.Values{"csrf": {csrf(t, page)}, "id": {"k-guess"}, "name": {"便民服务大厅一号机"}, "place": {"滨河街道便民服务大厅"}, "area_code": {"110117001"}})
	m := kioskKeyRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("register:\n%s", page)
	}
	term := newClient(t, srv)
	_, page = term.get("/kiosk")
	tok := csrf(t, page)
	for i := 0; i < 30; i++ {
		if status, _ := term.post("/kiosk/enrol", url.Values{"csrf": {tok}, "key": {"guess-" + string(rune('a'+i%26))}}); status != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i+1, status)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/kiosk/enrol", strings.NewReader(url.Values{"csrf": {tok}, "key": {m[1]}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := term.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Fatalf("31st try: %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
}
