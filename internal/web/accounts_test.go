package web_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/config"
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

var (
	tempPasswordRE = regexp.MustCompile(`<code id="temp-password" class="mono">([^<]+)</code>`)
	totpSecretRE   = regexp.MustCompile(`<code id="totp-secret" class="mono">([A-Z2-7]+)</code>`)
)

// totpNow is the RFC 6238 code (SHA-1, 6 digits, 30 s) of a base32 secret now.
func totpNow(t *testing.T, secret string) string {
	t.Helper()
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		t.Fatal(err)
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(time.Now().Unix()/30))
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	return fmt.Sprintf("%06d", binary.BigEndian.Uint32(sum[off:off+4])&0x7fffffff%1000000)
}

// An administrator resets a password; the account may then only change it;
// a staff member changes her password and turns on two-step login.
func TestStaffAccountPages(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			a := newAppOn(t, engine)
			srv := httptest.NewServer(a.Handler)
			defer srv.Close()
			before := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
			admin := staffLogin(t, srv, "admin", "lantern-river-42")
			_, page := admin.get("/staff/users")
			mustContain(t, page, "重置密码")
			u, err := a.Auth.UserByUsername(context.Background(), "demo-handler")
			if err != nil {
				t.Fatal(err)
			}
			status, body := admin.post("/staff/users/"+u.ID+"/reset", url.Values{"csrf": {csrf(t, page)}})
			m := tempPasswordRE.FindStringSubmatch(body)
			if status != 200 || m == nil {
				t.Fatalf("reset: %d\n%s", status, body)
			}
			temp := m[1]
			mustContain(t, body, "仅显示这一次")
			if _, body := before.get("/staff"); !strings.Contains(body, "工作人员登录") {
				t.Fatal("a session from before the reset goes on")
			}

			// Until the temporary password is changed, only the account page.
			h := staffLogin(t, srv, "demo-handler", temp)
			_, page = h.get("/staff")
			mustContain(t, page, "管理员已重置您的密码", "临时密码")
			if _, body := h.get("/staff/notifications"); !strings.Contains(body, "管理员已重置您的密码") {
				t.Fatal("another page before the change")
			}
			if status, _ := h.post("/staff/console", url.Values{"csrf": {csrf(t, page)}}); status != 403 {
				t.Fatalf("a form before the change: %d", status)
			}
			status, body = h.post("/staff/account/password", url.Values{"csrf": {csrf(t, page)}, "old_password": {temp},
				"new_password": {"handler-new-pass-1"}, "new_password2": {"handler-new-pass-2"}})
			if status != 400 || !strings.Contains(body, "两次输入的新密码不一致") {
				t.Fatalf("mismatched: %d", status)
			}
			status, body = h.post("/staff/account/password", url.Values{"csrf": {csrf(t, page)}, "old_password": {temp},
				"new_password": {"qwertyuiop"}, "new_password2": {"qwertyuiop"}})
			if status != 400 || !strings.Contains(body, "太常见") {
				t.Fatalf("a common password: %d", status)
			}
			status, body = h.post("/staff/account/password", url.Values{"csrf": {csrf(t, page)}, "old_password": {temp},
				"new_password": {"handler-new-pass-1"}, "new_password2": {"handler-new-pass-1"}})
			if status != 200 || !strings.Contains(body, "密码已修改") {
				t.Fatalf("change: %d\n%s", status, body)
			}
			if _, body := h.get("/staff/notifications"); strings.Contains(body, "管理员已重置您的密码") {
				t.Fatal("still held after the change")
			}

			// Two-step login.
			_, page = h.get("/staff/account")
			status, body = h.post("/staff/account/totp", url.Values{"csrf": {csrf(t, page)}})
			sm := totpSecretRE.FindStringSubmatch(body)
			if status != 200 || sm == nil {
				t.Fatalf("begin totp: %d\n%s", status, body)
			}
			mustContain(t, body, "otpauth://totp/")
			status, body = h.post("/staff/account/totp/confirm", url.Values{"csrf": {csrf(t, page)}, "code": {totpNow(t, sm[1])}})
			if status != 200 || !strings.Contains(body, "两步验证已启用") {
				t.Fatalf("confirm totp: %d\n%s", status, body)
			}
			other := newClient(t, srv)
			status, _, body = loginPost(t, other, "demo-handler", "handler-new-pass-1")
			if status != 401 || !strings.Contains(body, "动态验证码") {
				t.Fatalf("login without the code: %d", status)
			}
			// An administrator removes it for one who lost her phone.
			_, page = admin.get("/staff/users")
			mustContain(t, page, "移除两步验证")
			_, body = admin.post("/staff/users/"+u.ID+"/totp/remove", url.Values{"csrf": {csrf(t, page)}})
			mustContain(t, body, "已移除该账号的两步验证")
			if status, _, _ := loginPost(t, other, "demo-handler", "handler-new-pass-1"); status != 200 {
				t.Fatalf("login after removal: %d", status)
			}
		})
	}
}

// newAppWith builds the demo app on SQLite with settings changed by set.
func newAppWith(t *testing.T, set func(*config.Config)) *app.App {
	t.Helper()
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Demo: true, BcryptCost: 4, AdminPassword: "lantern-river-42"}
	set(&cfg)
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// With --admin-totp an administrator's pages lead to her account page until
// she has enrolled a second factor.
func TestAdminTOTPRequiredPages(t *testing.T) {
	a := newAppWith(t, func(c *config.Config) { c.AdminTOTP = true })
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	admin := staffLogin(t, srv, "admin", "lantern-river-42")
	_, page := admin.get("/staff/users")
	mustContain(t, page, "管理员账号须启用两步验证", "开始设置")
	_, body := admin.post("/staff/account/totp", url.Values{"csrf": {csrf(t, page)}})
	sm := totpSecretRE.FindStringSubmatch(body)
	if sm == nil {
		t.Fatalf("no secret:\n%s", body)
	}
	_, body = admin.post("/staff/account/totp/confirm", url.Values{"csrf": {csrf(t, page)}, "code": {totpNow(t, sm[1])}})
	mustContain(t, body, "两步验证已启用")
	_, page = admin.get("/staff/users")
	mustContain(t, page, "新建账号", "已启用两步验证")
	// Others are not held.
	h := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
	if _, body := h.get("/staff/notifications"); strings.Contains(body, "两步验证") {
		t.Fatal("a handler is held to enrol")
	}
}

// The idle timeout reaches the staff pages: with a timeout shorter than the
// time between two requests, the next page asks for a login again.
func TestStaffIdleTimeoutPages(t *testing.T) {
	a := newAppWith(t, func(c *config.Config) { c.IdleTimeout = time.Nanosecond })
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	c := newClient(t, srv)
	_, page := c.get("/staff/login")
	_, body := c.post("/staff/login", url.Values{"csrf": {csrf(t, page)}, "username": {"demo-handler"}, "password": {"gongzhi-demo"}})
	mustContain(t, body, "工作人员登录", "登录已失效")
}
