package api_test

import (
	"strings"
	"testing"
)

// oaStatus reads the installation's status as the administrator and a
// supervisor; nobody else may, and a bad month is refused.
func oaStatus(t *testing.T, c *oaClient, admin, supervisor, handler, resident string) {
	t.Helper()
	const p = "/api/v1/status"
	r := c.want(c.do(oaReq{method: "GET", path: p, token: admin}), 200, "the status")
	if !strings.Contains(string(r.raw), `"pending_migrations":[]`) || !strings.Contains(string(r.raw), `"unused":`) {
		t.Fatalf("status: %s", r.raw)
	}
	r = c.want(c.do(oaReq{method: "GET", path: p, token: supervisor, query: "month=2026-01"}), 200, "a month's use")
	if !strings.Contains(string(r.raw), `"month":"2026-01"`) || strings.Contains(string(r.raw), "1391234") {
		t.Fatalf("status of January: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: p, token: admin, query: "month=2026-1"}), 400, "a bad month")
	c.want(c.do(oaReq{method: "GET", path: p, token: handler}), 403, "a handler reads the status")
	c.want(c.do(oaReq{method: "GET", path: p, token: resident}), 403, "a resident reads the status")
	c.want(c.do(oaReq{method: "GET", path: p}), 401, "anonymous reads the status")
}
