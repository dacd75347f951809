package web_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// handledTicket files a ticket in 金谷东园社区 (the catalogue sends it to
// 滨河街道) and has demo-handler sign, contact and reply to it.
func handledTicket(t *testing.T, a *app.App) string {
	t.Helper()
	ctx := context.Background()
	tk, err := a.Tickets.Create(ctx, nil, ticket.NewTicket{CategoryCode: "0101", AreaCode: "110117001001",
		Description: "金谷东园北门垃圾堆放三天无人清运", Address: "金谷东园北门", ReporterName: "王芳", ReporterPhone: "13900007777"})
	if err != nil {
		t.Fatal(err)
	}
	h, err := a.Auth.UserByUsername(ctx, "demo-handler")
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	for _, step := range []struct {
		action string
		in     ticket.ActionInput
	}{
		{ticket.ActionSign, ticket.ActionInput{}},
		{ticket.ActionContact, ticket.ActionInput{Note: "已电话联系居民，约定当日清运"}},
		{ticket.ActionReply, ticket.ActionInput{ReplyText: "已协调保洁公司清运完毕", Resolved: &yes}},
	} {
		if _, err := a.Tickets.Act(ctx, h, tk.Number, step.action, step.in); err != nil {
			t.Fatalf("%s: %v", step.action, err)
		}
	}
	return tk.Number
}

// TestPrintTicket: the handler of the unit prints the ticket: one sheet with
// the district, the number, who printed it, the facts and the whole staff
// timeline, without the site's menus; the read is in the audit log. Staff
// who may not read the ticket, the auditor and residents get 403.
func TestPrintTicket(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	number := handledTicket(t, a)
	path := "/staff/tickets/" + number + "/print"

	h := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
	_, page := h.get("/staff/tickets/" + number)
	mustContain(t, page, `href="`+path+`"`, "打印 / 存为 PDF", `src="/static/ticketflow.js"`)
	status, body := h.get(path)
	if status != 200 {
		t.Fatalf("print: %d\n%s", status, body)
	}
	mustContain(t, body, `href="/static/print.css"`, "平谷区 · 接诉即办工单", number, "打印人：街道承办演示员", "打印时间",
		"王芳", "13900007777", "金谷东园北门垃圾堆放三天无人清运", "已电话联系居民，约定当日清运", "已协调保洁公司清运完毕",
		`data-event="sign"`, `data-event="contact"`, `data-event="reply"`, "滨河街道办事处")
	for _, menu := range []string{`class="staffnav"`, "/staff/console", `action="/logout"`} {
		if strings.Contains(body, menu) {
			t.Errorf("the print page has the site's menu: %s", menu)
		}
	}
	entries, err := a.Auth.AuditLog(context.Background(), "ticket:"+number, 100)
	if err != nil {
		t.Fatal(err)
	}
	audited := false
	for _, e := range entries {
		audited = audited || (e.Action == auth.AuditViewPersonal && e.Username == "demo-handler")
	}
	if !audited {
		t.Errorf("printing the reporter's name and phone wrote no audit entry: %+v", entries)
	}

	// English: the same sheet in the reader's language.
	en := staffLogin(t, srv, "demo-dispatcher", "gongzhi-demo")
	en.get("/lang?to=en&back=/staff")
	_, body = en.get(path)
	mustContain(t, body, `lang="en"`, "Printed by: 派单演示员", number)

	for _, who := range []string{"demo-handler-dept", "demo-auditor"} {
		c := staffLogin(t, srv, who, "gongzhi-demo")
		if status, body := c.get(path); status != 403 || strings.Contains(body, "13900007777") {
			t.Errorf("%s prints a ticket it may not read: %d", who, status)
		}
	}
	guest := newClient(t, srv)
	if _, body := guest.get(path); strings.Contains(body, "13900007777") || !strings.Contains(body, `name="password"`) {
		t.Errorf("a guest is not sent to the login:\n%s", body)
	}
	if status, _ := h.get("/staff/tickets/20991231999999/print"); status != 404 {
		t.Errorf("no such ticket: %d", status)
	}
}
