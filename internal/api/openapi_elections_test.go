package api_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/app"
)

// oaElections runs an owners' committee election of 金谷东园社区 through its
// endpoints, the demo resident (13800138000) owning two of its four units,
// and a residents' representatives election beside it.
func oaElections(t *testing.T, c *oaClient, a *app.App, admin, supervisor, handler, resident string) {
	t.Helper()
	grid := c.want(c.do(oaReq{method: "POST", path: "/api/v1/auth/token", body: map[string]string{"username": "demo-grid", "password": "gongzhi-demo"}}), 200, "login demo-grid").str("token")
	const (
		list, one  = "/api/v1/elections", "/api/v1/elections/{id}"
		units      = one + "/units"
		candidates = one + "/candidates"
		ballots    = one + "/ballots"
		closing    = one + "/close"
		place      = "110117001001"
	)
	key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
	ne := map[string]any{"kind": "owners_committee", "area_code": place, "title": "金谷东园第三届业主委员会选举", "seats": 2,
		"closes_at": time.Now().Add(48 * time.Hour).Format(time.RFC3339)}
	c.want(c.do(oaReq{method: "POST", path: list, token: handler, body: ne}), 403, "a handler opens an election")
	c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: oaWith(ne, "kind", "mayor")}), 400, "unknown kind")
	c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: oaWith(ne, "seats", 0)}), 400, "no seat")
	c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: oaWith(ne, "closes_at", "soon")}), 400, "closes_at not RFC 3339")
	c.want(c.do(oaReq{method: "POST", path: list, body: ne}), 401, "anonymous opens an election")
	r := c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: ne, header: key("e-create")}), 201, "open an election")
	id := r.str("id")
	c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: ne, header: key("e-create")}), 201, "open an election retried")
	rep := c.want(c.do(oaReq{method: "POST", path: list, token: supervisor, body: oaWith(oaWith(ne, "kind", "residents_representatives"), "level", "public")}), 201, "a residents' election")

	reg := []map[string]any{
		{"unit": "2-1-101", "area_m2": 100, "owner": "13800138000"},
		{"unit": "2-1-102", "area_m2": "50.50", "owner": "13800138000"},
		{"unit": "2-1-201", "area_m2": "100.00", "owner": "13900000001"},
		{"unit": "2-1-202", "area_m2": 49.5, "owner": "13900000002"},
	}
	c.want(c.do(oaReq{method: "POST", path: units, args: []string{id}, token: grid, body: map[string]any{"units": []map[string]any{{"unit": "x", "area_m2": "1.005", "owner": "13800138000"}}}}), 400, "three decimals")
	c.want(c.do(oaReq{method: "POST", path: units, args: []string{rep.str("id")}, token: grid, body: map[string]any{"units": reg}}), 400, "a register for residents' representatives")
	r = c.want(c.do(oaReq{method: "POST", path: units, args: []string{id}, token: grid, body: map[string]any{"units": reg}}), 200, "register")
	if fmt.Sprint(r.m["units"]) != "4" || fmt.Sprint(r.m["voters"]) != "3" {
		t.Fatalf("register: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: units, args: []string{id}, token: grid, body: map[string]any{"units": reg[:1]}}), 409, "a unit twice")
	cands := map[string]any{"candidates": []map[string]any{{"name": "张建国", "intro": "退休工程师"}, {"name": "李秀英"}, {"name": "王志强"}}}
	c.want(c.do(oaReq{method: "POST", path: candidates, args: []string{id}, token: grid, body: map[string]any{"candidates": []any{}}}), 400, "no candidates")
	c.want(c.do(oaReq{method: "POST", path: candidates, args: []string{id}, token: resident, body: cands}), 403, "an owner adds candidates")
	r = c.want(c.do(oaReq{method: "POST", path: candidates, args: []string{id}, token: grid, body: cands, header: key("e-cands")}), 200, "candidates")
	var ids []string
	for _, x := range r.m["candidates"].([]any) {
		ids = append(ids, x.(map[string]any)["id"].(string))
	}
	if len(ids) != 3 {
		t.Fatalf("candidates: %s", r.raw)
	}

	r = c.want(c.do(oaReq{method: "GET", path: list, token: supervisor, query: "area_code=" + place + "&limit=1"}), 200, "list")
	if len(r.items()) != 1 || r.str("next_cursor") == "" {
		t.Fatalf("first page: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: list, token: supervisor, query: "limit=1&cursor=" + r.str("next_cursor")}), 200, "next page")
	c.want(c.do(oaReq{method: "GET", path: list, token: supervisor, query: "cursor=nonsense"}), 400, "bad cursor")
	c.want(c.do(oaReq{method: "GET", path: list, token: supervisor, query: "limit=0"}), 400, "bad limit")
	c.want(c.do(oaReq{method: "GET", path: list}), 401, "anonymous lists elections")
	c.want(c.do(oaReq{method: "GET", path: list, token: handler}), 200, "a handler lists what she may see")
	r = c.want(c.do(oaReq{method: "GET", path: one, args: []string{id}, token: resident}), 200, "the owner reads it")
	if r.m["eligible"] != true || r.m["voted"] != false {
		t.Fatalf("the owner's standing: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{"nope"}, token: admin}), 404, "no such election")

	c.want(c.do(oaReq{method: "POST", path: ballots, args: []string{id}, token: resident, body: map[string]any{"choices": ids}}), 400, "three choices for two seats")
	c.want(c.do(oaReq{method: "POST", path: ballots, args: []string{id}, token: resident, body: map[string]any{"choices": []string{"nobody"}}}), 400, "an unknown candidate")
	c.want(c.do(oaReq{method: "POST", path: ballots, args: []string{id}, token: resident, body: map[string]any{"choices": ids[:1], "voter": "13900000001"}}), 403, "an owner casts another's ballot")
	r = c.want(c.do(oaReq{method: "POST", path: ballots, args: []string{id}, token: resident, body: map[string]any{"choices": ids[:2]}}), 201, "the owner votes")
	if r.m["voted"] != true || len(r.m["my_choices"].([]any)) != 2 {
		t.Fatalf("her ballot: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: ballots, args: []string{id}, token: resident, body: map[string]any{"choices": ids[2:]}}), 409, "second ballot")
	c.want(c.do(oaReq{method: "POST", path: ballots, args: []string{id}, token: grid, body: map[string]any{"choices": ids[:1], "voter": "13900000009"}}), 404, "a paper ballot off the roll")
	paper := map[string]any{"choices": []string{ids[0], ids[2]}, "voter": "13900000001", "paper_ref": "纸质票第0001号"}
	r = c.want(c.do(oaReq{method: "POST", path: ballots, args: []string{id}, token: grid, body: paper, header: key("e-paper")}), 201, "paper ballot")
	if len(r.m["my_choices"].([]any)) != 0 || r.m["result"] != nil {
		t.Fatalf("the staff see a ballot or a count: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: ballots, args: []string{id}, token: grid, body: paper, header: key("e-paper")}), 201, "paper ballot retried")
	c.want(c.do(oaReq{method: "POST", path: units, args: []string{id}, token: grid, body: map[string]any{"units": []map[string]any{{"unit": "9", "area_m2": 1, "owner": "13900000009"}}}}), 409, "units after the first ballot")

	c.want(c.do(oaReq{method: "POST", path: closing, args: []string{id}, token: resident}), 403, "the owner closes")
	r = c.want(c.do(oaReq{method: "POST", path: closing, args: []string{id}, token: supervisor, body: map[string]any{}}), 200, "close")
	// 250.50 of 300.00 m² and 2 of 3 owners: participation met. 张建国 by
	// both: elected; 李秀英 and 王志强 by one owner of two each: not.
	if r.str("area_total") != "300.00" || r.str("area_voted") != "250.50" || r.m["quorum_met"] != true ||
		len(r.m["elected"].([]any)) != 1 || r.m["elected"].([]any)[0] != ids[0] || fmt.Sprint(r.m["seats_unfilled"]) != "1" {
		t.Errorf("result: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: closing, args: []string{id}, token: supervisor}), 409, "close twice")
	c.want(c.do(oaReq{method: "POST", path: ballots, args: []string{id}, token: grid, body: map[string]any{"blank": true, "voter": "13900000002"}}), 409, "ballot after close")
	r = c.want(c.do(oaReq{method: "GET", path: one, args: []string{id}, token: resident}), 200, "the owner reads the result")
	if r.m["result"] == nil || len(r.m["my_choices"].([]any)) != 2 {
		t.Errorf("the owner's view after the close: %s", r.raw)
	}

	// The residents' election: a verified resident's paper ballot.
	ctx := context.Background()
	g, err := a.Auth.UserByUsername(ctx, "demo-grid")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Proposals.VerifyResident(ctx, g, place, "13700000001"); err != nil {
		t.Fatal(err)
	}
	c.want(c.do(oaReq{method: "POST", path: candidates, args: []string{rep.str("id")}, token: grid, body: cands}), 200, "residents' candidates")
	r = c.want(c.do(oaReq{method: "GET", path: one, args: []string{rep.str("id")}, token: grid}), 200, "the residents' election")
	rc := r.m["candidates"].([]any)[1].(map[string]any)["id"]
	c.want(c.do(oaReq{method: "POST", path: ballots, args: []string{rep.str("id")}, token: grid, body: map[string]any{"choices": []any{rc}, "voter": "13700000001", "paper_ref": "p-1"}}), 201, "a resident's paper ballot")
}
