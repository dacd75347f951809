package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/gongzhi/gongzhi/internal/ticket"
)

// keys types into whatever has the focus, as a person at a keyboard does.
func (b *browser) keys(s string, opts ...chromedp.KeyOption) {
	b.t.Helper()
	b.do(chromedp.KeyEvent(s, opts...))
}

// alt presses Alt and a key.
func (b *browser) alt(key string) {
	b.t.Helper()
	b.keys(key, chromedp.KeyModifiers(chromedp.ModifierAlt))
}

// focused is the id (or else the tag and name) of the element with the focus.
func (b *browser) focused() string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(function(){var e=document.activeElement;return e?(e.id||e.tagName+":"+(e.name||"")):""})()`))
	if err != nil {
		b.t.Fatal(err)
	}
	return s
}

// waitFocus waits until the element with the id has the focus.
func (b *browser) waitFocus(id string) {
	b.t.Helper()
	for try := 0; try < 50; try++ {
		if b.focused() == id {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.t.Fatalf("focus is on %q, not on #%s", b.focused(), id)
}

// tabTo presses Tab (or Shift+Tab) until the element with the id has the
// focus, at most max times.
func (b *browser) tabTo(id string, max int, opts ...chromedp.KeyOption) int {
	b.t.Helper()
	for n := 1; n <= max; n++ {
		b.keys(kb.Tab, opts...)
		if b.focused() == id {
			return n
		}
	}
	b.t.Fatalf("%d tabs did not reach #%s (focus on %q)", max, id, b.focused())
	return 0
}

// eval reads a value from the page.
func (b *browser) eval(js string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js))
	if err != nil {
		b.t.Fatal(err)
	}
	return s
}

// waitFor waits until the JavaScript condition holds.
func (b *browser) waitFor(what, cond string) {
	b.t.Helper()
	for try := 0; try < 60; try++ {
		if b.eval(`String(!!(`+cond+`))`) == "true" {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.t.Fatalf("waited in vain for %s", what)
}

// takeCall types a call about a power cut into the console by keyboard, up
// to the moment of saving.
func (b *browser) takeCall(phone, description string, check bool) {
	t := b.t
	t.Helper()
	b.keys(phone)
	b.keys(kb.Enter)
	b.waitFor("the caller's history", `document.getElementById("looked").value === "`+phone+`"`)
	if check {
		b.sees("小区东门路灯不亮", "路灯照明")
	}
	b.waitFocus("phone")

	// Tab to the category, type the pinyin initials, ↓ and Enter.
	b.tabTo("category_q", 1)
	b.keys("gd")
	b.waitFor("category suggestions", `document.querySelector('#cat-list [role=option]') && !document.getElementById("cat-list").hidden`)
	if role := b.eval(`document.getElementById("category_q").getAttribute("role")+" "+document.getElementById("category_q").getAttribute("aria-expanded")`); role != "combobox true" {
		t.Errorf("category field: %s", role)
	}
	b.keys(kb.ArrowDown)
	if ad := b.eval(`document.getElementById("category_q").getAttribute("aria-activedescendant")`); ad != "cat-opt-0" {
		t.Errorf("aria-activedescendant = %q", ad)
	}
	if check {
		b.shot("console-category", 1280)
	}
	b.keys(kb.Enter)
	if code := b.eval(`document.getElementById("category_code").value`); code != "0405" {
		t.Fatalf("category_code = %q", code)
	}

	// Tab to the description and type it.
	b.tabTo("description", 1)
	b.keys(description)
	// Then on to the community, chosen by the arrow key.
	b.tabTo("community", 6)
	b.keys(kb.ArrowDown)
	if v := b.eval(`document.getElementById("community").value`); v == "" {
		t.Fatal("no community chosen by the arrow key")
	}
	time.Sleep(600 * time.Millisecond) // the knowledge base and duplicates come in beside
}

// TestBrowserConsole walks the hotline console from call to dispatch by
// keyboard alone: the dispatcher takes a call about a power cut (供电 has no
// catalogue rule, so the ticket lands in the queue), saves it, opens it and
// dispatches it, never touching the mouse.
func TestBrowserConsole(t *testing.T) {
	exe := findBrowser(t)
	a, srv := consoleServer(t)
	bg := context.Background()
	const phone = "13912345678"
	for _, d := range []string{"小区东门路灯不亮", "楼下餐馆油烟扰民"} {
		if _, err := a.Tickets.Create(bg, nil, ticket.NewTicket{CategoryCode: "0304", AreaCode: "110117002001", Description: d, ReporterPhone: phone}); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(bg, 40*time.Second)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.Flag("no-first-run", true), chromedp.Flag("disable-background-networking", true),
		chromedp.UserDataDir(t.TempDir()))
	defer cancelAlloc()
	bctx, cancelB := chromedp.NewContext(allocCtx)
	defer cancelB()
	b := &browser{t: t, ctx: bctx, base: srv.URL}
	b.do(chromedp.EmulateViewport(1280, 900))
	b.open("/staff/login")
	b.do(chromedp.SendKeys(chromedp.CSS("#username"), "demo-dispatcher"), chromedp.SendKeys(chromedp.CSS("#password"), "gongzhi-demo"))
	b.click("form button")
	b.sees("热线受理台")

	// The console opens with the cursor in the phone field.
	b.open("/staff/console")
	b.waitFocus("phone")
	b.shot("console-empty", 1280)
	b.takeCall(phone, "金谷东园小区5号楼从早上八点停电至今，冰箱里的药品需要冷藏", true)
	b.shot("console-filled", 1280)

	// Alt+S saves; the result shows, the form is empty and the cursor is
	// back in the phone field for the next call.
	b.alt("s")
	b.waitFor("the result", `document.querySelector(".result .ticket-no")`)
	b.sees("已登记工单", "待派单", "已受理")
	number := strings.TrimSpace(b.text(".result .ticket-no"))
	b.waitFocus("phone")
	if v := b.eval(`document.getElementById("description").value`); v != "" {
		t.Errorf("the form was not cleared: %q", v)
	}
	b.shot("console-saved", 1280)

	// Shift+Tab leads back to the ticket link; Enter opens the ticket.
	b.keys(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift))
	if href := b.eval(`document.activeElement.getAttribute("href")||""`); href != "/staff/tickets/"+number {
		t.Fatalf("Shift+Tab from the phone reached %q", href)
	}
	b.keys(kb.Enter)
	b.waitFor("the ticket page", `location.pathname === "/staff/tickets/`+number+`" && document.getElementById("org_code")`)
	b.sees(number, "已受理", "派单")

	// On the ticket page: Tab to the unit picker, ↓ opens its list, Enter
	// takes the first unit and Enter again dispatches.
	n := b.tabTo("org_code-pick", 80)
	t.Logf("the unit picker is %d tabs from the top", n)
	b.keys(kb.ArrowDown)
	org := b.activeOption("org_code-pick")
	b.keys(kb.Enter)
	if b.eval(`document.getElementById("org_code").value`) == "" {
		t.Fatal("no unit chosen by the arrow key")
	}
	b.keys(kb.Enter)
	b.waitFor("the dispatch", `document.querySelector(".flash")`)
	b.sees("已派单", org)

	// The next call about the same power cut: saving warns of the
	// duplicate, with the cursor on "仍然新建"; Enter creates it anyway.
	b.open("/staff/console")
	b.waitFocus("phone")
	b.takeCall("13987654321", "金谷东园小区5号楼停电了，到现在还没来电", false)
	b.waitFor("the duplicates beside the form", `!document.getElementById("dups-live").hidden`)
	b.sees("可能重复", number)
	b.alt("s")
	b.waitFor("the duplicate warning", `document.getElementById("confirm")`)
	b.waitFocus("confirm")
	b.sees("发现 1 件可能重复的工单", number, "合并到此工单")
	if v := b.eval(`document.getElementById("description").value`); v != "金谷东园小区5号楼停电了，到现在还没来电" {
		t.Errorf("the description was not kept: %q", v)
	}
	b.shot("console-duplicates", 1280)
	b.keys(kb.Enter)
	b.waitFor("the second result", `document.querySelector(".result .ticket-no")`)
	if second := strings.TrimSpace(b.text(".result .ticket-no")); second == number {
		t.Error("no second ticket")
	}
	tk, err := a.Tickets.Get(bg, adminUser(t, a), number)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Status != ticket.StatusDispatched || tk.CategoryCode != "0405" || tk.Channel != ticket.ChannelHotline {
		t.Errorf("ticket after the walk: status %s category %s channel %s", tk.Status, tk.CategoryCode, tk.Channel)
	}
}
