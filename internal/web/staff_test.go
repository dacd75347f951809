package web_test

import (
	"fmt"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/ticket"
)

func staffLogin(t *testing.T, srv *httptest.Server, username, password string) *client {
	t.Helper()
	c := newClient(t, srv)
	_, page := c.get("/staff/login")
	status, body := c.post("/staff/login", url.Values{"csrf": {csrf(t, page)}, "username": {username}, "password": {password}})
	if status != 200 {
		t.Fatalf("login %s: %d\n%s", username, status, body)
	}
	return c
}

// TestAgentAndDispatcher: an agent registers a call on someone's behalf in a
// category without a catalogue rule; the dispatcher finds it in her queue
// and dispatches it by hand.
func TestAgentAndDispatcher(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	agent := staffLogin(t, srv, "demo-agent", "gongzhi-demo")
	_, page := agent.get("/staff/new")
	mustContain(t, page, `<option value="hotline" selected>`, "来源渠道")
	tok := csrf(t, page)
	// The agent must give the caller's phone; the typed text stays.
	status, body := agent.post("/staff/new", url.Values{"csrf": {tok}, "channel": {"hotline"}, "kind": {"complaint"},
		"category_code": {"0405"}, "street": {"110117001"}, "description": {"来电反映小区频繁停电"}})
	if status != 400 {
		t.Fatalf("no phone: %d", status)
	}
	mustContain(t, body, "请填写来电人手机号", "来电反映小区频繁停电")
	status, body = agent.post("/staff/new", url.Values{"csrf": {tok}, "channel": {"hotline"}, "kind": {"complaint"},
		"category_code": {"0405"}, "street": {"110117001"}, "description": {"来电反映小区频繁停电"},
		"reporter_name": {"赵强"}, "reporter_phone": {"13900003333"}, "confidential": {"1"}})
	if status != 200 {
		t.Fatalf("register: %d\n%s", status, body)
	}
	mustContain(t, body, "诉求已登记", "12345 热线", "尚未派单", "保密")
	number := regexp.MustCompile(`工单 (\d+)`).FindStringSubmatch(body)[1]

	disp := staffLogin(t, srv, "demo-dispatcher", "gongzhi-demo")
	_, body = disp.get("/staff")
	mustContain(t, body, "派单队列", number, `class="active"`)
	_, page = disp.get("/staff/tickets/" + number)
	mustContain(t, page, "赵强", "13900003333", "<optgroup label=\"街道办事处/乡镇政府\">", "滨河街道办事处")
	tok = csrf(t, page)
	status, body = disp.post("/staff/tickets/"+number+"/dispatch", url.Values{"csrf": {tok}})
	if status != 400 {
		t.Fatalf("dispatch without org: %d", status)
	}
	mustContain(t, body, "请选择承办单位")
	status, body = disp.post("/staff/tickets/"+number+"/dispatch", url.Values{"csrf": {tok}, "org_code": {"110117001-SO"}, "note": {"属地处理"}})
	if status != 200 {
		t.Fatalf("dispatch: %d\n%s", status, body)
	}
	mustContain(t, body, "已派单。", "已派单至 滨河街道办事处", "属地处理")
	// Acting again in the wrong state is a conflict, shown on the page.
	status, body = disp.post("/staff/tickets/"+number+"/dispatch", url.Values{"csrf": {tok}, "org_code": {"110117001-SO"}})
	if status != 409 && status != 403 {
		t.Errorf("second dispatch: %d, want 409", status)
	}
	// Unknown tickets and actions are 404s.
	if status, _ = disp.get("/staff/tickets/20000101000001"); status != 404 {
		t.Errorf("unknown ticket: %d", status)
	}
	if status, _ = disp.post("/staff/tickets/"+number+"/explode", url.Values{"csrf": {tok}}); status != 404 {
		t.Errorf("unknown action: %d", status)
	}
	// The handler's inbox lists it under 已派单, paging with a cursor.
	h := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
	_, body = h.get("/staff?status=dispatched")
	mustContain(t, body, number)
	if strings.Contains(body, "下一页") {
		t.Error("one ticket should not need a next page")
	}
	if status, _ = h.get("/staff?cursor=!!"); status != 400 {
		t.Errorf("bad cursor: %d, want 400", status)
	}
	// English works on staff pages too.
	_, body = h.get("/lang?to=en&back=/staff/tickets/" + number)
	mustContain(t, body, "Sign for it", "Dispatched to 滨河街道办事处")
}

func TestWorkbenchPaging(t *testing.T) {
	a := newApp(t)
	for i := 0; i < 23; i++ {
		_, err := a.Tickets.Create(t.Context(), nil, ticket.NewTicket{CategoryCode: "0101", AreaCode: "110117001001",
			Description: fmt.Sprintf("第%d件", i+1), ReporterPhone: "13900004444"})
		if err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	h := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
	_, body := h.get("/staff") // all the unit has still to finish (未办结)
	mustContain(t, body, "第23件", "下一页")
	next := regexp.MustCompile(`href="(/staff\?cursor=[^"&]+&amp;status=open)"`).FindStringSubmatch(body)
	if next == nil {
		t.Fatal("no next-page link")
	}
	_, body = h.get(strings.ReplaceAll(next[1], "&amp;", "&"))
	mustContain(t, body, "第1件", "第3件")
	if strings.Contains(body, "第23件") || strings.Contains(body, "下一页") {
		t.Error("second page repeats the first or has a third")
	}
}
