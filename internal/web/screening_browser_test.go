package web_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/screening"
)

// screeningRound schedules, as the demo supervisor, a round of 金谷东园社区
// under way with a household and a shop to check.
func screeningRound(t *testing.T, a *app.App) screening.Round {
	t.Helper()
	ctx := context.Background()
	sup, err := a.Auth.UserByUsername(ctx, "demo-supervisor")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(clock.BusinessZone())
	r, err := a.Screening.Create(ctx, sup, screening.New{AreaCode: "110117001001", Title: "金谷东园冬季安全排查", StartsAt: now.Add(-time.Hour),
		EndsAt: now.Add(72 * time.Hour), Places: "金谷东园2号楼301\n东园便利店,场所\n"})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestScreeningBrowser walks a screening round on a phone: the grid
// worker finds it in her list, records the household with 无异常 and the
// shop with a finding that becomes a ticket, and the coverage reads two of
// two. Then a resident, in the elderly mode, goes from the home page to
// 我的 and on to 需求登记, registers her needs with consent, the grid worker
// reads the visit plan with a reason and records a visit, the resident
// sees who read her needs and why, and withdraws: the plan no longer shows
// her. The resident page passes axe-core and the MIIT figures.
func TestScreeningBrowser(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	rd := screeningRound(t, a)
	grid := deskBrowser(t, srv.URL, 390, 4*time.Minute)
	grid.staffLogin("demo-grid")
	grid.open("/staff/screening")
	grid.sees("金谷东园冬季安全排查", "已排查 0 / 2")
	grid.click(`a[href="/staff/screening/` + rd.ID + `"]`)
	grid.sees("金谷东园2号楼301", "东园便利店", "无异常")
	grid.pressEnter("#clear-1")
	grid.sees("已记录：无异常", "已排查 1 / 2")
	grid.shot("screening-phone", 390)
	grid.do(chromedp.Click(chromedp.CSS("#place-2 summary")))
	grid.do(chromedp.SendKeys(chromedp.CSS("#note-2"), "店内灭火器过期，消防通道堆放纸箱"),
		chromedp.SetValue(chromedp.CSS("#cat-2"), "0101"))
	grid.click("#finding-2")
	grid.sees("已记录，问题已转办", "已排查 2 / 2", "100%", "全部排查完毕")
	body := grid.text("#scr-done")
	if !strings.Contains(body, "工单") || !strings.Contains(body, "发现问题") || !strings.Contains(body, "无异常") {
		t.Fatalf("recorded places:\n%s", body)
	}
	got, err := a.Screening.Get(context.Background(), mustUser(t, a, "demo-grid"), rd.ID)
	if err != nil || got.Places[1].Ref == "" || got.Places[1].ConvertedTo != "ticket" {
		t.Fatalf("the finding's ticket: %+v %v", got.Places, err)
	}
	grid.open("/staff/screening/" + rd.ID)
	grid.sees(got.Places[1].Ref)
	grid.open("/staff/screening")
	grid.sees("已排查 2 / 2")
	grid.shot("screening-list", 390)

	rctx, cancel := chromedp.NewContext(grid.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	b := &browser{t: t, ctx: rctx, base: srv.URL}
	b.do(chromedp.EmulateViewport(390, 900))
	b.residentLogin(residentPhone)
	b.open("/big?on=1&back=/")
	b.click("#door-my")
	b.click("#my-needs")
	b.sees("需求登记", "尚未登记", "授权说明")
	b.do(chromedp.Click(chromedp.CSS("#cat-alone")), chromedp.Click(chromedp.CSS("#cat-elderly")),
		chromedp.SetValue(chromedp.CSS("#needs-area"), "110117001001"),
		chromedp.SendKeys(chromedp.CSS("#needs-address"), "金谷东园3号楼1单元502"))
	b.do(chromedp.Click(chromedp.CSS("#needs-consent")))
	b.click("#needs-submit")
	b.sees("已登记", "已登记，已授权", "独居", "高龄", "还没有人查看过")
	src := axeFile()
	checkResidentPage(t, b, src, "/needs")

	grid.open("/staff/visits")
	grid.do(chromedp.SendKeys(chromedp.CSS("#visits-reason"), "每周走访"))
	grid.click("#visits-show")
	grid.sees("金谷东园3号楼1单元502", "独居", "到期需走访")
	grid.click(".scr-place form button")
	grid.sees("走访已记录", "上次走访")
	grid.shot("visits-phone", 390)
	b.open("/needs")
	b.sees("谁查看了我的信息", "网格演示员", "每周走访")
	b.shot("needs-resident", 390)
	b.click("#needs-withdraw")
	b.sees("已撤回授权，您的信息已删除")
	if strings.Contains(b.text("main"), "3号楼1单元502") {
		t.Fatal("the address is still shown after withdrawal")
	}
	grid.open("/staff/visits?reason=" + "每周走访")
	if strings.Contains(grid.text("main"), "3号楼1单元502") {
		t.Fatal("the plan still shows her after withdrawal")
	}
}
