package web_test

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestStatusPage: the administrator and a supervisor read the status page,
// with its link in their menu; a bad month falls back with a message; other
// staff are refused it and not offered the link.
func TestStatusPage(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	admin := staffLogin(t, srv, "admin", "lantern-river-42")
	status, page := admin.get("/staff/status")
	if status != 200 {
		t.Fatalf("page: %d\n%s", status, page)
	}
	mustContain(t, page, `id="sys-run"`, `id="sys-features"`, `href="/staff/status"`, "没有备份记录", "待执行的迁移", "工单（接诉即办）")
	if status, page = admin.get("/staff/status?month=2026-01"); status != 200 || !strings.Contains(page, "2026-01 使用情况") || !strings.Contains(page, "未使用") {
		t.Fatalf("January: %d\n%s", status, page)
	}
	if status, page = admin.get("/staff/status?month=2026-99"); status != 200 || !strings.Contains(page, "YYYY-MM") {
		t.Fatalf("a bad month: %d\n%s", status, page)
	}
	sup := staffLogin(t, srv, "demo-supervisor", "gongzhi-demo")
	if status, _ := sup.get("/staff/status"); status != 200 {
		t.Fatalf("a supervisor: %d", status)
	}
	disp := staffLogin(t, srv, "demo-dispatcher", "gongzhi-demo")
	if status, _ := disp.get("/staff/status"); status != 403 {
		t.Fatalf("a dispatcher: %d", status)
	}
	if _, page := disp.get("/staff/todo"); strings.Contains(page, `href="/staff/status"`) {
		t.Fatal("a dispatcher is offered the page")
	}
}
