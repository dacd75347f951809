package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/needs"
)

// oaScreening runs a screening round in 金谷东园社区: the supervisor
// schedules it with three places, the grid worker records one with
// nothing found and one finding, which becomes a ticket; the coverage of
// the month is two of three.
func oaScreening(t *testing.T, c *oaClient, supervisor, handler, resident string) {
	t.Helper()
	key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
	grid := c.want(c.do(oaReq{method: "POST", path: "/api/v1/auth/token", body: map[string]string{"username": "demo-grid", "password": "gongzhi-demo"}}), 200, "login grid").str("token")
	const community = "110117001001"
	now := time.Now().In(clock.BusinessZone())
	list, one := "/api/v1/screening/rounds", "/api/v1/screening/rounds/{id}"
	create := map[string]any{"area_code": community, "title": "金谷东园冬季安全排查", "starts_at": now.Add(-time.Hour).Format(time.RFC3339),
		"ends_at": now.Add(72 * time.Hour).Format(time.RFC3339), "places": "金谷东园1号楼101\n金谷东园1号楼102\n东园便利店,place"}
	c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: create}), 403, "a grid worker schedules")
	c.want(c.do(oaReq{method: "POST", path: list, token: resident, body: create}), 403, "a resident schedules")
	c.want(c.do(oaReq{method: "POST", path: list, token: supervisor, body: oaWith(create, "places", "a,shop")}), 400, "an unknown kind")
	c.want(c.do(oaReq{method: "POST", path: list, body: create}), 401, "anonymous schedules")
	r := c.want(c.do(oaReq{method: "POST", path: list, token: supervisor, body: create, header: key("round-1")}), 201, "schedule")
	id := r.str("id")
	c.want(c.do(oaReq{method: "GET", path: list, token: grid, query: "status=open&limit=10"}), 200, "the grid worker's rounds")
	c.want(c.do(oaReq{method: "GET", path: list, token: grid, query: "limit=0"}), 400, "a bad limit")
	c.want(c.do(oaReq{method: "GET", path: list, token: resident}), 403, "a resident lists")
	c.want(c.do(oaReq{method: "GET", path: list}), 401, "anonymous lists")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{id}, token: grid}), 200, "the round")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{id}, token: resident}), 404, "a resident reads")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{id}}), 401, "anonymous reads")
	checks := one + "/checks"
	c.want(c.do(oaReq{method: "POST", path: checks, args: []string{id}, token: grid, body: map[string]any{"seq": 1, "result": "clear"}, header: key("check-1")}), 200, "nothing found")
	c.want(c.do(oaReq{method: "POST", path: checks, args: []string{id}, token: grid, body: map[string]any{"seq": 1, "result": "clear"}}), 409, "twice")
	c.want(c.do(oaReq{method: "POST", path: checks, args: []string{id}, token: grid, body: map[string]any{"seq": 2, "result": "finding", "note": "短"}}), 400, "a finding undescribed")
	c.want(c.do(oaReq{method: "POST", path: checks, args: []string{id}, token: handler, body: map[string]any{"seq": 2, "result": "clear"}}), 403, "a street handler records")
	c.want(c.do(oaReq{method: "POST", path: checks, args: []string{id}, body: map[string]any{"seq": 2, "result": "clear"}}), 401, "anonymous records")
	c.want(c.do(oaReq{method: "POST", path: checks, args: []string{"PC000000000000"}, token: grid, body: map[string]any{"seq": 2, "result": "clear"}}), 404, "no such round")
	r = c.want(c.do(oaReq{method: "POST", path: checks, args: []string{id}, token: grid, body: map[string]any{"seq": 2, "result": "finding", "note": "楼道堆放杂物堵塞消防通道",
		"category_code": "0101"}, header: key("check-2")}), 200, "a finding becomes a ticket")
	if r.str("converted_to") != "ticket" || r.str("ref") == "" {
		t.Fatalf("finding: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: "/api/v1/tickets/{number}", args: []string{r.str("ref")}, token: grid}), 200, "the finding's ticket")
	c.want(c.do(oaReq{method: "GET", path: one + "/events", args: []string{id}, token: supervisor}), 200, "the round's log")
	c.want(c.do(oaReq{method: "GET", path: one + "/events", args: []string{id}}), 401, "anonymous log")
	c.want(c.do(oaReq{method: "GET", path: one + "/events", args: []string{id}, token: resident}), 404, "a resident's log")
	cov := "/api/v1/screening/coverage"
	r = c.want(c.do(oaReq{method: "GET", path: cov, token: grid, query: "area_code=" + community + "&month=" + now.Add(72*time.Hour).Format("2006-01")}), 200, "coverage")
	if !strings.Contains(string(r.raw), `"listed":3`) || !strings.Contains(string(r.raw), `"checked":2`) {
		t.Fatalf("coverage: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: cov, token: grid, query: "month=2026-13"}), 400, "a bad month")
	c.want(c.do(oaReq{method: "GET", path: cov, token: resident}), 403, "a resident's coverage")
	c.want(c.do(oaReq{method: "GET", path: cov}), 401, "anonymous coverage")
}

// oaNeeds registers a neighbour's needs with her consent, reads the grid
// worker's visit plan with a reason, records a visit, shows the resident
// who read her needs, and withdraws.
func oaNeeds(t *testing.T, c *oaClient, a *app.App, handler string) {
	t.Helper()
	key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
	grid := c.want(c.do(oaReq{method: "POST", path: "/api/v1/auth/token", body: map[string]string{"username": "demo-grid", "password": "gongzhi-demo"}}), 200, "login grid").str("token")
	her := oaResidentToken(t, a, "13900139077")
	r := c.want(c.do(oaReq{method: "GET", path: "/api/v1/needs/consent"}), 200, "the consent text")
	if r.str("version") != needs.ConsentVersion {
		t.Fatalf("consent: %s", r.raw)
	}
	in := map[string]any{"area_code": "110117001001", "name": "李奶奶", "address": "金谷东园5号楼1单元302", "categories": []string{"alone", "elderly"},
		"consent": true, "consent_version": needs.ConsentVersion}
	c.want(c.do(oaReq{method: "POST", path: "/api/v1/needs", token: her, body: oaWith(in, "consent", false)}), 400, "no consent")
	c.want(c.do(oaReq{method: "POST", path: "/api/v1/needs", token: handler, body: oaWith(oaWith(in, "phone", "13900139078"), "in_person", true)}), 403, "a street handler on behalf")
	c.want(c.do(oaReq{method: "POST", path: "/api/v1/needs", body: in}), 401, "anonymous registers")
	r = c.want(c.do(oaReq{method: "POST", path: "/api/v1/needs", token: her, body: in, header: key("needs-1")}), 200, "register")
	if r.str("status") != "active" {
		t.Fatalf("registered: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: "/api/v1/needs/mine", token: her}), 200, "hers")
	c.want(c.do(oaReq{method: "GET", path: "/api/v1/needs/mine", token: grid}), 403, "staff's own")
	c.want(c.do(oaReq{method: "GET", path: "/api/v1/needs/mine"}), 401, "anonymous own")
	plan := "/api/v1/needs/plan"
	c.want(c.do(oaReq{method: "GET", path: plan, token: grid}), 400, "a plan without a reason")
	c.want(c.do(oaReq{method: "GET", path: plan, token: handler, query: "reason=查看"}), 403, "a handler's plan")
	c.want(c.do(oaReq{method: "GET", path: plan, query: "reason=查看"}), 401, "anonymous plan")
	r = c.want(c.do(oaReq{method: "GET", path: plan, token: grid, query: "reason=每周走访"}), 200, "the plan")
	items := r.m["items"].([]any)
	var regID string
	for _, x := range items {
		if m := x.(map[string]any); m["address"] == "金谷东园5号楼1单元302" {
			regID = m["id"].(string)
		}
	}
	if regID == "" || strings.Contains(string(r.raw), "13900139077") {
		t.Fatalf("plan: %s", r.raw)
	}
	visit := "/api/v1/needs/{id}/visits"
	c.want(c.do(oaReq{method: "POST", path: visit, args: []string{regID}, token: grid, body: map[string]any{"note": "已上门"}, header: key("visit-1")}), 200, "a visit")
	c.want(c.do(oaReq{method: "POST", path: visit, args: []string{"nobody"}, token: grid, body: map[string]any{}}), 404, "no such registration")
	c.want(c.do(oaReq{method: "POST", path: visit, args: []string{regID}, token: grid, body: map[string]any{"note": strings.Repeat("长", 201)}}), 400, "a long note")
	c.want(c.do(oaReq{method: "POST", path: visit, args: []string{regID}, token: handler, body: map[string]any{}}), 403, "a handler visits")
	c.want(c.do(oaReq{method: "POST", path: visit, args: []string{regID}, body: map[string]any{}}), 401, "anonymous visits")
	r = c.want(c.do(oaReq{method: "GET", path: "/api/v1/needs/reads", token: her}), 200, "who read")
	if !strings.Contains(string(r.raw), "每周走访") {
		t.Fatalf("reads: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: "/api/v1/needs/reads", token: grid}), 403, "staff's reads")
	c.want(c.do(oaReq{method: "GET", path: "/api/v1/needs/reads"}), 401, "anonymous reads")
	w := "/api/v1/needs/withdraw"
	c.want(c.do(oaReq{method: "POST", path: w, token: grid, body: map[string]any{}}), 403, "staff withdraws")
	c.want(c.do(oaReq{method: "POST", path: w, body: map[string]any{}}), 401, "anonymous withdraws")
	r = c.want(c.do(oaReq{method: "POST", path: w, token: her, body: map[string]any{}, header: key("withdraw-1")}), 200, "withdraw")
	if r.str("status") != "withdrawn" || strings.Contains(string(r.raw), "5号楼") {
		t.Fatalf("withdrawn: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: w, token: her, body: map[string]any{}}), 409, "withdraw twice")
	r = c.want(c.do(oaReq{method: "GET", path: plan, token: grid, query: "reason=每周走访"}), 200, "the plan after")
	if strings.Contains(string(r.raw), "5号楼1单元302") {
		t.Fatalf("plan after withdrawal: %s", r.raw)
	}
}
