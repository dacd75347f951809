package api_test

import (
	"strings"
	"testing"
)

// oaInsight runs the router's endpoints on the demo district, which has
// too few closed tickets for a model: the suggestions are empty until one
// is trained, and training says why it cannot.
func oaInsight(t *testing.T, c *oaClient, admin, supervisor, agent, handler, resident string) {
	t.Helper()
	const route = "/api/v1/insight/route"
	r := c.want(c.do(oaReq{method: "POST", path: route, token: agent, body: map[string]any{"text": "小区路灯不亮", "area_code": "110117001001"}}), 200, "agent asks the router")
	if v, _ := r.m["model_version"].(float64); v != 0 {
		t.Errorf("a model before any training: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: route, token: resident, body: map[string]any{"text": "楼上噪音"}}), 200, "resident asks the router")
	c.want(c.do(oaReq{method: "POST", path: route, body: map[string]any{"text": "路灯"}}), 401, "anonymous asks the router")
	c.want(c.do(oaReq{method: "POST", path: route, token: agent, body: map[string]any{"text": strings.Repeat("灯", 2001)}}), 400, "text too long")
	c.want(c.do(oaReq{method: "POST", path: route, token: agent, body: map[string]any{"text": "灯", "area_code": "1101'--"}}), 400, "malformed area")

	const train = "/api/v1/insight/train"
	r = c.want(c.do(oaReq{method: "POST", path: train, token: admin}), 400, "too few closed tickets to train")
	if !strings.Contains(string(r.raw), "30") {
		t.Errorf("the refusal does not say how many are needed: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: train, token: supervisor}), 403, "supervisor trains")

	const stats = "/api/v1/insight/router"
	c.want(c.do(oaReq{method: "GET", path: stats, token: admin}), 200, "admin reads the router")
	c.want(c.do(oaReq{method: "GET", path: stats, token: supervisor}), 200, "supervisor reads the router")
	c.want(c.do(oaReq{method: "GET", path: stats, token: handler}), 403, "handler reads the router")

	// A script that asks without pause is held back (the account's text readings).
	for i := 0; ; i++ {
		r := c.do(oaReq{method: "POST", path: route, token: agent, body: map[string]any{"text": "路灯"}})
		if r.code == 429 {
			if r.h.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
			break
		}
		if r.code != 200 || i > 400 {
			t.Fatalf("call %d: %d, never held back", i, r.code)
		}
	}
}
