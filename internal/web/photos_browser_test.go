package web_test

import (
	"context"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserPhotos: a guest submits with a photo from her phone, sees it
// accepted, looks the ticket up and sees its thumbnail; the grid worker's
// patrol page on a phone.
func TestBrowserPhotos(t *testing.T) {
	exe := findBrowser(t)
	_, srv := photoServer(t)
	dir := t.TempDir()
	photo := filepath.Join(dir, "north-gate.jpg")
	if err := os.WriteFile(photo, jpegBytes(t, color.RGBA{200, 60, 30, 255}), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.Flag("no-first-run", true), chromedp.Flag("disable-background-networking", true),
		chromedp.UserDataDir(t.TempDir()))
	defer cancelAlloc()
	rctx, cancelR := chromedp.NewContext(allocCtx)
	defer cancelR()
	res := &browser{t: t, ctx: rctx, base: srv.URL}
	res.do(chromedp.EmulateViewport(390, 844))
	res.open("/submit")
	res.do(
		chromedp.SetValue(chromedp.CSS("#street"), "110117001"),
		chromedp.SetValue(chromedp.CSS("#community"), "110117001001"),
		chromedp.SendKeys(chromedp.CSS("#description"), "金谷东园北门垃圾堆放三天无人清运"),
		chromedp.SendKeys(chromedp.CSS("#reporter_phone"), "13900006666"),
		chromedp.SetUploadFiles(chromedp.CSS("#photos"), []string{photo}),
	)
	res.do(chromedp.Click(chromedp.CSS(`#cat-suggest input[value="0101"]`)))
	res.shot("submit-photos-390", 390)
	res.click("form.card button.primary")
	res.sees("您的诉求已提交", "已上传照片 1 张")
	number := strings.TrimSpace(res.text(".ticket-no"))

	res.open("/track?number=" + number)
	res.do(chromedp.SendKeys(chromedp.CSS("#phone"), "13900006666"))
	res.click("form.card button.primary")
	res.sees("群众上传", "金谷东园北门垃圾堆放三天无人清运")
	// The thumbnail has loaded: the lookup cookie went with its request.
	res.waitFor("the thumbnail", `(function(){var i=document.querySelector(".thumbs img");return i&&i.complete&&i.naturalWidth>0})()`)
	res.shot("ticket-photos-390", 390)

	gctx, cancelG := chromedp.NewContext(rctx, chromedp.WithNewBrowserContext())
	defer cancelG()
	g := &browser{t: t, ctx: gctx, base: srv.URL}
	g.do(chromedp.EmulateViewport(390, 844))
	g.open("/staff/login")
	g.do(chromedp.SendKeys(chromedp.CSS("#username"), "demo-grid"), chromedp.SendKeys(chromedp.CSS("#password"), "gongzhi-demo"))
	g.click("form button")
	g.do(chromedp.Click(chromedp.CSS(".staffmenu summary"))) // on a phone the staff menu is folded
	g.click(`.staffmenu-links a[href="/staff/patrol"]`)
	g.sees("巡查上报", "自办自结", "待核查", "使用当前位置")
	g.shot("patrol-390", 390)
}
