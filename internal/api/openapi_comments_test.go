package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/auth"
)

// oaComments runs the comments on a proposal of 金谷东园二号院: the
// proposer and a neighbour comment and reply, the community's grid worker
// (who does not answer a proposal still collecting) may not, the
// administrator replies officially; a report puts a comment in the queue,
// the grid worker hides it; the public figures and the review mode.
func oaComments(t *testing.T, c *oaClient, a *app.App, admin, handler, resident string) {
	t.Helper()
	ctx := context.Background()
	const community = "110117001001"
	yard, err := a.Proposals.CreateCourtyard(ctx, auth.System(), community, "金谷东园二号院")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"13800138000", "13400134001"} {
		if _, err := a.Proposals.VerifyResident(ctx, auth.System(), yard.Code, p); err != nil {
			t.Fatal(err)
		}
	}
	neighbour, outsider := oaResidentToken(t, a, "13400134001"), oaResidentToken(t, a, "13400134002")
	grid := c.want(c.do(oaReq{method: "POST", path: "/api/v1/auth/token", body: map[string]string{"username": "demo-grid", "password": "gongzhi-demo"}}), 200, "login grid").str("token")
	key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
	r := c.want(c.do(oaReq{method: "POST", path: "/api/v1/proposals", token: resident, header: key("cm-prop"),
		body: map[string]any{"level": "courtyard", "area_code": yard.Code, "title": "二号院增设充电桩", "body": "电动车充电难。"}}), 201, "raise")
	target := "proposal:" + r.str("number")

	list := "/api/v1/comments"
	post := func(tok string, body map[string]any) oaResp {
		return c.do(oaReq{method: "POST", path: list, token: tok, body: body})
	}
	top := map[string]any{"target": target, "position": "support", "body": "支持，楼下可以装。"}
	r = c.want(c.do(oaReq{method: "POST", path: list, token: resident, body: top, header: key("cm-1")}), 201, "comment")
	first := r.str("id")
	if r.str("status") != "published" || r.str("author") != "居民**00" || strings.Contains(string(r.raw), "13800138000") {
		t.Fatalf("comment: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: list, token: resident, body: top, header: key("cm-1")}), 201, "comment replayed")
	c.want(post(resident, oaWith(top, "position", "")), 400, "a comment without a position")
	c.want(post(resident, oaWith(top, "target", "proposal")), 400, "a malformed target")
	c.want(post(resident, oaWith(top, "body", strings.Repeat("长", 1001))), 400, "a comment too long")
	c.want(post("", top), 401, "anonymous comments")
	c.want(post(outsider, top), 404, "one who cannot read the proposal comments")
	c.want(post(grid, oaWith(top, "position", "")), 403, "staff of no answering unit comment")
	reply := map[string]any{"target": target, "body": "同意", "parent_id": first}
	r = c.want(c.do(oaReq{method: "POST", path: list, token: neighbour, body: reply, header: key("cm-2")}), 201, "reply")
	second := c.want(post(resident, oaWith(reply, "parent_id", r.str("id"))), 201, "reply to the reply").str("id")
	c.want(post(neighbour, oaWith(reply, "parent_id", second)), 409, "a reply beyond two levels")
	r = c.want(post(admin, map[string]any{"target": target, "body": "已转社区研究"}), 201, "the administrator's official reply")
	if r.m["official"] != true || r.str("position") != "" {
		t.Errorf("official reply: %s", r.raw)
	}
	for i := 0; i < 18; i++ {
		c.want(post(resident, oaWith(top, "body", fmt.Sprintf("第%d条意见", i+2))), 201, "comments of a day")
	}
	r = c.want(post(resident, top), 429, "one comment too many today")
	if r.h.Get("Retry-After") == "" {
		t.Error("no Retry-After on the day's limit")
	}

	r = c.want(c.do(oaReq{method: "GET", path: list, token: neighbour, query: "target=" + target + "&limit=5"}), 200, "comments")
	if counts, _ := r.m["counts"].(map[string]any); fmt.Sprint(counts["support"]) != "1" || r.str("next_cursor") == "" || len(r.items()) != 5 {
		t.Errorf("comments: %.600s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: list, token: neighbour, query: "target=" + target + "&cursor=" + r.str("next_cursor")}), 200, "the next page")
	c.want(c.do(oaReq{method: "GET", path: list, token: neighbour, query: "target=" + target + "&cursor=x"}), 400, "a bad cursor")
	c.want(c.do(oaReq{method: "GET", path: list, token: neighbour, query: "target=" + target + "&limit=0"}), 400, "limit 0")
	c.want(c.do(oaReq{method: "GET", path: list, token: outsider, query: "target=" + target}), 404, "one who cannot read the proposal lists")
	c.want(c.do(oaReq{method: "GET", path: list, query: "target=" + target}), 404, "a guest lists a proposal's comments")
	c.want(c.do(oaReq{method: "GET", path: list, token: "no-such-token", query: "target=" + target}), 401, "a bad token")

	rep := "/api/v1/comments/{id}/report"
	report := map[string]any{"reason": "abuse", "text": "人身攻击"}
	c.want(c.do(oaReq{method: "POST", path: rep, args: []string{first}, token: neighbour, body: report, header: key("cm-rep")}), 204, "report")
	c.want(c.do(oaReq{method: "POST", path: rep, args: []string{first}, token: neighbour, body: report}), 409, "report twice")
	c.want(c.do(oaReq{method: "POST", path: rep, args: []string{first}, token: resident, body: report}), 409, "report her own")
	c.want(c.do(oaReq{method: "POST", path: rep, args: []string{first}, token: neighbour, body: map[string]any{"reason": "rude"}}), 400, "an unknown reason")
	c.want(c.do(oaReq{method: "POST", path: rep, args: []string{first}, token: outsider, body: report}), 404, "one who cannot read it reports")
	c.want(c.do(oaReq{method: "POST", path: rep, args: []string{first}, body: report}), 401, "anonymous reports")

	queue := "/api/v1/moderation/queue"
	r = c.want(c.do(oaReq{method: "GET", path: queue, token: grid}), 200, "queue")
	if len(r.items()) != 1 {
		t.Errorf("queue: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: queue, token: grid, query: "cursor=x"}), 400, "queue cursor")
	c.want(c.do(oaReq{method: "GET", path: queue, token: resident}), 403, "a resident's queue")
	c.want(c.do(oaReq{method: "GET", path: queue}), 401, "anonymous queue")
	mod := "/api/v1/comments/{id}/moderate"
	hide := map[string]any{"decision": "hide", "reason": "abuse", "text": "请文明发言"}
	c.want(c.do(oaReq{method: "POST", path: mod, args: []string{first}, token: neighbour, body: hide}), 403, "a resident moderates")
	c.want(c.do(oaReq{method: "POST", path: mod, args: []string{first}, token: grid, body: map[string]any{"decision": "hide"}}), 400, "hide without a reason")
	c.want(c.do(oaReq{method: "POST", path: mod, args: []string{"0123456789abcdef01234567"}, token: grid, body: hide}), 404, "moderate nothing")
	c.want(c.do(oaReq{method: "POST", path: mod, args: []string{first}, body: hide}), 401, "anonymous moderates")
	r = c.want(c.do(oaReq{method: "POST", path: mod, args: []string{first}, token: grid, body: hide, header: key("cm-mod")}), 200, "hide")
	if r.str("status") != "hidden" || r.str("hidden_reason") != "abuse" {
		t.Errorf("hidden: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: mod, args: []string{first}, token: grid, body: hide}), 409, "hide again")

	stats := "/api/v1/moderation/stats"
	r = c.want(c.do(oaReq{method: "GET", path: stats}), 200, "figures")
	if byReason, _ := r.m["hidden_by_reason"].(map[string]any); fmt.Sprint(byReason["abuse"]) != "1" || r.str("mode") != "pre" {
		t.Errorf("figures: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: stats, query: "month=2026-13"}), 400, "figures of no month")
	mode := "/api/v1/moderation/mode"
	c.want(c.do(oaReq{method: "PUT", path: mode, token: handler, body: map[string]any{"mode": "post"}}), 403, "staff set the mode")
	c.want(c.do(oaReq{method: "PUT", path: mode, token: admin, body: map[string]any{"mode": "never"}}), 400, "an unknown mode")
	c.want(c.do(oaReq{method: "PUT", path: mode, body: map[string]any{"mode": "post"}}), 401, "anonymous sets the mode")
	r = c.want(c.do(oaReq{method: "PUT", path: mode, token: admin, body: map[string]any{"mode": "post"}}), 200, "review after")
	if r.str("mode") != "post" || r.str("since") == "" {
		t.Errorf("mode: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "PUT", path: mode, token: admin, body: map[string]any{"mode": "pre"}}), 200, "review first again")
}
