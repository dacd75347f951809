package api_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/gongzhi/gongzhi/internal/app"
)

// oaWarnings runs the early warnings' endpoints on two surges in 金谷东园社区
// (categories 0102 and 0105), raised by the detection step.
func oaWarnings(t *testing.T, c *oaClient, a *app.App, admin, agent, dispatcher, handler, deptHandler, supervisor, resident string) {
	t.Helper()
	for i := 0; i < 4; i++ {
		for _, cat := range []string{"0102", "0105"} {
			c.want(c.do(oaReq{method: "POST", path: "/api/v1/tickets", token: agent, body: map[string]any{"kind": "complaint", "category_code": cat,
				"description": "垃圾桶满溢无人清运", "area_code": "110117001001", "reporter_phone": fmt.Sprintf("1390000%04d", i)}}), 201, "surge")
		}
	}
	if _, err := a.Warnings.Detect(context.Background()); err != nil {
		t.Fatal(err)
	}
	const list, one = "/api/v1/insight/warnings", "/api/v1/insight/warnings/{id}"
	key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
	r := c.want(c.do(oaReq{method: "GET", path: list, token: supervisor, query: "status=open&limit=50"}), 200, "supervisor's open warnings")
	ids := map[string]string{}
	for _, it := range r.items() {
		m := it.(map[string]any)
		if m["area_code"] == "110117001001" {
			ids[m["category_code"].(string)] = m["id"].(string)
		}
	}
	if ids["0102"] == "" || ids["0105"] == "" {
		t.Fatalf("no warnings of the surges: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: list, token: admin, query: "status=bogus"}), 400, "unknown status")
	c.want(c.do(oaReq{method: "GET", path: list, token: resident}), 403, "resident lists warnings")
	c.want(c.do(oaReq{method: "GET", path: list}), 401, "anonymous lists warnings")
	street := ids["0102"] // 垃圾分类与清运: 滨河街道办事处
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{street}, token: handler}), 200, "the unit's warning")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{street}, token: deptHandler}), 404, "another unit's warning")
	ack := one + "/acknowledge"
	c.want(c.do(oaReq{method: "POST", path: ack, args: []string{street}, token: deptHandler}), 404, "another unit acknowledges")
	c.want(c.do(oaReq{method: "POST", path: ack, args: []string{street}, token: handler, header: key("w-ack")}), 200, "acknowledge")
	c.want(c.do(oaReq{method: "POST", path: ack, args: []string{street}, token: handler, header: key("w-ack")}), 200, "acknowledge retried")
	c.want(c.do(oaReq{method: "POST", path: ack, args: []string{street}, token: handler}), 409, "acknowledge twice")
	conv := one + "/convert"
	c.want(c.do(oaReq{method: "POST", path: conv, args: []string{street}, token: handler, body: map[string]any{"kind": "nothing"}}), 400, "convert into nothing")
	r = c.want(c.do(oaReq{method: "POST", path: conv, args: []string{street}, token: handler, body: map[string]any{"kind": "ticket"}}), 200, "convert into a ticket")
	if r.str("status") != "converted" || r.str("ticket_number") == "" {
		t.Errorf("converted: %s", r.raw)
	}
	dept := ids["0105"] // 户外广告与牌匾: the district's urban management
	dis := one + "/dismiss"
	c.want(c.do(oaReq{method: "POST", path: dis, args: []string{dept}, token: supervisor, body: map[string]any{"reason": ""}}), 400, "dismiss without a reason")
	c.want(c.do(oaReq{method: "POST", path: dis, args: []string{dept}, token: deptHandler, body: map[string]any{"reason": "x"}}), 409, "the unit dismisses")
	r = c.want(c.do(oaReq{method: "POST", path: dis, args: []string{dept}, token: dispatcher, body: map[string]any{"reason": "已知原因：商户集中换招牌"}}), 200, "dismiss")
	if r.str("status") != "dismissed" {
		t.Errorf("dismissed: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: dis, args: []string{"nope"}, token: dispatcher, body: map[string]any{"reason": "x"}}), 404, "dismiss nothing")
}
