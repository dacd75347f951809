package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// tabTo presses Tab until the focus is on an element matching sel, and
// fails when it is not reached in 80 presses or a stop on the way shows no
// focus ring.
func tabTo(b *browser, sel string) {
	b.t.Helper()
	const probe = `(() => { const el = document.activeElement; if (!el || el === document.body) return '';
		const cs = getComputedStyle(el), shows = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0 || cs.boxShadow !== 'none';
		return (el.matches(%q) ? 'yes' : 'no') + (shows ? '' : ' unringed ' + el.outerHTML.slice(0, 80)); })()`
	for range 80 {
		b.do(chromedp.KeyEvent(kb.Tab))
		got, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](fmt.Sprintf(probe, sel)))
		if err != nil {
			b.t.Fatal(err)
		}
		if strings.Contains(got, "unringed") {
			b.t.Errorf("a focused element shows no focus ring: %s", got)
		}
		if strings.HasPrefix(got, "yes") {
			return
		}
	}
	b.t.Fatalf("Tab never reached %s", sel)
}

// keys types into the focused element; enter presses Enter and waits for the
// page it leads to.
func keys(b *browser, s string) {
	b.t.Helper()
	b.do(chromedp.KeyEvent(s))
}

func enter(b *browser) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.KeyEvent("\r"))); err != nil {
		b.t.Fatal(err)
	}
}

func focusedValue(b *browser) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.activeElement.value || ''`))
	if err != nil {
		b.t.Fatal(err)
	}
	return v
}

// TestKeyboardOnly: a resident files a ticket and rates a reply with the
// keyboard alone (Tab, arrows, Space, typing, Enter), in the normal and the
// elderly mode, on a phone's width; a guest follows a ticket the same way.
func TestKeyboardOnly(t *testing.T) {
	s := newA11ySite(t, 5*time.Minute)
	b := s.as("resident")
	for _, big := range []bool{false, true} {
		s.setBig(b, big)
		b.do(chromedp.EmulateViewport(390, 844))

		b.open("/submit")
		tabTo(b, "#description")
		keys(b, "小区东门路灯不亮已经一周")
		// The category: the group's chosen radio ("不清楚" unless one was
		// suggested) takes the focus; it is kept as it is.
		tabTo(b, `#category input[name=category_code]`)
		tabTo(b, "#street")
		keys(b, kb.ArrowDown)
		tabTo(b, "#community")
		keys(b, kb.ArrowDown)
		if focusedValue(b) == "" {
			t.Fatal("the arrow key chose no community")
		}
		tabTo(b, "#address")
		keys(b, "金谷东园东门")
		tabTo(b, `form button.primary, form button[type=submit]`)
		enter(b)
		b.sees("您的诉求已提交")

		// Rating the reply to an earlier ticket.
		number := s.newTicket(residentPhone, "楼道灯坏了，晚上看不见台阶")
		s.reply(number)
		b.open("/tickets/" + number)
		tabTo(b, `#rate input[name=resolved]`)
		keys(b, " ")
		tabTo(b, `#rate input[name=satisfaction]`)
		keys(b, " ")
		tabTo(b, "#comment")
		keys(b, "修好了，谢谢")
		tabTo(b, "#rate button")
		enter(b)
		b.sees("感谢您的评价", "已评价")
	}

	// A guest follows a ticket by its number and her phone.
	g := s.as("guest")
	g.do(chromedp.EmulateViewport(390, 844))
	g.open("/track")
	tabTo(g, "#number")
	keys(g, s.staffNo)
	tabTo(g, "#phone")
	keys(g, "13900007777")
	enter(g)
	g.sees(s.staffNo, "金谷东园北门垃圾堆放三天无人清运")
}
