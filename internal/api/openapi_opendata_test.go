package api_test

import (
	"strings"
	"testing"
)

// oaOpenData reads the open-data catalogue and a page of the ticket
// statistics without an account, refuses bad pages, and has the
// administrator withdraw the proposals and publish them again.
func oaOpenData(t *testing.T, c *oaClient, admin, resident string) {
	t.Helper()
	key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
	list, one, records := "/api/v1/opendata/datasets", "/api/v1/opendata/datasets/{id}", "/api/v1/opendata/datasets/{id}/records"
	pub, evs := "/api/v1/opendata/datasets/{id}/publication", "/api/v1/opendata/datasets/{id}/events"
	r := c.want(c.do(oaReq{method: "GET", path: list}), 200, "the catalogue")
	if !strings.Contains(string(r.raw), `"ticket-stats"`) || !strings.Contains(string(r.raw), `"proposals"`) {
		t.Fatalf("catalogue: %.300s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{"service-points"}}), 200, "one entry")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{"nothing"}}), 404, "no such dataset")
	r = c.want(c.do(oaReq{method: "GET", path: records, args: []string{"ticket-stats"}, query: "page=1&per_page=5"}), 200, "a page of statistics")
	if strings.Contains(string(r.raw), "reporter") || strings.Contains(string(r.raw), "phone") {
		t.Fatalf("statistics: %.300s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: records, args: []string{"ticket-stats"}, query: "per_page=5000"}), 400, "a page too large")
	c.want(c.do(oaReq{method: "GET", path: records, args: []string{"nothing"}}), 404, "no such dataset's rows")
	off := map[string]any{"published": false}
	c.want(c.do(oaReq{method: "POST", path: pub, args: []string{"proposals"}, token: resident, body: off}), 403, "a resident withdraws")
	c.want(c.do(oaReq{method: "POST", path: pub, args: []string{"proposals"}, body: off}), 401, "anonymous withdraws")
	c.want(c.do(oaReq{method: "POST", path: pub, args: []string{"proposals"}, token: admin, body: map[string]any{}}), 400, "no choice")
	c.want(c.do(oaReq{method: "POST", path: pub, args: []string{"nothing"}, token: admin, body: off}), 404, "withdraw nothing")
	c.want(c.do(oaReq{method: "POST", path: pub, args: []string{"proposals"}, token: admin, body: off, header: key("od-1")}), 200, "withdraw")
	c.want(c.do(oaReq{method: "GET", path: records, args: []string{"proposals"}}), 404, "a withdrawn dataset")
	c.want(c.do(oaReq{method: "GET", path: records, args: []string{"proposals"}, token: admin}), 200, "the administrator reads it still")
	r = c.want(c.do(oaReq{method: "GET", path: evs, args: []string{"proposals"}, token: admin}), 200, "the log")
	if !strings.Contains(string(r.raw), `"withdraw"`) {
		t.Fatalf("log: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: evs, args: []string{"proposals"}, token: resident}), 403, "a resident's log")
	c.want(c.do(oaReq{method: "GET", path: evs, args: []string{"proposals"}}), 401, "anonymous log")
	c.want(c.do(oaReq{method: "GET", path: evs, args: []string{"nothing"}, token: admin}), 404, "no log")
	c.want(c.do(oaReq{method: "POST", path: pub, args: []string{"proposals"}, token: admin, body: map[string]any{"published": true}, header: key("od-2")}), 200, "publish again")
}
