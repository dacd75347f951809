package web_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/demo"
)

// TestVolunteerBrowser walks volunteering from registration to points: the
// resident, in the elderly mode at a phone's width, finds 志愿服务 from
// the home page through 参与议事 and registers with 金谷东园社区 by
// keyboard; the grid worker (on the community committee's staff) approves
// her and posts a task of two places; she signs up by keyboard; once the
// task has begun the grid worker confirms her three hours; she sees 30
// points with their cause in her ledger, and that redemption at shops is
// not switched on. Then it is: the administrator adds a partner shop, she
// makes a code, the shop's staff confirm it (a wrong code first) and her
// balance is 10. The resident pages pass axe-core and the MIIT figures.
func TestVolunteerBrowser(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	staff := deskBrowser(t, srv.URL, 1366, 4*time.Minute)
	staff.staffLogin("demo-grid")

	rctx, cancel := chromedp.NewContext(staff.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	b := &browser{t: t, ctx: rctx, base: srv.URL}
	b.do(chromedp.EmulateViewport(390, 900))
	b.residentLogin(residentPhone)
	b.open("/big?on=1&back=/")
	b.click("#door-part")
	b.click("#part-volunteer")
	b.sees("登记成为志愿者", "本区尚未开通积分兑换")
	b.do(chromedp.SendKeys(chromedp.CSS("#vol-name"), "王芳"), chromedp.SendKeys(chromedp.CSS("#vol-skills"), "量血压、陪伴老人"),
		chromedp.SetValue(chromedp.CSS("#vol-community"), "110117001001"))
	b.pressEnter("#vol-register-btn")
	b.sees("已提交登记", "待社区审核", "金谷东园社区")
	src := axeFile()
	checkResidentPage(t, b, src, "/volunteer")

	staff.open("/staff/volunteer")
	staff.sees("待审核的志愿者", "王芳", "138****8000")
	staff.click("form[action$='/decide'] button.primary")
	staff.sees("已通过", "没有待审核的登记")
	starts := time.Now().In(clock.BusinessZone()).Add(2 * time.Hour)
	staff.do(chromedp.SendKeys(chromedp.CSS("#vol-title"), "金谷东园助老送餐"), chromedp.SendKeys(chromedp.CSS("#vol-place"), "金谷东园北门"),
		chromedp.SetValue(chromedp.CSS("#vol-starts"), starts.Format("2006-01-02T15:04")), chromedp.SendKeys(chromedp.CSS("#vol-places"), "2"))
	staff.click("#vol-post")
	staff.sees("任务已发布", "金谷东园助老送餐", "还没有人报名")
	id := strings.TrimPrefix(strings.SplitN(staff.location(), "?", 2)[0], srv.URL+"/staff/volunteer/tasks/")

	b.open("/volunteer")
	b.sees("已通过，可以报名", "金谷东园助老送餐", "招募 2 人，已报名 0 人")
	b.pressEnter("#signup-" + id)
	b.sees("报名成功", "已报名", "招募 2 人，已报名 1 人")
	checkResidentPage(t, b, src, "/volunteer")
	b.open("/my")
	b.sees("金谷东园助老送餐")

	// Hours are confirmed once the task has begun: it began an hour ago.
	if _, err := a.DB.W.ExecContext(context.Background(), `UPDATE volunteer_tasks SET starts_at = $2 WHERE id = $1`, id, time.Now().Add(-time.Hour).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	staff.open("/staff/volunteer/tasks/" + id)
	staff.sees("王芳", "138****8000", "已报名，时长待确认")
	staff.do(chromedp.SendKeys(chromedp.CSS("input[name=hours]"), "3"))
	staff.click("form[action$='/hours'] button")
	staff.sees("时长已确认，积分已计入", "时长已确认")
	if src != "" {
		for _, v := range axeRun(staff, src) {
			if v.Impact == "critical" || v.Impact == "serious" {
				t.Errorf("staff volunteer task page: %s [%s] %s", v.ID, v.Impact, v.Help)
			}
		}
	}

	b.open("/volunteer")
	b.sees("我的积分", "30", "志愿服务时长", "+30", "本区尚未开通积分兑换", "我的服务记录", "时长已确认 · 3 小时")
	if got := b.text("#vol-balance"); got != "30" {
		t.Fatalf("balance %q", got)
	}
	checkResidentPage(t, b, src, "/volunteer")

	// The district switches redemption on and the administrator makes the
	// department a partner shop on her page; the resident makes a code for
	// 20 points by keyboard, and the department's handler confirms it.
	rules := a.Volunteers.Rules()
	rules.Shops = true
	if err := a.Volunteers.SetRules(rules); err != nil {
		t.Fatal(err)
	}
	kctx, cancelKeeper := chromedp.NewContext(staff.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancelKeeper)
	keeper := &browser{t: t, ctx: kctx, base: srv.URL}
	keeper.do(chromedp.EmulateViewport(1366, 900))
	keeper.open("/staff/login")
	keeper.do(chromedp.SendKeys(chromedp.CSS("#username"), "admin"), chromedp.SendKeys(chromedp.CSS("#password"), "lantern-river-42"))
	keeper.click("form button")
	keeper.open("/staff/volunteer")
	keeper.sees("积分兑换合作商户", "本区已开通积分兑换", "还没有合作商户")
	keeper.do(chromedp.SendKeys(chromedp.CSS("#vol-shop-org"), demo.OrgUrbanMgmt))
	keeper.click("#vol-shop-add")
	keeper.sees("已加入合作商户", "平谷区城市管理委员会")
	b.open("/volunteer")
	b.sees("合作商户：")
	b.do(chromedp.SendKeys(chromedp.CSS("#vol-points"), "20"))
	b.pressEnter("#vol-code-btn")
	b.sees("兑换码已生成", "您的兑换码", "待使用")
	code := b.text("#vol-new-code strong")
	checkResidentPage(t, b, src, "/volunteer")
	b.open("/volunteer")
	b.shot("volunteer-resident", 390)

	sctx, cancelShop := chromedp.NewContext(staff.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancelShop)
	shop := &browser{t: t, ctx: sctx, base: srv.URL}
	shop.do(chromedp.EmulateViewport(1366, 900))
	shop.staffLogin("demo-handler-dept")
	shop.open("/staff/volunteer")
	shop.do(chromedp.SendKeys(chromedp.CSS("#vol-code"), "ZZZZZZZZ"))
	shop.click("#vol-redeem-btn")
	shop.sees("兑换码无效、已使用或已过期")
	shop.do(chromedp.SendKeys(chromedp.CSS("#vol-code"), strings.ToLower(code)))
	shop.click("#vol-redeem-btn")
	shop.sees("兑换码已核销", "已核销 20 积分（居民 138****8000）")
	shop.shot("volunteer-shop", 1366)
	b.open("/volunteer")
	b.sees("商户兑换", "-20", "已兑换")
	if got := b.text("#vol-balance"); got != "10" {
		t.Fatalf("balance after redeeming %q", got)
	}
	staff.shot("volunteer-staff", 1366)
}
