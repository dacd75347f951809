package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// shot390 saves the page as a phone shows it (390×844) to the folder named
// by GONGZHI_SHOTS, when set.
func (b *browser) shot390(name string) {
	dir := os.Getenv("GONGZHI_SHOTS")
	if dir == "" {
		return
	}
	b.t.Helper()
	buf, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatal(err)
	}
	os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// On a phone, "使用当前位置" places the pin, names the community, and shows
// the requests already near it; a tap on the map moves the pin; the nearby
// page draws them on the map and offers 我也遇到.
func TestBrowserPlace(t *testing.T) {
	exe := findBrowser(t)
	a, srv, tk := placeApp(t, "sqlite")
	ctx := context.Background()
	res := auth.User{Role: auth.RoleResident, Phone: "13600136000"}
	for i, d := range []float64{0.0012, -0.0018} {
		lat, lng := placeLat+d, placeLng+d
		_, err := a.Tickets.Create(ctx, &res, ticket.NewTicket{CategoryCode: "0101", Description: []string{"人行道地砖松动", "小区门口积水"}[i],
			AreaCode: "110117001001", Lat: &lat, Lng: &lng})
		if err != nil {
			t.Fatal(err)
		}
	}
	bctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(bctx, chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.Flag("no-first-run", true), chromedp.UserDataDir(t.TempDir()))
	defer cancelAlloc()
	pctx, cancelP := chromedp.NewContext(allocCtx)
	defer cancelP()
	b := &browser{t: t, ctx: pctx, base: srv.URL}
	b.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(1)))
	b.open("/nearby")
	if err := chromedp.FromContext(pctx).Browser.Call(pctx, "Browser.grantPermissions",
		map[string]any{"permissions": []string{"geolocation"}, "origin": srv.URL}, nil); err != nil {
		t.Fatal(err)
	}
	lat, lng, acc := placeLat+0.0004, placeLng+0.0003, 20.0
	b.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{Latitude: &lat, Longitude: &lng, Accuracy: &acc})
		return err
	}))
	b.until(`!!document.querySelector("[data-place-map] svg.place-svg")`, `!!document.querySelector("[data-place-map] svg.place-svg")`, 8*time.Second)
	b.shot390("place-picker-empty")
	b.do(chromedp.Click(chromedp.CSS("[data-place-locate]")))
	b.until(`document.querySelector("[data-place-status]").textContent.includes("金谷东园")`, `document.querySelector("[data-place-status]").textContent.includes("金谷东园")`, 8*time.Second)
	b.until(`document.querySelectorAll("[data-place-nearby] li").length === 3`, `document.querySelectorAll("[data-place-nearby] li").length === 3`, 8*time.Second)
	b.until(`!!document.querySelector("[data-place-map] .place-pin")`, `!!document.querySelector("[data-place-map] .place-pin")`, 8*time.Second)
	if v := b.text("[data-place-nearby]"); !strings.Contains(v, "承平里北口路灯不亮") || strings.Contains(v, "13800138000") {
		t.Fatalf("nearby in the picker: %s", v)
	}
	got, err := chromedp.Run(pctx, chromedp.Evaluate[string](`document.querySelector("[data-place-lat]").value`))
	if err != nil || !strings.HasPrefix(got, "40.14") {
		t.Fatalf("lat field %q %v", got, err)
	}
	b.shot390("place-picker")

	// A tap on the map moves the pin to where it fell.
	b.do(chromedp.Click(chromedp.CSS("[data-place-map] svg")))
	b.until(`document.querySelector("[data-place-lat]").value !== "`+got+`"`, `document.querySelector("[data-place-lat]").value !== "`+got+`"`, 8*time.Second)

	// The nearby page of the place: the map with numbered dots, the list.
	b.click(`button.big-btn`)
	b.until(`location.pathname === "/nearby" && location.search.includes("lat=")`, `location.pathname === "/nearby" && location.search.includes("lat=")`, 8*time.Second)
	b.open("/nearby?lat=40.144520&lng=117.111030")
	b.until(`document.querySelectorAll("[data-place-map] svg .place-dot").length === 3`, `document.querySelectorAll("[data-place-map] svg .place-dot").length === 3`, 8*time.Second)
	b.sees("所选位置", "承平里北口路灯不亮", "我也遇到", "需先用手机验证码登录")
	if body := b.text("body"); strings.Contains(body, "13800138000") || strings.Contains(body, "王秀英") {
		t.Fatal("the nearby page shows the reporter")
	}
	b.shot390("place-nearby")
	b.open("/big?on=1&back=/nearby?lat=40.144520%26lng=117.111030")
	b.until(`document.body.classList.contains("big") && document.querySelectorAll("[data-place-map] svg .place-dot").length === 3`, `document.body.classList.contains("big") && document.querySelectorAll("[data-place-map] svg .place-dot").length === 3`, 8*time.Second)
	b.shot390("place-nearby-big")
	_ = tk
}
