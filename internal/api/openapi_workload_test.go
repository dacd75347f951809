package api_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/clock"
)

// oaWorkload reads the month's workload and returns report, tries a
// proposal that is none, and writes and reads the root-cause records of a
// rectification task and of a monthly theme.
func oaWorkload(t *testing.T, c *oaClient, supervisor, dispatcher, handler, resident string) {
	t.Helper()
	month := time.Now().In(clock.BusinessZone()).Format("2006-01")
	const wl = "/api/v1/evaluation/workload"
	r := c.want(c.do(oaReq{method: "GET", path: wl, token: supervisor, query: "month=" + month}), 200, "the month's workload")
	if units, _ := r.m["units"].([]any); len(units) == 0 {
		t.Fatalf("no unit's workload: %.300s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: wl, token: handler}), 200, "a handler's own unit")
	c.want(c.do(oaReq{method: "GET", path: wl, token: supervisor, query: "month=2026-13"}), 400, "workload of no month")
	c.want(c.do(oaReq{method: "GET", path: wl, token: resident}), 403, "a resident's workload")
	c.want(c.do(oaReq{method: "GET", path: wl}), 401, "anonymous workload")

	const ret, apply = "/api/v1/evaluation/returns", "/api/v1/evaluation/returns/proposals"
	c.want(c.do(oaReq{method: "GET", path: ret, token: supervisor, query: "month=" + month}), 200, "the month's returns")
	c.want(c.do(oaReq{method: "GET", path: ret, token: dispatcher}), 200, "a dispatcher's returns")
	c.want(c.do(oaReq{method: "GET", path: ret, token: handler}), 403, "a handler's returns")
	c.want(c.do(oaReq{method: "GET", path: ret}), 401, "anonymous returns")
	none := map[string]any{"month": month, "category_code": "0101", "area_code": "110117001001"}
	c.want(c.do(oaReq{method: "POST", path: apply, token: supervisor, body: none}), 404, "a proposal that is none")
	c.want(c.do(oaReq{method: "POST", path: apply, token: supervisor, body: map[string]any{"month": month}}), 400, "a proposal without codes")
	c.want(c.do(oaReq{method: "POST", path: apply, token: handler, body: none}), 403, "a handler applies")
	c.want(c.do(oaReq{method: "POST", path: apply, body: none}), 401, "anonymous applies")

	deadline := time.Now().In(clock.BusinessZone()).AddDate(0, 0, 10).Format("2006-01-02")
	task := c.want(c.do(oaReq{method: "POST", path: "/api/v1/rectifications", token: supervisor,
		body: map[string]any{"org_code": "110117001-SO", "title": "退单偏多", "reason": "同类诉求反复退回", "deadline": deadline}}), 201, "a task").str("id")
	const rrc = "/api/v1/rectifications/{id}/root-cause"
	rec := map[string]any{"root_cause": "职责边界不清", "affected": "老旧小区居民", "obstacles": "权属资料缺失", "departments": []string{"110117001-SO"}}
	r = c.want(c.do(oaReq{method: "POST", path: rrc, args: []string{task}, token: supervisor, body: rec}), 200, "the task's root cause")
	if fmt.Sprint(r.m["version"]) != "1" {
		t.Fatalf("record %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: rrc, args: []string{task}, token: supervisor, body: oaWith(rec, "departments", []string{"NOPE-9"})}), 400, "a department that is none")
	c.want(c.do(oaReq{method: "POST", path: rrc, args: []string{task}, token: handler, body: rec}), 403, "a handler writes the root cause")
	c.want(c.do(oaReq{method: "POST", path: rrc, args: []string{task}, body: rec}), 401, "anonymous writes the root cause")
	r = c.want(c.do(oaReq{method: "GET", path: rrc, args: []string{task}, token: handler}), 200, "the unit reads the root cause")
	if !strings.Contains(string(r.raw), "职责边界不清") {
		t.Fatalf("read %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: rrc, args: []string{"nope"}, token: supervisor}), 404, "no such task's root cause")

	r = c.want(c.do(oaReq{method: "GET", path: "/api/v1/insight/themes", token: supervisor, query: "month=" + month}), 200, "the month's themes")
	if len(r.items()) == 0 {
		t.Fatalf("no theme: %.300s", r.raw)
	}
	id, _ := r.items()[0].(map[string]any)["id"].(string)
	const trc = "/api/v1/insight/themes/{id}/root-cause"
	c.want(c.do(oaReq{method: "POST", path: trc, args: []string{id}, token: supervisor, body: oaWith(rec, "month", month)}), 200, "the theme's root cause")
	c.want(c.do(oaReq{method: "POST", path: trc, args: []string{id}, token: dispatcher, body: oaWith(rec, "month", month)}), 403, "a dispatcher writes a theme's root cause")
	c.want(c.do(oaReq{method: "POST", path: trc, args: []string{"nope"}, token: supervisor, body: oaWith(rec, "month", month)}), 404, "no such theme's root cause")
	r = c.want(c.do(oaReq{method: "GET", path: trc, args: []string{id}, token: dispatcher, query: "month=" + month}), 200, "a dispatcher reads a theme's root cause")
	if cur, _ := r.m["current"].(map[string]any); cur == nil || cur["kind"] != "theme" {
		t.Fatalf("theme record %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: trc, args: []string{id}, token: handler}), 403, "a handler reads a theme's root cause")
	c.want(c.do(oaReq{method: "GET", path: trc, args: []string{id}}), 401, "anonymous reads a theme's root cause")
}
