package web_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gongzhi/gongzhi/internal/notice"
)

// siteNotices are the a11y site's items, made once: an announcement the
// resident objected to and the committee answered, and a finance
// disclosure with its table.
func (s *a11ySite) siteNotices() []string {
	if s.notices != nil {
		return s.notices
	}
	ctx := context.Background()
	grid, err := s.a.Auth.UserByUsername(ctx, "demo-grid")
	if err != nil {
		s.t.Fatal(err)
	}
	ann, err := s.a.Notices.Create(ctx, grid, notice.New{Kind: notice.KindAnnouncement, AreaCode: "110117001001",
		Title: "东门内侧划线停车位方案公示", Body: "拟在东门内侧划线停车位20个，公示期内如有异议请提出。"})
	if err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.a.Notices.Object(ctx, s.resident(), ann.Number, notice.NewObjection{Text: "东门内侧是消防通道，不宜划车位。"}); err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.a.Notices.Answer(ctx, grid, ann.Number, 1, notice.AnswerInput{Text: "采纳，车位改划在西侧。", Changed: true}); err != nil {
		s.t.Fatal(err)
	}
	lines, err := notice.ParseLines("停车费,收入,120000.50\n保洁服务,支出,35000.05\n办公用品,支出,860.00")
	if err != nil {
		s.t.Fatal(err)
	}
	fin, err := s.a.Notices.Create(ctx, grid, notice.New{Kind: notice.KindFinance, AreaCode: "110117001001", Period: time.Now().AddDate(0, -1, 0).Format("2006-01"),
		Title: "上月财务公开", Body: "上月收支情况如下。", Lines: lines})
	if err != nil {
		s.t.Fatal(err)
	}
	s.notices = []string{ann.Number, fin.Number}
	return s.notices
}

// TestNoticeBrowser walks an announcement from its publishing by the
// community's staff, through a resident who finds it from 参与议事 and
// objects (in the elderly mode at a phone's width), the staff's answer and
// the end of its public notice, to the final with the summary, which the
// resident then reads with the answer. The resident pages pass axe-core
// and the MIIT figures.
func TestNoticeBrowser(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	staff := deskBrowser(t, srv.URL, 1366, 4*time.Minute)
	staff.staffLogin("demo-grid")
	staff.open("/staff/notices")
	staff.click("#notice-new")
	staff.do(chromedp.SendKeys(chromedp.CSS("#notice-title-in"), "东门内侧划线停车位方案公示"),
		chromedp.SendKeys(chromedp.CSS("#notice-body"), "拟在东门内侧划线停车位20个，公示期内如有异议请提出。"))
	staff.click("#notice-publish")
	staff.sees("东门内侧划线停车位方案公示", "公示中", "已保存")
	loc, err := chromedp.Run(staff.ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	number := noticeNoRE.FindString(loc)
	if number == "" {
		t.Fatalf("no number in %s", loc)
	}
	staffPath := "/staff/notices/" + number
	path := "/notices/" + number

	rctx, cancel := chromedp.NewContext(staff.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	res := &browser{t: t, ctx: rctx, base: srv.URL}
	res.do(chromedp.EmulateViewport(390, 900))
	res.residentLogin(residentPhone)
	res.open("/big?on=1&back=/")
	res.click("#door-part")
	res.click("#part-notices")
	res.sees("公示公告", "东门内侧划线停车位方案公示")
	res.click("#notice-" + number)
	res.sees("公示中", "还剩", "提出异议")
	res.do(chromedp.SendKeys(chromedp.CSS("#object-text"), "东门内侧是消防通道，不宜划车位。"))
	res.click("#object-submit")
	res.sees("异议已提交", "东门内侧是消防通道，不宜划车位。", "我提出的", "待答复")
	src := axeFile()
	for _, p := range []string{"/participate", "/notices", path} {
		checkResidentPage(t, res, src, p)
	}
	res.shot("notice-resident-objected", 390)
	res.do(chromedp.EmulateViewport(390, 900))

	staff.open(staffPath)
	staff.sees("东门内侧是消防通道，不宜划车位。", "共 1 条，待答复 1 条")
	staff.do(chromedp.SendKeys(chromedp.CSS("#answer-text-1"), "采纳，车位改划在西侧。"), chromedp.Click(chromedp.CSS("#answer-changed-1")))
	staff.click("#answer-submit-1")
	staff.sees("答复已保存", "已采纳")
	staff.do(chromedp.SendKeys(chromedp.CSS("#final-summary"), "收到异议1条。"))
	staff.click("#final-submit")
	staff.sees("公示期未满")
	endNotice(t, a, number)
	staff.open(staffPath)
	staff.sees("公示期满，待答复")
	staff.do(chromedp.SendKeys(chromedp.CSS("#final-summary"), "收到异议1条，已采纳：车位改划在西侧，东门内侧保留为消防通道。"))
	staff.click("#final-submit")
	staff.sees("已办结", "结果说明已公布")
	if src != "" {
		for _, v := range axeRun(staff, src) {
			if v.Impact == "critical" || v.Impact == "serious" {
				t.Errorf("staff notice page: %s [%s] %s", v.ID, v.Impact, v.Help)
			}
		}
	}

	res.open(path)
	res.sees("已办结", "采纳，车位改划在西侧。", "已采纳", "收到异议1条，已采纳：车位改划在西侧，东门内侧保留为消防通道。")
	if body := res.text("main"); strings.Contains(body, residentPhone) || strings.Contains(body, residentPhone[7:]) {
		t.Error("the objector's phone is on the page")
	}
	checkResidentPage(t, res, src, path)
	res.shot("notice-resident", 390)
	staff.shot("notice-staff", 1366)
}
