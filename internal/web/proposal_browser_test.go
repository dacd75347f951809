package web_test

import (
	"context"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/proposal"
)

// proposalSetup makes a courtyard of 金谷东园社区 (as its grid worker, who
// is on the community committee's staff), verifies the residents there and
// lowers the courtyard threshold to 2, returning the courtyard's code.
func proposalSetup(t *testing.T, a *app.App, phones ...string) string {
	t.Helper()
	ctx := context.Background()
	grid, err := a.Auth.UserByUsername(ctx, "demo-grid")
	if err != nil {
		t.Fatal(err)
	}
	yard, err := a.Proposals.CreateCourtyard(ctx, grid, "110117001001", "金谷东园一号院")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range phones {
		if _, err := a.Proposals.VerifyResident(ctx, grid, yard.Code, p); err != nil {
			t.Fatal(err)
		}
	}
	rules := proposal.DefaultRules()
	rules.Levels[gov.LevelCourtyard] = proposal.LevelRule{Floor: 2, RatePer10k: 100}
	if err := a.Proposals.SetRules(rules); err != nil {
		t.Fatal(err)
	}
	return yard.Code
}

// residentProposal is a proposal of the a11y site's resident, raised once.
func (s *a11ySite) residentProposal() string {
	if s.proposalNo != "" {
		return s.proposalNo
	}
	yard := proposalSetup(s.t, s.a, residentPhone)
	p, err := s.a.Proposals.Create(context.Background(), s.resident(), proposal.New{Level: gov.LevelCourtyard, AreaCode: yard,
		Title: "一号院加装电梯", Body: "一号院老人多，上下楼不便，希望加装电梯。"})
	if err != nil {
		s.t.Fatal(err)
	}
	s.proposalNo = p.Number
	return p.Number
}

// residentLogin logs the browser in as the resident of the phone.
func (b *browser) residentLogin(phone string) {
	b.t.Helper()
	b.open("/login")
	b.do(chromedp.SendKeys(chromedp.CSS("#phone"), phone))
	b.click("form button")
	code := b.text("#demo-code strong")
	b.do(chromedp.SendKeys(chromedp.CSS("#code"), code))
	b.click("form button")
}

// pressEnter focuses the element and presses Enter, waiting for the page
// it leads to, as a keyboard user would send a form.
func (b *browser) pressEnter(sel string) {
	b.t.Helper()
	b.do(chromedp.Evaluate[chromedp.Void](`window.__clicked = true`), chromedp.Focus(chromedp.CSS(sel)),
		chromedp.KeyEvent("\r"))
	for {
		if done, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`window.__clicked !== true && document.readyState === "complete"`)); err == nil && done {
			return
		}
		select {
		case <-b.ctx.Done():
			b.t.Fatalf("enter on %s: nothing followed", sel)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// checkResidentPage runs axe-core and the MIIT figures on the open page in
// the elderly mode, at a phone's width.
func checkResidentPage(t *testing.T, b *browser, src, path string) {
	t.Helper()
	b.open(path)
	if src != "" {
		for _, v := range axeRun(b, src) {
			if v.Impact == "critical" || v.Impact == "serious" {
				t.Errorf("%s: %s [%s] %s\n\t%s", path, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t"))
			}
		}
	}
	if f := miitRun(b, true); len(f.Bad) > 0 {
		t.Errorf("%s in the elderly mode: %s", path, strings.Join(f.Bad, "\n\t"))
	}
}

// TestProposalBrowser walks a proposal from its raising by a resident
// (home → 参与议事 → 提出提案: three screens, sent by keyboard) through the
// co-signing of two neighbours, which accepts it, to the community's answer
// and its completion; the resident reads the answer on the proposal's page
// and finds it on 我的. The resident pages pass axe-core and the MIIT
// figures in the elderly mode at a phone's width.
func TestProposalBrowser(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	neighbours := []string{"13900139001", "13900139002"}
	proposalSetup(t, a, append([]string{residentPhone}, neighbours...)...)
	b := deskBrowser(t, srv.URL, 390, 4*time.Minute)
	b.residentLogin(residentPhone)
	b.open("/big?on=1&back=/")
	b.click("#door-part")
	b.click("#part-proposals")
	b.sees("居民提案")
	b.click("#prop-new")
	b.do(chromedp.SendKeys(chromedp.CSS("#prop-title"), "一号院加装电梯"),
		chromedp.SendKeys(chromedp.CSS("#prop-body"), "一号院老人多，上下楼不便，希望加装电梯。"))
	b.pressEnter("#prop-title")
	b.sees("一号院加装电梯", "征集附议中", "附议 0 人，门槛 2 人", "提案已提交")
	path, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	path = strings.TrimPrefix(strings.SplitN(path, "?", 2)[0], srv.URL)
	src := axeFile()
	for _, p := range []string{"/participate", "/proposals", "/proposals/new", path} {
		checkResidentPage(t, b, src, p)
	}
	if n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("#cosign").length`)); err != nil || n != 0 {
		t.Fatalf("the proposer is offered to co-sign: %d %v", n, err)
	}
	for i, phone := range neighbours {
		nctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
		t.Cleanup(cancel)
		nb := &browser{t: t, ctx: nctx, base: srv.URL}
		nb.do(chromedp.EmulateViewport(390, 900))
		nb.residentLogin(phone)
		nb.open(path)
		nb.sees("征集附议中")
		nb.pressEnter("#cosign")
		nb.sees("附议成功", "附议 "+strconv.Itoa(i+1)+" 人")
	}
	b.open(path)
	b.sees("已受理，待答复", "答复期限")

	sctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	staff := &browser{t: t, ctx: sctx, base: srv.URL}
	staff.do(chromedp.EmulateViewport(1366, 900))
	staff.staffLogin("demo-grid")
	staff.open("/staff/proposals")
	staff.sees("一号院加装电梯", "绿灯")
	staff.click(`a[href="/staff` + path + `"]`)
	staff.do(chromedp.Click(chromedp.CSS("#decision-adopt")))
	staff.do(chromedp.SendKeys(chromedp.CSS("#answer-text"), "同意，已列入本年度加装电梯计划"))
	staff.click("#answer-submit")
	staff.sees("已采纳，办理中", "同意，已列入本年度加装电梯计划")
	if src != "" {
		for _, v := range axeRun(staff, src) {
			if v.Impact == "critical" || v.Impact == "serious" {
				t.Errorf("staff proposal page: %s [%s] %s", v.ID, v.Impact, v.Help)
			}
		}
	}
	staff.do(chromedp.SendKeys(chromedp.CSS("#progress-text"), "电梯已安装并验收"))
	staff.do(chromedp.Click(chromedp.CSS("#progress-done")))
	staff.click("#progress-submit")
	staff.sees("已办结")

	b.open(path)
	b.sees("已办结", "同意，已列入本年度加装电梯计划", "办理进度 100%")
	b.open("/my")
	b.sees("我的居住地", "金谷东园一号院", "我参与的事项", "我提出的", "一号院加装电梯", "已办结")
	checkResidentPage(t, b, src, "/my")
	b.shot("my-agenda", 390)
	b.open("/participate")
	b.shot("participate", 390)
	// Screenshots (with GONGZHI_SHOTS): the answered proposal as the
	// resident sees it, and the staff page.
	b.open(path)
	b.shot("proposal-resident", 390)
	staff.shot("proposal-staff", 1366)
}
