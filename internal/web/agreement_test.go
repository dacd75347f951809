package web_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/agreement"
	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/demo"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

var agreementPathRE = regexp.MustCompile(`/staff/agreements/([0-9a-f]{24})`)

// TestAgreementPages: the heating company's handler is refused until the
// district's supervisor makes an agreement on the page; then she opens the
// tickets of its scope (the reporter's phone shown, her name masked) and
// not one outside it (403); the supervisor suspends it and her session is
// refused at once; her reads are in the month's report.
func TestAgreementPages(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) { agreementPages(t, engine) })
	}
}

func agreementPages(t *testing.T, engine string) {
	a := newAppOn(t, engine)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	ctx := context.Background()
	if _, err := a.Auth.CreateUser(ctx, auth.System(), auth.NewUser{Username: "heat-web", Password: "ember-valley-63", Name: "供热客服",
		Role: auth.RoleHandler, OrgCode: demo.OrgHeating, AreaCode: demo.DistrictCode}); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, srv)
	_, page := c.get("/staff/login")
	status, body := c.post("/staff/login", url.Values{"csrf": {csrf(t, page)}, "username": {"heat-web"}, "password": {"ember-valley-63"}})
	if status != 403 || !strings.Contains(body, "没有生效的服务协议") {
		t.Fatalf("a vendor without an agreement logs in: %d\n%s", status, body)
	}

	sup := staffLogin(t, srv, "demo-supervisor", "gongzhi-demo")
	status, page = sup.get("/staff/agreements")
	if status != 200 {
		t.Fatalf("list: %d\n%s", status, page)
	}
	mustContain(t, page, `id="agr-form"`, "平谷供热服务有限公司", `href="/staff/agreements/reads"`)
	now := time.Now().In(clock.BusinessZone())
	form := url.Values{"csrf": {csrf(t, page)}, "org_code": {demo.OrgHeating}, "title": {"冬季供暖服务协议"}, "areas": {demo.CommunityJinguDongyuan},
		"categories": {"04"}, "services": {"供暖报修\n入户测温"}, "see_phone": {"1"}, "starts_on": {now.AddDate(0, 0, -1).Format(time.DateOnly)},
		"ends_on": {now.AddDate(0, 3, 0).Format(time.DateOnly)}, "duties": {"0403 8h 停暖8个工作小时内办结"}}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("duties", "0403 8ch")
	if status, body = sup.post("/staff/agreements", bad); status != 400 || !strings.Contains(body, "工作小时") {
		t.Fatalf("a duty in clock hours: %d\n%s", status, body)
	}
	status, body = sup.post("/staff/agreements", form)
	m := agreementPathRE.FindStringSubmatch(body)
	if status != 200 || m == nil || !strings.Contains(body, "协议已签订") {
		t.Fatalf("create: %d\n%s", status, body)
	}
	mustContain(t, body, "现在生效", "0403", "入户测温")

	mk := func(area string) string {
		tk, err := a.Tickets.Create(ctx, nil, ticket.NewTicket{Kind: ticket.KindHelp, CategoryCode: "0403", Description: "暖气不热，室温只有十二度",
			AreaCode: area, Address: "金谷东园3号楼2单元501室", ReporterName: "赵女士", ReporterPhone: "13900139066"})
		if err != nil {
			t.Fatal(err)
		}
		return tk.Number
	}
	inScope, outside := mk(demo.CommunityJinguDongyuan), mk(demo.StreetBinhe)
	vendor := staffLogin(t, srv, "heat-web", "ember-valley-63")
	if status, body = vendor.get("/staff/tickets/" + outside); status != 403 || !strings.Contains(body, "服务协议的范围") {
		t.Fatalf("a ticket outside the agreement: %d\n%s", status, body)
	}
	status, body = vendor.get("/staff/tickets/" + inScope)
	if status != 200 || !strings.Contains(body, "13900139066") || strings.Contains(body, "赵女士") {
		t.Fatalf("a ticket inside it: %d\n%s", status, body)
	}
	street := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
	if status, _ = street.get("/staff/agreements/" + m[1]); status != 403 {
		t.Fatalf("a street handler reads the agreement: %d", status)
	}

	_, page = sup.get("/staff/agreements/" + m[1])
	status, body = sup.post("/staff/agreements/"+m[1]+"/suspend", url.Values{"csrf": {csrf(t, page)}, "reason": {"投诉集中"}})
	if status != 200 || !strings.Contains(body, "协议已暂停") {
		t.Fatalf("suspend: %d\n%s", status, body)
	}
	if status, body = vendor.get("/staff/tickets/" + inScope); status != 403 || !strings.Contains(body, "已暂停") {
		t.Fatalf("the vendor's session after the suspension: %d\n%s", status, body)
	}
	status, body = sup.get("/staff/agreements/reads?month=" + now.Format("2006-01"))
	if status != 200 || !strings.Contains(body, "heat-web") || !strings.Contains(body, "ticket:"+inScope+" (phone)") {
		t.Fatalf("the month's reads: %d\n%s", status, body)
	}
	if status, _ = street.get("/staff/agreements/reads"); status != 403 {
		t.Fatalf("a street handler reads the report: %d", status)
	}
}

// siteAgreement is the demo property company's agreement, made once, for
// the accessibility checks of its page.
func siteAgreement(t *testing.T, a *app.App) string {
	t.Helper()
	ctx := context.Background()
	items, err := a.Agreements.List(ctx, auth.System(), agreement.Filter{OrgCode: demo.OrgProperty})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) > 0 {
		return items[0].ID
	}
	now := time.Now().In(clock.BusinessZone())
	ag, err := a.Agreements.Create(ctx, auth.System(), agreement.Input{OrgCode: demo.OrgProperty, Title: "谷韵物业服务协议", Areas: []string{demo.StreetBinhe},
		Categories: []string{"01"}, Services: []string{"小区保洁", "电梯维保"}, Rights: "按季度获得考核结果", SeeName: true,
		StartsOn: now.AddDate(0, -1, 0).Format(time.DateOnly), EndsOn: now.AddDate(1, 0, 0).Format(time.DateOnly),
		Duties: []agreement.Duty{{CategoryCode: "0102", Limit: ticket.Limit{Amount: 2, Unit: ticket.WorkingDays}, Note: "垃圾两日内清运"}}})
	if err != nil {
		t.Fatal(err)
	}
	return ag.ID
}

// agreeOnce gives an organisation outside the government an agreement over
// the area unless it has one, so that its staff may act in the tests of
// other pages.
func agreeOnce(t *testing.T, a *app.App, org, area string) {
	t.Helper()
	ctx := context.Background()
	items, err := a.Agreements.List(ctx, auth.System(), agreement.Filter{OrgCode: org})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) > 0 {
		return
	}
	now := time.Now().In(clock.BusinessZone())
	if _, err := a.Agreements.Create(ctx, auth.System(), agreement.Input{OrgCode: org, Title: "服务协议", Areas: []string{area},
		StartsOn: now.AddDate(0, -1, 0).Format(time.DateOnly), EndsOn: now.AddDate(1, 0, 0).Format(time.DateOnly)}); err != nil {
		t.Fatal(err)
	}
}
