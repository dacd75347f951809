package web_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/indicator"
)

// TestIndicatorReportAndCompare: the yearly report prints for a supervisor
// with the weights and the district's change, refused to a handler and for a
// bad year; the districts compared show both districts of a city to the
// administrator and only her own to the district's supervisor.
func TestIndicatorReportAndCompare(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	w := 25.0
	if _, err := a.Indicators.SetOverride(ctx, auth.System(), indicator.CodeOnTime, indicator.Override{Weight: &w, Reason: "按时答复是本年重点"}); err != nil {
		t.Fatal(err)
	}
	if err := a.Gov.UpsertArea(ctx, gov.Area{Code: "110101", ParentCode: "1101", Name: "东城区", Level: gov.LevelDistrict}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	super := staffLogin(t, srv, "demo-supervisor", "gongzhi-demo")
	status, page := super.get("/staff/indicators/report?year=2026")
	if status != 200 {
		t.Fatalf("report: %d\n%s", status, page)
	}
	mustContain(t, page, "2026年度治理效能自评报告", "市辖区", `id="rep-dim-means"`, `id="rep-dim-cost"`, `id="rep-w-C2"`, "按时答复是本年重点",
		`data-v="M1 2026-01"`, "<svg", `href="/static/print.css"`)
	if strings.Contains(page, `<header class="top">`) {
		t.Error("the report carries the site's header")
	}
	if status, _ := super.get("/staff/indicators/report?year=20x6"); status != 400 {
		t.Errorf("a bad year: %d", status)
	}
	if status, _ := super.get("/staff/indicators/report?year=2031"); status != 400 {
		t.Errorf("a future year: %d", status)
	}
	handler := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
	if status, _ := handler.get("/staff/indicators/report?year=2026"); status != 403 {
		t.Errorf("a handler's report: %d", status)
	}
	if status, _ := handler.get("/staff/indicators/compare"); status != 403 {
		t.Errorf("a handler compares: %d", status)
	}
	admin := staffLogin(t, srv, "admin", "lantern-river-42")
	status, page = admin.get("/staff/indicators/compare?month=2026-11")
	if status != 200 {
		t.Fatalf("compare: %d\n%s", status, page)
	}
	mustContain(t, page, "各区效能指标比较", `id="cmp-d-110101"`, `id="cmp-d-110117"`, "东城区", "平谷区", `id="cmp-row-T1"`, "数据共享次数")
	_, page = super.get("/staff/indicators/compare?month=2026-11")
	mustContain(t, page, `id="cmp-d-110117"`)
	if strings.Contains(page, "cmp-d-110101") {
		t.Error("平谷's supervisor sees 东城")
	}
	if status, _ := admin.get("/staff/indicators/compare?month=2026-13"); status != 400 {
		t.Errorf("a bad month: %d", status)
	}
	// The standalone document for the command line inlines its style.
	html, err := a.IndicatorReportHTML(ctx, 2026, "zh")
	if err != nil {
		t.Fatal(err)
	}
	if s := string(html); !strings.Contains(s, "<style>") || strings.Contains(s, "/static/print.css") || !strings.Contains(s, "2026年度治理效能自评报告") {
		t.Errorf("standalone report:\n%.400s", s)
	}
}
