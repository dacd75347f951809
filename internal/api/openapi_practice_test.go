package api_test

import "testing"

// oaPractice switches a resident's practice mode on and off (the real
// server answers both, the second from inside practice), and refuses a
// body without "on" and an anonymous caller.
func oaPractice(t *testing.T, c *oaClient, resident string) {
	t.Helper()
	path := "/api/v1/practice"
	key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
	c.want(c.do(oaReq{method: "POST", path: path, body: map[string]any{"on": true}}), 401, "anonymous practises")
	c.want(c.do(oaReq{method: "POST", path: path, token: resident, body: map[string]any{}}), 400, "practice without on")
	r := c.want(c.do(oaReq{method: "POST", path: path, token: resident, body: map[string]any{"on": true}, header: key("practice-1")}), 200, "practice on")
	if r.m["on"] != true {
		t.Fatalf("practice on: %s", r.raw)
	}
	r = c.want(c.do(oaReq{method: "POST", path: path, token: resident, body: map[string]any{"on": false}, header: key("practice-2")}), 200, "practice off")
	if r.m["on"] != false {
		t.Fatalf("practice off: %s", r.raw)
	}
}
