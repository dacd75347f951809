package api_test

import (
	"encoding/json"
	"testing"
)

// oaReplyQuality runs the advice on a reply: to a ticket the handler may
// reply to, to a request given as text, and the refusals.
func oaReplyQuality(t *testing.T, c *oaClient, handler, deptHandler, supervisor, resident string) {
	t.Helper()
	number := c.want(c.do(oaReq{method: "POST", path: "/api/v1/tickets", body: map[string]any{"kind": "complaint", "category_code": "0101",
		"description": "金谷东园北门路灯不亮", "area_code": "110117001001", "reporter_phone": "13911118888"}}), 201, "guest submits").str("number")
	act := "/api/v1/tickets/{number}/actions/{action}"
	for _, a := range []string{"sign", "contact"} {
		c.want(c.do(oaReq{method: "POST", path: act, args: []string{number, a}, token: handler, body: map[string]any{}}), 200, "handler "+a)
	}
	const path = "/api/v1/insight/reply-quality"
	good := "金谷东园北门的路灯，滨河街道工作人员今天上午到现场查看，已更换灯泡，恢复照明。如仍有问题，请拨打街道电话010-69961234。"
	r := c.want(c.do(oaReq{method: "POST", path: path, token: handler, body: map[string]any{"ticket_number": number, "reply": good}}), 200, "advice on a draft")
	if r.m["completeness"] != json.Number("100") || r.m["relevance"] != json.Number("100") {
		t.Errorf("a good draft: %s", r.raw)
	}
	r = c.want(c.do(oaReq{method: "POST", path: path, token: supervisor, body: map[string]any{"request": "路灯不亮", "reply": "已处理。"}}), 200, "advice on a text")
	if len(r.m["advice"].([]any)) == 0 {
		t.Errorf("a poor reply without advice: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: path, token: deptHandler, body: map[string]any{"ticket_number": number, "reply": good}}), 403, "another unit's ticket")
	c.want(c.do(oaReq{method: "POST", path: path, token: supervisor, body: map[string]any{"ticket_number": number, "reply": good}}), 403, "a supervisor drafts")
	c.want(c.do(oaReq{method: "POST", path: path, token: resident, body: map[string]any{"reply": good}}), 403, "a resident asks")
	c.want(c.do(oaReq{method: "POST", path: path, body: map[string]any{"reply": good}}), 401, "anonymous asks")
	c.want(c.do(oaReq{method: "POST", path: path, token: handler, body: map[string]any{"reply": " "}}), 400, "no reply")
	c.want(c.do(oaReq{method: "POST", path: path, token: handler, body: map[string]any{"ticket_number": number, "request": "x", "reply": good}}), 400, "both a ticket and a request")
}
