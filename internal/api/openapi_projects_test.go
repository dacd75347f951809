package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/gongzhi/gongzhi/internal/app"
)

// oaProjects runs a key project of 金谷东园社区 through its endpoints: the
// community's grid worker (of its committee) creates it and runs it; its
// residents send a need (one entered for a neighbour by the staff) and an
// opinion, which are answered; progress, milestones and phases go forward
// and not back; the project cannot close before every input is answered;
// the residents evaluate it once each, then change it, and not after it
// closed. Guests read the public project, not the internal one.
func oaProjects(t *testing.T, c *oaClient, a *app.App, admin, handler, deptHandler, resident string) {
	t.Helper()
	ctx := context.Background()
	key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
	grid := c.want(c.do(oaReq{method: "POST", path: "/api/v1/auth/token", body: map[string]string{"username": "demo-grid", "password": "gongzhi-demo"}}), 200, "login grid").str("token")
	const community = "110117001001"
	gridUser, err := a.Auth.UserByUsername(ctx, "demo-grid")
	if err != nil {
		t.Fatal(err)
	}
	neighbour := "13900139201"
	for _, p := range []string{"13800138000", neighbour} {
		if _, err := a.Proposals.VerifyResident(ctx, gridUser, community, p); err != nil {
			t.Fatal(err)
		}
	}
	outsider := oaResidentToken(t, a, "13700137201")

	list, one := "/api/v1/projects", "/api/v1/projects/{number}"
	create := map[string]any{"area_code": community, "title": "金谷东园老旧小区改造", "description": "外墙保温、雨污分流、加装电梯。", "budget_fen": 125000000}
	c.want(c.do(oaReq{method: "POST", path: list, body: create}), 401, "anonymous creates")
	c.want(c.do(oaReq{method: "POST", path: list, token: resident, body: create}), 403, "a resident creates")
	c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: oaWith(create, "level", "secret")}), 400, "unknown level")
	c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: oaWith(create, "area_code", community+"999")}), 404, "create in no area")
	r := c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: create, header: key("xm-proj-1")}), 201, "create")
	number := r.str("number")
	if r.str("phase") != "planning" || r.str("level") != "public" || r.str("org_code") != community+"-CC" {
		t.Fatalf("created: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: create, header: key("xm-proj-1")}), 201, "create replayed")
	internal := c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: oaWith(create, "level", "internal")}), 201, "an internal project").str("number")

	r = c.want(c.do(oaReq{method: "GET", path: list, query: "area_code=110117001&phase=planning&limit=50"}), 200, "guest's list")
	for _, it := range r.items() {
		if m, _ := it.(map[string]any); m["number"] == internal {
			t.Errorf("a guest lists the internal project")
		}
	}
	c.want(c.do(oaReq{method: "GET", path: list, token: grid, query: "mine=true"}), 200, "the unit's list")
	c.want(c.do(oaReq{method: "GET", path: list, query: "phase=bogus"}), 400, "unknown phase")
	c.want(c.do(oaReq{method: "GET", path: list, query: "cursor=x"}), 400, "bad cursor")
	c.want(c.do(oaReq{method: "GET", path: list, token: "no-such-token"}), 401, "a bad token")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{number}}), 200, "a guest reads")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{internal}}), 404, "a guest reads the internal one")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{internal}, token: outsider}), 404, "an outsider reads the internal one")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{internal}, token: handler}), 200, "the street reads the internal one")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{"XM209901010001"}, token: admin}), 404, "no such project")

	inputs, answer := one+"/inputs", one+"/inputs/{id}/answer"
	need := map[string]any{"kind": "need", "text": "希望楼道加装扶手"}
	c.want(c.do(oaReq{method: "POST", path: inputs, args: []string{number}, body: need}), 401, "anonymous need")
	c.want(c.do(oaReq{method: "POST", path: inputs, args: []string{number}, token: outsider, body: need}), 403, "an outsider's need")
	c.want(c.do(oaReq{method: "POST", path: inputs, args: []string{number}, token: resident, body: oaWith(need, "kind", "wish")}), 400, "unknown kind")
	c.want(c.do(oaReq{method: "POST", path: inputs, args: []string{number}, token: resident, body: oaWith(need, "kind", "opinion")}), 409, "an opinion while planned")
	c.want(c.do(oaReq{method: "POST", path: inputs, args: []string{"XM209901010001"}, token: resident, body: need}), 404, "a need to nothing")
	r = c.want(c.do(oaReq{method: "POST", path: inputs, args: []string{number}, token: resident, body: need, header: key("xm-need-1")}), 201, "a need")
	needID := r.str("id")
	if r.m["mine"] != true || r.str("phone_masked") != "" {
		t.Errorf("her need: %s", r.raw)
	}
	r = c.want(c.do(oaReq{method: "POST", path: inputs, args: []string{number}, token: grid, body: oaWith(need, "phone", neighbour)}), 201, "a need entered for her")
	if r.m["on_behalf"] != true || r.str("phone_masked") == "" || r.str("phone_masked") == neighbour {
		t.Errorf("entered for her: %s", r.raw)
	}
	behalfID := r.str("id")
	c.want(c.do(oaReq{method: "POST", path: answer, args: []string{number, needID}, token: deptHandler, body: map[string]any{"text": "好"}}), 403, "another unit answers")
	c.want(c.do(oaReq{method: "POST", path: answer, args: []string{number, needID}, token: grid, body: map[string]any{"text": ""}}), 400, "an empty answer")
	c.want(c.do(oaReq{method: "POST", path: answer, args: []string{number, "000000000000000000000000"}, token: grid, body: map[string]any{"text": "好"}}), 404, "answer nothing")
	c.want(c.do(oaReq{method: "POST", path: answer, args: []string{number, needID}, body: map[string]any{"text": "好"}}), 401, "anonymous answers")
	r = c.want(c.do(oaReq{method: "POST", path: answer, args: []string{number, needID}, token: grid, body: map[string]any{"text": "已纳入设计，每层加装扶手。"}, header: key("xm-ans-1")}), 200, "answer")
	if r.m["answered"] != true || r.m["answered_late"] != false {
		t.Errorf("answered: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: answer, args: []string{number, needID}, token: grid, body: map[string]any{"text": "再答"}}), 409, "answer twice")

	ms := one + "/milestones"
	c.want(c.do(oaReq{method: "POST", path: ms, args: []string{number}, token: grid, body: map[string]any{"title": "进场施工", "planned": "2026-13-01"}}), 400, "no such day")
	c.want(c.do(oaReq{method: "POST", path: ms, args: []string{number}, token: handler, body: map[string]any{"title": "进场施工", "planned": "2026-12-01"}}), 403, "the street adds a milestone")
	c.want(c.do(oaReq{method: "POST", path: ms, args: []string{"XM209901010001"}, token: grid, body: map[string]any{"title": "x", "planned": "2026-12-01"}}), 404, "a milestone of nothing")
	c.want(c.do(oaReq{method: "POST", path: ms, args: []string{number}, body: map[string]any{"title": "x", "planned": "2026-12-01"}}), 401, "anonymous milestone")
	r = c.want(c.do(oaReq{method: "POST", path: ms, args: []string{number}, token: grid, body: map[string]any{"title": "进场施工", "planned": "2026-01-05"}, header: key("xm-ms-1")}), 201, "a milestone")
	msID := oaFirstID(t, r, "milestones")
	done := ms + "/{id}/done"
	c.want(c.do(oaReq{method: "POST", path: done, args: []string{number, msID}, token: grid, body: map[string]any{}}), 409, "reached while planned")

	phase := one + "/phase"
	c.want(c.do(oaReq{method: "POST", path: phase, args: []string{number}, token: grid, body: map[string]any{"phase": "evaluating"}}), 409, "skip a phase")
	c.want(c.do(oaReq{method: "POST", path: phase, args: []string{number}, token: grid, body: map[string]any{"phase": "bogus"}}), 400, "unknown phase")
	c.want(c.do(oaReq{method: "POST", path: phase, args: []string{number}, token: handler, body: map[string]any{"phase": "building"}}), 403, "the street moves it")
	c.want(c.do(oaReq{method: "POST", path: phase, args: []string{"XM209901010001"}, token: grid, body: map[string]any{"phase": "building"}}), 404, "move nothing")
	c.want(c.do(oaReq{method: "POST", path: phase, args: []string{number}, body: map[string]any{"phase": "building"}}), 401, "anonymous moves it")
	c.want(c.do(oaReq{method: "POST", path: phase, args: []string{number}, token: grid, body: map[string]any{"phase": "building"}, header: key("xm-ph-1")}), 200, "building")
	c.want(c.do(oaReq{method: "POST", path: phase, args: []string{number}, token: grid, body: map[string]any{"phase": "planning"}}), 409, "back to planning")

	c.want(c.do(oaReq{method: "POST", path: done, args: []string{number, msID}, token: grid, body: map[string]any{"done": "2099-01-01"}}), 400, "reached in the future")
	c.want(c.do(oaReq{method: "POST", path: done, args: []string{number, "000000000000000000000000"}, token: grid, body: map[string]any{}}), 404, "no such milestone")
	c.want(c.do(oaReq{method: "POST", path: done, args: []string{number, msID}, body: map[string]any{}}), 401, "anonymous reached")
	c.want(c.do(oaReq{method: "POST", path: done, args: []string{number, msID}, token: handler, body: map[string]any{}}), 403, "the street marks it")
	c.want(c.do(oaReq{method: "POST", path: done, args: []string{number, msID}, token: grid, body: map[string]any{}, header: key("xm-done-1")}), 200, "reached")
	c.want(c.do(oaReq{method: "POST", path: done, args: []string{number, msID}, token: grid, body: map[string]any{}}), 409, "reached twice")

	prog := one + "/progress"
	c.want(c.do(oaReq{method: "POST", path: prog, args: []string{number}, token: grid, body: map[string]any{"percent": 101, "note": "x"}}), 400, "over 100")
	c.want(c.do(oaReq{method: "POST", path: prog, args: []string{number}, token: handler, body: map[string]any{"percent": 10, "note": "x"}}), 403, "the street reports")
	c.want(c.do(oaReq{method: "POST", path: prog, args: []string{"XM209901010001"}, token: grid, body: map[string]any{"percent": 10, "note": "x"}}), 404, "report on nothing")
	c.want(c.do(oaReq{method: "POST", path: prog, args: []string{number}, body: map[string]any{"percent": 10, "note": "x"}}), 401, "anonymous reports")
	r = c.want(c.do(oaReq{method: "POST", path: prog, args: []string{number}, token: grid, body: map[string]any{"percent": 50, "note": "外墙保温完成一半"}, header: key("xm-prog-1")}), 201, "50%")
	if fmt.Sprint(r.m["progress"]) != "50" {
		t.Errorf("progress: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: prog, args: []string{number}, token: grid, body: map[string]any{"percent": 40, "note": "返工"}}), 409, "lower without a reason")
	c.want(c.do(oaReq{method: "POST", path: prog, args: []string{number}, token: grid, body: map[string]any{"percent": 40, "note": "返工", "reason": "保温层不合格，拆除重做"}}), 201, "lower with a reason")
	opinion := c.want(c.do(oaReq{method: "POST", path: inputs, args: []string{number}, token: resident, body: map[string]any{"kind": "opinion", "text": "请八点以后开工"}}), 201, "an opinion").str("id")

	queue := "/api/v1/project-inputs/unanswered"
	r = c.want(c.do(oaReq{method: "GET", path: queue, token: grid, query: "limit=10"}), 200, "the unit's queue")
	if fmt.Sprint(r.m["total"]) != "2" {
		t.Errorf("queue: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: queue, token: resident}), 403, "a resident's queue")
	c.want(c.do(oaReq{method: "GET", path: queue, token: grid, query: "cursor=x"}), 400, "a bad cursor")
	c.want(c.do(oaReq{method: "GET", path: queue}), 401, "anonymous queue")

	c.want(c.do(oaReq{method: "POST", path: phase, args: []string{number}, token: grid, body: map[string]any{"phase": "evaluating"}}), 200, "evaluating")
	r = c.want(c.do(oaReq{method: "POST", path: phase, args: []string{number}, token: grid, body: map[string]any{"phase": "closed"}}), 409, "close with inputs unanswered")
	if e, _ := r.m["error"].(map[string]any); e["message"] != "还有2条居民需求或意见未答复，全部答复后才能结束项目" {
		t.Errorf("refusal: %s", r.raw)
	}
	for _, id := range []string{behalfID, opinion} {
		c.want(c.do(oaReq{method: "POST", path: answer, args: []string{number, id}, token: grid, body: map[string]any{"text": "已采纳。"}}), 200, "answer")
	}

	ev := one + "/evaluations"
	c.want(c.do(oaReq{method: "POST", path: ev, args: []string{number}, token: resident, body: map[string]any{"score": 9}}), 400, "a score of 9")
	c.want(c.do(oaReq{method: "POST", path: ev, args: []string{number}, token: outsider, body: map[string]any{"score": 5}}), 403, "an outsider evaluates")
	c.want(c.do(oaReq{method: "POST", path: ev, args: []string{"XM209901010001"}, token: resident, body: map[string]any{"score": 5}}), 404, "evaluate nothing")
	c.want(c.do(oaReq{method: "POST", path: ev, args: []string{number}, body: map[string]any{"score": 5}}), 401, "anonymous evaluates")
	r = c.want(c.do(oaReq{method: "POST", path: ev, args: []string{number}, token: resident, body: map[string]any{"score": 4, "text": "满意"}, header: key("xm-ev-1")}), 201, "evaluate")
	r = c.want(c.do(oaReq{method: "POST", path: ev, args: []string{number}, token: resident, body: map[string]any{"score": 5}}), 200, "change it")
	c.want(c.do(oaReq{method: "POST", path: ev, args: []string{number}, token: grid, body: map[string]any{"score": 2, "phone": neighbour}}), 201, "evaluate for her")
	r = c.want(c.do(oaReq{method: "GET", path: one, args: []string{number}, token: resident}), 200, "read the scores")
	if r.str("mean") != "3.5" || fmt.Sprint(r.m["evaluations"]) != "2" {
		t.Errorf("scores: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: phase, args: []string{number}, token: grid, body: map[string]any{"phase": "closed"}}), 200, "closed")
	c.want(c.do(oaReq{method: "POST", path: ev, args: []string{number}, token: resident, body: map[string]any{"score": 1}}), 409, "change it once closed")
}

// oaFirstID is the id of the first element of an answer's list.
func oaFirstID(t *testing.T, r oaResp, list string) string {
	t.Helper()
	var m map[string]json.RawMessage
	var v []struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(r.raw, &m); err != nil || json.Unmarshal(m[list], &v) != nil || len(v) == 0 {
		t.Fatalf("no %s in %s", list, r.raw)
	}
	return v[0].ID
}
