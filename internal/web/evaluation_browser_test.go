package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gongzhi/gongzhi/internal/ticket"
)

// TestBrowserRectification: in the browser, the dashboards render with the
// demo's data; a supervisor sets a rectification task for 滨河街道办事处, its
// handler submits the measures, the supervisor accepts them.
func TestBrowserRectification(t *testing.T) {
	exe := findBrowser(t)
	a, srv := newEvalServer(t)
	closedTicket(t, a, "北门垃圾无人清运", true, ticket.Satisfied)
	closedTicket(t, a, "南门道路积水", true, ticket.Basic)
	closedTicket(t, a, "楼道堆物未清理", false, ticket.Unsatisfied)
	seedHistory(t, a, 60)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.Flag("no-first-run", true), chromedp.Flag("disable-background-networking", true),
		chromedp.UserDataDir(t.TempDir()))
	defer cancelAlloc()
	sctx, cancelS := chromedp.NewContext(allocCtx)
	defer cancelS()
	login := func(b *browser, user, pass string) {
		b.do(chromedp.EmulateViewport(1280, 900))
		b.open("/staff/login")
		b.do(chromedp.SendKeys(chromedp.CSS("#username"), user), chromedp.SendKeys(chromedp.CSS("#password"), pass))
		b.click("form button")
	}
	sup := &browser{t: t, ctx: sctx, base: srv.URL}
	login(sup, "demo-supervisor", "gongzhi-demo")
	sup.click(`.staffnav a[href="/staff/dashboard"]`)
	sup.sees("全区看板", "诉求量趋势", "三率趋势", "诉求来源分布", "街道乡镇考核排名", "先进", "整改")
	sup.shot("dashboard-1280", 1280)
	sup.open("/staff/unit?org_code=110117001-SO")
	sup.sees("单位看板", "滨河街道办事处", "超时与临期工单")

	// The supervisor sets the task.
	sup.open("/staff/rectifications")
	sup.click(`a[href="/staff/rectifications/new"]`)
	sup.do(
		chromedp.SetValue(chromedp.CSS("#r-org"), "110117001-SO"),
		chromedp.SendKeys(chromedp.CSS("#r-title"), "环境卫生投诉集中整改"),
		chromedp.SendKeys(chromedp.CSS("#r-reason"), "本月垃圾清运类投诉不满意较多"),
		chromedp.SetValue(chromedp.CSS("#r-deadline"), time.Now().AddDate(0, 0, 14).Format("2006-01-02")),
	)
	sup.click("#rect-form button")
	sup.sees("整改任务已下达", "环境卫生投诉集中整改", "待整改")
	taskURL := sup.text(`dd a.mono`)
	taskURL = "/staff/rectifications/" + strings.TrimSpace(taskURL)

	// The unit's handler submits the measures.
	hctx, cancelH := chromedp.NewContext(sctx, chromedp.WithNewBrowserContext())
	defer cancelH()
	h := &browser{t: t, ctx: hctx, base: srv.URL}
	login(h, "demo-handler", "gongzhi-demo")
	h.click(`.staffnav a[href="/staff/unit"]`)
	h.sees("单位看板", "滨河街道办事处", "环境卫生投诉集中整改")
	h.shot("unit-1280", 1280)
	h.open(taskURL)
	h.do(
		chromedp.SendKeys(chromedp.CSS("#measures"), "增加清运频次至每日两次，设立楼道堆物巡查"),
		chromedp.SendKeys(chromedp.CSS("#evidence"), "清运台账第12页"),
	)
	h.click("#rect-submit button")
	h.sees("整改情况已提交", "待审核", "增加清运频次至每日两次")

	// The supervisor accepts.
	sup.open(taskURL)
	sup.sees("增加清运频次至每日两次", "审核整改情况")
	sup.do(chromedp.SendKeys(chromedp.CSS("#note"), "措施到位"))
	sup.click("#rect-accept")
	sup.sees("已审核通过", "已通过", "措施到位")
	sup.shot("rectification-1280", 1280)
}
