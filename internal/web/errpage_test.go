package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/limit"
	"github.com/gongzhi/gongzhi/internal/web"
)

// TestNotFoundPage: an unknown path of the site answers 404 with the site's
// page in the visitor's language; the API and Open311 keep their own
// answers, and a POST to nowhere gets a plain 404.
func TestNotFoundPage(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	c := newClient(t, srv)
	status, body := c.get("/no/such/page")
	if status != 404 {
		t.Fatalf("unknown path: %d", status)
	}
	mustContain(t, body, "页面不存在", "您要找的页面不存在", `href="/submit"`, `href="/track"`, `class="btn primary" href="/"`, "12345", `lang="zh-CN"`)
	mustLack(t, body, "404 page not found")
	c.get("/lang?to=en&back=/")
	_, body = c.get("/nowhere")
	mustContain(t, body, "Page not found", "Back to home", `lang="en"`)
	_, body = c.get("/staff/nowhere")
	mustContain(t, body, "Page not found", `href="/staff"`)

	status, body = c.get("/api/v1/nowhere")
	if status != 404 || !strings.HasPrefix(strings.TrimSpace(body), "{") {
		t.Errorf("API unknown path: %d %q, want its JSON 404", status, body)
	}
	status, body = c.post("/no/such/page", nil)
	if status != 404 || strings.Contains(body, "<html") {
		t.Errorf("POST to an unknown path: %d %q, want a plain 404", status, body)
	}
	// The pages the routes know still answer.
	for _, p := range []string{"/", "/submit", "/track", "/public", "/staff/login"} {
		if status, _ := c.get(p); status != 200 {
			t.Errorf("%s: %d", p, status)
		}
	}
}

// TestInternalErrorPage: the page the server answers with when a handler
// panics, in the site's look and the visitor's language.
func TestInternalErrorPage(t *testing.T) {
	a := newApp(t)
	w, err := web.New(web.Deps{Auth: a.Auth, Tickets: a.Tickets, Gov: a.Gov, KB: a.KB, Limits: limit.Defaults(), Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ lang, want string }{{"zh", "系统内部出错"}, {"en", "An internal error stopped this page"}} {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/tickets/123", nil)
		r.AddCookie(&http.Cookie{Name: "lang", Value: c.lang})
		w.InternalError(rec, r)
		body := rec.Body.String()
		if rec.Code != 500 || !strings.Contains(rec.Header().Get("Content-Type"), "text/html") {
			t.Fatalf("%s: %d %s", c.lang, rec.Code, rec.Header().Get("Content-Type"))
		}
		mustContain(t, body, c.want, `class="card errpage"`, `/static/style.css`, `href="tel:12345"`)
	}
}

// TestElderlyModeFollowsTheAccount: the switch is a large button on the home
// page and in the header; a resident's choice is kept on her account and
// comes to a new device when she logs in there.
func TestElderlyModeFollowsTheAccount(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	guest := newClient(t, srv)
	_, home := guest.get("/")
	mustContain(t, home, `class="btn bigbtn" href="/big?on=1&amp;back=/"`, "切换到长辈版（大字）", `class="bigswitch" href="/big?on=1`)
	_, home = guest.get("/big?on=1&back=/")
	mustContain(t, home, `<body class="big`, "返回标准版")

	phone := "13700137000"
	first := residentLogin(t, srv, phone)
	if _, page := first.get("/my"); strings.Contains(page, `<body class="big`) {
		t.Fatal("the elderly mode is on before anyone chose it")
	}
	first.get("/big?on=1&back=/my")
	// A code may be asked for once a minute: the earlier ones are made older.
	age := func() {
		if _, err := a.DB.W.ExecContext(t.Context(), `UPDATE otp_codes SET created_at = created_at - 120000 WHERE phone = $1`, phone); err != nil {
			t.Fatal(err)
		}
	}
	age()
	second := residentLogin(t, srv, phone)
	if _, page := second.get("/my"); !strings.Contains(page, `<body class="big`) {
		t.Fatal("the account's elderly mode did not come to the new device")
	}
	second.get("/big?on=0&back=/my")
	age()
	third := residentLogin(t, srv, phone)
	if _, page := third.get("/my"); strings.Contains(page, `<body class="big`) {
		t.Fatal("the elderly mode stayed on the account after she turned it off")
	}
}
