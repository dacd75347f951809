package web

import (
	"bytes"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/ticket"
)

// TestResidentActionsTemplate: the reporter's forms are the actions the
// state machine offers her, each with the page's CSRF token and the error of
// the one that failed.
func TestResidentActionsTemplate(t *testing.T) {
	s, err := New(Deps{})
	if err != nil {
		t.Fatal(err)
	}
	render := func(lang string, v *TicketView, p *Page) string {
		p.Lang, p.Data, p.CSRF = lang, v, "tok-1"
		var b bytes.Buffer
		if err := s.pages[lang]["ticket"].ExecuteTemplate(&b, "resident_actions", p); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	v := &TicketView{T: ticket.Ticket{Number: "20260302000001"}, Actions: []string{ticket.ActionRate, ticket.ActionWithdraw, ticket.ActionSupplement}}
	out := render("zh", v, &Page{})
	for _, want := range []string{`action="/tickets/20260302000001/act/withdraw"`, `action="/tickets/20260302000001/act/supplement"`,
		`name="csrf" value="tok-1"`, "撤回诉求", "确认撤回", "补充情况", `maxlength="2000" required`} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "/act/urge") || strings.Contains(out, "/act/rate") {
		t.Errorf("a form not offered:\n%s", out)
	}
	v.Failed, v.Actions = ticket.ActionUrge, []string{ticket.ActionUrge}
	out = render("en", v, &Page{Err: "you have already urged this request today"})
	if !strings.Contains(out, `role="alert"`) || !strings.Contains(out, "already urged") || !strings.Contains(out, "Urge") {
		t.Errorf("the failed form:\n%s", out)
	}
	if out := render("zh", &TicketView{T: ticket.Ticket{Number: "1"}}, &Page{}); strings.TrimSpace(out) != "" {
		t.Errorf("forms with nothing to offer:\n%s", out)
	}
}
