package web_test

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestNationalPages reads the demo's mapping as a handler (it conforms, and
// no change link is offered), has the administrator map 交通秩序 to event
// class 05 on the form, sees a class of the wrong kind refused, and finds
// a conformance problem listed once an urban category loses its class.
func TestNationalPages(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	handler := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
	status, page := handler.get("/staff/national")
	if status != 200 {
		t.Fatalf("handler's list: %d\n%s", status, page)
	}
	mustContain(t, page, `id="nat-conforms"`, `id="nat-row-0104"`, "街面秩序", "公用设施", "消防通道占用")
	if strings.Contains(page, `href="/staff/national/0104"`) {
		t.Error("a handler is offered the change form")
	}
	if status, _ := handler.get("/staff/national/0305"); status != 403 {
		t.Errorf("a handler's form: %d", status)
	}
	_, hp := handler.get("/staff")
	if status, _ := handler.post("/staff/national/0305", url.Values{"csrf": {csrf(t, hp)}, "gbt30428-event": {"05"}}); status != 403 {
		t.Errorf("a handler changes: %d", status)
	}
	admin := staffLogin(t, srv, "admin", "lantern-river-42")
	status, page = admin.get("/staff/national/0305")
	if status != 200 {
		t.Fatalf("the form: %d\n%s", status, page)
	}
	mustContain(t, page, `id="nat-form"`, `name="gbt30428-event"`, `name="gbt30428-component"`)
	tok := csrf(t, page)
	if status, _ := admin.post("/staff/national/0305", url.Values{"csrf": {tok}, "gbt30428-event": {"06"}}); status != 400 {
		t.Errorf("a component code as an event class: %d", status)
	}
	status, page = admin.post("/staff/national/0305", url.Values{"csrf": {tok}, "urban": {"1"}, "gbt30428-event": {"05"}})
	if status != 200 || !strings.Contains(page, "已保存") || !strings.Contains(page, `id="nat-conforms"`) {
		t.Fatalf("mapped: %d\n%s", status, page)
	}
	status, page = admin.post("/staff/national/0304", url.Values{"csrf": {tok}, "urban": {"1"}})
	if status != 200 || strings.Contains(page, `id="nat-conforms"`) || !strings.Contains(page, "category:0304") {
		t.Fatalf("an urban category without a class: %d\n%s", status, page)
	}
}
