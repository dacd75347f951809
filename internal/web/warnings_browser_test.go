package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// TestWarningsBrowser: the unit's handler sees a surge's warning on the map
// and acknowledges it; the supervisor dismisses it with a reason. With
// axe-core at hand, the page has no critical or serious violation at a
// phone's and a desk's width.
func TestWarningsBrowser(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	s, err := a.Auth.Login(ctx, "demo-agent", "gongzhi-demo", auth.KindAPI)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		lat, lng := 40.1402+float64(i)*0.0002, 117.1201
		if _, err := a.Tickets.Create(ctx, &s.User, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: "0101", AreaCode: "110117001001",
			Description: fmt.Sprintf("北门垃圾堆积 %d", i), ReporterPhone: fmt.Sprintf("1390000%04d", i), Lat: &lat, Lng: &lng}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Warnings.Detect(ctx); err != nil {
		t.Fatal(err)
	}
	b := deskBrowser(t, srv.URL, 1366, 3*time.Minute)
	b.staffLogin("demo-handler")
	b.open("/staff/warnings")
	b.sees("热点预警", "金谷东园", "街巷环境卫生")
	if n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("main svg .place-dot").length`)); err != nil || n < 1 {
		t.Fatalf("dots on the map: %d %v", n, err)
	}
	b.shot("warnings", 1366)
	b.shot("warnings-390", 390)
	if src := axeFile(); src != "" {
		for _, w := range []int64{390, 1366} {
			b.do(chromedp.EmulateViewport(w, 900))
			b.open("/staff/warnings")
			for _, v := range axeRun(b, src) {
				if v.Impact == "critical" || v.Impact == "serious" {
					t.Errorf("%dpx: %s [%s] %s\n\t%s", w, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t"))
				}
			}
		}
	} else {
		t.Log("axe-core not found: the page's accessibility is not checked")
	}
	b.click(`form[action$="/acknowledge"] button`)
	b.sees("已确认预警")
	sctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	sup := &browser{t: t, ctx: sctx, base: srv.URL}
	sup.staffLogin("demo-supervisor")
	sup.open("/staff/warnings")
	sup.do(chromedp.SendKeys(chromedp.CSS(`.warn-dismiss input[name="reason"]`), "已知原因：集中清运前的临时堆放"))
	sup.click(`.warn-dismiss button`)
	sup.sees("已忽略预警")
}

// axeFile returns axe.min.js, or "" when it is not installed.
func axeFile() string {
	p := os.Getenv("GONGZHI_AXE")
	if p == "" {
		p = filepath.Join("testdata", "axe", "node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return ""
	}
	return string(b)
}
