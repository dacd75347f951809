package web_test

import (
	"context"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/kiosk"
)

// kioskKey registers a terminal site as the administrator and returns its
// enrolment key.
func kioskKey(t *testing.T, a *app.App, id string) string {
	t.Helper()
	adm := mustUser(t, a, "admin")
	_, key, err := a.Kiosk.Register(context.Background(), adm, kiosk.NewTerminal{ID: id, Name: "便民服务大厅自助机", AreaCode: "110117001001", Place: "金谷东园社区服务中心"})
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// kioskEnrolBrowser enrols b's browser context as a terminal, by keyboard.
func kioskEnrolBrowser(b *browser, key string) {
	b.t.Helper()
	b.open("/kiosk/enrol")
	b.do(chromedp.Focus(chromedp.CSS("#key")))
	b.keys(key)
	b.keys(kb.Enter)
	b.waitFor("the kiosk start page", `!!document.getElementById("kiosk-prompt") && location.pathname === "/kiosk"`)
}

// kioskSpoken is how many times the page asked to speak, and what last.
func kioskSpoken(b *browser) (int, string) {
	b.t.Helper()
	b.waitFor("the prompt read aloud", `document.getElementById("kiosk-bar").hasAttribute("data-spoken")`)
	n, _ := strconv.Atoi(b.eval(`document.getElementById("kiosk-bar").getAttribute("data-spoken") || "0"`))
	return n, b.eval(`document.getElementById("kiosk-bar").getAttribute("data-last-spoken") || ""`)
}

// kioskLoginBrowser identifies the resident on the terminal with her phone
// and the one-time code, by keyboard.
func kioskLoginBrowser(b *browser, phone string) {
	b.t.Helper()
	b.do(chromedp.Focus(chromedp.CSS("#phone")))
	b.keys(phone)
	b.keys(kb.Enter)
	b.waitFor("the code step", `!!document.getElementById("code")`)
	code := b.text("#demo-code strong")
	b.do(chromedp.Focus(chromedp.CSS("#code")))
	b.keys(code)
	b.keys(kb.Enter)
	b.waitFor("the visit's menu", `!!document.getElementById("kiosk-end")`)
}

// TestKioskBrowser walks a visit at a terminal by keyboard: enrolment with
// the key, the elderly mode and the spoken prompt on the start page, the
// phone and one-time code, the filing form with its prompt and each field's
// label read as it takes the focus, the receipt with the number ready to
// print, and the end of the visit back at the start. Then the terminal's
// heartbeat shows it online in the registry with the visit and the ticket.
func TestKioskBrowser(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	key := kioskKey(t, a, "hall-b")
	b := deskBrowser(t, srv.URL, 1280, 4*time.Minute)
	kioskEnrolBrowser(b, key)
	if b.eval(`String(document.body.classList.contains("big"))`) != "true" {
		t.Fatal("the kiosk start page is not in the elderly mode")
	}
	b.sees("请输入您的手机号")
	if n, said := kioskSpoken(b); n < 1 || !strings.Contains(said, "手机号") {
		t.Fatalf("the start prompt was not read aloud: %d %q", n, said)
	}
	kioskLoginBrowser(b, "13800138055")
	b.sees("我要反映问题", "结束办理")
	if n, said := kioskSpoken(b); n < 1 || !strings.Contains(said, "请选择") {
		t.Fatalf("the menu prompt was not read aloud: %d %q", n, said)
	}
	b.do(chromedp.Focus(chromedp.CSS(`.kiosk-menu a[href="/submit"]`)))
	b.keys(kb.Enter)
	b.waitFor("the filing form", `location.pathname === "/submit" && !!document.getElementById("description")`)
	if n, said := kioskSpoken(b); n < 1 || !strings.Contains(said, "逐项填写") {
		t.Fatalf("the filing prompt was not read aloud: %d %q", n, said)
	}
	b.tabTo("description", 60)
	b.waitFor("the field's label read aloud", `(document.getElementById("kiosk-bar").getAttribute("data-last-spoken")||"").indexOf("`+"必填"+`") >= 0`)
	b.keys("楼下路灯坏了一个星期，晚上看不清路")
	b.do(chromedp.SetValue(chromedp.CSS("#street"), "110117001"), chromedp.SetValue(chromedp.CSS("#community"), "110117001001"))
	b.waitFor("the suggested categories", `!!document.querySelector('#cat-suggest input[value="0304"]')`)
	b.do(chromedp.Focus(chromedp.CSS(`input[name="category_code"][value="0304"]`)))
	b.keys(" ")
	b.do(chromedp.Focus(chromedp.CSS("form.filing button.primary")))
	b.keys(kb.Enter)
	b.waitFor("the receipt", `!!document.getElementById("receipt-number")`)
	number := strings.TrimSpace(b.text("#receipt-number"))
	if len(number) < 8 {
		t.Fatalf("receipt number %q", number)
	}
	b.sees("受理回执", "138****8055", "接下来")
	if strings.Contains(b.text("main"), "13800138055") {
		t.Fatal("the receipt shows the whole phone")
	}
	if b.eval(`String(!document.getElementById("kiosk-print").hidden)`) != "true" {
		t.Fatal("no print button on the receipt")
	}
	if n, said := kioskSpoken(b); n < 1 || !strings.Contains(said, "打印回执") {
		t.Fatalf("the receipt prompt was not read aloud: %d %q", n, said)
	}
	// The printed receipt leaves out the header, the kiosk's bar and the buttons.
	b.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}))
	shown := b.eval(`[".kiosk-bar", "header.top", ".kiosk-actions", "#receipt-number"].map(function (s) { return getComputedStyle(document.querySelector(s)).display !== "none"; }).join(",")`)
	if shown != "false,false,false,true" {
		t.Fatalf("printed: bar, header, buttons, number shown = %s", shown)
	}
	b.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""})
		return err
	}))
	// She ends the visit: back at the start, logged out.
	b.do(chromedp.Focus(chromedp.CSS("#kiosk-end button")))
	b.keys(kb.Enter)
	b.waitFor("the start page", `location.pathname === "/kiosk" && !!document.getElementById("phone")`)
	adm := staffBrowserOf(t, b, srv.URL)
	adm.open("/staff/kiosks")
	adm.sees("hall-b", "在线")
	reg, err := a.Kiosk.List(context.Background(), mustUser(t, a, "admin"), time.Time{})
	if err != nil || len(reg.Rows) != 1 || reg.Rows[0].Visits != 1 || reg.Rows[0].Tickets != 1 || !reg.Rows[0].Online {
		t.Fatalf("registry %+v %v", reg.Rows, err)
	}
	src := axeFile()
	b.open("/kiosk")
	checkResidentPage(t, b, src, "/kiosk")
}

// staffBrowserOf opens another browser context beside b, logged in as the
// administrator.
func staffBrowserOf(t *testing.T, b *browser, base string) *browser {
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	s := &browser{t: t, ctx: ctx, base: base}
	s.do(chromedp.EmulateViewport(1280, 900))
	s.open("/staff/login")
	s.do(chromedp.SendKeys(chromedp.CSS("#username"), "admin"), chromedp.SendKeys(chromedp.CSS("#password"), "lantern-river-42"))
	s.click("form button")
	return s
}

// kioskPhone is the resident who visits the a11y site's terminal.
const kioskPhone = "13800138066"

// kioskSite enrols b as the a11y site's terminal and opens a visit.
func (s *a11ySite) kioskSite(b *browser) {
	kioskEnrolBrowser(b, kioskKey(s.t, s.a, "a11y-hall"))
	kioskLoginBrowser(b, kioskPhone)
}

// kioskReceipt files a ticket in the terminal's visit and returns its
// number, for the receipt page.
func (s *a11ySite) kioskReceipt() string {
	b := s.as("kiosk")
	b.open("/submit")
	b.do(chromedp.SendKeys(chromedp.CSS("#description"), "楼下路灯坏了一个星期，晚上看不清路"),
		chromedp.SetValue(chromedp.CSS("#street"), "110117001"), chromedp.SetValue(chromedp.CSS("#community"), "110117001001"))
	b.waitFor("the suggested categories", `!!document.querySelector('#cat-suggest input[value="0304"]')`)
	b.do(chromedp.Click(chromedp.CSS(`input[name="category_code"][value="0304"]`)))
	b.click("form.filing button.primary")
	b.waitFor("the receipt", `!!document.getElementById("receipt-number")`)
	return strings.TrimSpace(b.text("#receipt-number"))
}
