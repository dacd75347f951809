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
	"github.com/gongzhi/gongzhi/internal/meeting"
)

// meetingSetup convenes a meeting of 金谷东园社区 as its grid worker (on
// the community committee's staff) with a roster of five, the resident of
// the phone among them, and sends the notice; open opens it too.
func meetingSetup(t *testing.T, a *app.App, phone string, open bool) meeting.Meeting {
	t.Helper()
	ctx := context.Background()
	grid, err := a.Auth.UserByUsername(ctx, "demo-grid")
	if err != nil {
		t.Fatal(err)
	}
	m, err := a.Meetings.Create(ctx, grid, meeting.New{AreaCode: "110117001001", Title: "金谷东园停车难议事会", Agenda: []string{"通报停车现状", "表决东侧划线方案"},
		Place: "社区居委会二楼会议室", StartsAt: time.Now().In(clock.BusinessZone()).Add(2 * time.Hour).Truncate(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err = a.Meetings.ImportRoster(ctx, grid, m.ID, strings.NewReader("王芳,居民,金谷东园3号楼,"+phone+"\n李明,党员,,\n赵强,业委会,金谷东园业委会,\n钱进,物业,金谷物业,\n孙丽,单位,金谷小学,\n")); err != nil {
		t.Fatal(err)
	}
	if m, err = a.Meetings.Notice(ctx, grid, m.ID); err != nil {
		t.Fatal(err)
	}
	if open {
		if m, err = a.Meetings.Open(ctx, grid, m.ID); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// residentMeeting is a meeting of the a11y site's resident, open, made once.
func (s *a11ySite) residentMeeting() string {
	if s.meetingID == "" {
		s.meetingID = meetingSetup(s.t, s.a, residentPhone, true).ID
	}
	return s.meetingID
}

// TestMeetingBrowser walks a meeting from its notice to its published
// resolution: the grid worker convenes it and keeps a roster of five (one
// by hand, the resident with her phone; four by CSV) and sends the notice;
// the resident finds it from the home page through 参与议事 and signs
// herself in once it is open; the staff sign in two more, write the
// minutes, take a resolution by show of hands, close and publish; the
// resident reads the resolution with its count. The resident pages pass
// axe-core and the MIIT figures in the elderly mode at a phone's width.
func TestMeetingBrowser(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	staff := deskBrowser(t, srv.URL, 1366, 4*time.Minute)
	staff.staffLogin("demo-grid")
	staff.open("/staff/meetings")
	staff.do(chromedp.SendKeys(chromedp.CSS("#meet-title-f"), "金谷东园停车难议事会"),
		chromedp.SendKeys(chromedp.CSS("#meet-agenda"), "通报停车现状\n表决东侧划线方案"),
		chromedp.SendKeys(chromedp.CSS("#meet-place"), "社区居委会二楼会议室"),
		chromedp.SetValue(chromedp.CSS("#meet-starts"), time.Now().In(clock.BusinessZone()).Add(2*time.Hour).Format("2006-01-02T15:04")))
	staff.click("#meet-create")
	staff.sees("议事会已创建", "筹备中")
	staff.do(chromedp.SendKeys(chromedp.CSS("#rep-name"), "王芳"), chromedp.SendKeys(chromedp.CSS("#rep-org"), "金谷东园3号楼"),
		chromedp.SendKeys(chromedp.CSS("#rep-phone"), residentPhone))
	staff.click("#rep-add")
	staff.sees("已加入名单", "王芳", "138****8000")
	staff.do(chromedp.SendKeys(chromedp.CSS("#roster-csv"), "李明,党员,,\n赵强,业委会,金谷东园业委会,\n钱进,物业,金谷物业,\n孙丽,单位,金谷小学,\n"))
	staff.click("#roster-import-submit")
	staff.sees("名单已导入", "孙丽", "应到 5 人")
	staff.click("#meet-notice")
	staff.sees("会议通知已发出", "短信通知", "书面通知")
	path, err := chromedp.Run(staff.ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	id := strings.TrimPrefix(strings.SplitN(path, "?", 2)[0], srv.URL+"/staff/meetings/")

	rctx, cancel := chromedp.NewContext(staff.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	b := &browser{t: t, ctx: rctx, base: srv.URL}
	b.do(chromedp.EmulateViewport(390, 900))
	b.residentLogin(residentPhone)
	b.open("/big?on=1&back=/")
	b.click("#door-part")
	b.click("#part-meetings")
	b.sees("即将召开和正在进行", "金谷东园停车难议事会", "已通知，待召开", "您是本次议事会的代表")
	b.click(`a[href="/meetings/` + id + `"]`)
	b.sees("表决东侧划线方案", "社区居委会二楼会议室", "应到 5 人，实到 0 人")
	if n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("#meet-signin").length`)); err != nil || n != 0 {
		t.Fatalf("sign-in offered before the meeting opens: %d %v", n, err)
	}

	staff.click("#meet-open")
	staff.sees("会议已开始")
	b.open("/meetings/" + id)
	b.pressEnter("#meet-signin")
	b.sees("签到成功", "已签到", "实到 1 人")
	src := axeFile()
	for _, p := range []string{"/participate", "/meetings", "/meetings/" + id} {
		checkResidentPage(t, b, src, p)
	}

	staff.open("/staff/meetings/" + id)
	for i := 0; i < 2; i++ {
		staff.click("form[action$='/signin'] button")
		staff.sees("已签到")
	}
	staff.sees("实到 3 人", "已达法定人数", "工作人员代签")
	staff.do(chromedp.SendKeys(chromedp.CSS("#minutes-text"), "应到5人，实到3人，达到法定人数。讨论东侧划线方案。"))
	staff.click("#minutes-submit")
	staff.do(chromedp.SendKeys(chromedp.CSS("#res-text"), "同意在东侧划线增设12个车位"),
		chromedp.SendKeys(chromedp.CSS("#res-for"), "2"), chromedp.SendKeys(chromedp.CSS("#res-against"), "1"))
	staff.click("#res-submit")
	staff.sees("决议已记录", "第1项决议 · 通过", "实到 3 人，赞成 2 人，反对 1 人，弃权 0 人")
	if src != "" {
		for _, v := range axeRun(staff, src) {
			if v.Impact == "critical" || v.Impact == "serious" {
				t.Errorf("staff meeting page: %s [%s] %s", v.ID, v.Impact, v.Help)
			}
		}
	}
	staff.click("#meet-close")
	staff.click("#meet-publish")
	staff.sees("决议已公开")

	b.open("/meetings/" + id)
	b.sees("决议已公开", "同意在东侧划线增设12个车位", "通过", "实到 3 人，赞成 2 人，反对 1 人，弃权 0 人", "会议纪要", "居民代表")
	if body := b.text("main"); strings.Contains(body, "孙丽") || strings.Contains(body, "13800138000") || strings.Contains(body, "138****8000") {
		t.Fatalf("names or phones on the resident's page:\n%s", body)
	}
	checkResidentPage(t, b, src, "/meetings/"+id)
	b.open("/meetings")
	b.sees("已公开的决议", "金谷东园停车难议事会")
	// Screenshots (with GONGZHI_SHOTS): the published meeting as the
	// resident reads it in the elderly mode, and the staff's page.
	b.open("/meetings/" + id)
	b.shot("meeting-resident", 390)
	staff.shot("meeting-staff", 1366)
}
