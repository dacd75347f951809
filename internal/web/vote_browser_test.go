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
	"github.com/chromedp/chromedp/kb"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/vote"
)

// TestVoteBrowser: the community's grid worker opens a vote, is told the
// line of a bad register and imports a good one, records a paper ballot;
// the owner, from 我的, votes her two units by keyboard in the elderly
// mode; the grid worker closes the vote and the result is shown with its
// six figures, to her and to the owner. With axe-core at hand, the pages
// have no critical or serious violation at a phone's and a desk's width.
func TestVoteBrowser(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	b := deskBrowser(t, srv.URL, 1366, 4*time.Minute)
	b.staffLogin("demo-grid")
	b.open("/staff/votes")
	b.sees("业主共同决定", "第二百七十八条")
	closes := time.Now().Add(48 * time.Hour).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04")
	b.do(chromedp.SendKeys(chromedp.CSS("#vote-title"), "增设电动自行车充电桩"), chromedp.SetValue(chromedp.CSS("#vote-closes"), closes))
	b.click("form.vote-new button")
	b.sees("已发起表决", "增设电动自行车充电桩", "一般事项")

	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	good := filepath.Join(dir, "register.csv")
	os.WriteFile(bad, []byte("unit,area_m2,owner\n1-1-101,100,13800138000\n1-1-102,50.555,13800138000\n"), 0o644)
	os.WriteFile(good, []byte("unit,area_m2,owner\n1-1-101,100,13800138000\n1-1-102,50,13800138000\n1-1-201,80.00,13900000001\n"), 0o644)
	b.do(chromedp.SetUploadFiles(chromedp.CSS("#vote-file"), []string{bad}))
	b.click("form.vote-import button")
	b.sees("第3行", "0 / 0")
	b.do(chromedp.SetUploadFiles(chromedp.CSS("#vote-file"), []string{good}))
	b.click("form.vote-import button")
	b.sees("已导入房屋登记册", "0 / 3", "138****8000")
	if strings.Contains(b.text("main"), "13800138000") {
		t.Errorf("the register shows an owner's whole phone:\n%s", b.text("main"))
	}
	b.do(chromedp.SendKeys(chromedp.CSS("#paper-unit"), "1-1-201"), chromedp.SendKeys(chromedp.CSS("#paper-ref"), "纸质票第0001号"))
	b.do(chromedp.Click(chromedp.CSS(`form.vote-paper input[value="agree"]`)))
	b.click("form.vote-paper button")
	b.sees("已录入纸质表决票", "1 / 3")
	staffPage := strings.TrimPrefix(b.location(), srv.URL)
	axeCheck(t, b, staffPage)

	// The owner: 我的 → 业主表决, in the elderly mode, by keyboard.
	rctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	res := &browser{t: t, ctx: rctx, base: srv.URL}
	res.do(chromedp.EmulateViewport(390, 844))
	res.open("/login")
	res.do(chromedp.SendKeys(chromedp.CSS("#phone"), residentPhone))
	res.click("form button")
	res.do(chromedp.SendKeys(chromedp.CSS("#code"), res.text("#demo-code strong")))
	res.click("form button")
	res.open("/big?on=1&back=/my")
	res.click("a.my-votes")
	res.sees("我的业主表决", "增设电动自行车充电桩", "1-1-101", "1-1-102")
	if f := miitRun(res, true); len(f.Bad) > 0 {
		t.Errorf("the owner's page in the elderly mode:\n%s", strings.Join(f.Bad, "\n"))
	}
	axeCheck(t, res, "/votes")
	res.do(chromedp.EmulateViewport(390, 844))
	res.do(chromedp.Focus(`input[name="choice_0"][value="agree"]`), chromedp.KeyEvent(" "),
		chromedp.Focus(`input[name="choice_1"][value="disagree"]`), chromedp.KeyEvent(" "),
		chromedp.Focus("form.vote-cast button"), chromedp.KeyEvent(kb.Enter))
	res.waitSees("您的表决已提交")
	res.sees("同意", "反对")

	b.open(staffPage)
	b.sees("3 / 3", "当前计票")
	b.click("form.vote-close button")
	b.sees("表决已结束", "参与表决面积", "230.00 / 230.00 m²", "参与表决人数", "2 / 2", "是否达到三分之二", "同意面积", "180.00 m²", "同意人数", "是否通过", "通过")
	res.open("/votes")
	res.sees("表决结果", "通过", "已结束")
}

// waitSees waits until the page shows the text.
func (b *browser) waitSees(want string) {
	b.t.Helper()
	for i := 0; i < 100; i++ {
		if s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("body"))); err == nil && strings.Contains(s, want) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.sees(want)
}

func (b *browser) location() string {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		b.t.Fatal(err)
	}
	return b.base + loc
}

// axeCheck runs axe-core on the page at a phone's and a desk's width, in
// the normal and the elderly mode.
func axeCheck(t *testing.T, b *browser, path string) {
	t.Helper()
	src := axeFile()
	if src == "" {
		t.Log("axe-core not found: the page's accessibility is not checked")
		return
	}
	for _, big := range []string{"0", "1"} {
		b.open("/big?on=" + big + "&back=/public")
		for _, w := range []int64{390, 1366} {
			b.do(chromedp.EmulateViewport(w, 900))
			b.open(path)
			for _, v := range axeRun(b, src) {
				if v.Impact == "critical" || v.Impact == "serious" {
					t.Errorf("%s big=%s %dpx: %s [%s] %s\n\t%s", path, big, w, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t"))
				}
			}
		}
	}
}

// ownersVote opens a vote in 金谷东园社区 whose register holds two units of
// the demo resident, for the accessibility sweeps.
func (s *a11ySite) ownersVote() string {
	if s.vote != "" {
		return s.vote
	}
	ctx := context.Background()
	v, err := s.a.Votes.Create(ctx, auth.System(), vote.New{AreaCode: "110117001001", Title: "使用专项维修资金更换电梯", Matter: vote.MatterMajor,
		ClosesAt: time.Now().Add(72 * time.Hour)})
	if err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.a.Votes.AddUnits(ctx, auth.System(), v.ID, []vote.UnitIn{{Unit: "3-1-101", AreaM2: "96.5", Owner: residentPhone},
		{Unit: "3-1-102", AreaM2: "60", Owner: residentPhone}, {Unit: "3-1-201", AreaM2: "96.5", Owner: "13900000003"}}); err != nil {
		s.t.Fatal(err)
	}
	s.vote = v.ID
	return v.ID
}
