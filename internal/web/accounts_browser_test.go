package web_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserPasswordReset: an administrator resets a handler's password in
// the browser; the handler logs in with it, is led to her account page and
// sets a password of her own.
func TestBrowserPasswordReset(t *testing.T) {
	exe := findBrowser(t)
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.Flag("no-first-run", true), chromedp.Flag("disable-background-networking", true),
		chromedp.UserDataDir(t.TempDir()))
	defer cancelAlloc()
	login := func(b *browser, username, password string) {
		b.open("/staff/login")
		b.do(chromedp.SendKeys("#username", username), chromedp.SendKeys("#password", password))
		b.click("form.card button")
	}

	adminCtx, cancelAdmin := chromedp.NewContext(allocCtx)
	defer cancelAdmin()
	admin := &browser{t: t, ctx: adminCtx, base: srv.URL}
	admin.do(chromedp.EmulateViewport(1200, 900))
	login(admin, "admin", "lantern-river-42")
	admin.open("/staff/users")
	u, err := a.Auth.UserByUsername(context.Background(), "demo-handler")
	if err != nil {
		t.Fatal(err)
	}
	admin.click(`form[action="/staff/users/` + u.ID + `/reset"] button`)
	admin.sees("demo-handler 的临时密码", "仅显示这一次")
	admin.shot("users-reset", 1200)
	temp := admin.text("#temp-password")

	handlerCtx, cancelHandler := chromedp.NewContext(adminCtx, chromedp.WithNewBrowserContext())
	defer cancelHandler()
	h := &browser{t: t, ctx: handlerCtx, base: srv.URL}
	h.do(chromedp.EmulateViewport(1200, 900))
	login(h, "demo-handler", temp)
	h.sees("我的账号", "管理员已重置您的密码")
	h.shot("account-pending", 1200)
	h.do(chromedp.SendKeys("#old_password", temp), chromedp.SendKeys("#new_password", "handler-new-pass-1"),
		chromedp.SendKeys("#new_password2", "handler-new-pass-1"))
	h.click(`form[action="/staff/account/password"] button`)
	h.sees("密码已修改", "两步验证")
	h.shot("account", 1200)
	h.open("/staff")
	h.sees("工作台")
}
