package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// workbenchTickets registers n policy enquiries (1101: no catalogue rule,
// so they wait in the dispatchers' queue) by the demo agent, with phones
// 139112200xx, and returns their numbers, newest last.
func workbenchTickets(t *testing.T, a *app.App, n int, phoneBase int) []string {
	t.Helper()
	ctx := context.Background()
	agent, err := a.Auth.UserByUsername(ctx, "demo-agent")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := range n {
		tk, err := a.Tickets.Create(ctx, &agent, ticket.NewTicket{Kind: ticket.KindConsultation, CategoryCode: "1101",
			Description: fmt.Sprintf("居住证办理进度咨询第%d号", i+1), AreaCode: "110117001001",
			ReporterPhone: fmt.Sprintf("139%08d", phoneBase+i), ReporterName: "张敏"})
		if err != nil {
			t.Fatal(err)
		}
		if tk.Status != ticket.StatusRegistered {
			t.Fatalf("%s is %s, want registered", tk.Number, tk.Status)
		}
		out = append(out, tk.Number)
	}
	return out
}

// noOverflow fails when the page is wider than the screen.
func noOverflow(b *browser, what string) {
	b.t.Helper()
	if w := b.eval(`String(document.documentElement.scrollWidth) + "/" + String(window.innerWidth)`); w != "390/390" {
		b.t.Fatalf("%s: page width/screen width %s, want 390/390", what, w)
	}
}

// The dispatcher finds a ticket by the last four digits of its caller's
// phone, saves the queue of policy enquiries as a filter and opens it from
// its chip, dispatches twenty tickets at once (each gets its own dispatch
// event) and deletes the filter; the staff menu fits a phone's screen.
func TestBrowserWorkbench(t *testing.T) {
	a := newAppOn(t, "sqlite")
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	found := workbenchTickets(t, a, 1, 11227788)[0] // phone 13911227788
	batch := workbenchTickets(t, a, 20, 11220100)
	b := newBrowser(t, srv.URL)

	// The staff menu on a phone: folded into 菜单, nothing wider than the screen.
	b.open("/staff/login")
	b.do(chromedp.SendKeys(chromedp.CSS("#username"), "admin"), chromedp.SendKeys(chromedp.CSS("#password"), "lantern-river-42"))
	b.click("form button")
	b.sees("菜单")
	noOverflow(b, "the admin's workbench")
	b.shotView("workbench-390")
	b.do(chromedp.Click(chromedp.CSS(".staffmenu summary")))
	b.until("the menu open", `document.querySelector('.staffmenu-links a[href="/staff/users"]').offsetWidth > 0`, 5*time.Second)
	noOverflow(b, "the admin's open menu")
	b.shotView("workbench-menu-390")
	b.click(`.staffmenu-links a[href="/staff/dashboard"]`)
	noOverflow(b, "the dashboard's menu")

	d := newBrowser(t, srv.URL)
	d.do(chromedp.EmulateViewport(1280, 900))
	d.staffLogin("demo-dispatcher")
	if tab := d.eval(`document.querySelector('nav.tabs a[aria-current=page]').getAttribute('href')`); tab != "/staff?status=registered" {
		t.Fatalf("the dispatcher opens on %s, want her queue", tab) // 已受理, waiting to be dispatched
	}

	// The last four digits of the caller's phone.
	d.do(chromedp.SendKeys(chromedp.CSS("#wb-q"), "7788\n"))
	d.until("the search's answer", `location.search.indexOf('q=7788') >= 0 && document.querySelector('table.tickets') !== null`, 10*time.Second)
	if got := d.eval(`Array.from(document.querySelectorAll('table.tickets tbody a.mono')).map(a => a.textContent).join(',')`); got != found {
		t.Fatalf("tickets found by 7788: %q, want %s", got, found)
	}

	// A saved filter: the queue of policy enquiries.
	d.open("/staff?status=registered&category=1101")
	d.do(chromedp.Click(chromedp.CSS(".wb-save summary")), chromedp.SendKeys(chromedp.CSS("#wb-save-name"), "政策咨询待派"))
	d.click(".wb-save button")
	d.sees("筛选已保存", "政策咨询待派")
	d.shot("workbench-1280", 1280)
	d.open("/staff?status=")
	d.click(`.saved-chips a.chip-link`)
	if q := d.eval(`location.search`); !strings.Contains(q, "category=1101") || !strings.Contains(q, "status=registered") {
		t.Fatalf("the saved filter opened %s", q)
	}
	if c := strings.TrimSpace(d.text(".saved-chips .count")); c == "" || c == "0" {
		t.Fatalf("the saved filter's count %q", c)
	}

	// Twenty at once: the page holds the newest twenty, all of the batch.
	d.do(chromedp.Click(chromedp.CSS("#select-all")))
	picked := d.eval(`Array.from(document.querySelectorAll('#batch input[name=number]:checked')).map(b => b.value).sort().join(',')`)
	if picked != strings.Join(batch, ",") {
		t.Fatalf("selected %s, want the batch %s", picked, strings.Join(batch, ","))
	}
	d.do(chromedp.SetValue(chromedp.CSS("#batch-org"), "110117-D15"), chromedp.SendKeys(chromedp.CSS("#batch-note"), "请核实办理"))
	d.click(`#batch button[value="dispatch"]`)
	d.sees("批量处理结果", "完成 20 张，未办理 0 张")
	d.shot("workbench-batch-1280", 1280)
	admin, err := a.Auth.UserByUsername(context.Background(), "admin")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range batch {
		evs, err := a.Tickets.Events(context.Background(), admin, n)
		if err != nil {
			t.Fatal(err)
		}
		dispatches := 0
		for _, e := range evs {
			if e.Action == ticket.ActionDispatch {
				dispatches++
			}
		}
		if tk, err := a.Tickets.Get(context.Background(), admin, n); err != nil || dispatches != 1 || tk.AssignedOrgCode != "110117-D15" {
			t.Fatalf("%s: %d dispatch events, unit %s, %v", n, dispatches, tk.AssignedOrgCode, err)
		}
	}

	// The filter is deleted from its chip.
	d.open("/staff?status=")
	d.click(`.saved-chips button.chip-del`)
	d.sees("筛选已删除")
	if n := d.eval(`String(document.querySelectorAll('.saved-chips li').length)`); n != "0" {
		t.Fatalf("%s saved filters left", n)
	}
}
