package web_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gongzhi/gongzhi/internal/ticket"
)

// TestPhoneBrowser: the demo resident finds in 我的事项 the calls the hotline
// entered for her phone, for two members of her family, one awaiting her
// rating; a guest lists hers on /track by phone and code, with the keyboard.
// In the elderly mode the list's buttons and chips are at least 60 px.
func TestPhoneBrowser(t *testing.T) {
	exe := findBrowser(t)
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	bg := context.Background()
	agent, handler := staffUser(t, a, "demo-agent"), staffUser(t, a, "demo-handler")
	gran := hotline(t, a, agent, "13800138000", "王奶奶", "楼道扶手松动，老人上下楼不安全", false)
	hotline(t, a, agent, "13800138000", "王小明", "小区门口共享单车乱停", false)
	hotline(t, a, agent, "13744445555", "陈大爷", "院里路灯不亮，晚上看不见路", false)
	for _, step := range []string{ticket.ActionSign, ticket.ActionContact} {
		if _, err := a.Tickets.Act(bg, handler, gran.Number, step, ticket.ActionInput{}); err != nil {
			t.Fatal(err)
		}
	}
	yes := true
	if _, err := a.Tickets.Act(bg, handler, gran.Number, ticket.ActionReply, ticket.ActionInput{ReplyText: "已加固扶手", Resolved: &yes}); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.Flag("no-first-run", true), chromedp.UserDataDir(t.TempDir()))
	defer cancelAlloc()
	resCtx, cancelRes := chromedp.NewContext(allocCtx)
	defer cancelRes()
	res := &browser{t: t, ctx: resCtx, base: srv.URL}
	res.do(chromedp.EmulateViewport(1200, 900))
	res.open("/login")
	res.do(chromedp.SendKeys(chromedp.CSS("#phone"), "13800138000"))
	res.click("form button")
	res.do(chromedp.SendKeys(chromedp.CSS("#code"), res.text("#demo-code strong")))
	res.click("form button")
	res.sees("我的事项", "待评价 1", "家庭成员", "王奶奶", "王小明", "去评价", gran.Number)
	res.shot("phone-my", 1200)
	res.shot("phone-my-390", 390)
	res.click(`a.mine-chip[href*="who="]`)
	res.sees("王奶奶")
	res.open("/big?on=1&back=/my")
	res.sees("我的事项")
	res.shot("phone-my-big-390", 390)
	res.do(chromedp.EmulateViewport(390, 844))
	small, err := chromedp.Run(res.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.mine-act, .mine-chip')]
		.filter(e => { const r = e.getBoundingClientRect(); return r.width < 60 || r.height < 60 })
		.map(e => e.textContent + ' ' + Math.round(e.getBoundingClientRect().width) + 'x' + Math.round(e.getBoundingClientRect().height))`))
	if err != nil {
		t.Fatal(err)
	}
	if len(small) > 0 {
		t.Errorf("targets under 60×60 px in the elderly mode: %v", small)
	}

	// A guest, with the keyboard only.
	gCtx, cancelG := chromedp.NewContext(resCtx, chromedp.WithNewBrowserContext())
	defer cancelG()
	g := &browser{t: t, ctx: gCtx, base: srv.URL}
	g.do(chromedp.EmulateViewport(1200, 900))
	g.open("/track")
	g.sees("按手机号查询", "按编号查询")
	g.shot("phone-track", 1200)
	g.shot("phone-track-390", 390)
	g.do(chromedp.SendKeys(chromedp.CSS("#track-phone"), "13744445555\n"))
	g.do(chromedp.WaitVisible(chromedp.CSS("#demo-code")))
	g.sees("演示模式验证码")
	g.shot("phone-track-code", 1200)
	g.do(chromedp.SendKeys(chromedp.CSS("#track-code"), g.text("#demo-code strong")+"\n"))
	g.do(chromedp.WaitVisible(chromedp.CSS(".mine-forget")))
	g.sees("我的事项", "院里路灯不亮", "退出查询")
	g.shot("phone-track-mine", 1200)
}
