package api_test

import (
	"strings"
	"testing"
)

// oaReplies runs the reply templates' endpoints: who keeps which, the
// checks at save, the Idempotency-Key, and a ticket's templates rendered
// for it, on a guest's ticket of 滨河街道 (category 0101) reported by 王女士.
func oaReplies(t *testing.T, c *oaClient, admin, dispatcher, handler, deptHandler, agent, resident string) {
	t.Helper()
	guestTicket := c.want(c.do(oaReq{method: "POST", path: "/api/v1/tickets", body: map[string]any{"kind": "complaint", "category_code": "0101",
		"description": "北门垃圾堆放无人清运", "area_code": "110117001001", "reporter_phone": "13911117777", "reporter_name": "王女士"}}), 201, "guest submits").str("number")
	const list, one = "/api/v1/reply-templates", "/api/v1/reply-templates/{id}"
	key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
	own := map[string]any{"org_code": "110117001-SO", "category_code": "01", "name": "接口测试：已清理", "body": "{诉求人称呼}您好：工单{编号}反映的{地点}问题已清理。"}

	r := c.want(c.do(oaReq{method: "POST", path: list, token: handler, body: own, header: key("rt-1")}), 201, "handler creates her unit's template")
	id := r.str("id")
	if r.h.Get("Idempotent-Replayed") != "" {
		t.Errorf("first create replayed")
	}
	r = c.want(c.do(oaReq{method: "POST", path: list, token: handler, body: own, header: key("rt-1")}), 201, "create retried")
	if r.str("id") != id || r.h.Get("Idempotent-Replayed") != "true" {
		t.Errorf("retry made %q (first %q), replayed %q", r.str("id"), id, r.h.Get("Idempotent-Replayed"))
	}
	c.want(c.do(oaReq{method: "POST", path: list, token: handler, body: own}), 409, "same name twice")
	bad := map[string]any{"org_code": "110117001-SO", "name": "坏模板", "body": "{姓名}您好"}
	r = c.want(c.do(oaReq{method: "POST", path: list, token: handler, body: bad}), 400, "unknown placeholder")
	if msg := string(r.raw); !strings.Contains(msg, "{姓名}") || !strings.Contains(msg, "{编号}") {
		t.Errorf("the refusal does not name the placeholder and the known ones: %s", msg)
	}
	c.want(c.do(oaReq{method: "POST", path: list, token: handler, body: map[string]any{"name": strings.Repeat("名", 41), "body": "x", "org_code": "110117001-SO"}}), 400, "long name")
	c.want(c.do(oaReq{method: "POST", path: list, token: handler, body: map[string]any{"name": "全区", "body": "x"}}), 403, "handler creates a district-wide one")
	c.want(c.do(oaReq{method: "POST", path: list, token: deptHandler, body: own}), 403, "another unit's handler")
	c.want(c.do(oaReq{method: "POST", path: list, token: agent, body: map[string]any{"name": "话务", "body": "x"}}), 403, "agent creates")
	c.want(c.do(oaReq{method: "POST", path: list, body: own}), 401, "anonymous creates")
	r = c.want(c.do(oaReq{method: "POST", path: list, token: dispatcher, body: map[string]any{"category_code": "0101", "name": "接口测试：全区", "body": "{编号}已办结，{答复日期}。"}}), 201, "dispatch centre creates a district-wide one")
	general := r.str("id")

	r = c.want(c.do(oaReq{method: "GET", path: list, token: handler}), 200, "handler lists")
	if len(r.m["placeholders"].([]any)) < 9 {
		t.Errorf("placeholders: %v", r.m["placeholders"])
	}
	c.want(c.do(oaReq{method: "GET", path: list, token: resident}), 403, "resident lists")
	c.want(c.do(oaReq{method: "GET", path: list}), 401, "anonymous lists")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{id}, token: handler}), 200, "one template")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{id}, token: deptHandler}), 404, "another unit's template")

	own["body"] = "{诉求人称呼}您好：您反映的{地点}问题（{编号}）已由{承办单位}清理完毕。"
	c.want(c.do(oaReq{method: "PUT", path: one, args: []string{id}, token: handler, body: own}), 200, "change")
	c.want(c.do(oaReq{method: "PUT", path: one, args: []string{general}, token: handler, body: own}), 403, "handler changes the district's")
	c.want(c.do(oaReq{method: "PUT", path: one, args: []string{"nope"}, token: admin, body: own}), 404, "change nothing")

	tt := "/api/v1/tickets/{number}/reply-templates"
	r = c.want(c.do(oaReq{method: "GET", path: tt, args: []string{guestTicket}, token: handler}), 200, "a ticket's templates")
	items := r.items()
	if len(items) < 2 || items[0].(map[string]any)["id"] != id {
		t.Fatalf("the unit's template of the category comes first: %s", r.raw)
	}
	text := items[0].(map[string]any)["text"].(string)
	if !strings.HasPrefix(text, "王女士您好") || !strings.Contains(text, guestTicket) || strings.Contains(text, "13911117777") || strings.Contains(text, "{") {
		t.Errorf("rendered %q", text)
	}
	c.want(c.do(oaReq{method: "GET", path: tt, args: []string{guestTicket}, token: deptHandler}), 403, "a ticket of another unit")
	c.want(c.do(oaReq{method: "GET", path: tt, args: []string{guestTicket}, token: resident}), 404, "a resident who did not report it")
	c.want(c.do(oaReq{method: "GET", path: tt, args: []string{"20000101999999"}, token: handler}), 404, "no such ticket")

	c.want(c.do(oaReq{method: "DELETE", path: one, args: []string{general}, token: handler}), 403, "handler deletes the district's")
	c.want(c.do(oaReq{method: "DELETE", path: one, args: []string{id}, token: handler}), 204, "delete")
	c.want(c.do(oaReq{method: "DELETE", path: one, args: []string{id}, token: handler}), 404, "delete again")
	c.want(c.do(oaReq{method: "DELETE", path: one, args: []string{general}, token: admin}), 204, "admin deletes the district's")
}
