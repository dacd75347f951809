package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/clock"
)

// oaMeetings runs a consultation meeting of 金谷东园社区 convened by its
// grid worker (on the community committee's staff): a roster of five, one
// of them the resident, the notice, the sign-in (hers, and two by the
// staff), a resolution refused without the quorum and taken with it, a
// task for the committee, the minutes and the publication, which the
// resident then reads with the count.
func oaMeetings(t *testing.T, c *oaClient, a *app.App, admin, handler, deptHandler, resident string) {
	t.Helper()
	key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
	grid := c.want(c.do(oaReq{method: "POST", path: "/api/v1/auth/token", body: map[string]string{"username": "demo-grid", "password": "gongzhi-demo"}}), 200, "login grid").str("token")
	const community = "110117001001"
	c.want(c.do(oaReq{method: "POST", path: "/api/v1/areas/{code}/residents", args: []string{community}, token: grid, body: map[string]any{"phone": "13900139009"}, header: key("meet-res")}), 201, "verify a neighbour")
	neighbour := oaResidentToken(t, a, "13900139009")
	list, one := "/api/v1/meetings", "/api/v1/meetings/{id}"
	starts := time.Now().In(clock.BusinessZone()).Add(72 * time.Hour).Truncate(time.Minute).Format(time.RFC3339)
	create := map[string]any{"area_code": community, "title": "金谷东园停车难议事会", "agenda": []string{"通报停车现状", "表决划线方案"},
		"place": "社区居委会二楼会议室", "starts_at": starts}
	c.want(c.do(oaReq{method: "POST", path: list, token: resident, body: create}), 403, "a resident convenes")
	c.want(c.do(oaReq{method: "POST", path: list, token: handler, body: oaWith(create, "area_code", "110117002001")}), 403, "a street office outside its street")
	c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: oaWith(create, "quorum", "most")}), 400, "an unknown quorum")
	c.want(c.do(oaReq{method: "POST", path: list, body: create}), 401, "anonymous convenes")
	r := c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: create, header: key("meet-1")}), 201, "convene")
	id := r.str("id")
	if r.str("status") != "draft" || r.str("level") != "residents" || r.str("quorum") != "majority" {
		t.Fatalf("convened: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: create, header: key("meet-1")}), 201, "convene replayed")

	reps := one + "/representatives"
	roster := []map[string]any{
		{"name": "王芳", "kind": "resident", "org_name": "金谷东园3号楼", "phone": "13800138000"},
		{"name": "李党员", "kind": "party_member", "org_name": ""},
		{"name": "赵主任", "kind": "owners_committee", "org_name": "金谷东园业委会"},
		{"name": "钱经理", "kind": "property", "org_name": "金谷物业"},
		{"name": "孙老师", "kind": "organisation", "org_name": "金谷小学"},
	}
	c.want(c.do(oaReq{method: "POST", path: reps, args: []string{id}, token: grid, body: map[string]any{"representatives": []map[string]any{{"name": "甲", "kind": "king"}}}}), 400, "an unknown kind")
	c.want(c.do(oaReq{method: "POST", path: reps, args: []string{id}, token: deptHandler, body: map[string]any{"representatives": roster}}), 404, "a department adds to a draft")
	c.want(c.do(oaReq{method: "POST", path: reps, args: []string{id}, body: map[string]any{"representatives": roster}}), 401, "anonymous adds")
	r = c.want(c.do(oaReq{method: "POST", path: reps, args: []string{id}, token: grid, body: map[string]any{"representatives": roster}, header: key("meet-reps-1")}), 200, "roster")
	c.want(c.do(oaReq{method: "POST", path: reps, args: []string{id}, token: grid, body: map[string]any{"representatives": roster[:1]}}), 409, "a phone twice")
	r = c.want(c.do(oaReq{method: "POST", path: reps, args: []string{id}, token: grid, body: map[string]any{"representatives": []map[string]any{{"name": "多余", "kind": "resident"}}}}), 200, "a sixth")
	members := r.m["members"].([]any)
	if len(members) != 6 || strings.Contains(string(r.raw), "13800138000") {
		t.Fatalf("roster of six, phones masked: %s", r.raw)
	}
	extra := members[5].(map[string]any)["id"].(string)
	del := reps + "/{rep}"
	c.want(c.do(oaReq{method: "DELETE", path: del, args: []string{id, "nobody"}, token: grid}), 404, "remove nobody")
	c.want(c.do(oaReq{method: "DELETE", path: del, args: []string{id, extra}}), 401, "anonymous removes")
	r = c.want(c.do(oaReq{method: "DELETE", path: del, args: []string{id, extra}, token: grid}), 200, "remove the sixth")
	members = r.m["members"].([]any)
	ids := make([]string, len(members))
	for i, m := range members {
		ids[i] = m.(map[string]any)["id"].(string)
	}

	c.want(c.do(oaReq{method: "GET", path: one, args: []string{id}, token: resident}), 404, "a resident reads a draft")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{id}}), 401, "anonymous reads")
	change := map[string]any{"title": "金谷东园停车难议事会", "agenda": []string{"通报停车现状", "表决划线方案", "充电桩选址"},
		"place": "社区居委会二楼会议室", "starts_at": starts, "quorum": "two_thirds"}
	c.want(c.do(oaReq{method: "PUT", path: one, args: []string{id}, token: resident, body: change}), 404, "a resident changes a draft")
	c.want(c.do(oaReq{method: "PUT", path: one, args: []string{id}, token: grid, body: oaWith(change, "agenda", []string{})}), 400, "a draft changed to no agenda")
	r = c.want(c.do(oaReq{method: "PUT", path: one, args: []string{id}, token: grid, body: change}), 200, "change the draft")
	if r.str("quorum") != "two_thirds" || !strings.Contains(string(r.raw), "充电桩选址") {
		t.Fatalf("changed: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "PUT", path: one, args: []string{id}, token: grid, body: oaWith(change, "quorum", "majority")}), 200, "change it back")
	notice := one + "/notice"
	c.want(c.do(oaReq{method: "POST", path: notice, args: []string{id}, token: resident, body: map[string]any{}}), 404, "a resident notices")
	r = c.want(c.do(oaReq{method: "POST", path: notice, args: []string{id}, token: grid, body: map[string]any{}, header: key("meet-notice-1")}), 200, "notice")
	if r.str("status") != "noticed" {
		t.Fatalf("noticed: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: notice, args: []string{id}, token: grid, body: map[string]any{}}), 409, "notice twice")
	c.want(c.do(oaReq{method: "PUT", path: one, args: []string{id}, token: grid, body: change}), 409, "a meeting changed after its notice")
	r = c.want(c.do(oaReq{method: "GET", path: list, token: resident, query: "status=noticed&limit=10"}), 200, "the resident's list")
	if !strings.Contains(string(r.raw), id) {
		t.Fatalf("the resident does not find the meeting: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: list, token: grid, query: "area_code=" + community}), 200, "the grid worker's list")
	c.want(c.do(oaReq{method: "GET", path: list, token: admin, query: "status=bogus"}), 400, "an unknown status")
	c.want(c.do(oaReq{method: "GET", path: list, token: admin, query: "cursor=x"}), 400, "a bad cursor")
	c.want(c.do(oaReq{method: "GET", path: list}), 401, "anonymous list")
	c.want(c.do(oaReq{method: "POST", path: one + "/open", args: []string{id}, token: grid, body: map[string]any{}, header: key("meet-open-1")}), 200, "open")

	sign := one + "/signin"
	r = c.want(c.do(oaReq{method: "POST", path: sign, args: []string{id}, token: resident, body: map[string]any{}, header: key("meet-sign-1")}), 200, "she signs in")
	if r.m["signed_in"] != true || strings.Contains(string(r.raw), "王芳") {
		t.Fatalf("signed in, no names: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: sign, args: []string{id}, token: resident, body: map[string]any{}}), 409, "sign in twice")
	c.want(c.do(oaReq{method: "POST", path: sign, args: []string{id}, token: neighbour, body: map[string]any{}}), 403, "a neighbour who is no representative")
	c.want(c.do(oaReq{method: "POST", path: sign, args: []string{id}, token: grid, body: map[string]any{"representative_id": "nobody"}}), 400, "sign in one not on the roster")
	c.want(c.do(oaReq{method: "POST", path: sign, args: []string{id}, body: map[string]any{}}), 401, "anonymous signs in")
	c.want(c.do(oaReq{method: "POST", path: sign, args: []string{id}, token: grid, body: map[string]any{"representative_id": ids[1]}}), 200, "the staff sign one in")
	res := one + "/resolutions"
	hands := map[string]any{"text": "同意在东侧划线增设12个车位", "method": "hands", "for": 2}
	c.want(c.do(oaReq{method: "POST", path: res, args: []string{id}, token: grid, body: hands}), 409, "a resolution with 2 of 5")
	c.want(c.do(oaReq{method: "POST", path: sign, args: []string{id}, token: grid, body: map[string]any{"representative_id": ids[2]}}), 200, "the staff sign another in")
	c.want(c.do(oaReq{method: "POST", path: res, args: []string{id}, token: grid, body: oaWith(oaWith(hands, "against", 1), "abstain", 1)}), 400, "more hands than present")
	c.want(c.do(oaReq{method: "POST", path: res, args: []string{id}, token: resident, body: hands}), 403, "a representative takes a resolution")
	c.want(c.do(oaReq{method: "POST", path: res, args: []string{id}, body: hands}), 401, "anonymous resolves")
	r = c.want(c.do(oaReq{method: "POST", path: res, args: []string{id}, token: grid, body: oaWith(hands, "against", 1), header: key("meet-res-1")}), 201, "resolve")
	if r.str("status") != "open" || !strings.Contains(string(r.raw), `"passed":true`) {
		t.Fatalf("resolved: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: one + "/minutes", args: []string{id}, token: grid, body: map[string]any{"text": ""}}), 400, "empty minutes")
	c.want(c.do(oaReq{method: "POST", path: one + "/minutes", args: []string{id}, token: grid, body: map[string]any{"text": "应到5人，实到3人，表决通过划线方案。"}, header: key("meet-min-1")}), 200, "minutes")

	tasks := one + "/tasks"
	task := map[string]any{"resolution": 1, "text": "组织划线施工", "owner_org_code": community + "-CC", "days": 5}
	c.want(c.do(oaReq{method: "POST", path: tasks, args: []string{id}, token: grid, body: oaWith(task, "owner_org_code", "")}), 400, "a task without an owner")
	c.want(c.do(oaReq{method: "POST", path: tasks, args: []string{id}, token: resident, body: task}), 403, "a resident sets a task")
	c.want(c.do(oaReq{method: "POST", path: tasks, args: []string{id}, body: task}), 401, "anonymous sets a task")
	r = c.want(c.do(oaReq{method: "POST", path: tasks, args: []string{id}, token: grid, body: task, header: key("meet-task-1")}), 201, "a task")
	taskID := r.str("id")
	open := "/api/v1/meeting-tasks"
	r = c.want(c.do(oaReq{method: "GET", path: open, token: grid, query: "limit=10"}), 200, "the committee's open tasks")
	if len(r.items()) != 1 {
		t.Fatalf("open tasks: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: open, token: resident}), 403, "a resident's tasks")
	c.want(c.do(oaReq{method: "GET", path: open, token: grid, query: "limit=0"}), 400, "a bad limit")
	c.want(c.do(oaReq{method: "GET", path: open}), 401, "anonymous tasks")
	done := "/api/v1/meeting-tasks/{id}/done"
	c.want(c.do(oaReq{method: "POST", path: done, args: []string{taskID}, token: deptHandler, body: map[string]any{}}), 403, "another unit finishes")
	c.want(c.do(oaReq{method: "POST", path: done, args: []string{"0123456789abcdef01234567"}, token: grid, body: map[string]any{}}), 404, "finish nothing")
	c.want(c.do(oaReq{method: "POST", path: done, args: []string{taskID}, body: map[string]any{}}), 401, "anonymous finishes")
	c.want(c.do(oaReq{method: "POST", path: done, args: []string{taskID}, token: grid, body: map[string]any{"note": "已划线"}, header: key("meet-done-1")}), 200, "finish")
	c.want(c.do(oaReq{method: "POST", path: done, args: []string{taskID}, token: grid, body: map[string]any{}}), 409, "finish twice")

	pub := one + "/publish"
	c.want(c.do(oaReq{method: "POST", path: pub, args: []string{id}, token: grid, body: map[string]any{}}), 409, "publish an open meeting")
	c.want(c.do(oaReq{method: "POST", path: one + "/close", args: []string{id}, token: grid, body: map[string]any{}, header: key("meet-close-1")}), 200, "close")
	c.want(c.do(oaReq{method: "POST", path: pub, args: []string{id}, token: grid, body: map[string]any{}, header: key("meet-pub-1")}), 200, "publish")
	r = c.want(c.do(oaReq{method: "GET", path: one, args: []string{id}, token: neighbour}), 200, "a neighbour reads the published record")
	if !strings.Contains(string(r.raw), `"for":2`) || !strings.Contains(string(r.raw), "划线方案") || strings.Contains(string(r.raw), "王芳") || strings.Contains(string(r.raw), "13800138000") || strings.Contains(string(r.raw), "138****8000") {
		t.Fatalf("the published record: %s", r.raw)
	}
	ev := one + "/events"
	r = c.want(c.do(oaReq{method: "GET", path: ev, args: []string{id}, token: grid}), 200, "the log")
	if !strings.Contains(string(r.raw), `"on_behalf":"`+ids[1]+`"`) {
		t.Fatalf("the log names no sign-in on her behalf: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: ev, args: []string{id}, token: resident}), 403, "a representative reads the log")
	c.want(c.do(oaReq{method: "GET", path: ev, args: []string{id}}), 401, "anonymous log")
}
