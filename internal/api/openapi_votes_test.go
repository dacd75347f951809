package api_test

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// oaVotes runs an owners' vote of 金谷东园社区 through its endpoints: the
// demo resident (13800138000) owns two of its four units.
func oaVotes(t *testing.T, c *oaClient, admin, supervisor, handler, resident string) {
	t.Helper()
	grid := c.want(c.do(oaReq{method: "POST", path: "/api/v1/auth/token", body: map[string]string{"username": "demo-grid", "password": "gongzhi-demo"}}), 200, "login demo-grid").str("token")
	const (
		list, one = "/api/v1/votes", "/api/v1/votes/{id}"
		units     = one + "/units"
		ballots   = one + "/ballots"
		closing   = one + "/close"
		place     = "110117001001"
	)
	key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
	nv := map[string]any{"area_code": place, "title": "使用专项维修资金更换2号楼电梯", "matter": "major", "closes_at": time.Now().Add(48 * time.Hour).Format(time.RFC3339)}
	c.want(c.do(oaReq{method: "POST", path: list, token: handler, body: nv}), 403, "a handler opens a vote")
	c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: oaWith(nv, "matter", "huge")}), 400, "unknown matter")
	c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: oaWith(nv, "closes_at", "tomorrow")}), 400, "closes_at not RFC 3339")
	c.want(c.do(oaReq{method: "POST", path: list, body: nv}), 401, "anonymous opens a vote")
	r := c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: nv, header: key("v-create")}), 201, "open a vote")
	id := r.str("id")
	c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: nv, header: key("v-create")}), 201, "open a vote retried")
	c.want(c.do(oaReq{method: "POST", path: list, token: supervisor, body: oaWith(oaWith(nv, "secret", true), "matter", "ordinary")}), 201, "open a secret vote")

	c.want(c.do(oaReq{method: "GET", path: one, args: []string{id}, token: resident}), 404, "not yet an owner of it")
	reg := []map[string]any{
		{"unit": "2-1-101", "area_m2": 100, "owner": "13800138000"},
		{"unit": "2-1-102", "area_m2": "50.50", "owner": "13800138000"},
		{"unit": "2-1-201", "area_m2": "100.00", "owner": "13900000001"},
		{"unit": "2-1-202", "area_m2": 49.5, "owner": "13900000002"},
	}
	bad := []map[string]any{{"unit": "2-1-101", "area_m2": "1.005", "owner": "13800138000"}}
	c.want(c.do(oaReq{method: "POST", path: units, args: []string{id}, token: grid, body: map[string]any{"units": bad}}), 400, "three decimals")
	c.want(c.do(oaReq{method: "POST", path: units, args: []string{id}, token: resident, body: map[string]any{"units": reg}}), 404, "a resident adds units")
	r = c.want(c.do(oaReq{method: "POST", path: units, args: []string{id}, token: grid, body: map[string]any{"units": reg}}), 200, "register")
	if r.m["units"] == nil || len(r.m["register"].([]any)) != 4 {
		t.Fatalf("register: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: units, args: []string{id}, token: grid, body: map[string]any{"units": reg[:1]}}), 409, "a unit twice")

	r = c.want(c.do(oaReq{method: "GET", path: list, token: supervisor, query: "area_code=" + place + "&limit=1"}), 200, "list")
	if len(r.items()) != 1 || r.str("next_cursor") == "" {
		t.Fatalf("first page: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: list, token: supervisor, query: "limit=1&cursor=" + r.str("next_cursor")}), 200, "next page")
	c.want(c.do(oaReq{method: "GET", path: list, token: supervisor, query: "cursor=nonsense"}), 400, "bad cursor")
	c.want(c.do(oaReq{method: "GET", path: list, token: handler}), 403, "a handler lists votes")
	c.want(c.do(oaReq{method: "GET", path: list}), 401, "anonymous lists votes")
	r = c.want(c.do(oaReq{method: "GET", path: list, token: resident}), 200, "the owner's votes")
	if len(r.items()) != 1 {
		t.Fatalf("the owner's votes: %s", r.raw)
	}
	r = c.want(c.do(oaReq{method: "GET", path: one, args: []string{id}, token: resident}), 200, "the owner reads it")
	if len(r.m["register"].([]any)) != 2 {
		t.Fatalf("the owner sees other units: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{"nope"}, token: admin}), 404, "no such vote")

	mine := map[string]any{"ballots": []map[string]any{{"unit": "2-1-101", "choice": "agree"}, {"unit": "2-1-102", "choice": "agree"}}}
	c.want(c.do(oaReq{method: "POST", path: ballots, args: []string{id}, token: resident, body: map[string]any{"unit": "2-1-201", "choice": "agree"}}), 404, "another owner's unit")
	c.want(c.do(oaReq{method: "POST", path: ballots, args: []string{id}, token: resident, body: map[string]any{"unit": "2-1-101", "choice": "yes"}}), 400, "unknown choice")
	c.want(c.do(oaReq{method: "POST", path: ballots, args: []string{id}, token: resident, body: mine}), 201, "the owner votes her units")
	c.want(c.do(oaReq{method: "POST", path: ballots, args: []string{id}, token: resident, body: map[string]any{"unit": "2-1-101", "choice": "disagree"}}), 409, "second ballot")
	paper := map[string]any{"unit": "2-1-201", "choice": "agree", "paper_ref": "纸质票第0003号"}
	c.want(c.do(oaReq{method: "POST", path: ballots, args: []string{id}, token: grid, body: paper, header: key("v-paper")}), 201, "paper ballot")
	c.want(c.do(oaReq{method: "POST", path: ballots, args: []string{id}, token: grid, body: paper, header: key("v-paper")}), 201, "paper ballot retried")
	const scan = "/api/v1/votes/{id}/ballots/{unit}/scan"
	addScan := func(unit, token string, data []byte, code int, what string) {
		t.Helper()
		body, ctype := oaMultipart(t, nil, "ballot.png", data)
		c.want(c.do(oaReq{method: "POST", path: scan, args: []string{id, unit}, token: token, body: body,
			header: map[string]string{"Content-Type": ctype}}), code, what)
	}
	pic := oaPNG(t)
	addScan("2-1-201", resident, pic, 403, "the owner attaches a scan")
	addScan("2-1-101", grid, pic, 409, "a scan of an online ballot")
	addScan("2-1-202", grid, pic, 404, "a scan of no ballot")
	addScan("2-1-201", grid, []byte("not an image at all"), 400, "a scan that is no image")
	addScan("2-1-201", grid, pic, 201, "the paper ballot's scan")
	addScan("2-1-201", grid, pic, 409, "a second scan")
	r = c.want(c.do(oaReq{method: "GET", path: scan, args: []string{id, "2-1-201"}, token: grid}), 200, "the scan")
	if !bytes.Equal(r.raw, pic) {
		t.Errorf("the scan came back changed: %d bytes", len(r.raw))
	}
	c.want(c.do(oaReq{method: "GET", path: scan, args: []string{id, "2-1-201"}, token: resident}), 403, "the owner opens the scan")
	c.want(c.do(oaReq{method: "GET", path: scan, args: []string{id, "2-1-202"}, token: grid}), 404, "no scan")
	r = c.want(c.do(oaReq{method: "GET", path: one, args: []string{id}, token: grid}), 200, "the register with its scan")
	if !strings.Contains(string(r.raw), `"scanned":true`) {
		t.Errorf("the register does not mark the scan: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: units, args: []string{id}, token: grid, body: map[string]any{"units": bad}}), 400, "bad units after ballots")
	c.want(c.do(oaReq{method: "POST", path: units, args: []string{id}, token: grid, body: map[string]any{"units": []map[string]any{{"unit": "9", "area_m2": 1, "owner": "13900000009"}}}}), 409, "units after ballots")

	c.want(c.do(oaReq{method: "POST", path: closing, args: []string{id}, token: resident}), 403, "the owner closes")
	r = c.want(c.do(oaReq{method: "POST", path: closing, args: []string{id}, token: supervisor, body: map[string]any{}}), 200, "close")
	// 250.50 of 300.00 m² and 2 of 3 owners voted; all of it agreed.
	if r.str("area_total") != "300.00" || r.str("area_voted") != "250.50" || r.str("area_agree") != "250.50" ||
		r.m["owners_total"] == nil || r.m["quorum_met"] != true || r.m["passed"] != true {
		t.Errorf("result: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: closing, args: []string{id}, token: supervisor}), 409, "close twice")
	c.want(c.do(oaReq{method: "POST", path: ballots, args: []string{id}, token: grid, body: map[string]any{"unit": "2-1-202", "choice": "agree"}}), 409, "ballot after close")
}
