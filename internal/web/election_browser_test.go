package web_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/election"
	"github.com/gongzhi/gongzhi/internal/vote"
)

// TestElectionBrowser: the community's grid worker opens an owners'
// committee election of two seats, imports its register and enters three
// candidates; the owner of two units goes home → 参与议事 → 选举投票 in the
// elderly mode at a phone's width, ticks two of the three and casts her
// ballot by keyboard, and reads 已投票 with her choices; the grid worker
// records the other owner's paper ballot and closes the election; the
// owner reads the result. The resident pages pass axe-core and the MIIT
// figures.
func TestElectionBrowser(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	staff := deskBrowser(t, srv.URL, 1366, 4*time.Minute)
	staff.staffLogin("demo-grid")
	staff.open("/staff/elections")
	staff.sees("选举（业委会、居民代表）", "第二百七十八条")
	closes := time.Now().Add(48 * time.Hour).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04")
	staff.do(chromedp.SendKeys(chromedp.CSS("#elec-title-f"), "金谷东园第三届业主委员会选举"), chromedp.SendKeys(chromedp.CSS("#elec-seats"), "2"),
		chromedp.SetValue(chromedp.CSS("#elec-closes"), closes))
	staff.click("form.elec-new button")
	staff.sees("已发起选举", "业主委员会选举", "应选 2 人")
	register := filepath.Join(t.TempDir(), "register.csv")
	os.WriteFile(register, []byte("unit,area_m2,owner\n1-1-101,100,13800138000\n1-1-102,50,13800138000\n1-1-201,80.00,13900000001\n"), 0o644)
	staff.do(chromedp.SetUploadFiles(chromedp.CSS("#elec-file"), []string{register}))
	staff.click("form.elec-import button")
	staff.sees("已导入房屋登记册", "138****8000", "已投票 0 人 / 选民 2 人")
	for _, n := range []string{"张建国", "李秀英", "王志强"} {
		staff.do(chromedp.SendKeys(chromedp.CSS("#cand-name"), n), chromedp.SendKeys(chromedp.CSS("#cand-intro"), n+"，本小区业主，热心公益"))
		staff.click("form.elec-add button")
		staff.sees("已添加候选人", n)
	}
	staffPage := strings.TrimPrefix(staff.location(), srv.URL)

	// The owner: home → 参与议事 → 选举投票, in the elderly mode, by keyboard.
	rctx, cancel := chromedp.NewContext(staff.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	res := &browser{t: t, ctx: rctx, base: srv.URL}
	res.do(chromedp.EmulateViewport(390, 844))
	res.residentLogin(residentPhone)
	res.open("/big?on=1&back=/")
	res.click("#door-part")
	res.click("#part-elections")
	res.sees("选举投票", "金谷东园第三届业主委员会选举", "请投票")
	res.click(".elec-list a")
	res.sees("请选择候选人（最多 2 人）", "张建国", "李秀英", "王志强")
	path := strings.TrimPrefix(res.location(), srv.URL)
	src := axeFile()
	for _, p := range []string{"/participate", "/elections", path} {
		checkResidentPage(t, res, src, p)
	}
	res.shot("election-resident-ballot", 390)
	res.do(chromedp.EmulateViewport(390, 844))
	res.do(chromedp.Focus(`.elec-cands li:nth-child(1) input`), chromedp.KeyEvent(" "),
		chromedp.Focus(`.elec-cands li:nth-child(2) input`), chromedp.KeyEvent(" "))
	res.pressEnter("#elec-submit")
	res.sees("您的选票已投出", "已投票", "您选择了", "张建国", "李秀英")
	if n, err := chromedp.Run(res.ctx, chromedp.Evaluate[int](`document.querySelectorAll("input[name=choice]").length`)); err != nil || n != 0 {
		t.Fatalf("the ballot form after voting: %d %v", n, err)
	}
	checkResidentPage(t, res, src, path)

	// The staff: the other owner's paper ballot, then the close.
	staff.open(staffPage)
	staff.sees("已投票 1 人 / 选民 2 人")
	if strings.Contains(staff.text("main"), "您选择了") {
		t.Error("the staff page shows the owner's choice")
	}
	staff.do(chromedp.SendKeys(chromedp.CSS("#paper-voter"), "13900000001"), chromedp.SendKeys(chromedp.CSS("#paper-ref"), "纸质选票第0001号"))
	staff.do(chromedp.Click(chromedp.CSS(`form.elec-paper fieldset label:nth-of-type(1) input`)), chromedp.Click(chromedp.CSS(`form.elec-paper fieldset label:nth-of-type(2) input`)))
	staff.click("form.elec-paper button")
	staff.sees("已录入纸质选票", "已投票 2 人 / 选民 2 人")
	if src != "" {
		for _, v := range axeRun(staff, src) {
			if v.Impact == "critical" || v.Impact == "serious" {
				t.Errorf("the staff's election page: %s [%s] %s", v.ID, v.Impact, v.Help)
			}
		}
	}
	staff.click("form.elec-close button")
	staff.sees("选举已结束", "选举结果", "2 / 2 人", "230.00 / 230.00 m²", "当选 2 人（应选 2 人）")
	staff.shot("election-staff-closed", 1366)

	res.open(path)
	res.sees("选举结果", "当选 2 人（应选 2 人）", "张建国", "当选", "您选择了")
	checkResidentPage(t, res, src, path)
	res.shot("election-resident-result", 390)
	res.open("/elections")
	res.sees("已结束")
}

// residentElection opens an owners' committee election of 金谷东园社区 whose
// register holds two units of the a11y site's resident, with candidates,
// for the accessibility sweeps.
func (s *a11ySite) residentElection() string {
	if s.election != "" {
		return s.election
	}
	ctx := context.Background()
	e, err := s.a.Elections.Create(ctx, auth.System(), election.New{Kind: election.KindOwnersCommittee, AreaCode: "110117001001",
		Title: "金谷东园第三届业主委员会选举", Seats: 2, ClosesAt: time.Now().Add(72 * time.Hour)})
	if err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.a.Elections.AddUnits(ctx, auth.System(), e.ID, []vote.UnitIn{{Unit: "6-1-101", AreaM2: "96.5", Owner: residentPhone},
		{Unit: "6-1-102", AreaM2: "60", Owner: residentPhone}, {Unit: "6-1-201", AreaM2: "96.5", Owner: "13900000003"}}); err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.a.Elections.AddCandidates(ctx, auth.System(), e.ID, []election.CandidateIn{{Name: "张建国", Intro: "退休工程师，在本小区居住二十年"},
		{Name: "李秀英", Intro: "社区志愿者"}, {Name: "王志强"}}); err != nil {
		s.t.Fatal(err)
	}
	s.election = e.ID
	return e.ID
}
