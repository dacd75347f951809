package web_test

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestIndicatorPages reads the public catalogue without an account, has the
// administrator change a weight with a reason on the staff page (a handler
// may not read or change it), and finds the change beside the standard and
// in the public record, with the role and without the name.
func TestIndicatorPages(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	guest := newClient(t, srv)
	status, page := guest.get("/indicators")
	if status != 200 {
		t.Fatalf("page: %d\n%s", status, page)
	}
	mustContain(t, page, "治理效能指标", "线上诉求占比", "平台在线率", "件均办理成本", "尚无调整")
	handler := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
	if status, _ := handler.get("/staff/indicators"); status != 403 {
		t.Errorf("a handler's month: %d", status)
	}
	_, hp := handler.get("/staff")
	if status, _ := handler.post("/staff/indicators/C1", url.Values{"csrf": {csrf(t, hp)}, "weight": {"20"}, "enabled": {"1"}, "reason": {"x"}}); status != 403 {
		t.Errorf("a handler changes: %d", status)
	}
	super := staffLogin(t, srv, "demo-supervisor", "gongzhi-demo")
	status, page = super.get("/staff/indicators")
	if status != 200 || strings.Contains(page, `id="ind-form-C1"`) {
		t.Fatalf("the supervisor's month: %d", status)
	}
	mustContain(t, page, "综合得分", `id="ind-row-T1"`)
	if status, _ := super.get("/staff/indicators?month=2026-13"); status != 400 {
		t.Errorf("a bad month: %d", status)
	}
	admin := staffLogin(t, srv, "admin", "lantern-river-42")
	status, page = admin.get("/staff/indicators?month=2026-11")
	if status != 200 {
		t.Fatalf("the administrator's month: %d\n%s", status, page)
	}
	mustContain(t, page, `id="ind-form-C1"`, `href="/staff/indicators/year.xlsx?year=2026"`)
	if status, body := admin.get("/staff/indicators/year.xlsx?year=2026"); status != 200 || !strings.HasPrefix(body, "PK") {
		t.Errorf("the year's workbook: %d", status)
	}
	if status, _ := admin.get("/staff/indicators/year.xlsx?year=abc"); status != 400 {
		t.Errorf("a bad year: %d", status)
	}
	if status, _ := handler.get("/staff/indicators/year.xlsx?year=2026"); status != 403 {
		t.Errorf("a handler's workbook: %d", status)
	}
	tok := csrf(t, page)
	if status, _ := admin.post("/staff/indicators/C1", url.Values{"csrf": {tok}, "weight": {"20"}, "enabled": {"1"}}); status != 400 {
		t.Errorf("no reason: %d", status)
	}
	if status, _ := admin.post("/staff/indicators/C1", url.Values{"csrf": {tok}, "weight": {"heavy"}, "enabled": {"1"}, "reason": {"x"}}); status != 400 {
		t.Errorf("not a number: %d", status)
	}
	status, page = admin.post("/staff/indicators/C1", url.Values{"csrf": {tok}, "month": {"2026-11"}, "weight": {"20"}, "enabled": {"1"}, "reason": {"时效是本区重点"}})
	if status != 200 || !strings.Contains(page, "已保存") {
		t.Fatalf("change: %d\n%s", status, page)
	}
	_, page = guest.get("/indicators")
	mustContain(t, page, "已调整", "时效是本区重点", "系统管理员", "15 → 20")
	if strings.Contains(page, "尚无调整") {
		t.Error("the record is empty")
	}
}
