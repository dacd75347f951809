package web_test

import (
	"bytes"
	"context"
	"image/color"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gongzhi/gongzhi/internal/project"
)

// residentProjects are two key projects of 金谷东园社区 for the
// accessibility checks, made once: one under way, with a need answered, a
// report with a photo and an opinion waiting for its answer; one asking
// for the residents' evaluation, which the resident has given.
func (s *a11ySite) residentProjects() []string {
	if s.projects != nil {
		return s.projects
	}
	ctx := context.Background()
	verifyResidents(s.t, s.a, residentPhone)
	grid, err := s.a.Auth.UserByUsername(ctx, "demo-grid")
	if err != nil {
		s.t.Fatal(err)
	}
	res := s.resident()
	must := func(err error) {
		s.t.Helper()
		if err != nil {
			s.t.Fatal(err)
		}
	}
	create := func(title string) string {
		p, err := s.a.Projects.Create(ctx, grid, project.New{AreaCode: "110117001001", Title: title, Description: "外墙保温、雨污分流、增设休闲座椅。"})
		must(err)
		in, err := s.a.Projects.Submit(ctx, res, p.Number, project.InputIn{Kind: project.KindNeed, Text: "希望增加无障碍坡道"})
		must(err)
		_, err = s.a.Projects.Answer(ctx, grid, p.Number, in.ID, "已纳入设计方案。")
		must(err)
		_, err = s.a.Projects.AddMilestone(ctx, grid, p.Number, project.MilestoneIn{Title: "进场施工", Planned: "2026-01-05"})
		must(err)
		_, err = s.a.Projects.SetPhase(ctx, grid, p.Number, project.Building)
		must(err)
		pct := int64(50)
		_, err = s.a.Projects.ReportProgress(ctx, grid, p.Number, project.Progress{Percent: &pct, Note: "外墙保温完成一半"},
			[]project.PhotoIn{{Name: "wall.jpg", R: bytes.NewReader(jpegBytes(s.t, color.RGBA{90, 120, 200, 255}))}})
		must(err)
		_, err = s.a.Projects.Submit(ctx, res, p.Number, project.InputIn{Kind: project.KindOpinion, Text: "请八点以后开工"})
		must(err)
		return p.Number
	}
	building, evaluating := create("金谷东园老旧小区改造"), create("金谷东园口袋公园")
	_, err = s.a.Projects.SetPhase(ctx, grid, evaluating, project.Evaluating)
	must(err)
	_, _, err = s.a.Projects.Evaluate(ctx, res, evaluating, project.EvaluationIn{Score: 4, Text: "满意"})
	must(err)
	s.projects = []string{building, evaluating}
	return s.projects
}

// TestProjectBrowser walks a key project: the community's grid worker
// creates it; a resident reaches it from 参与议事 in the elderly mode on a
// phone and sends a need; the staff answer it, start the works, report 50%
// with a photo and ask for evaluations; the resident sees the progress, the
// photo and the answer, gives 4 and sees the mean. Her pages pass axe-core
// and the MIIT figures.
func TestProjectBrowser(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	verifyResidents(t, a, residentPhone)
	photo := filepath.Join(t.TempDir(), "site.jpg")
	if err := os.WriteFile(photo, jpegBytes(t, color.RGBA{40, 160, 60, 255}), 0o644); err != nil {
		t.Fatal(err)
	}
	staff := deskBrowser(t, srv.URL, 1366, 4*time.Minute)
	staff.staffLogin("demo-grid")
	staff.click(`.staffnav-links a[href="/staff/projects"]`)
	staff.do(chromedp.SendKeys(chromedp.CSS("#proj-title"), "金谷东园口袋公园"),
		chromedp.SendKeys(chromedp.CSS("#proj-desc"), "在社区东侧空地建口袋公园，增设座椅和儿童游乐设施。"),
		chromedp.SendKeys(chromedp.CSS("#proj-budget"), "800000"))
	staff.click("#proj-create-submit")
	staff.sees("项目已设立", "金谷东园口袋公园", "800,000.00 元", "需求征集")
	loc, err := chromedp.Run(staff.ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	staffPath := strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], srv.URL)
	path := strings.TrimPrefix(staffPath, "/staff")

	rctx, cancel := chromedp.NewContext(staff.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	b := &browser{t: t, ctx: rctx, base: srv.URL}
	b.do(chromedp.EmulateViewport(390, 900))
	b.residentLogin(residentPhone)
	b.open("/big?on=1&back=/")
	b.click("#door-part")
	b.click("#part-projects")
	b.sees("重点项目", "金谷东园口袋公园")
	b.click(`a[href="` + path + `"]`)
	b.sees("事前：征集需求", "您对这个项目有什么需求？")
	b.do(chromedp.SendKeys(chromedp.CSS("#need-text"), "希望增加儿童滑梯和遮阳棚"))
	b.click("#need-submit")
	b.sees("需求已提交", "希望增加儿童滑梯和遮阳棚", "我提的", "待答复")
	src := axeFile()
	for _, p := range []string{"/participate", "/projects", path} {
		checkResidentPage(t, b, src, p)
	}

	staff.open(staffPath)
	staff.sees("希望增加儿童滑梯和遮阳棚", "138****8000")
	staff.do(chromedp.SendKeys(chromedp.CSS(".proj-answer textarea"), "已纳入设计，东侧增设儿童游乐区和遮阳棚。"))
	staff.click(".proj-answer button")
	staff.sees("答复已发送", "已纳入设计，东侧增设儿童游乐区和遮阳棚。")
	staff.click("#phase-submit")
	staff.sees("项目已进入下一阶段", "实施中")
	staff.do(chromedp.SendKeys(chromedp.CSS("#progress-percent"), "50"),
		chromedp.SendKeys(chromedp.CSS("#progress-note"), "场地平整完成，开始铺设步道"),
		chromedp.SetUploadFiles(chromedp.CSS("#progress-photos"), []string{photo}))
	staff.click("#progress-submit")
	staff.sees("进度已报告", "进度 50%", "场地平整完成，开始铺设步道")
	if src != "" {
		for _, v := range axeRun(staff, src) {
			if v.Impact == "critical" || v.Impact == "serious" {
				t.Errorf("staff project page: %s [%s] %s", v.ID, v.Impact, v.Help)
			}
		}
	}
	staff.shot("project-staff", 1366)
	staff.click("#phase-submit")
	staff.sees("项目已进入下一阶段", "居民评价")

	b.open(path)
	b.sees("事后：居民评价", "50%", "已纳入设计，东侧增设儿童游乐区和遮阳棚。", "场地平整完成，开始铺设步道")
	b.waitFor("the photo", `(function(){var i=document.querySelector(".proj-reports img");return i&&i.complete&&i.naturalWidth>0})()`)
	if v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector("#proj-progress").value + "/" + document.querySelector("#proj-progress").max`)); err != nil || v != "50/100" {
		t.Errorf("progress bar: %q %v", v, err)
	}
	b.do(chromedp.Click(chromedp.CSS("#score-4")))
	b.click("#eval-submit")
	b.sees("评价已保存", "平均 4.0 分，共 1 人评价", "您的评分：4 分")
	checkResidentPage(t, b, src, path)
	body := b.text("body")
	for _, s := range []string{residentPhone, "138****8000"} {
		if strings.Contains(body, s) {
			t.Errorf("the resident's page shows %s", s)
		}
	}
	b.shot("project-resident", 390)
}
