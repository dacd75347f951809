package api_test

import (
	"strings"
	"testing"
)

// oaIndicators reads the public catalogue, has the administrator change a
// weight, switch an indicator off and set the costs, each with its reason,
// reads the change record as the public and as staff, and the month's
// values as a supervisor; handlers and residents are refused.
func oaIndicators(t *testing.T, c *oaClient, admin, supervisor, handler, resident string) {
	t.Helper()
	cat := c.want(c.do(oaReq{method: "GET", path: "/api/v1/indicators/catalogue"}), 200, "the public catalogue")
	if len(cat.items()) != 9 {
		t.Fatalf("catalogue: %s", cat.raw)
	}
	one := "/api/v1/indicators/{code}"
	c.want(c.do(oaReq{method: "PUT", path: one, args: []string{"C1"}, token: admin, body: map[string]any{"weight": 20}}), 400, "no reason")
	c.want(c.do(oaReq{method: "PUT", path: one, args: []string{"C1"}, token: admin, body: map[string]any{"weight": 200, "reason": "x"}}), 400, "too heavy")
	c.want(c.do(oaReq{method: "PUT", path: one, args: []string{"ZZ"}, token: admin, body: map[string]any{"weight": 20, "reason": "x"}}), 404, "no such indicator")
	c.want(c.do(oaReq{method: "PUT", path: one, args: []string{"C1"}, token: supervisor, body: map[string]any{"weight": 20, "reason": "x"}}), 403, "a supervisor changes")
	c.want(c.do(oaReq{method: "PUT", path: one, args: []string{"C1"}, body: map[string]any{"weight": 20, "reason": "x"}}), 401, "anonymous changes")
	r := c.want(c.do(oaReq{method: "PUT", path: one, args: []string{"C1"}, token: admin, body: map[string]any{"weight": 20, "reason": "时效是本区重点"}}), 200, "a weight")
	if !strings.Contains(string(r.raw), `"weight":20`) || !strings.Contains(string(r.raw), `"standard_weight":15`) {
		t.Fatalf("setting: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "PUT", path: one, args: []string{"T2"}, token: admin, body: map[string]any{"enabled": false, "reason": "暂未对接其他系统"}}), 200, "switched off")
	costs := "/api/v1/indicators/costs"
	c.want(c.do(oaReq{method: "PUT", path: costs, token: admin, body: map[string]any{"cost_per_hour": -1, "reason": "x"}}), 400, "a negative cost")
	c.want(c.do(oaReq{method: "PUT", path: costs, token: handler, body: map[string]any{"cost_per_hour": 60, "reason": "x"}}), 403, "a handler sets costs")
	c.want(c.do(oaReq{method: "PUT", path: costs, body: map[string]any{"cost_per_hour": 60, "reason": "x"}}), 401, "anonymous sets costs")
	c.want(c.do(oaReq{method: "PUT", path: costs, token: admin, body: map[string]any{"cost_per_hour": 60, "fixed_monthly": 20000, "reason": "区财政核定"}}), 200, "costs")
	ch := "/api/v1/indicators/changes"
	pub := c.want(c.do(oaReq{method: "GET", path: ch}), 200, "the public record")
	if len(pub.items()) != 4 || strings.Contains(string(pub.raw), `"actor"`) {
		t.Fatalf("public record: %s", pub.raw)
	}
	if r := c.want(c.do(oaReq{method: "GET", path: ch, token: supervisor}), 200, "the staff's record"); !strings.Contains(string(r.raw), `"actor"`) {
		t.Fatalf("staff record: %s", r.raw)
	}
	list := "/api/v1/indicators"
	r = c.want(c.do(oaReq{method: "GET", path: list, token: supervisor}), 200, "the last month's indicators")
	if len(r.items()) != 9 {
		t.Fatalf("indicators: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: list, token: admin, query: "month=2026-11"}), 200, "a month's indicators")
	c.want(c.do(oaReq{method: "GET", path: list, token: admin, query: "month=2026-13"}), 400, "a bad month")
	c.want(c.do(oaReq{method: "GET", path: list, token: handler}), 403, "a handler reads")
	c.want(c.do(oaReq{method: "GET", path: list, token: resident}), 403, "a resident reads")
	c.want(c.do(oaReq{method: "GET", path: list}), 401, "anonymous reads")
	cmp := "/api/v1/indicators/compare"
	r = c.want(c.do(oaReq{method: "GET", path: cmp, token: admin, query: "month=2026-11"}), 200, "the districts side by side")
	if !strings.Contains(string(r.raw), `"area_code":"110117"`) || !strings.Contains(string(r.raw), `"platform_wide":["T2"]`) {
		t.Fatalf("comparison: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: cmp, token: supervisor}), 200, "a supervisor's districts")
	c.want(c.do(oaReq{method: "GET", path: cmp, token: admin, query: "month=2026-13"}), 400, "a bad month to compare")
	c.want(c.do(oaReq{method: "GET", path: cmp, token: handler}), 403, "a handler compares")
	c.want(c.do(oaReq{method: "GET", path: cmp}), 401, "anonymous compares")
}
