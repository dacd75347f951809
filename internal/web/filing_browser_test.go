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

	"github.com/gongzhi/gongzhi/internal/ticket"
)

// TestBrowserFiling: from the home page's door a guest files a request on a
// phone. Her first try, with a photo but no description and a bad phone,
// comes back with every mistake beside its field and the photo kept as a
// thumbnail; she describes the problem, sees categories suggested, chooses
// "不清楚" and files it, photo and all. The dispatcher finds it in her queue
// and dispatches it after choosing its category. Screenshots go to
// /tmp/shots/file-*.png (or GONGZHI_SHOTS).
func TestBrowserFiling(t *testing.T) {
	exe := findBrowser(t)
	a, srv := photoServer(t)
	if os.Getenv("GONGZHI_SHOTS") == "" {
		t.Setenv("GONGZHI_SHOTS", "/tmp/shots")
	}
	photo := filepath.Join(t.TempDir(), "street-light.jpg")
	if err := os.WriteFile(photo, jpegBytes(t, color.RGBA{40, 40, 90, 255}), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.Flag("no-first-run", true), chromedp.Flag("disable-background-networking", true),
		chromedp.UserDataDir(t.TempDir()))
	defer cancelAlloc()
	rctx, cancelR := chromedp.NewContext(allocCtx)
	defer cancelR()
	res := &browser{t: t, ctx: rctx, base: srv.URL}
	res.do(chromedp.EmulateViewport(390, 844))

	// Screen 1: home. Six doors, one of them still to come and no link.
	res.open("/")
	res.sees("随手拍 · 反映问题", "咨询", "我的事项", "评价", "参与议事", "找服务", "即将开放", "拨打 12345 热线")
	if n := res.text("nav.doors"); strings.Count(n, "即将开放") != 1 {
		t.Fatalf("coming-soon doors: %q", n)
	}
	res.waitFor("no link on a coming-soon door", `document.querySelectorAll(".door.soon a, a.door.soon").length === 0`)
	res.shot("file-home", 390)
	// The same doors in the elderly mode, one a row.
	res.open("/big?on=1&back=/")
	res.waitFor("doors of at least 60×60 px", `Array.from(document.querySelectorAll(".door")).every(function(d){var r=d.getBoundingClientRect();return r.width>=60&&r.height>=60})`)
	res.shot("file-home-big", 390)
	res.open("/big?on=0&back=/")

	// Screen 2: the form. A photo and a bad phone, nothing else.
	res.click("#door-report")
	res.do(
		chromedp.SendKeys(chromedp.CSS("#reporter_phone"), "123"),
		chromedp.SetUploadFiles(chromedp.CSS("#photos"), []string{photo}),
	)
	res.click("form.filing button.primary")
	res.sees("有 3 处需要修改", "请填写诉求内容", "请提供地点", "手机号格式不正确", "已保存 1 张照片")
	res.waitFor("every mistake beside its field",
		`["description","place","reporter_phone"].every(function(id){var e=document.getElementById(id);return e.getAttribute("aria-invalid")==="true"&&(e.getAttribute("aria-describedby")||"").indexOf(id+"-err")>=0&&document.getElementById(id+"-err")})`)
	res.waitFor("the kept photo's thumbnail", `(function(){var i=document.querySelector(".thumbs.held img");return i&&i.complete&&i.naturalWidth>0})()`)
	res.waitFor("what she typed is still there", `document.getElementById("reporter_phone").value==="123"`)
	res.shot("file-errors", 390)

	// She describes it; categories are suggested as she types. She is not
	// sure, and leaves it to the staff.
	res.do(
		chromedp.SendKeys(chromedp.CSS("#description"), "小区门口的路灯坏了好几天，晚上太黑"),
		chromedp.SetValue(chromedp.CSS("#reporter_phone"), "13900007777"),
		chromedp.SetValue(chromedp.CSS("#street"), "110117001"),
		chromedp.SetValue(chromedp.CSS("#community"), "110117001001"),
	)
	res.waitFor("the suggested categories", `!!document.querySelector('#cat-suggest input[value="0304"]')`)
	res.do(chromedp.Click(chromedp.CSS(`input[name="category_code"][value=""]`)))
	res.shot("file-suggested", 390)

	// Screen 3: submitted, with the photo chosen on the first try.
	res.click("form.filing button.primary")
	res.sees("您的诉求已提交", "已上传照片 1 张")
	number := strings.TrimSpace(res.text(".ticket-no"))
	res.shot("file-submitted", 390)
	res.open("/big?on=1&back=/submit")
	res.shot("file-form-big", 390)

	tk, err := a.Tickets.Get(context.Background(), adminUser(t, a), number)
	if err != nil {
		t.Fatal(err)
	}
	if tk.CategoryCode != "" || tk.Status != ticket.StatusRegistered {
		t.Fatalf("filed as %q, %s", tk.CategoryCode, tk.Status)
	}

	// The dispatcher sees it in her queue, classifies and dispatches it.
	dctx, cancelD := chromedp.NewContext(rctx, chromedp.WithNewBrowserContext())
	defer cancelD()
	d := &browser{t: t, ctx: dctx, base: srv.URL}
	d.do(chromedp.EmulateViewport(390, 844))
	d.open("/staff/login")
	d.do(chromedp.SendKeys(chromedp.CSS("#username"), "demo-dispatcher"), chromedp.SendKeys(chromedp.CSS("#password"), "gongzhi-demo"))
	d.click("form button")
	d.sees(number, "待分类")
	d.open("/staff/tickets/" + number)
	d.do(
		chromedp.SetValue(chromedp.CSS("#dispatch-category"), "0304"),
		chromedp.SetValue(chromedp.CSS("#org_code"), "110117-D01"),
	)
	d.shot("file-dispatch", 390)
	d.click(`#act-dispatch button.primary`)
	d.sees("路灯照明")
	tk, err = a.Tickets.Get(context.Background(), adminUser(t, a), number)
	if err != nil {
		t.Fatal(err)
	}
	if tk.CategoryCode != "0304" || tk.Status != ticket.StatusDispatched || tk.AssignedOrgCode != "110117-D01" {
		t.Fatalf("after dispatch: %q %s %s", tk.CategoryCode, tk.Status, tk.AssignedOrgCode)
	}
}
