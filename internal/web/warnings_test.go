package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/insight/warning"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// TestWarningsPage: the early warnings' page lists a surge's warning with
// its map to the responsible unit and not to another, and its forms
// acknowledge, refuse a dismissal without a reason, and make a ticket.
func TestWarningsPage(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	ctx := context.Background()
	s, err := a.Auth.Login(ctx, "demo-agent", "gongzhi-demo", auth.KindAPI)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		lat, lng := 40.1402+float64(i)*0.0002, 117.1201
		if _, err := a.Tickets.Create(ctx, &s.User, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: "0101", AreaCode: "110117001001",
			Description: fmt.Sprintf("北门垃圾堆积 %d", i), ReporterPhone: fmt.Sprintf("1390000%04d", i), Lat: &lat, Lng: &lng}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Warnings.Detect(ctx); err != nil {
		t.Fatal(err)
	}
	handler := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
	status, page := handler.get("/staff/warnings")
	if status != 200 {
		t.Fatalf("page: %d\n%s", status, page)
	}
	mustContain(t, page, `href="/staff/warnings"`, "金谷东园", "街巷环境卫生", "<svg", `class="place-dot"`, "确认知悉", "转为工单")
	if strings.Contains(page, `/dismiss"`) {
		t.Error("the unit is offered to dismiss")
	}
	id := regexp.MustCompile(`action="/staff/warnings/([^/"]+)/acknowledge"`).FindStringSubmatch(page)
	if id == nil {
		t.Fatalf("no acknowledge form:\n%s", page)
	}
	dept := staffLogin(t, srv, "demo-handler-dept", "gongzhi-demo")
	if _, other := dept.get("/staff/warnings"); strings.Contains(other, id[1]) || !strings.Contains(other, "没有符合条件的预警") {
		t.Errorf("another unit sees the warning")
	}
	status, page = handler.post("/staff/warnings/"+id[1]+"/acknowledge", url.Values{"csrf": {csrf(t, page)}, "status": {"active"}})
	if status != 200 || !strings.Contains(page, "已确认预警") {
		t.Fatalf("acknowledge: %d\n%s", status, page)
	}
	super := staffLogin(t, srv, "demo-supervisor", "gongzhi-demo")
	_, sp := super.get("/staff/warnings?lang=en")
	status, sp = super.post("/staff/warnings/"+id[1]+"/dismiss", url.Values{"csrf": {csrf(t, sp)}, "reason": {" "}})
	if status != 400 || !strings.Contains(sp, "请填写忽略预警的理由") {
		t.Fatalf("dismiss without a reason: %d\n%s", status, sp)
	}
	if _, notes := handler.get("/staff/notifications"); !strings.Contains(notes, `href="/staff/warnings"`) || !strings.Contains(notes, "未诉先办预警") {
		t.Error("the unit's notifications do not tell of the warning")
	}
	status, page = handler.post("/staff/warnings/"+id[1]+"/convert_ticket", url.Values{"csrf": {csrf(t, page)}})
	if status != 200 || !strings.Contains(page, "未诉先办预警") {
		t.Fatalf("convert to a ticket: %d\n%s", status, page)
	}
}

// TestSupplyWarningOnPage: a supply warning reads as one, with the unmet and
// all requests and the unmet share, and is not offered as a ticket.
func TestSupplyWarningOnPage(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	if _, err := a.Warnings.RaiseSupply(context.Background(), []warning.Shortfall{{AreaCode: "110117001001", Category: "meals",
		Name: "助餐", Requests: 12, Unmet: 6}}); err != nil {
		t.Fatal(err)
	}
	super := staffLogin(t, srv, "demo-supervisor", "gongzhi-demo")
	status, page := super.get("/staff/warnings")
	if status != 200 {
		t.Fatalf("page: %d", status)
	}
	mustContain(t, page, "服务供给", "助餐", "近30日未满足 6 件", "预约 12 件", "50%")
	if strings.Contains(page, "/convert_ticket\"") {
		t.Error("a supply warning offered as a ticket")
	}
}
