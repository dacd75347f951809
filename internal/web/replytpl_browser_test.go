package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gongzhi/gongzhi/internal/ticket"
)

// TestBrowserReplyTemplate: 滨河街道's handler opens the chooser on a
// ticket's reply form, picks the unit's template, which fills the reply box
// without a reload and shows the resident's preview; she sends the reply,
// and the resident's page shows the rendered text.
func TestBrowserReplyTemplate(t *testing.T) {
	s := newA11ySite(t, 5*time.Minute)
	res := s.as("resident")
	n := replyingTicket(t, s.a, residentPhone)
	ctx := context.Background()
	_, list, err := s.a.Replies.ForTicket(ctx, mustUser(t, s.a, "demo-handler"), n)
	if err != nil {
		t.Fatal(err)
	}
	want := ""
	for _, r := range list {
		if r.ID == "demo-rt-11" {
			want = r.Text
		}
	}
	if want == "" {
		t.Fatalf("demo-rt-11 does not apply: %+v", list)
	}

	b := s.as("demo-handler")
	b.open("/staff/tickets/" + n)
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`window.__samePage = true`)); err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.Click(chromedp.CSS("#reply_text-templates summary")))
	b.do(chromedp.Click(chromedp.CSS(`#reply_text-templates a[href*="tpl=demo-rt-11"]`)))
	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if got := eval(`document.getElementById('reply_text').value`); got != want {
		t.Fatalf("reply box %q, want %q", got, want)
	}
	if eval(`String(window.__samePage === true)`) != "true" {
		t.Fatal("choosing a template reloaded the page")
	}
	if got := eval(`document.querySelector('#reply_text-preview [data-preview]').textContent`); got != want {
		t.Errorf("preview %q, want %q", got, want)
	}
	if got := eval(`document.activeElement.id`); got != "reply_text" {
		t.Errorf("focus on %q after choosing, want the reply box", got)
	}
	b.shot("replytpl-ticket-390", 390)
	b.do(chromedp.Click(chromedp.CSS(`#act-reply input[name=resolved][value=yes]`)))
	b.click("#act-reply > button")
	tk, err := s.a.Tickets.Get(ctx, mustUser(t, s.a, "demo-handler"), n)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Status != ticket.StatusReplied || tk.ReplyText != want {
		t.Fatalf("after the reply: %s %q", tk.Status, tk.ReplyText)
	}
	res.open("/tickets/" + n)
	res.sees(want)

	b.open("/staff/replies")
	b.shot("replytpl-manage-1366", 1366)
}
