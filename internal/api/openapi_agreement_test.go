package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/agreement"
	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/demo"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// oaAgree gives an organisation outside the government an agreement over
// the area, from a month ago for a year, so that its staff may act.
func oaAgree(t *testing.T, a *app.App, org, area string) {
	t.Helper()
	now := time.Now().In(clock.BusinessZone())
	_, err := a.Agreements.Create(context.Background(), auth.System(), agreement.Input{OrgCode: org, Title: "服务协议", Areas: []string{area},
		StartsOn: now.AddDate(0, -1, 0).Format(time.DateOnly), EndsOn: now.AddDate(1, 0, 0).Format(time.DateOnly)})
	if err != nil {
		t.Fatal(err)
	}
}

// oaAgreements runs an agreement with the demo's heating company: its
// handler is refused until the district signs one, reads the tickets of
// its scope (the reporter's phone, not her name), not those outside it
// (403), is cut off at once when it is suspended, and her reads are listed
// in the month's report.
func oaAgreements(t *testing.T, c *oaClient, a *app.App, admin, supervisor, handler, resident string) {
	t.Helper()
	ctx := context.Background()
	key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
	const community = demo.CommunityJinguDongyuan
	if _, err := a.Auth.CreateUser(ctx, auth.System(), auth.NewUser{Username: "heat-handler", Password: "ember-valley-63", Name: "供热客服", Role: auth.RoleHandler,
		OrgCode: demo.OrgHeating, AreaCode: demo.DistrictCode}); err != nil {
		t.Fatal(err)
	}
	loginBody := map[string]string{"username": "heat-handler", "password": "ember-valley-63"}
	r := c.want(c.do(oaReq{method: "POST", path: "/api/v1/auth/token", body: loginBody}), 403, "a vendor without an agreement logs in")
	if !strings.Contains(string(r.raw), "agreement") {
		t.Fatalf("refusal: %s", r.raw)
	}
	now := time.Now().In(clock.BusinessZone())
	list, one := "/api/v1/agreements", "/api/v1/agreements/{id}"
	in := map[string]any{"org_code": demo.OrgHeating, "title": "冬季供暖服务协议", "areas": []string{community}, "categories": []string{"04"},
		"services": []string{"供暖报修"}, "rights": "使用工单系统接收供暖诉求", "see_phone": true,
		"starts_on": now.AddDate(0, 0, -1).Format(time.DateOnly), "ends_on": now.AddDate(0, 4, 0).Format(time.DateOnly),
		"duties": []map[string]any{{"category_code": "0403", "limit": "8h", "note": "停暖8个工作小时内办结"}}}
	c.want(c.do(oaReq{method: "POST", path: list, token: handler, body: in}), 403, "a street handler makes an agreement")
	c.want(c.do(oaReq{method: "POST", path: list, token: admin, body: oaWith(in, "org_code", demo.OrgHotline)}), 400, "an agreement with a government unit")
	c.want(c.do(oaReq{method: "POST", path: list, body: in}), 401, "anonymous makes an agreement")
	r = c.want(c.do(oaReq{method: "POST", path: list, token: supervisor, body: in, header: key("agr-1")}), 201, "the district's supervisor makes one")
	id := r.str("id")
	c.want(c.do(oaReq{method: "POST", path: list, token: admin, body: in}), 409, "a second one over the same days")
	c.want(c.do(oaReq{method: "GET", path: list, token: admin, query: "status=active"}), 200, "the agreements")
	c.want(c.do(oaReq{method: "GET", path: list, token: admin, query: "status=lapsed"}), 400, "an unknown status")
	if r := c.want(c.do(oaReq{method: "GET", path: list, token: handler}), 200, "a street handler's list: her unit's own"); strings.TrimSpace(string(r.raw)) != `{"items":[]}` {
		t.Fatalf("a street handler's list: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: list, token: resident}), 403, "a resident's list")
	c.want(c.do(oaReq{method: "GET", path: list}), 401, "anonymous list")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{id}, token: admin}), 200, "the agreement")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{"nope"}, token: admin}), 404, "no agreement")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{id}, token: handler}), 403, "a street handler reads it")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{id}}), 401, "anonymous reads it")
	c.want(c.do(oaReq{method: "PUT", path: one, args: []string{id}, token: admin, body: oaWith(in, "ends_on", "2020-01-01")}), 400, "ends before it starts")
	c.want(c.do(oaReq{method: "PUT", path: one, args: []string{id}, token: handler, body: in}), 403, "a street handler changes it")
	c.want(c.do(oaReq{method: "PUT", path: one, args: []string{"nope"}, token: admin, body: in}), 404, "change nothing")
	c.want(c.do(oaReq{method: "PUT", path: one, args: []string{id}, body: in}), 401, "anonymous changes it")
	c.want(c.do(oaReq{method: "PUT", path: one, args: []string{id}, token: admin, body: in}), 200, "change it")

	vendor := c.want(c.do(oaReq{method: "POST", path: "/api/v1/auth/token", body: loginBody}), 200, "the vendor logs in").str("token")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{id}, token: vendor}), 200, "the vendor reads its own agreement")
	mk := func(area, cat string) string {
		tk, err := a.Tickets.Create(ctx, nil, ticket.NewTicket{Kind: ticket.KindHelp, CategoryCode: cat, Description: "暖气不热，室温只有十二度",
			AreaCode: area, Address: "金谷东园3号楼2单元501室", ReporterName: "赵女士", ReporterPhone: "13900139066"})
		if err != nil {
			t.Fatal(err)
		}
		if tk.AssignedOrgCode != demo.OrgHeating {
			t.Fatalf("ticket %s went to %s", tk.Number, tk.AssignedOrgCode)
		}
		return tk.Number
	}
	inScope, outside := mk(community, "0403"), mk(demo.StreetBinhe, "0403")
	tk := "/api/v1/tickets/{number}"
	c.want(c.do(oaReq{method: "GET", path: tk, args: []string{outside}, token: vendor}), 403, "a ticket outside the agreement")
	r = c.want(c.do(oaReq{method: "GET", path: tk, args: []string{inScope}, token: vendor}), 200, "a ticket inside it")
	if r.str("reporter_phone") != "13900139066" || r.str("reporter_name") == "赵女士" || strings.Contains(r.str("address"), "501") {
		t.Fatalf("the grant: %s", r.raw)
	}

	step := func(s string) string { return one + "/" + s }
	for _, s := range []string{"suspend", "resume", "end"} {
		c.want(c.do(oaReq{method: "POST", path: step(s), args: []string{id}, token: handler, body: map[string]any{}}), 403, "a street handler: "+s)
		c.want(c.do(oaReq{method: "POST", path: step(s), args: []string{"nope"}, token: admin, body: map[string]any{}}), 404, "nothing to "+s)
		c.want(c.do(oaReq{method: "POST", path: step(s), args: []string{id}, body: map[string]any{}}), 401, "anonymous: "+s)
	}
	c.want(c.do(oaReq{method: "POST", path: step("resume"), args: []string{id}, token: admin, body: map[string]any{}}), 409, "resume an active one")
	c.want(c.do(oaReq{method: "POST", path: step("suspend"), args: []string{id}, token: admin, body: map[string]any{"reason": strings.Repeat("长", 501)}}), 400, "a long reason")
	c.want(c.do(oaReq{method: "POST", path: step("suspend"), args: []string{id}, token: supervisor, body: map[string]any{"reason": "投诉集中，暂停整改"}, header: key("agr-2")}), 200, "suspend")
	r = c.want(c.do(oaReq{method: "GET", path: tk, args: []string{inScope}, token: vendor}), 403, "the vendor's token after the suspension")
	if !strings.Contains(string(r.raw), "suspended") {
		t.Fatalf("refusal: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: step("resume"), args: []string{id}, token: supervisor, body: map[string]any{}, header: key("agr-3")}), 200, "resume")
	c.want(c.do(oaReq{method: "GET", path: tk, args: []string{inScope}, token: vendor}), 200, "the vendor's token again")
	ev := c.want(c.do(oaReq{method: "GET", path: step("events"), args: []string{id}, token: admin}), 200, "the log")
	if !strings.Contains(string(ev.raw), `"suspended"`) {
		t.Fatalf("log: %s", ev.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: step("events"), args: []string{"nope"}, token: admin}), 404, "no log")
	c.want(c.do(oaReq{method: "GET", path: step("events"), args: []string{id}, token: handler}), 403, "a street handler's log")
	c.want(c.do(oaReq{method: "GET", path: step("events"), args: []string{id}}), 401, "anonymous log")

	reads := "/api/v1/personal-data-reads"
	r = c.want(c.do(oaReq{method: "GET", path: reads, token: supervisor}), 200, "the month's reads")
	if !strings.Contains(string(r.raw), "heat-handler") || !strings.Contains(string(r.raw), "ticket:"+inScope+" (phone)") {
		t.Fatalf("report: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: reads, token: admin, query: "month=2026-13"}), 400, "a bad month")
	c.want(c.do(oaReq{method: "GET", path: reads, token: vendor}), 403, "the vendor reads the report")
	c.want(c.do(oaReq{method: "GET", path: reads}), 401, "anonymous report")

	c.want(c.do(oaReq{method: "POST", path: step("end"), args: []string{id}, token: admin, body: map[string]any{"reason": "合同到期"}, header: key("agr-4")}), 200, "end")
	c.want(c.do(oaReq{method: "GET", path: tk, args: []string{inScope}, token: vendor}), 403, "the vendor after the end")
	c.want(c.do(oaReq{method: "PUT", path: one, args: []string{id}, token: admin, body: in}), 409, "change an ended one")
}
