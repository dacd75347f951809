package web_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/ticket"
)

// TestTrailPage follows a ticket the street returns to the department: the
// ticket's staff page links its trail, which names both units, the return
// and its reason; the files download; a unit that no longer holds it is
// refused the trail as it is refused the ticket.
func TestTrailPage(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	ctx := t.Context()
	number := newTicket(t, func() (ticket.Ticket, error) {
		return a.Tickets.Create(ctx, nil, ticket.NewTicket{CategoryCode: "0101", AreaCode: "110117001001",
			Description: "北门垃圾无人清运", ReporterPhone: "13900005556"})
	})
	handler, err := a.Auth.UserByUsername(ctx, "demo-handler")
	if err != nil {
		t.Fatal(err)
	}
	disp, err := a.Auth.UserByUsername(ctx, "demo-dispatcher")
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		by     string
		action string
		in     ticket.ActionInput
	}{
		{"h", ticket.ActionSign, ticket.ActionInput{}},
		{"h", ticket.ActionReturn, ticket.ActionInput{Reason: "not_our_duty", Note: "垃圾清运归城管委"}},
		{"d", ticket.ActionApproveReturn, ticket.ActionInput{OrgCode: "110117-D01", Note: "转城管委"}},
	} {
		u := handler
		if step.by == "d" {
			u = disp
		}
		if _, err := a.Tickets.Act(ctx, u, number, step.action, step.in); err != nil {
			t.Fatal(step.action, err)
		}
	}
	d := staffLogin(t, srv, "demo-dispatcher", "gongzhi-demo")
	_, page := d.get("/staff/tickets/" + number)
	mustContain(t, page, `href="/staff/trail/ticket/`+number+`"`)
	status, page := d.get("/staff/trail/ticket/" + number)
	if status != 200 {
		t.Fatalf("trail: %d\n%s", status, page)
	}
	mustContain(t, page, "责任链", "滨河街道办事处", "平谷区城市管理委员会", "申请退单", "非本单位职责：垃圾清运归城管委", "同意退单并转派", "转城管委",
		`href="/staff/trail/ticket/`+number+`.csv"`, `id="trail-step-4"`)
	status, csv := d.get("/staff/trail/ticket/" + number + ".csv")
	if status != 200 || !strings.Contains(csv, "承办单位") || !strings.Contains(csv, "滨河街道办事处") {
		t.Fatalf("csv: %d\n%s", status, csv)
	}
	if status, x := d.get("/staff/trail/ticket/" + number + ".xlsx"); status != 200 || !strings.HasPrefix(x, "PK") {
		t.Fatalf("xlsx: %d", status)
	}
	// The street, once the ticket is passed on, reads neither.
	other := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
	ticketStatus, _ := other.get("/staff/tickets/" + number)
	if status, _ := other.get("/staff/trail/ticket/" + number); status != ticketStatus || status == 200 {
		t.Fatalf("the street after passing it on: %d (the ticket: %d)", status, ticketStatus)
	}
	if status, _ := d.get("/staff/trail/parcel/" + number); status != 404 {
		t.Fatalf("an unknown kind: %d", status)
	}
}
