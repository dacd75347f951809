package web_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/gongzhi/gongzhi/internal/app"
)

// pickerBrowser opens a Chromium logged in as the demo dispatcher.
func pickerBrowser(t *testing.T, a *app.App, timeout time.Duration) *browser {
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	b := deskBrowser(t, srv.URL, 1200, timeout)
	b.staffLogin("demo-dispatcher")
	return b
}

// typeKeys types text into the focused element, key by key.
func (b *browser) typeKeys(text string) {
	b.t.Helper()
	for _, r := range text {
		b.keys(string(r))
	}
}

// activeOption waits for the combobox's list to show an active option and
// returns its text.
func (b *browser) activeOption(input string) string {
	b.t.Helper()
	b.waitFor("the list of "+input, `(function(){var i=document.getElementById(`+quoteJS(input)+`);
		var o=i && document.getElementById(i.getAttribute("aria-activedescendant")||"");
		return i.getAttribute("aria-expanded")==="true" && o && o.getAttribute("aria-selected")==="true"})()`)
	return b.eval(`(function(){var i=document.getElementById(` + quoteJS(input) + `);
		return document.getElementById(i.getAttribute("aria-activedescendant")).querySelector(".picker-name").textContent})()`)
}

func quoteJS(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

// TestBrowserPicker: keyboard only, a dispatcher dispatches a ticket by
// typing three pinyin initials of a unit, Enter to pick it and Enter to
// send; then she summons two units by 吹哨报到, each a chip, after removing
// a third she added by mistake.
func TestBrowserPicker(t *testing.T) {
	a := newApp(t)
	first, second := pickTicket(t, a), pickTicket(t, a)
	b := pickerBrowser(t, a, 90*time.Second)

	b.open("/staff/tickets/" + first)
	b.waitFor("the picker", `document.getElementById("org_code-pick")`)
	if v := b.eval(`document.getElementById("org_code-pick").value`); v != "滨河街道办事处" {
		t.Errorf("the catalogue's suggestion is not chosen at first: %q", v)
	}
	if b.eval(`String(document.getElementById("org_code").hidden)`) != "true" {
		t.Error("the select is still shown beside the picker")
	}
	n := b.tabTo("org_code-pick", 80)
	t.Logf("the unit picker is %d tabs from the top", n)
	b.typeKeys("xgj")
	if got := b.activeOption("org_code-pick"); got != "兴谷街道办事处" {
		t.Fatalf("xgj: the first unit is %q", got)
	}
	b.shot("picker-dispatch-open", 1200)
	b.keys(kb.Enter)
	if v := b.eval(`document.getElementById("org_code").value`); v != "110117002-SO" {
		t.Fatalf("Enter chose %q", v)
	}
	if b.eval(`document.getElementById("org_code-pick").getAttribute("aria-expanded")`) != "false" {
		t.Error("the list stays open after the choice")
	}
	b.keys(kb.Enter)
	b.waitFor("the dispatch", `document.querySelector(".flash")`)
	b.sees("已派单", "兴谷街道办事处")

	// 吹哨报到: two chips; the remove button of a chip comes before the
	// search, and removing one leaves the others.
	b.open("/staff/tickets/" + second)
	b.waitFor("the whistle picker", `document.getElementById("whistle-orgs-pick")`)
	if b.eval(`String(document.querySelector("#whistle-orgs details").hidden)`) != "true" {
		t.Error("the 362 checkboxes are still there beside the chips")
	}
	b.tabTo("whistle-orgs-pick", 120)
	for _, c := range []struct{ typed, want string }{{"bhj", "滨河街道办事处"}, {"jgdy", "金谷东园社区居委会"}, {"swj", "平谷区水务局"}} {
		b.typeKeys(c.typed)
		if got := b.activeOption("whistle-orgs-pick"); got != c.want {
			t.Fatalf("%s: the first unit is %q", c.typed, got)
		}
		b.keys(kb.Enter)
	}
	b.shot("picker-whistle-chips", 1200)
	if got := b.eval(`Array.from(document.querySelectorAll("#whistle-orgs .pchip span")).map(s => s.textContent).join(",")`); got != "滨河街道办事处,金谷东园社区居委会,平谷区水务局" {
		t.Fatalf("chips: %q", got)
	}
	// Shift+Tab to the last chip's remove button; Enter removes it and
	// puts the cursor back in the search.
	b.keys(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift))
	if got := b.eval(`document.activeElement.getAttribute("aria-label")`); got != "移除 平谷区水务局" {
		t.Fatalf("Shift+Tab reached %q", got)
	}
	b.keys(kb.Enter)
	b.waitFocus("whistle-orgs-pick")
	if got := b.eval(`Array.from(document.querySelectorAll("#whistle-orgs input[name=org_codes]:checked")).map(i => i.value).join(",")`); got != "110117001-SO,110117001001-CC" {
		t.Fatalf("the boxes ticked: %q", got)
	}
	b.keys(kb.Enter) // the list is closed: Enter sends the form
	b.waitFor("the whistle", `document.querySelector(".flash")`)
	b.sees("滨河街道办事处", "金谷东园社区居委会")
	if strings.Contains(b.text(".timeline"), "水务局") {
		t.Error("the removed unit was summoned")
	}

	// When the search fails, the select comes back with the cursor on it.
	b.eval(`window.fetch = function () { return Promise.reject(new Error("offline")); }; ""`)
	b.do(chromedp.Focus(chromedp.CSS("#org_code-pick")))
	b.typeKeys("x")
	b.waitFocus("org_code")
	if b.eval(`String(document.getElementById("org_code").hidden)`) != "false" {
		t.Error("the select is still hidden after the search failed")
	}
}

// TestPickerAxe runs axe-core on the staff ticket page with the picker's
// list open and with chips chosen: nothing critical or serious.
func TestPickerAxe(t *testing.T) {
	src := axeSource(t)
	a := newApp(t)
	number := pickTicket(t, a)
	b := pickerBrowser(t, a, 90*time.Second)
	for _, width := range []int64{390, 1366} {
		b.do(chromedp.EmulateViewport(width, 900))
		b.open("/staff/tickets/" + number)
		b.waitFor("the whistle picker", `document.getElementById("whistle-orgs-pick")`)
		b.do(chromedp.Focus(chromedp.CSS("#whistle-orgs-pick")))
		b.typeKeys("bhj")
		b.activeOption("whistle-orgs-pick")
		b.keys(kb.Enter)
		b.do(chromedp.Focus(chromedp.CSS("#org_code-pick")))
		b.typeKeys("jd")
		b.activeOption("org_code-pick")
		for _, v := range axeRun(b, src) {
			if v.Impact == "critical" || v.Impact == "serious" {
				t.Errorf("%dpx: %s [%s] %s\n\t%s", width, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t"))
			}
		}
	}
	b.shot("picker-open-phone", 390)
}
