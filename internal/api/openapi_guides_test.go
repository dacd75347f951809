package api_test

import (
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/app"
)

// oaGuides: a resident searches the published answers without logging in,
// one answers her (counted, no ticket), and she applies online for the
// demo's 高龄津贴; the street office returns, then approves it; the staff
// read the figures.
func oaGuides(t *testing.T, c *oaClient, a *app.App, agent, handler, resident string) {
	t.Helper()
	key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
	search := "/api/v1/kb/search"
	r := c.want(c.do(oaReq{method: "GET", path: search, query: "q=" + "家里老人80岁了，高龄津贴怎么申请"}), 200, "search")
	items := r.m["items"].([]any)
	if len(items) == 0 || items[0].(map[string]any)["id"] != "demo-kb-14" || strings.Contains(string(r.raw), "keywords") {
		t.Fatalf("search: %s", r.raw)
	}
	r = c.want(c.do(oaReq{method: "GET", path: search, query: "q=" + "供暖季起止时间"}), 200, "a stale answer")
	if strings.Contains(string(r.raw), "demo-kb-02") {
		t.Fatalf("a stale answer shown: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: search, query: "q=" + strings.Repeat("问", 201)}), 400, "a long question")
	answered := "/api/v1/kb/{id}/answered"
	c.want(c.do(oaReq{method: "POST", path: answered, args: []string{"demo-kb-14"}, body: map[string]any{}, header: key("answered-1")}), 200, "answered")
	c.want(c.do(oaReq{method: "POST", path: answered, args: []string{"demo-kb-02"}, body: map[string]any{}}), 404, "a stale one answered")
	figures := "/api/v1/kb/figures"
	r = c.want(c.do(oaReq{method: "GET", path: figures, token: handler}), 200, "figures")
	if !strings.Contains(string(r.raw), `"answered":1`) {
		t.Fatalf("figures: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: figures, token: handler, query: "month=2026-13"}), 400, "a bad month")
	c.want(c.do(oaReq{method: "GET", path: figures, token: resident}), 403, "a resident's figures")
	c.want(c.do(oaReq{method: "GET", path: figures}), 401, "anonymous figures")

	apply := "/api/v1/kb/{id}/applications"
	in := map[string]any{"area_code": "110117001001", "note": "母亲今年满80岁", "checked": []string{"本人身份证", "户口簿"}}
	c.want(c.do(oaReq{method: "POST", path: apply, args: []string{"demo-kb-14"}, body: in}), 401, "anonymous applies")
	c.want(c.do(oaReq{method: "POST", path: apply, args: []string{"demo-kb-14"}, token: handler, body: in}), 403, "staff apply")
	c.want(c.do(oaReq{method: "POST", path: apply, args: []string{"demo-kb-14"}, token: resident, body: oaWith(in, "checked", []string{"护照"})}), 400, "a material not listed")
	c.want(c.do(oaReq{method: "POST", path: apply, args: []string{"demo-kb-06"}, token: resident, body: in}), 409, "a guide that links out")
	c.want(c.do(oaReq{method: "POST", path: apply, args: []string{"nope"}, token: resident, body: in}), 404, "no such guide")
	r = c.want(c.do(oaReq{method: "POST", path: apply, args: []string{"demo-kb-14"}, token: resident, body: in, header: key("apply-1")}), 201, "apply")
	id := r.str("id")
	if r.str("ticket_number") == "" || r.str("status") != "submitted" {
		t.Fatalf("applied: %s", r.raw)
	}
	list, one := "/api/v1/kb/applications", "/api/v1/kb/applications/{id}"
	r = c.want(c.do(oaReq{method: "GET", path: list, token: handler}), 200, "to review")
	if !strings.Contains(string(r.raw), id) {
		t.Fatalf("to review: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: list, token: agent}), 403, "an agent's list")
	c.want(c.do(oaReq{method: "GET", path: list}), 401, "anonymous list")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{id}, token: resident}), 200, "hers")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{id}, token: agent}), 404, "an agent reads")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{id}}), 401, "anonymous reads")
	review := one + "/review"
	c.want(c.do(oaReq{method: "POST", path: review, args: []string{id}, token: handler, body: map[string]any{"decision": "return"}}), 400, "return without a note")
	c.want(c.do(oaReq{method: "POST", path: review, args: []string{id}, token: resident, body: map[string]any{"decision": "approve"}}), 403, "she reviews")
	c.want(c.do(oaReq{method: "POST", path: review, args: []string{id}, token: agent, body: map[string]any{"decision": "approve"}}), 404, "an agent reviews")
	c.want(c.do(oaReq{method: "POST", path: review, args: []string{id}, body: map[string]any{"decision": "approve"}}), 401, "anonymous reviews")
	r = c.want(c.do(oaReq{method: "POST", path: review, args: []string{id}, token: handler, body: map[string]any{"decision": "approve"}, header: key("review-1")}), 200, "approve")
	if r.str("status") != "approved" {
		t.Fatalf("approved: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: review, args: []string{id}, token: handler, body: map[string]any{"decision": "refuse", "note": "重复"}}), 409, "twice")
}
