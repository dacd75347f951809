package web_test

import (
	"context"
	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// findBrowser returns Debian's chromium or another Chrome on the PATH.
func findBrowser(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("browser test skipped: no chromium, chromium-browser or google-chrome on PATH (apt install chromium)")
	return ""
}

// browser drives one browser context (its own cookies) against the server.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
}

func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatal(err)
	}
}

func (b *browser) open(path string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base + path))
}

// click clicks and waits for what it leads to: the page it loads, or, for
// a form of the staff ticket page sent by ticketflow.js, the page's main
// part replaced in place (body[data-flow] counts those).
func (b *browser) click(sel string) {
	b.t.Helper()
	before, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`window.__clicked = true; document.body.getAttribute("data-flow") || ""`))
	if err != nil {
		b.t.Fatalf("click %s: %v", sel, err)
	}
	if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		b.t.Fatalf("click %s: %v", sel, err)
	}
	// A new document has no __clicked; until it has loaded, or while the
	// old one is still there, ask again (an evaluation may fail while the
	// documents change).
	cond := `(window.__clicked !== true && document.readyState === "complete") || (document.body && (document.body.getAttribute("data-flow") || "") !== ` + strconv.Quote(before) + `)`
	for {
		if done, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](cond)); err == nil && done {
			return
		}
		select {
		case <-b.ctx.Done():
			b.t.Fatalf("click %s: nothing followed: %v", sel, b.ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	var s string
	var err error
	// Right after a navigation the old document's nodes may still be
	// referenced; ask again until the new document answers.
	for try := 0; try < 20; try++ {
		if s, err = chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel))); err == nil {
			return s
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.t.Fatalf("text of %s: %v", sel, err)
	return ""
}

// sees asserts that the page shows each text.
func (b *browser) sees(wants ...string) {
	b.t.Helper()
	body := b.text("body")
	for _, w := range wants {
		if !strings.Contains(body, w) {
			b.t.Fatalf("page does not show %q; it shows:\n%s", w, body)
		}
	}
}

func (b *browser) shot(name string, width int64) {
	dir := os.Getenv("GONGZHI_SHOTS")
	if dir == "" {
		return
	}
	b.t.Helper()
	b.do(chromedp.EmulateViewport(width, 800))
	buf, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatal(err)
	}
	os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.do(chromedp.EmulateViewport(1200, 900))
}

// TestBrowserLoop runs the whole loop in Chinese pages: a resident logs in
// with a code and submits, the unit's handler signs, contacts and replies,
// the resident rates and sees the ticket closed.
func TestBrowserLoop(t *testing.T) {
	exe := findBrowser(t)
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) { browserLoop(t, exe, newAppOn(t, engine)) })
	}
}

func browserLoop(t *testing.T, exe string, a *app.App) {
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	defer cancelAlloc()
	residentCtx, cancelResident := chromedp.NewContext(allocCtx)
	defer cancelResident()
	res := &browser{t: t, ctx: residentCtx, base: srv.URL}

	// The resident logs in with the code shown in demo mode.
	res.do(chromedp.EmulateViewport(1200, 900))
	res.open("/")
	res.sees("随手拍 · 反映问题", "我的事项")
	res.shot("home", 1200)
	res.open("/login")
	res.do(chromedp.SendKeys(chromedp.CSS("#phone"), "13800138000"))
	res.click("form button")
	res.sees("演示模式验证码")
	code := res.text("#demo-code strong")
	res.do(chromedp.SendKeys(chromedp.CSS("#code"), code))
	res.click("form button")
	res.sees("我的事项")

	// She submits a street-cleanliness problem in 金谷东园社区, which the
	// catalogue sends to the 滨河街道 office.
	res.open("/submit")
	res.shot("submit-390", 390)
	res.do(
		chromedp.SetValue(chromedp.CSS("#street"), "110117001"),
		chromedp.SetValue(chromedp.CSS("#community"), "110117001001"),
		chromedp.SendKeys(chromedp.CSS("#description"), "金谷东园小区北门垃圾堆放三天无人清运"),
		chromedp.SendKeys(chromedp.CSS("#address"), "金谷东园北门"),
	)
	// The category suggested for her words (0101 街巷环境卫生).
	res.do(chromedp.Click(chromedp.CSS(`#cat-suggest input[value="0101"]`)))
	res.click("form.card button.primary")
	res.sees("您的诉求已提交")
	number := strings.TrimSpace(res.text(".ticket-no"))

	// Which unit got it? Ask the service as the administrator.
	bg := context.Background()
	admin, err := a.Auth.UserByUsername(bg, "admin")
	if err != nil {
		t.Fatal(err)
	}
	tk, err := a.Tickets.Get(bg, admin, number)
	if err != nil {
		t.Fatal(err)
	}
	if tk.AssignedOrgCode == "" {
		t.Fatalf("ticket %s was not dispatched by the catalogue", number)
	}
	org, err := a.Gov.Org(bg, tk.AssignedOrgCode)
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.Auth.CreateUser(bg, auth.System(), auth.NewUser{Username: "browser-handler", Password: "browser-pass-1", Name: "浏览器承办人",
		Role: auth.RoleHandler, OrgCode: org.Code, AreaCode: org.AreaCode})
	if err != nil && !errs.Is(err, errs.Conflict) {
		t.Fatal(err)
	}

	// The handler, in a browser context of her own.
	handlerCtx, cancelHandler := chromedp.NewContext(residentCtx, chromedp.WithNewBrowserContext())
	defer cancelHandler()
	h := &browser{t: t, ctx: handlerCtx, base: srv.URL}
	h.do(chromedp.EmulateViewport(1200, 900))
	h.open("/staff/login")
	h.do(
		chromedp.SendKeys(chromedp.CSS("#username"), "browser-handler"),
		chromedp.SendKeys(chromedp.CSS("#password"), "browser-pass-1"),
	)
	h.click("form button")
	h.sees("待办工单", number)
	h.open("/staff/tickets/" + number)
	h.sees("已派单至 "+org.Name, "签收")
	h.shot("staff-ticket", 1200)
	h.click(`form[action$="/sign"] button`)
	h.sees("已签收。")
	h.do(chromedp.SendKeys(chromedp.CSS("#contact-note"), "已电话联系居民，约定当日清运"))
	h.click(`form[action$="/contact"] button`)
	h.sees("已记录联系。", "已联系诉求人")
	h.do(
		chromedp.SendKeys(chromedp.CSS("#reply_text"), "已协调保洁公司清运完毕，并增加巡查频次"),
		chromedp.Click(chromedp.CSS(`form[action$="/reply"] input[name=resolved][value=yes]`)),
	)
	h.click(`form[action$="/reply"] button`)
	h.sees("答复已提交。", "已答复")

	// The resident rates: satisfied, resolved.
	res.open("/tickets/" + number)
	res.sees("已答复", "已协调保洁公司清运完毕", "请您评价")
	res.do(
		chromedp.Click(chromedp.CSS(`#rate input[name=resolved][value=yes]`)),
		chromedp.Click(chromedp.CSS(`#rate input[name=satisfaction][value=satisfied]`)),
		chromedp.SendKeys(chromedp.CSS("#comment"), "处理及时，谢谢"),
	)
	res.click("#rate button")
	res.sees("感谢您的评价", "已办结", "已评价", "满意")
	res.shot("ticket-closed-390", 390)

	// Large-text mode is one link away and stays on.
	res.click(`a[href^="/big?on=1"]`)
	res.sees("标准字号", "已办结")
	res.shot("ticket-big-390", 390)
	h.open("/staff?status=")
	h.sees("已答复", number)
	h.shot("staff-home", 1200)
}

// TestBrowserExceptions: a ticket past its deadline shows a red light; the
// handler asks to return it, the dispatcher approves it to another unit;
// the administrator's time-limit page.
func TestBrowserExceptions(t *testing.T) {
	exe := findBrowser(t)
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	bg := context.Background()
	tk, err := a.Tickets.Create(bg, nil, ticket.NewTicket{CategoryCode: "0101", AreaCode: "110117001001",
		Description: "金谷东园北门垃圾堆放三天无人清运", Address: "金谷东园北门", ReporterName: "王芳", ReporterPhone: "13900007777"})
	if err != nil {
		t.Fatal(err)
	}
	number := tk.Number
	now := time.Now()
	setClock(t, a.DB, number, now.Add(-5*time.Hour), now.Add(-90*time.Minute))

	ctx, cancel := context.WithTimeout(bg, 30*time.Second)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.Flag("no-first-run", true), chromedp.Flag("disable-background-networking", true),
		chromedp.UserDataDir(t.TempDir()))
	defer cancelAlloc()
	hctx, cancelH := chromedp.NewContext(allocCtx)
	defer cancelH()
	login := func(b *browser, user, pass string) {
		b.do(chromedp.EmulateViewport(1200, 900))
		b.open("/staff/login")
		b.do(chromedp.SendKeys(chromedp.CSS("#username"), user), chromedp.SendKeys(chromedp.CSS("#password"), pass))
		b.click("form button")
	}
	h := &browser{t: t, ctx: hctx, base: srv.URL}
	login(h, "demo-handler", "gongzhi-demo")
	h.sees("红灯", number)
	h.shot("staff-home-lights", 1200)
	h.open("/staff/tickets/" + number)
	h.sees("红灯", "已超时")
	h.shot("staff-ticket-red", 1200)
	h.click(`form[action$="/sign"] button`)
	h.sees("已签收。", "退单", "申请延期", "红灯")
	h.do(
		chromedp.SetValue(chromedp.CSS("#return-reason"), "wrong_area"),
		chromedp.SendKeys(chromedp.CSS("#return-note"), "该地址属城管委负责的市政道路"),
	)
	h.click(`form[action$="/return"] button`)
	h.sees("退单申请已提交", "退单待审")

	dctx, cancelD := chromedp.NewContext(hctx, chromedp.WithNewBrowserContext())
	defer cancelD()
	d := &browser{t: t, ctx: dctx, base: srv.URL}
	login(d, "demo-dispatcher", "gongzhi-demo")
	d.sees("件退单待审核")
	d.open("/staff/tickets/" + number)
	d.sees("退单申请待审核", "属地不符", "该地址属城管委负责的市政道路")
	d.shot("staff-ticket-returned", 1200)
	d.do(chromedp.SetValue(chromedp.CSS("#approve_return-org"), "110117-D01"))
	d.click(`form[action$="/approve_return"] button`)
	d.do(chromedp.WaitVisible(chromedp.CSS(".flash")))
	d.sees("已同意退单并改派", "平谷区城市管理委员会")

	actx, cancelA := chromedp.NewContext(hctx, chromedp.WithNewBrowserContext())
	defer cancelA()
	adm := &browser{t: t, ctx: actx, base: srv.URL}
	login(adm, "admin", "lantern-river-42")
	adm.open("/staff/timelimits")
	adm.sees("全部分类", "工作小时")
	adm.do(chromedp.SendKeys(chromedp.CSS("#tl-sign"), "1h"), chromedp.SendKeys(chromedp.CSS("#tl-contact"), "2h"),
		chromedp.SendKeys(chromedp.CSS("#tl-complete"), "3d"), chromedp.SetValue(chromedp.CSS("#tl-kind"), "complaint"))
	adm.click("#tl-form button")
	adm.sees("时限已保存", "3 工作日")
	adm.shot("timelimits", 1200)
	adm.shot("timelimits-390", 390)
}

// deskBrowser starts a headless Chromium for the test's server at a desk's
// screen width, ending after timeout.
func deskBrowser(t *testing.T, base string, width int64, timeout time.Duration) *browser {
	t.Helper()
	exe := findBrowser(t)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.Flag("no-first-run", true), chromedp.Flag("disable-background-networking", true),
		chromedp.UserDataDir(t.TempDir()))
	t.Cleanup(cancelAlloc)
	bctx, cancelB := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelB)
	b := &browser{t: t, ctx: bctx, base: base}
	b.do(chromedp.EmulateViewport(width, 900))
	return b
}

// staffLogin logs the browser in as a demo member of staff.
func (b *browser) staffLogin(username string) {
	b.t.Helper()
	b.open("/staff/login")
	b.do(chromedp.SendKeys(chromedp.CSS("#username"), username), chromedp.SendKeys(chromedp.CSS("#password"), "gongzhi-demo"))
	b.click("form button")
}
