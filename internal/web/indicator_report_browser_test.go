package web_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/indicator"
	"github.com/gongzhi/gongzhi/internal/seed"
)

var pdfPage = regexp.MustCompile(`/Type\s*/Page[^s]`)

// TestIndicatorReportBrowser seeds a year of tickets in the demo district,
// opens the yearly report as the district's supervisor, prints it to PDF
// in the browser (an A4 document of several pages: the cover, the weights
// and a page for each dimension), and checks that every figure of the
// page's tables is the yearly workbook's of the same year.
func TestIndicatorReportBrowser(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	now := time.Now().In(clock.BusinessZone())
	if _, err := seed.Run(ctx, a.DB, seed.Options{Tickets: 600, Seed: 7, Months: int(now.Month()), Now: now, Log: slog.New(slog.DiscardHandler)}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	year := strconv.Itoa(now.Year())
	b := deskBrowser(t, srv.URL, 1200, 3*time.Minute)
	b.staffLogin("demo-supervisor")
	b.open("/staff/indicators?month=" + now.Format("2006-01"))
	b.click("#ind-report")
	b.sees(year+"年度治理效能自评报告", "所用权重与本区调整", "线上诉求占比", "件均办理成本")
	var cells [][2]string
	raw := b.eval(`JSON.stringify(Array.from(document.querySelectorAll("[data-v]")).map(e => [e.dataset.v, e.textContent.trim()]))`)
	if err := json.Unmarshal([]byte(raw), &cells); err != nil {
		t.Fatal(err)
	}
	if want := int(now.Month()) * (len(indicator.Catalogue) + 1); len(cells) != want { // each indicator and the composite
		t.Fatalf("%d figures on the page, want %d", len(cells), want)
	}
	pdf, err := chromedp.Run(b.ctx, chromedp.PrintToPDF(func(p *page.PrintToPDFParams) { css := true; p.PreferCSSPageSize = &css }))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("not a PDF: %q", pdf[:min(len(pdf), 16)])
	}
	if n := len(pdfPage.FindAll(pdf, -1)); n < 5 {
		t.Errorf("the PDF has %d pages, want the cover, the weights and one for each of the 4 dimensions", n)
	}
	if !regexp.MustCompile(`/MediaBox\s*\[\s*0 0 59[45](\.\d+)? 84[12](\.\d+)?\s*\]`).Match(pdf) {
		t.Errorf("the report's pages are not A4")
	}

	// The workbook of the same year holds the same figures.
	c := staffLogin(t, srv, "demo-supervisor", "gongzhi-demo")
	status, body := c.get("/staff/indicators/year.xlsx?year=" + year)
	if status != 200 {
		t.Fatalf("workbook: %d", status)
	}
	x, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows("年度自评")
	if err != nil {
		t.Fatal(err)
	}
	book := map[string]string{}
	head := rows[1]
	for _, r := range rows[2:] {
		if len(r) == 0 || !regexp.MustCompile(`^\d{4}-\d{2}$`).MatchString(r[0]) {
			continue
		}
		for j := 1; j < len(head) && j < len(r); j++ {
			code := strings.Fields(head[j])[0]
			if j == len(head)-1 {
				code = "composite"
			}
			book[code+" "+r[0]] = r[j]
		}
	}
	numbers := 0
	for _, c := range cells {
		want, onPage := book[c[0]], c[1]
		if onPage == "—" {
			if want != "" {
				t.Errorf("%s: the page has none, the workbook %q", c[0], want)
			}
			continue
		}
		pv, err1 := strconv.ParseFloat(onPage, 64)
		bv, err2 := strconv.ParseFloat(want, 64)
		if err1 != nil || err2 != nil || pv != bv {
			t.Errorf("%s: the page %q, the workbook %q", c[0], onPage, want)
		}
		numbers++
	}
	if numbers < int(now.Month())*4 {
		t.Errorf("only %d figures compared", numbers)
	}
}
