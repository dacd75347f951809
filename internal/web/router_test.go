package web_test

import (
	"net/http/httptest"
	"net/url"
	"testing"
)

// The router's page: the administrator asks for a training on a demo that
// has too few closed tickets and is told why on the page; after the
// district's history is there she trains, and the supervisor reads the
// model and its accuracy; a handler is refused the page and has no link.
func TestStaffRouter(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	adm := staffLogin(t, srv, "admin", "lantern-river-42")
	status, body := adm.get("/staff/router")
	if status != 200 {
		t.Fatalf("router page: %d\n%s", status, body)
	}
	mustContain(t, body, `href="/staff/router"`, "尚未训练模型", `action="/staff/router/train"`)
	status, body = adm.post("/staff/router/train", url.Values{"csrf": {csrf(t, body)}})
	if status != 422 {
		t.Fatalf("training on too few tickets: %d", status)
	}
	mustContain(t, body, "已办结工单不足30件")

	trainDemoRouter(t, a) // the history, and a first model
	status, body = adm.post("/staff/router/train", url.Values{"csrf": {csrf(t, body)}})
	if status != 200 {
		t.Fatalf("train: %d\n%s", status, body)
	}
	mustContain(t, body, "已训练并启用模型 v2", "v2 · ", "v1 · ")

	sup := staffLogin(t, srv, "demo-supervisor", "gongzhi-demo")
	status, body = sup.get("/staff/router")
	if status != 200 {
		t.Fatalf("supervisor: %d", status)
	}
	mustContain(t, body, "分类准确率", "v2")
	if contains(body, `action="/staff/router/train"`) {
		t.Error("the supervisor is offered training")
	}
	h := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
	if status, body := h.get("/staff"); status != 200 || contains(body, `href="/staff/router"`) {
		t.Errorf("the handler's menu: %d, link %v", status, contains(body, `href="/staff/router"`))
	}
	if status, _ := h.get("/staff/router"); status != 403 {
		t.Errorf("the handler opened the router's page: %d", status)
	}
}
