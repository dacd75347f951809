package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/ticket"
)

// The dispatcher's list of likely duplicates shows a second report of the
// same heating failure against the first, and merges it with one click
// through the merge action; the menu offers the list to dispatchers, and
// agents are refused it.
func TestStaffDuplicates(t *testing.T) {
	a, srv := consoleServer(t)
	bg := context.Background()
	lat, lng := 40.1441, 117.1107
	mk := func(desc, phone string) ticket.Ticket {
		tk, err := a.Tickets.Create(bg, nil, ticket.NewTicket{CategoryCode: "0403", AreaCode: "110117001001", Lat: &lat, Lng: &lng,
			Address: "金谷东园3号楼", Description: desc, ReporterPhone: phone})
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	first := mk("金谷东园3号楼暖气不热，室温只有十几度", "13900001111")
	second := mk("金谷东园3号楼整栋楼暖气不热", "13900002222")

	d := staffLogin(t, srv, "demo-dispatcher", "gongzhi-demo")
	status, body := d.get("/staff/duplicates")
	if status != 200 {
		t.Fatalf("list: %d\n%s", status, body)
	}
	mustContain(t, body, `href="/staff/duplicates"`, "疑似重复工单", second.Number, first.Number, `action="/staff/duplicates/merge"`,
		`name="number" value="`+second.Number+`"`, `name="into" value="`+first.Number+`"`, "合并到原工单")
	tok := csrf(t, body)
	status, body = d.post("/staff/duplicates/merge", url.Values{"csrf": {tok}, "number": {second.Number}, "into": {first.Number}})
	if status != 200 {
		t.Fatalf("merge: %d\n%s", status, body)
	}
	mustContain(t, body, "工单"+second.Number+"已合并")
	if strings.Contains(body, `name="number" value="`+second.Number+`"`) {
		t.Error("the merged ticket is still listed")
	}
	tk, err := a.Tickets.Get(bg, adminUser(t, a), second.Number)
	if err != nil || tk.Status != ticket.StatusMerged || tk.ParentNumber != first.Number {
		t.Errorf("merged: %v %s %s", err, tk.Status, tk.ParentNumber)
	}
	// Merging into itself, or without the token, is refused.
	if status, _ := d.post("/staff/duplicates/merge", url.Values{"csrf": {tok}, "number": {first.Number}, "into": {first.Number}}); status != 400 {
		t.Errorf("merge into itself: %d", status)
	}
	if status, _ := d.post("/staff/duplicates/merge", url.Values{"number": {first.Number}, "into": {second.Number}}); status < 400 {
		t.Errorf("no token: %d", status)
	}

	ag := staffLogin(t, srv, "demo-agent", "gongzhi-demo")
	status, body = ag.get("/staff/duplicates")
	if status != 403 {
		t.Errorf("agent: %d", status)
	}
	if _, home := ag.get("/staff"); strings.Contains(home, `href="/staff/duplicates"`) {
		t.Error("the agent's menu offers the list")
	}
}
