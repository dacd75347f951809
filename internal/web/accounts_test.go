package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

// loginPost posts the staff login form of a fresh page and answers the
// status, the Retry-After header and the page.
func loginPost(t *testing.T, c *client, username, password string) (int, string, string) {
	t.Helper()
	_, page := c.get("/staff/login")
	req, _ := http.NewRequest("POST", c.srv.URL+"/staff/login", strings.NewReader(url.Values{"csrf": {csrf(t, page)},
		"username": {username}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Retry-After"), string(body)
}

func TestStaffLoginLimit(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			a := newAppOn(t, engine)
			srv := httptest.NewServer(a.Handler)
			defer srv.Close()
			c := newClient(t, srv)
			for i := range 5 {
				if status, _, _ := loginPost(t, c, "demo-handler", "wrong-password-1"); status != 401 {
					t.Fatalf("wrong password %d: %d", i, status)
				}
			}
			status, retry, body := loginPost(t, c, "demo-handler", "gongzhi-demo")
			if status != 429 || retry == "" {
				t.Fatalf("the right password after 5 wrong ones: %d, Retry-After %q", status, retry)
			}
			mustContain(t, body, "已暂时锁定")

			admin := staffLogin(t, srv, "admin", "lantern-river-42")
			_, page := admin.get("/staff/users")
			mustContain(t, page, "登录已锁定至", "解锁")
			u, err := a.Auth.UserByUsername(context.Background(), "demo-handler")
			if err != nil {
				t.Fatal(err)
			}
			_, body = admin.post("/staff/users/"+u.ID+"/unlock", url.Values{"csrf": {csrf(t, page)}})
			mustContain(t, body, "账号已解锁")
			if status, _, _ := loginPost(t, c, "demo-handler", "gongzhi-demo"); status != 200 {
				t.Fatalf("after unlock: %d", status)
			}

			// Per address: 5 failures so far from 127.0.0.1, 15 more.
			other := newClient(t, srv)
			for i := range 15 {
				if status, _, _ := loginPost(t, other, fmt.Sprintf("nobody-%d", i), "wrong-password-1"); status != 401 {
					t.Fatalf("unknown name %d: %d", i, status)
				}
			}
			status, retry, body = loginPost(t, other, "demo-agent", "gongzhi-demo")
			if status != 429 || retry == "" {
				t.Fatalf("a locked address: %d, Retry-After %q", status, retry)
			}
			mustContain(t, body, "此网络地址登录失败次数过多")
		})
	}
}
