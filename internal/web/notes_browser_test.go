package web_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/gongzhi/gongzhi/internal/demo"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// notesTrack opens the resident's page of the ticket by its number and phone.
func (b *browser) notesTrack(number, phone string) string {
	b.t.Helper()
	b.open("/track")
	b.do(chromedp.SendKeys(chromedp.CSS("#number"), number), chromedp.SendKeys(chromedp.CSS("#phone"), phone))
	b.click(`form[action="/track"] button`)
	b.sees(number)
	return b.text("main")
}

// TestBrowserDispatchNoteInternal: the dispatcher types a note on dispatch,
// told beside it that the resident does not read it; the resident's page
// does not show it. The unit's contact note, ticked 告知居民 by keyboard,
// is on her page.
func TestBrowserDispatchNoteInternal(t *testing.T) {
	findBrowser(t)
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	const phone = "13912345678"
	tk, err := a.Tickets.Create(context.Background(), nil, ticket.NewTicket{Kind: ticket.KindHelp, CategoryCode: "0405",
		AreaCode: demo.CommunityJinguDongyuan, Description: "金谷东园5号楼停电一整天", ReporterPhone: phone})
	if err != nil {
		t.Fatal(err)
	}
	b := deskBrowser(t, srv.URL, 1280, 60*time.Second)

	b.staffLogin("demo-dispatcher")
	b.open("/staff/tickets/" + tk.Number)
	if hint := b.text("#dispatch-note-sight"); !strings.Contains(hint, "仅内部可见") || !strings.Contains(hint, "告知居民") {
		t.Errorf("the dispatch note's hint: %q", hint)
	}
	if by := b.eval(`document.getElementById("dispatch-note").getAttribute("aria-describedby")`); by != "dispatch-note-sight" {
		t.Errorf("the note is not described by its hint: %q", by)
	}
	b.do(chromedp.SetValue(chromedp.CSS("#org_code"), demo.StreetOfficeCode(demo.StreetBinhe)),
		chromedp.SendKeys(chromedp.CSS("#dispatch-note"), dispatchNote))
	b.click("#act-dispatch button")
	b.sees("已派单", dispatchNote)

	if mine := b.notesTrack(tk.Number, phone); strings.Contains(mine, dispatchNote) {
		t.Fatalf("the resident's page shows the dispatcher's note:\n%s", mine)
	}

	b.open("/staff")
	b.click(`form[action="/logout"] button`)
	b.staffLogin("demo-handler")
	b.open("/staff/tickets/" + tk.Number)
	b.click("#act-sign button")
	b.waitFor("the contact form", `document.getElementById("contact-note")`)
	b.do(chromedp.Focus(chromedp.CSS("#contact-note")))
	b.do(chromedp.SendKeys(chromedp.CSS("#contact-note"), toldNote))
	b.tabTo("contact-notify", 1)
	b.keys(" ")
	if b.eval(`String(document.getElementById("contact-notify").checked)`) != "true" {
		t.Fatal("告知居民 not ticked by the space bar")
	}
	b.shot("notes-contact-told", 1280)
	b.click("#act-contact button")
	b.sees("已告知居民")
	b.shot("notes-staff-timeline", 1280)

	mine := b.notesTrack(tk.Number, phone)
	if !strings.Contains(mine, toldNote) {
		t.Errorf("the resident's page lacks the note told to her:\n%s", mine)
	}
	if strings.Contains(mine, dispatchNote) {
		t.Errorf("the resident's page shows the dispatcher's note:\n%s", mine)
	}
}

// TestBrowserConsultationWithoutPlace: on the hotline console an agent
// takes a policy question (政策咨询), answers and closes it with no place
// given; a call about a street light with no place is refused with the
// cursor in the place, not in the phone.
func TestBrowserConsultationWithoutPlace(t *testing.T) {
	findBrowser(t)
	a, srv := consoleServer(t)
	b := deskBrowser(t, srv.URL, 1280, 60*time.Second)
	b.staffLogin("demo-agent")

	b.open("/staff/console")
	b.waitFocus("phone")
	b.keys("13912345678")
	b.tabTo("category_q", 2)
	b.keys("zczx")
	b.waitFor("category suggestions", `document.querySelector('#cat-list [role=option]') && !document.getElementById("cat-list").hidden`)
	b.keys(kb.Enter)
	if code := b.eval(`document.getElementById("category_code").value`); code != "1101" {
		t.Fatalf("category_code = %q, want 1101 (政策咨询)", code)
	}
	b.tabTo("description", 1)
	b.do(chromedp.SendKeys(chromedp.CSS("#description"), "咨询老年人乘车优待卡怎么办理"))
	b.do(chromedp.Click(chromedp.CSS(`input[name="kind"][value="consultation"]`)))
	b.waitFor("the answer box", `document.getElementById("answer-box").classList.contains("on")`)
	b.do(chromedp.SendKeys(chromedp.CSS("#reply_text"), "持身份证到社区服务站办理，当场发卡"))
	b.alt("a")
	b.waitFor("the result", `document.querySelector(".result .ticket-no")`)
	number := strings.TrimSpace(b.text(".result .ticket-no"))
	tk, err := a.Tickets.Get(context.Background(), adminUser(t, a), number)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Status != ticket.StatusClosed || tk.AreaCode != "" || tk.Address != "" || tk.ReplyText == "" {
		t.Fatalf("the consultation: status %s, area %q, address %q, reply %q", tk.Status, tk.AreaCode, tk.Address, tk.ReplyText)
	}

	// A street light out, with no place: refused, the cursor in the place.
	b.open("/staff/console")
	b.waitFocus("phone")
	b.keys("13912345678")
	b.tabTo("category_q", 2)
	b.keys("ldzm")
	b.waitFor("category suggestions", `document.querySelector('#cat-list [role=option]') && !document.getElementById("cat-list").hidden`)
	b.keys(kb.Enter)
	b.tabTo("description", 1)
	b.do(chromedp.SendKeys(chromedp.CSS("#description"), "小区门口路灯不亮"))
	b.alt("s")
	b.waitFor("the refusal", `document.getElementById("street") && document.getElementById("street").getAttribute("aria-invalid") === "true"`)
	b.sees("请提供地点")
	b.waitFocus("street")
	b.shot("notes-console-place", 1280)
	if v := b.eval(`document.getElementById("description").value`); v != "小区门口路灯不亮" {
		t.Errorf("the description was not kept: %q", v)
	}
}
