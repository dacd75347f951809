package web_test

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/mediation"
)

// mediationCommittee sets up the people's mediation committee of 金谷东园社区
// with three members, the demo grid worker its chair by her account.
func mediationCommittee(t *testing.T, a *app.App) {
	t.Helper()
	ctx := context.Background()
	grid, err := a.Auth.UserByUsername(ctx, "demo-grid")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Gov.UpsertOrg(ctx, gov.Org{Code: "TJ-JGDY", Name: "金谷东园社区人民调解委员会", Kind: gov.KindMediationCommittee, AreaCode: "110117001001"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Mediation.SetMembers(ctx, auth.System(), "TJ-JGDY", []mediation.NewMember{
		{Name: "网格调解员", UserID: grid.ID, Duty: mediation.DutyChair}, {Name: "李委员"}, {Name: "赵委员"}}); err != nil {
		t.Fatal(err)
	}
}

// residentMediation is a case the a11y site's resident applied for, with a
// written agreement, made once.
func (s *a11ySite) residentMediation() string {
	if s.mediationNo != "" {
		return s.mediationNo
	}
	ctx := context.Background()
	mediationCommittee(s.t, s.a)
	res := auth.User{ID: "r-a11y", Role: auth.RoleResident, Phone: residentPhone}
	c, err := s.a.Mediation.Apply(ctx, res, mediation.New{DisputeType: "neighbour", Summary: "楼上漏水殃及楼下。", AreaCode: "110117001001",
		Parties: []mediation.NewParty{{Name: "王芳"}, {Name: "李四", Role: mediation.RoleRespondent}}})
	if err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.a.Mediation.Agree(ctx, auth.System(), c.Number, mediation.NewAgreement{Content: "修复管道", Performance: "十日内", EffectiveOn: time.Now().In(clock.BusinessZone()).Format("2006-01-02")}); err == nil {
		s.t.Fatal("agreed without mediators")
	}
	grid, _ := s.a.Auth.UserByUsername(ctx, "demo-grid")
	if _, err := s.a.Mediation.Agree(ctx, grid, c.Number, mediation.NewAgreement{Content: "修复管道", Performance: "十日内", EffectiveOn: time.Now().In(clock.BusinessZone()).Format("2006-01-02")}); err != nil {
		s.t.Fatal(err)
	}
	s.mediationNo = c.Number
	return c.Number
}

// TestMediationBrowser walks a mediation case from the application to the
// printed case file: the resident, in the elderly mode at a phone's width,
// goes home → 参与议事 → 人民调解 and applies by keyboard; the committee's
// chair (the grid worker) finds it among the blue cases, grades it yellow,
// names the mediators, records a session signed in person, and records the
// written agreement, whose confirmation deadline is 30 days on; the
// resident reads the agreement and the deadline; the case file prints to an
// A4 PDF in Chinese with every record. The resident pages pass axe-core
// and the MIIT figures in the elderly mode.
func TestMediationBrowser(t *testing.T) {
	a := newApp(t)
	mediationCommittee(t, a)
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	staff := deskBrowser(t, srv.URL, 1366, 4*time.Minute)

	rctx, cancel := chromedp.NewContext(staff.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	b := &browser{t: t, ctx: rctx, base: srv.URL}
	b.do(chromedp.EmulateViewport(390, 900))
	b.residentLogin(residentPhone)
	b.open("/big?on=1&back=/")
	b.click("#door-part")
	b.click("#part-mediation")
	b.sees("人民调解", "申请调解", "调解不收取任何费用")
	b.do(chromedp.SetValue(chromedp.CSS("#med-type"), "neighbour"), chromedp.SetValue(chromedp.CSS("#med-area"), "110117001001"),
		chromedp.SendKeys(chromedp.CSS("#med-summary"), "楼上卫生间漏水，殃及我家天花板，多次协商未果。"),
		chromedp.SendKeys(chromedp.CSS("#med-name"), "王芳"),
		chromedp.SendKeys(chromedp.CSS("#med-claim"), "修复漏水并赔偿装修损失"),
		chromedp.SendKeys(chromedp.CSS("#med-other-name"), "李四"),
		chromedp.SendKeys(chromedp.CSS("#med-other-phone"), "13900139202"))
	b.pressEnter("#med-submit")
	b.sees("已提交调解申请", "已受理", "金谷东园社区人民调解委员会", "申请人：王芳", "被申请人：李*")
	loc := b.location()
	number := strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], srv.URL+"/mediation/")
	if !strings.HasPrefix(number, "TJ") {
		t.Fatalf("case page %s", loc)
	}
	src := axeFile()
	for _, p := range []string{"/participate", "/mediation", "/mediation/" + number} {
		checkResidentPage(t, b, src, p)
	}

	staff.staffLogin("demo-grid")
	staff.open("/staff/mediation")
	staff.sees("蓝色（一般纠纷）", number)
	staff.click(`a[href="/staff/mediation/` + number + `"]`)
	staff.sees("当事人申请", "13800138000", "13900139202")
	staff.do(chromedp.SetValue(chromedp.CSS("#med-rrisk"), "yellow"), chromedp.SendKeys(chromedp.CSS("#med-rnote"), "双方情绪激动"))
	staff.click("#med-regrade")
	staff.sees("已重新评估风险", "黄色（可能激化）")
	staff.check(`#med-mediators-form input[name="member"]`)
	staff.click("#med-assign")
	staff.sees("已指派调解员", "网格调解员")
	staff.do(chromedp.SendKeys(chromedp.CSS("#med-place"), "社区调解室"),
		chromedp.SendKeys(chromedp.CSS("#med-record"), "双方陈述事实。李四同意修复管道，就赔偿数额协商。"))
	staff.click("#med-session")
	staff.sees("已记录调解", "第1次调解")
	staff.do(chromedp.SetValue(chromedp.CSS("#med-sign-session"), "1"), chromedp.SetValue(chromedp.CSS("#med-sign-party"), "1"))
	staff.click("#med-sign")
	staff.sees("已记录签名", "当事人1 当面签名")
	staff.do(chromedp.SendKeys(chromedp.CSS("#med-content"), "李四于十日内修复卫生间管道，并赔偿王芳装修损失2000元。"),
		chromedp.SendKeys(chromedp.CSS("#med-performance"), "现金一次付清，维修由物业见证"))
	staff.click("#med-agree")
	today := time.Now().In(clock.BusinessZone())
	deadline := today.AddDate(0, 0, 30).Format("2006-01-02")
	staff.sees("已记录调解协议", "人民调解协议书", deadline, "已达成协议")
	if src != "" {
		for _, v := range axeRun(staff, src) {
			if v.Impact == "critical" || v.Impact == "serious" {
				t.Errorf("staff mediation page: %s [%s] %s", v.ID, v.Impact, v.Help)
			}
		}
	}
	staff.shot("mediation-staff", 1366)

	b.open("/mediation/" + number)
	b.sees("人民调解协议书", "李四于十日内修复卫生间管道", deadline, "共同向人民法院提出")
	checkResidentPage(t, b, src, "/mediation/"+number)
	b.shot("mediation-resident", 390)
	b.open("/my")
	b.sees(number)

	// The case file: the print page, then its PDF.
	staff.open("/staff/mediation/" + number)
	staff.click("#med-print")
	staff.sees("人民调解卷宗", number, "人民调解协议书", "一式3份", deadline, "第1次调解", "当面签名", "人民调解不收取任何费用")
	staff.shot("mediation-print", 1200)
	pdf, err := chromedp.Run(staff.ctx, chromedp.PrintToPDF(func(p *page.PrintToPDFParams) { css := true; p.PreferCSSPageSize = &css }))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("not a PDF: %q", pdf[:min(len(pdf), 16)])
	}
	if !regexp.MustCompile(`/MediaBox\s*\[\s*0 0 59[45](\.\d+)? 84[12](\.\d+)?\s*\]`).Match(pdf) {
		t.Errorf("the case file's pages are not A4")
	}
	if exe, err := exec.LookPath("pdftotext"); err == nil {
		f := filepath.Join(t.TempDir(), "case.pdf")
		if err := os.WriteFile(f, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(exe, "-layout", f, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{number, "人民调解卷宗", "人民调解协议书", deadline, "办理过程"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("the PDF's text lacks %q:\n%s", want, out)
			}
		}
	} else {
		t.Logf("pdftotext not installed: the PDF's text is not read")
	}
}
