package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/proposal"
)

// oaResidentToken logs a resident in through the service, sparing the code
// endpoint's limits.
func oaResidentToken(t *testing.T, a *app.App, phone string) string {
	t.Helper()
	ctx := context.Background()
	code, err := a.Auth.RequestCode(ctx, phone)
	if err != nil {
		t.Fatal(err)
	}
	s, err := a.Auth.LoginWithCode(ctx, phone, code, auth.KindAPI)
	if err != nil {
		t.Fatal(err)
	}
	return s.Token
}

// oaProposals runs residence, courtyards and proposals: a courtyard of
// 金谷东园社区 made by its grid worker, residents verified there, a
// courtyard proposal co-signed to its threshold (2 in this run), escalated
// by the community committee (no courtyard organisation) to 滨河街道, whose
// office adopts it and reports it done.
func oaProposals(t *testing.T, c *oaClient, a *app.App, admin, handler, deptHandler, resident, ownTicket, otherTicket string) {
	t.Helper()
	rules := proposal.DefaultRules()
	rules.Levels[gov.LevelCourtyard] = proposal.LevelRule{Floor: 2, RatePer10k: 100}
	if err := a.Proposals.SetRules(rules); err != nil {
		t.Fatal(err)
	}
	key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
	grid := c.want(c.do(oaReq{method: "POST", path: "/api/v1/auth/token", body: map[string]string{"username": "demo-grid", "password": "gongzhi-demo"}}), 200, "login grid").str("token")
	const community = "110117001001"
	areas := "/api/v1/areas"
	c.want(c.do(oaReq{method: "POST", path: areas, token: handler, body: map[string]any{"parent_code": community, "name": "一号院"}}), 403, "street handler makes a courtyard")
	c.want(c.do(oaReq{method: "POST", path: areas, token: grid, body: map[string]any{"parent_code": "110117001", "name": "一号院"}}), 400, "courtyard under a street")
	c.want(c.do(oaReq{method: "POST", path: areas, body: map[string]any{"parent_code": community, "name": "一号院"}}), 401, "anonymous makes a courtyard")
	r := c.want(c.do(oaReq{method: "POST", path: areas, token: grid, body: map[string]any{"parent_code": community, "name": "金谷东园一号院"}, header: key("yard-1")}), 201, "courtyard")
	yard := r.str("code")
	if len(yard) != 15 || yard[:12] != community {
		t.Fatalf("courtyard code %q", yard)
	}
	pop := "/api/v1/areas/{code}/population"
	c.want(c.do(oaReq{method: "PUT", path: pop, args: []string{yard}, token: admin, body: map[string]any{"population": 150}}), 200, "population")
	c.want(c.do(oaReq{method: "PUT", path: pop, args: []string{yard}, token: admin, body: map[string]any{"population": -1}}), 400, "negative population")
	c.want(c.do(oaReq{method: "PUT", path: pop, args: []string{yard}, token: grid, body: map[string]any{"population": 1}}), 403, "grid sets a population")
	c.want(c.do(oaReq{method: "PUT", path: pop, args: []string{"110117999999"}, token: admin, body: map[string]any{"population": 1}}), 404, "population of nothing")
	c.want(c.do(oaReq{method: "PUT", path: pop, args: []string{yard}, body: map[string]any{"population": 1}}), 401, "anonymous sets a population")
	res := "/api/v1/areas/{code}/residents"
	phones := []string{"13800138000", "13900139001", "13900139002"}
	for i, p := range phones {
		r = c.want(c.do(oaReq{method: "POST", path: res, args: []string{yard}, token: grid, body: map[string]any{"phone": p}, header: key(fmt.Sprintf("res-%d", i))}), 201, "verify resident")
		if r.str("phone") == p {
			t.Errorf("phone not masked: %s", r.raw)
		}
	}
	c.want(c.do(oaReq{method: "POST", path: res, args: []string{yard}, token: grid, body: map[string]any{"phone": "123"}}), 400, "verify a bad phone")
	c.want(c.do(oaReq{method: "POST", path: res, args: []string{"110117002001"}, token: grid, body: map[string]any{"phone": phones[1]}}), 403, "verify outside the scope")
	c.want(c.do(oaReq{method: "POST", path: res, args: []string{community + "999"}, token: admin, body: map[string]any{"phone": phones[1]}}), 404, "verify in no area")
	c.want(c.do(oaReq{method: "POST", path: res, args: []string{yard}, body: map[string]any{"phone": phones[1]}}), 401, "anonymous verifies")
	others := []string{oaResidentToken(t, a, phones[1]), oaResidentToken(t, a, phones[2])}
	outsider := oaResidentToken(t, a, "13700137000")

	list, one := "/api/v1/proposals", "/api/v1/proposals/{number}"
	raise := map[string]any{"level": "courtyard", "area_code": yard, "title": "一号院加装电梯", "body": "楼里老人多，希望加装电梯。"}
	c.want(c.do(oaReq{method: "POST", path: list, token: outsider, body: raise}), 403, "outsider raises")
	c.want(c.do(oaReq{method: "POST", path: list, token: resident, body: oaWith(raise, "level", "street")}), 400, "level does not match")
	c.want(c.do(oaReq{method: "POST", path: list, token: resident, body: oaWith(raise, "area_code", "110117001001998")}), 404, "raise in no area")
	c.want(c.do(oaReq{method: "POST", path: list, body: raise}), 401, "anonymous raises")
	c.want(c.do(oaReq{method: "POST", path: list, token: resident, body: oaWith(raise, "tickets", []string{otherTicket})}), 400, "link another's ticket")
	c.want(c.do(oaReq{method: "POST", path: list, token: resident, body: oaWith(raise, "tickets", []string{ownTicket, ownTicket})}), 400, "link a ticket twice")
	r = c.want(c.do(oaReq{method: "POST", path: list, token: resident, body: oaWith(raise, "tickets", []string{ownTicket}), header: key("prop-1")}), 201, "raise")
	number := r.str("number")
	if r.str("status") != "collecting" || !strings.Contains(string(r.raw), ownTicket) {
		t.Fatalf("raised: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: list, token: resident, body: oaWith(raise, "tickets", []string{ownTicket}), header: key("prop-1")}), 201, "raise replayed")
	cos := one + "/cosign"
	c.want(c.do(oaReq{method: "POST", path: cos, args: []string{number}, token: resident, body: map[string]any{}}), 409, "proposer co-signs")
	c.want(c.do(oaReq{method: "POST", path: cos, args: []string{number}, token: outsider, body: map[string]any{}}), 403, "outsider co-signs")
	c.want(c.do(oaReq{method: "POST", path: cos, args: []string{"TA209901010001"}, token: others[0], body: map[string]any{}}), 404, "co-sign nothing")
	c.want(c.do(oaReq{method: "POST", path: cos, args: []string{number}, body: map[string]any{}}), 401, "anonymous co-signs")
	c.want(c.do(oaReq{method: "POST", path: cos, args: []string{number}, token: others[0], body: map[string]any{}, header: key("cos-1")}), 200, "co-sign")
	c.want(c.do(oaReq{method: "POST", path: cos, args: []string{number}, token: others[0], body: map[string]any{}}), 409, "co-sign twice")
	r = c.want(c.do(oaReq{method: "POST", path: cos, args: []string{number}, token: others[1], body: map[string]any{}, header: key("cos-2")}), 200, "co-sign to the threshold")
	if r.str("status") != "accepted" || r.str("org_code") != community+"-CC" {
		t.Fatalf("accepted: %s", r.raw)
	}

	c.want(c.do(oaReq{method: "GET", path: list, token: others[0], query: "area_code=" + community + "&status=accepted&limit=10"}), 200, "resident's list")
	r = c.want(c.do(oaReq{method: "GET", path: list, token: grid, query: "due=true"}), 200, "due list")
	if len(r.items()) != 1 {
		t.Errorf("due: %s", r.raw)
	}
	ag := "/api/v1/agenda"
	for _, x := range []struct{ who, token, query, want string }{
		{"the committee's to-do", grid, "", `"role":"answer"`},
		{"the committee's to-do by words", grid, "q=" + "电梯", number},
		{"the proposer's items", resident, "", `"role":"raised"`},
		{"a co-signer's items", others[0], "", `"role":"cosigned"`},
	} {
		r = c.want(c.do(oaReq{method: "GET", path: ag, token: x.token, query: x.query}), 200, x.who)
		if !strings.Contains(string(r.raw), number) || !strings.Contains(string(r.raw), x.want) {
			t.Errorf("%s: %s", x.who, r.raw)
		}
	}
	if r = c.want(c.do(oaReq{method: "GET", path: ag, token: grid, query: "q=" + "无此事项"}), 200, "to-do, no match"); len(r.items()) != 0 {
		t.Errorf("to-do, no match: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: ag, token: grid, query: "q=" + strings.Repeat("长", 51)}), 400, "to-do, too long a query")
	c.want(c.do(oaReq{method: "GET", path: ag}), 401, "anonymous agenda")
	// Staff of the area raise and co-sign for residents who telephoned.
	behalf := oaWith(oaWith(raise, "title", "楼道照明"), "on_behalf_of", phones[1])
	c.want(c.do(oaReq{method: "POST", path: list, token: others[0], body: behalf}), 403, "a resident raises for another")
	r = c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: behalf, header: key("behalf-1")}), 201, "raise for a resident")
	forNumber := r.str("number")
	c.want(c.do(oaReq{method: "POST", path: "/api/v1/proposals/{number}/cosign", args: []string{forNumber}, token: grid, body: map[string]any{"on_behalf_of": "123"}}), 400, "co-sign for a bad phone")
	c.want(c.do(oaReq{method: "POST", path: "/api/v1/proposals/{number}/cosign", args: []string{forNumber}, token: grid, body: map[string]any{"on_behalf_of": phones[2]}, header: key("behalf-2")}), 200, "co-sign for a resident")
	r = c.want(c.do(oaReq{method: "GET", path: "/api/v1/proposals/{number}/events", args: []string{forNumber}, token: others[0]}), 200, "events of a proposal raised for her")
	if !strings.Contains(string(r.raw), `"on_behalf":true`) || strings.Contains(string(r.raw), phones[2]) {
		t.Errorf("events: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: list, token: admin, query: "status=bogus"}), 400, "unknown status")
	c.want(c.do(oaReq{method: "GET", path: list, token: admin, query: "cursor=x"}), 400, "bad cursor")
	c.want(c.do(oaReq{method: "GET", path: list, token: admin, query: "limit=1&mine=false"}), 200, "admin's list")
	c.want(c.do(oaReq{method: "GET", path: list}), 401, "anonymous list")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{number}, token: others[1]}), 200, "resident reads")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{number}, token: outsider}), 404, "outsider reads")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{number}}), 401, "anonymous reads")
	ans := one + "/answer"
	c.want(c.do(oaReq{method: "POST", path: ans, args: []string{number}, token: deptHandler, body: map[string]any{"decision": "adopt", "text": "好"}}), 403, "another unit answers")
	c.want(c.do(oaReq{method: "POST", path: ans, args: []string{number}, token: grid, body: map[string]any{"decision": "maybe", "text": "好"}}), 400, "unknown decision")
	c.want(c.do(oaReq{method: "POST", path: ans, args: []string{"TA209901010001"}, token: grid, body: map[string]any{"decision": "adopt", "text": "好"}}), 404, "answer nothing")
	c.want(c.do(oaReq{method: "POST", path: ans, args: []string{number}, body: map[string]any{"decision": "adopt", "text": "好"}}), 401, "anonymous answers")
	r = c.want(c.do(oaReq{method: "POST", path: ans, args: []string{number}, token: grid, body: map[string]any{"decision": "escalate", "text": "需街道统筹资金"}, header: key("ans-1")}), 200, "escalate")
	if r.str("status") != "escalated" || r.str("level") != "community" {
		t.Fatalf("escalated to the community: %s", r.raw)
	}
	r = c.want(c.do(oaReq{method: "POST", path: ans, args: []string{number}, token: grid, body: map[string]any{"decision": "escalate", "text": "社区无力解决"}}), 200, "escalate to the street")
	if r.str("org_code") != "110117001-SO" || r.str("level") != "street" {
		t.Fatalf("escalated to the street: %s", r.raw)
	}
	prog := one + "/progress"
	c.want(c.do(oaReq{method: "POST", path: prog, args: []string{number}, token: handler, body: map[string]any{"text": "开工"}}), 409, "progress before adoption")
	c.want(c.do(oaReq{method: "POST", path: ans, args: []string{number}, token: handler, body: map[string]any{"decision": "adopt", "text": "同意，纳入年度计划"}, header: key("ans-2")}), 200, "adopt")
	c.want(c.do(oaReq{method: "POST", path: prog, args: []string{number}, token: handler, body: map[string]any{"text": "开工", "percent": 120}}), 400, "progress over 100")
	c.want(c.do(oaReq{method: "POST", path: prog, args: []string{number}, token: deptHandler, body: map[string]any{"text": "开工"}}), 403, "another unit reports")
	c.want(c.do(oaReq{method: "POST", path: prog, args: []string{number}, token: grid, body: map[string]any{"text": "开工"}}), 404, "the community, out of the street's scope, reports")
	c.want(c.do(oaReq{method: "POST", path: prog, args: []string{"TA209901010001"}, token: handler, body: map[string]any{"text": "开工"}}), 404, "progress of nothing")
	c.want(c.do(oaReq{method: "POST", path: prog, args: []string{number}, body: map[string]any{"text": "开工"}}), 401, "anonymous reports")
	c.want(c.do(oaReq{method: "POST", path: prog, args: []string{number}, token: handler, body: map[string]any{"text": "电梯已开工", "percent": 30}, header: key("prog-1")}), 200, "progress")
	r = c.want(c.do(oaReq{method: "POST", path: prog, args: []string{number}, token: handler, body: map[string]any{"text": "电梯投入使用", "done": true}}), 200, "done")
	if r.str("status") != "done" {
		t.Fatalf("done: %s", r.raw)
	}
	ev := one + "/events"
	r = c.want(c.do(oaReq{method: "GET", path: ev, args: []string{number}, token: resident}), 200, "history")
	if len(r.items()) != 11 {
		t.Errorf("history of %d lines: %s", len(r.items()), r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: ev, args: []string{number}, token: outsider}), 404, "outsider's history")
	c.want(c.do(oaReq{method: "GET", path: ev, args: []string{number}}), 401, "anonymous history")
}
