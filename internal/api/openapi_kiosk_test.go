package api_test

import (
	"strings"
	"testing"
)

// oaKiosks registers a self-service terminal as the administrator (its key
// shown once), refuses others and bad input, and reads the registry as a
// supervisor.
func oaKiosks(t *testing.T, c *oaClient, admin, supervisor, handler, resident string) {
	t.Helper()
	key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
	path := "/api/v1/kiosks"
	in := map[string]any{"id": "hall-api", "name": "街道便民服务大厅自助机", "area_code": "110117001", "place": "滨河街道便民服务大厅"}
	c.want(c.do(oaReq{method: "POST", path: path, token: supervisor, body: in}), 403, "a supervisor registers")
	c.want(c.do(oaReq{method: "POST", path: path, body: in}), 401, "anonymous registers")
	c.want(c.do(oaReq{method: "POST", path: path, token: admin, body: oaWith(in, "id", "Bad Id")}), 400, "a bad id")
	r := c.want(c.do(oaReq{method: "POST", path: path, token: admin, body: in, header: key("kiosk-1")}), 201, "register")
	if !strings.Contains(string(r.raw), `"enrolment_key":"`) || !strings.Contains(string(r.raw), `"key_pending":true`) {
		t.Fatalf("registered: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: path, token: admin, body: in}), 409, "the same id")
	r = c.want(c.do(oaReq{method: "GET", path: path, token: supervisor}), 200, "the registry")
	if !strings.Contains(string(r.raw), `"id":"hall-api"`) || strings.Contains(string(r.raw), "enrolment_key") {
		t.Fatalf("registry: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: path, token: admin, query: "month=2026-11"}), 200, "a month's registry")
	c.want(c.do(oaReq{method: "GET", path: path, token: admin, query: "month=11"}), 400, "a bad month")
	c.want(c.do(oaReq{method: "GET", path: path, token: handler}), 403, "a handler reads")
	c.want(c.do(oaReq{method: "GET", path: path, token: resident}), 403, "a resident reads")
	c.want(c.do(oaReq{method: "GET", path: path}), 401, "anonymous reads")
}
