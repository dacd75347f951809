package web_test

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

// TestControlCharactersRefused: a NUL or another control character in a
// form or query value is a clear 400 in both languages on every page, on
// both engines (PostgreSQL answered 500 for a NUL in the login username);
// a multi-line description keeps its line breaks.
func TestControlCharactersRefused(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			a := newAppOn(t, engine)
			srv := httptest.NewServer(a.Handler)
			defer srv.Close()
			c := newClient(t, srv)
			want400 := func(what string, status int, body string) {
				t.Helper()
				if status != 400 || !strings.Contains(body, "控制字符") {
					t.Errorf("%s: %d\n%s", what, status, body)
				}
			}
			_, page := c.get("/staff/login")
			status, body := c.post("/staff/login", url.Values{"csrf": {csrf(t, page)}, "username": {"demo-agent\x00"}, "password": {"gongzhi-demo"}})
			want400("login username", status, body)

			_, page = c.get("/submit")
			form := url.Values{"csrf": {csrf(t, page)}, "category_code": {"0101"}, "community": {"110117001001"}, "address": {"金谷东园3号楼"},
				"description": {"路灯坏了\x00"}, "reporter_phone": {"13900001111"}}
			status, body = c.post("/submit", form)
			want400("description", status, body)
			form.Set("description", "路灯坏了\x1b[2J")
			status, body = c.post("/submit", form)
			want400("description with ESC", status, body)
			status, body = c.get("/track?number=2026%00")
			want400("query value", status, body)

			form.Set("description", "路灯坏了\r\n第二行\t完")
			if status, body = c.post("/submit", form); status >= 400 {
				t.Errorf("multi-line description refused: %d\n%s", status, body)
			}

			// In English the message is English.
			c.get("/lang?to=en&back=/submit")
			_, page = c.get("/staff/login")
			status, body = c.post("/staff/login", url.Values{"csrf": {csrf(t, page)}, "username": {"demo-agent\x00"}, "password": {"gongzhi-demo"}})
			if status != 400 || !strings.Contains(body, "control character") {
				t.Errorf("English: %d\n%s", status, body)
			}
		})
	}
}
