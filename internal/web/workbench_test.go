package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/ticket"
)

// The workbench without JavaScript: each role's opening list, "select all on
// this page" as a link, a bad date shown on the page (not an error page),
// saved filters refused with reasons, a batch refused ticket by ticket for
// one who may not take it, and an export of the ticked tickets only.
func TestWorkbenchForms(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	numbers := workbenchTickets(t, a, 3, 11225500)

	sup := staffLogin(t, srv, "demo-supervisor", "gongzhi-demo")
	_, page := sup.get("/staff")
	mustContain(t, page, `class="chip-link fl-red active"`) // the supervisor opens on what is red
	agent := staffLogin(t, srv, "demo-agent", "gongzhi-demo")
	_, page = agent.get("/staff")
	mustContain(t, page, `name="from" value="20`, numbers[0]) // the agent on today's

	d := staffLogin(t, srv, "demo-dispatcher", "gongzhi-demo")
	_, page = d.get("/staff?status=registered&select=all")
	mustContain(t, page, `value="`+numbers[2]+`" id="pick-`+numbers[2]+`" aria-label="选择工单 `+numbers[2]+`" checked`, "取消全选")
	status, page := d.get("/staff?status=&from=2026-13-01")
	if status != 400 || !strings.Contains(page, "日期格式应为") || !strings.Contains(page, `id="wb-q"`) {
		t.Fatalf("a bad date: %d", status)
	}
	tok := csrf(t, page)

	status, page = d.post("/staff/filters", url.Values{"csrf": {tok}, "name": {strings.Repeat("名", 31)}, "query": {"status=registered"}})
	if status != 400 || !strings.Contains(page, "筛选名称不能超过30字") {
		t.Fatalf("a long name: %d", status)
	}
	for i := range 20 {
		if status, page = d.post("/staff/filters", url.Values{"csrf": {tok}, "name": {fmt.Sprintf("筛选%d", i)}, "query": {"status=registered"}}); status != 200 {
			t.Fatalf("filter %d: %d", i, status)
		}
	}
	mustContain(t, page, "筛选19")
	if status, page = d.post("/staff/filters", url.Values{"csrf": {tok}, "name": {"再一个"}, "query": {"status="}}); status != 400 || !strings.Contains(page, "最多保存20个") {
		t.Fatalf("filter 21: %d", status)
	}
	// A unit's handler opens on all it has still to finish: the ticket to sign
	// for and the one signed, not the dispatchers' queue.
	mine := workbenchTickets(t, a, 3, 11225600)
	dispatchTo(t, a, mine[0], "110117001-SO")
	dispatchTo(t, a, mine[1], "110117001-SO")
	hu, err := a.Auth.UserByUsername(context.Background(), "demo-handler")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Tickets.Act(context.Background(), hu, mine[1], ticket.ActionSign, ticket.ActionInput{}); err != nil {
		t.Fatal(err)
	}
	h := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
	_, page = h.get("/staff")
	mustContain(t, page, `class="active" aria-current="page">未办结`, mine[0], mine[1])
	if strings.Contains(page, mine[2]) {
		t.Fatal("the handler's open list holds a ticket not yet dispatched to her unit")
	}
	if strings.Contains(page, "筛选19") {
		t.Fatal("the handler sees the dispatcher's saved filters")
	}

	// A handler takes no batch: each ticket is refused, with its reason.
	_, page = h.get("/staff")
	if strings.Contains(page, "批量催办") || strings.Contains(page, "批量派单") {
		t.Fatal("the handler is offered a batch remind or dispatch")
	}
	form := url.Values{"csrf": {csrf(t, page)}, "action": {"remind"}, "number": numbers}
	status, page = h.post("/staff/batch", form)
	if status != 200 || !strings.Contains(page, "完成 0 张，未办理 3 张") {
		t.Fatalf("a handler's batch: %d", status)
	}
	// The export of the ticked tickets holds those and no other.
	form = url.Values{"csrf": {tok}, "action": {"export_csv"}, "number": numbers[:2]}
	status, page = d.post("/staff/batch", form)
	if status != 200 || !strings.Contains(page, numbers[0]) || !strings.Contains(page, numbers[1]) || strings.Contains(page, numbers[2]) {
		t.Fatalf("export of the selected: %d\n%s", status, page)
	}
	form["action"] = []string{"dispatch"}
	if status, page = d.post("/staff/batch", form); status != 400 || !strings.Contains(page, "单位") {
		t.Fatalf("a dispatch without a unit: %d", status)
	}
}
