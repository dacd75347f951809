package web_test

import (
	"context"
	"image/color"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// TestBrowserTicketFlow: with JavaScript, the handler signs, contacts and
// replies (with a photo, multipart) on one ticket without a page load: the
// main part is replaced, a mark set on the window survives, no frame
// navigates, focus moves to the status line or to the form's error, and the
// address follows. Then she prints the ticket: Chromium's PDF of the print
// page holds the number on A4.
func TestBrowserTicketFlow(t *testing.T) {
	a, h, number := flowSite(t)
	photo := filepath.Join(t.TempDir(), "after.jpg")
	if err := os.WriteFile(photo, jpegBytes(t, color.RGBA{40, 160, 60, 255}), 0o644); err != nil {
		t.Fatal(err)
	}
	hctx := h.ctx

	var navigations atomic.Int32
	if err := chromedp.Listen(hctx, func(ev any) {
		switch e := ev.(type) {
		case *page.EventFrameNavigated:
			if e.Frame != nil && e.Frame.ParentID == "" {
				navigations.Add(1)
			}
		case page.EventFrameNavigated:
			if e.Frame != nil && e.Frame.ParentID == "" {
				navigations.Add(1)
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	h.eval(`window.__flowMark = "kept"; ""`)

	// step sends a form by its button and waits for the n-th swap.
	step := func(n, sel string) {
		t.Helper()
		h.do(chromedp.Click(chromedp.CSS(sel)))
		h.waitFor("swap "+n, `document.body.getAttribute("data-flow") === "`+n+`"`)
	}
	focusIs := func(want string) {
		t.Helper()
		if got := h.eval(`String(document.activeElement && document.activeElement.matches(` + jsString(want) + `))`); got != "true" {
			t.Errorf("focus is on %s, want %s", h.eval(`document.activeElement.outerHTML.slice(0, 120)`), want)
		}
	}

	step("1", `form[action$="/sign"] button`)
	h.sees("已签收。", "联系诉求人")
	focusIs(".flash[role=status]")
	if got := h.eval(`location.pathname + location.search`); got != "/staff/tickets/"+number+"?done=sign" {
		t.Errorf("address after signing: %s", got)
	}

	h.do(chromedp.SendKeys(chromedp.CSS("#contact-note"), "已电话联系居民，约定当日清运"))
	step("2", `form[action$="/contact"] button`)
	h.sees("已记录联系。", "已电话联系居民，约定当日清运")
	focusIs(".flash[role=status]")

	// A reply without its text: the server's error shows in the form, and
	// focus goes to it.
	step("3", `form[action$="/reply"] button`)
	focusIs("#act-reply .alert[role=alert]")
	if got := h.eval(`document.querySelector("#act-reply .alert").textContent`); !strings.Contains(got, "请") {
		t.Errorf("the reply form's error: %q", got)
	}

	h.do(
		chromedp.SendKeys(chromedp.CSS("#reply_text"), "已协调保洁公司清运完毕，并增加巡查频次"),
		chromedp.Click(chromedp.CSS(`form[action$="/reply"] input[name=resolved][value=yes]`)),
		chromedp.SetUploadFiles(chromedp.CSS("#reply-photos"), []string{photo}),
	)
	step("4", `form[action$="/reply"] button`)
	h.sees("答复已提交。", "已答复", "已上传照片 1 张。", "已协调保洁公司清运完毕")
	focusIs(".flash[role=status]")
	h.shot("ticketflow-replied", 1200)
	h.shot("ticketflow-replied-390", 390)

	if got := h.eval(`String(window.__flowMark)`); got != "kept" {
		t.Errorf("the page was loaded again: the window's mark is %q", got)
	}
	if n := navigations.Load(); n != 0 {
		t.Errorf("%d page navigations for sign, contact and reply; want none", n)
	}
	after, err := a.Tickets.Get(context.Background(), adminUser(t, a), number)
	if err != nil {
		t.Fatal(err)
	}
	if after.Status != ticket.StatusReplied {
		t.Fatalf("status after the reply: %s", after.Status)
	}

	// Print: the link opens the print page; its PDF is A4 with the number.
	h.click(`a[href="/staff/tickets/` + number + `/print"]`)
	h.sees(number, "接诉即办工单", "打印人：街道承办演示员")
	h.shot("ticket-print", 1200)
	h.shot("ticket-print-390", 390)
	pdf, err := chromedp.Run(hctx, chromedp.PrintToPDF(func(p *page.PrintToPDFParams) { css := true; p.PreferCSSPageSize = &css }))
	if err != nil {
		t.Fatal(err)
	}
	checkPDF(t, pdf, number)
}

// flowSite is a demo installation with a new ticket for 滨河街道 and a
// browser logged in as its handler, on the ticket's page.
func flowSite(t *testing.T) (*app.App, *browser, string) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	tk, err := a.Tickets.Create(context.Background(), nil, ticket.NewTicket{CategoryCode: "0101", AreaCode: "110117001001",
		Description: "金谷东园北门垃圾堆放三天无人清运", Address: "金谷东园北门", ReporterName: "王芳", ReporterPhone: "13900007777"})
	if err != nil {
		t.Fatal(err)
	}
	h := deskBrowser(t, srv.URL, 1200, 60*time.Second)
	h.staffLogin("demo-handler")
	h.open("/staff/tickets/" + tk.Number)
	h.sees("签收", tk.Number)
	return a, h, tk.Number
}

// TestBrowserTicketFlowNoScript: without JavaScript the same forms post
// and the browser loads the page the server redirects to.
func TestBrowserTicketFlowNoScript(t *testing.T) {
	_, h, number := flowSite(t)
	h.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	h.open("/staff/tickets/" + number)
	h.eval(`window.__flowMark = "kept"; ""`)
	h.click(`form[action$="/sign"] button`)
	h.sees("已签收。", "联系诉求人")
	if got := h.eval(`String(window.__flowMark) + " " + (document.body.getAttribute("data-flow") || "none") + " " + location.search`); got != "undefined none ?done=sign" {
		t.Errorf("without JavaScript the page was not loaded again: %s", got)
	}
	h.do(chromedp.SendKeys(chromedp.CSS("#contact-note"), "已电话联系居民"))
	h.click(`form[action$="/contact"] button`)
	h.sees("已记录联系。", "已电话联系居民")
}

// checkPDF checks a PDF of the print page: A4 pages, and with pdftotext
// (poppler-utils) its text holds the number, the heading and the page line.
func checkPDF(t *testing.T, pdf []byte, number string) {
	t.Helper()
	if !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("not a PDF: %q", pdf[:min(len(pdf), 16)])
	}
	// A4 is 595 × 842 points.
	if !regexp.MustCompile(`/MediaBox\s*\[\s*0 0 59[45](\.\d+)? 84[12](\.\d+)?\s*\]`).Match(pdf) {
		t.Errorf("the PDF's pages are not A4")
	}
	exe, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Logf("pdftotext not installed (apt install poppler-utils): the PDF's text is not read")
		return
	}
	f := filepath.Join(t.TempDir(), "ticket.pdf")
	if err := os.WriteFile(f, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(exe, "-layout", f, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, want := range []string{number, "接诉即办工单", "办理过程", "第 1 页"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, text)
		}
	}
	if os.Getenv("GONGZHI_SHOTS") != "" {
		os.WriteFile(filepath.Join(os.Getenv("GONGZHI_SHOTS"), "ticket-print.pdf"), pdf, 0o644)
	}
}

// jsString quotes s for JavaScript.
func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
