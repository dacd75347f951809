package web_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gongzhi/gongzhi/internal/ticket"
)

// phoneMeasure reports, for the page as laid out: the smallest chart text
// as drawn on screen (its font size times the chart's scale), the page's
// width beyond the viewport, and whether the contents are there.
const phoneMeasure = `(() => {
  let min = 1e9, n = 0;
  for (const el of document.querySelectorAll('svg.chart text, svg.chart tspan')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const scale = el.ownerSVGElement.getScreenCTM().a;
    const px = parseFloat(getComputedStyle(el).fontSize) * scale;
    if (px < min) min = px;
    n++;
  }
  const over = document.documentElement.scrollWidth - window.innerWidth;
  const toc = document.querySelectorAll('nav.toc a[href^="#"]').length;
  let cell = 0;
  for (const td of document.querySelectorAll('.dash-sec table.data td')) cell = Math.max(cell, td.getBoundingClientRect().height);
  return JSON.stringify({min: min, n: n, over: over, toc: toc, cell: cell, height: document.documentElement.scrollHeight});
})()`

type phoneFigures struct {
	Min  float64 `json:"min"`
	N    int     `json:"n"`
	Over int     `json:"over"`
	TOC  int     `json:"toc"`
	Cell float64 `json:"cell"` // the tallest table cell

	Height int `json:"height"`
}

func (b *browser) phoneFigures() phoneFigures {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](phoneMeasure))
	if err != nil {
		b.t.Fatal(err)
	}
	var f phoneFigures
	if err := json.Unmarshal([]byte(s), &f); err != nil {
		b.t.Fatal(err)
	}
	return f
}

// TestBrowserDashboardOnPhone: at 390 px wide the leaders' dashboard, a
// unit's and the public page draw chart text no smaller than 12 px, do not
// scroll sideways, and the dashboard starts with its contents.
func TestBrowserDashboardOnPhone(t *testing.T) {
	exe := findBrowser(t)
	a, srv := newEvalServer(t)
	closedTicket(t, a, "北门垃圾无人清运", true, ticket.Satisfied)
	closedTicket(t, a, "楼道堆物未清理", false, ticket.Unsatisfied)
	seedHistory(t, a, 40)

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.Flag("no-first-run", true), chromedp.Flag("disable-background-networking", true),
		chromedp.UserDataDir(t.TempDir()))
	defer cancelAlloc()
	sctx, cancelS := chromedp.NewContext(allocCtx)
	defer cancelS()
	b := &browser{t: t, ctx: sctx, base: srv.URL}
	b.do(chromedp.EmulateViewport(1280, 900))
	b.open("/staff/login")
	b.do(chromedp.SendKeys(chromedp.CSS("#username"), "demo-supervisor"), chromedp.SendKeys(chromedp.CSS("#password"), "gongzhi-demo"))
	b.click("form button")
	month := time.Now().In(cst).Format("2006-01")
	for _, path := range []string{"/staff/dashboard", "/staff/dashboard?month=" + month, "/staff/unit?org_code=110117001-SO", "/public"} {
		b.do(chromedp.EmulateViewport(390, 844))
		b.open(path)
		f := b.phoneFigures()
		t.Logf("%s at 390 px: %d chart texts, smallest %.2f px, %d px beyond the viewport, page %d px high, %d contents links, tallest cell %.0f px",
			path, f.N, f.Min, f.Over, f.Height, f.TOC, f.Cell)
		if f.N == 0 {
			t.Errorf("%s: no chart text measured", path)
		}
		if f.Min < 12 {
			t.Errorf("%s: chart text %.2f px at 390 px wide, want ≥ 12", path, f.Min)
		}
		if f.Over > 0 {
			t.Errorf("%s: the page scrolls sideways by %d px at 390 px", path, f.Over)
		}
		if f.Cell > 60 {
			t.Errorf("%s: a table cell %.0f px high: its table squeezes rather than scrolls", path, f.Cell)
		}
		if path == "/staff/dashboard" && f.TOC < 5 {
			t.Errorf("dashboard: %d contents links", f.TOC)
		}
	}
	b.open("/staff/dashboard")
	b.shot("fair-dashboard-390", 390)
	b.shot("fair-dashboard-1280", 1280)
	b.open("/public")
	b.shot("fair-public-390", 390)
}
