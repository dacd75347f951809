package api_test

import (
	"strings"
	"testing"
)

// oaCitylink registers a city's 12345 platform and a lower one, reads them,
// pauses and resumes one, and reads the delivery log and the figures; only
// the administrator may.
func oaCitylink(t *testing.T, c *oaClient, admin, handler string) {
	t.Helper()
	key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
	list, one := "/api/v1/citylink/platforms", "/api/v1/citylink/platforms/{id}"
	upper := map[string]any{"id": "bj12345", "name": "北京市12345", "role": "upper", "base_url": "https://12345.beijing.example/open311",
		"area_code": "110117", "outbound_key": "key-of-ours-at-the-city-001", "service_map": map[string]string{"CG-ROAD": "0101"},
		"area_map": map[string]string{"pg-binhe": "110117001001"}}
	c.want(c.do(oaReq{method: "POST", path: list, token: handler, body: upper}), 403, "a handler registers")
	c.want(c.do(oaReq{method: "POST", path: list, body: upper}), 401, "anonymous registers")
	c.want(c.do(oaReq{method: "POST", path: list, token: admin, body: oaWith(upper, "role", "sideways")}), 400, "an unknown role")
	c.want(c.do(oaReq{method: "POST", path: list, token: admin, body: oaWith(upper, "base_url", "http://127.0.0.1/open311")}), 400, "a loopback address")
	c.want(c.do(oaReq{method: "POST", path: list, token: admin, body: oaWith(upper, "service_map", map[string]string{"X": "9999"})}), 400, "an unknown category")
	r := c.want(c.do(oaReq{method: "POST", path: list, token: admin, body: upper, header: key("clk-1")}), 201, "register the city")
	if !strings.HasPrefix(r.str("inbound_key"), "clk_") || r.str("inbound_key_prefix") == "" {
		t.Fatalf("registered: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: list, token: admin, body: upper, header: key("clk-1")}), 409, "the key again (the secret was shown)")
	c.want(c.do(oaReq{method: "POST", path: list, token: admin, body: upper}), 409, "the same id twice")
	lower := map[string]any{"id": "binhe", "name": "滨河街道平台", "role": "lower", "base_url": "https://binhe.example/open311/v2/citylink/pinggu",
		"org_code": "110117001-SO", "inbound_key": "key-of-binhe-at-pinggu-0001", "outbound_key": "key-of-pinggu-at-binhe-0001"}
	r = c.want(c.do(oaReq{method: "POST", path: list, token: admin, body: lower}), 201, "register a lower platform")
	if r.str("inbound_key") != "" {
		t.Fatalf("a key given is shown back: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: list, token: admin, body: oaWith(oaWith(lower, "id", "nowhere"), "org_code", "")}), 400, "a lower platform without its unit")
	r = c.want(c.do(oaReq{method: "GET", path: list, token: admin}), 200, "the platforms")
	if len(r.items()) != 2 || strings.Contains(string(r.raw), "key-of-binhe-at-pinggu-0001") || strings.Contains(string(r.raw), "key-of-ours") {
		t.Fatalf("the platforms: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: list, token: handler}), 403, "a handler lists")
	c.want(c.do(oaReq{method: "GET", path: list}), 401, "anonymous lists")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{"bj12345"}, token: admin}), 200, "one platform")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{"nosuch"}, token: admin}), 404, "no such platform")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{"bj12345"}, token: handler}), 403, "a handler reads")
	r = c.want(c.do(oaReq{method: "PATCH", path: one, args: []string{"bj12345"}, token: admin, body: map[string]any{"active": false}}), 200, "pause")
	if !strings.Contains(string(r.raw), `"active":false`) {
		t.Fatalf("paused: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "PATCH", path: one, args: []string{"bj12345"}, token: admin, body: map[string]any{"active": true}}), 200, "resume")
	c.want(c.do(oaReq{method: "PATCH", path: one, args: []string{"bj12345"}, token: admin, body: map[string]any{}}), 400, "nothing to change")
	r = c.want(c.do(oaReq{method: "PATCH", path: one, args: []string{"bj12345"}, token: admin,
		body: map[string]any{"service_map": map[string]string{"CG-ROAD": "0101", "CG-LAMP": "0101"}, "name": "北京市12345热线"}}), 200, "change the map")
	if !strings.Contains(string(r.raw), `"CG-LAMP":"0101"`) || r.str("name") != "北京市12345热线" {
		t.Fatalf("changed: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "PATCH", path: one, args: []string{"bj12345"}, token: admin, body: map[string]any{"service_map": map[string]string{"X": "9999"}}}), 400, "map onto no category")
	c.want(c.do(oaReq{method: "PATCH", path: one, args: []string{"nosuch"}, token: admin, body: map[string]any{"active": true}}), 404, "pause no platform")
	c.want(c.do(oaReq{method: "PATCH", path: one, args: []string{"bj12345"}, token: handler, body: map[string]any{"active": true}}), 403, "a handler pauses")
	stats := one + "/statistics"
	c.want(c.do(oaReq{method: "GET", path: stats, args: []string{"binhe"}, token: admin}), 200, "the lower platform's figures")
	c.want(c.do(oaReq{method: "GET", path: stats, args: []string{"nosuch"}, token: admin}), 404, "figures of no platform")
	c.want(c.do(oaReq{method: "GET", path: stats, args: []string{"binhe"}, token: handler}), 403, "a handler reads figures")
	log := "/api/v1/citylink/deliveries"
	c.want(c.do(oaReq{method: "GET", path: log, token: admin, query: "platform=bj12345&limit=10"}), 200, "the log")
	c.want(c.do(oaReq{method: "GET", path: log, token: admin, query: "limit=0"}), 400, "a bad limit")
	c.want(c.do(oaReq{method: "GET", path: log, token: admin, query: "platform=nosuch"}), 404, "the log of no platform")
	c.want(c.do(oaReq{method: "GET", path: log, token: handler}), 403, "a handler reads the log")
	c.want(c.do(oaReq{method: "GET", path: log}), 401, "anonymous reads the log")
}
