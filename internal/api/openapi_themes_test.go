package api_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/clock"
)

// oaThemes files four requests about the same street lights this month,
// finds them as a theme of the month and turns it into a rectification
// task.
func oaThemes(t *testing.T, c *oaClient, admin, supervisor, dispatcher, agent, handler string) {
	t.Helper()
	var number string
	for i := 0; i < 4; i++ {
		number = c.want(c.do(oaReq{method: "POST", path: "/api/v1/tickets", token: agent, body: map[string]any{"category_code": "0101",
			"description": "小区东门路灯不亮，晚上出行不安全", "area_code": "110117001001", "reporter_phone": fmt.Sprintf("1391234%04d", i)}}), 201, "a light").str("number")
	}
	month := time.Now().In(clock.BusinessZone()).Format("2006-01")
	const path = "/api/v1/insight/themes"
	r := c.want(c.do(oaReq{method: "GET", path: path, token: supervisor, query: "month=" + month}), 200, "supervisor reads the month's themes")
	var id string
	for _, it := range r.items() {
		th := it.(map[string]any)
		if strings.Contains(fmt.Sprint(th["sample"]), number) {
			id, _ = th["id"].(string)
		}
	}
	if id == "" || r.m["partial"] != true {
		t.Fatalf("no theme of the lights this month: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: path, token: dispatcher}), 200, "dispatcher reads last month's themes")
	c.want(c.do(oaReq{method: "GET", path: path, token: admin, query: "month=2026-13"}), 400, "a month that is none")
	c.want(c.do(oaReq{method: "GET", path: path, token: handler}), 403, "handler reads themes")
	c.want(c.do(oaReq{method: "GET", path: path}), 401, "anonymous reads themes")

	const rect = "/api/v1/insight/themes/{id}/rectification"
	due := time.Now().AddDate(0, 1, 0).Format("2006-01-02")
	body := map[string]any{"month": month, "org_code": "110117001-SO", "due": due}
	r = c.want(c.do(oaReq{method: "POST", path: rect, args: []string{id}, token: supervisor, body: body}), 201, "the theme becomes a task")
	if !strings.Contains(r.str("title"), "每月一题") || !strings.HasPrefix(r.h.Get("Location"), "/api/v1/rectifications/") {
		t.Errorf("task %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: rect, args: []string{"nope"}, token: supervisor, body: body}), 404, "no such theme")
	c.want(c.do(oaReq{method: "POST", path: rect, args: []string{id}, token: supervisor, body: map[string]any{"month": month}}), 400, "no deadline")
	c.want(c.do(oaReq{method: "POST", path: rect, args: []string{id}, token: dispatcher, body: body}), 403, "dispatcher sets a task")
	c.want(c.do(oaReq{method: "POST", path: rect, args: []string{id}, body: body}), 401, "anonymous sets a task")

	// The theme made a proposal raised for a resident of the community who
	// asked for it.
	c.want(c.do(oaReq{method: "POST", path: "/api/v1/areas/{code}/residents", args: []string{"110117001001"}, token: admin,
		body: map[string]any{"phone": "13922223333"}}), 201, "verify the resident")
	const prop = "/api/v1/insight/themes/{id}/proposal"
	pb := map[string]any{"month": month, "area_code": "110117001001", "on_behalf_of": "13922223333"}
	c.want(c.do(oaReq{method: "POST", path: prop, args: []string{id}, token: handler, body: pb}), 403, "handler proposes a theme")
	c.want(c.do(oaReq{method: "POST", path: prop, args: []string{id}, token: supervisor, body: map[string]any{"month": month, "on_behalf_of": ""}}), 403, "a proposal for nobody")
	c.want(c.do(oaReq{method: "POST", path: prop, args: []string{"nope"}, token: supervisor, body: pb}), 404, "no such theme to propose")
	r = c.want(c.do(oaReq{method: "POST", path: prop, args: []string{id}, token: supervisor, body: pb}), 201, "the theme becomes a proposal")
	if !strings.HasPrefix(r.str("theme"), month+" ") || !strings.Contains(fmt.Sprint(r.m["tickets"]), number) ||
		!strings.HasPrefix(r.h.Get("Location"), "/api/v1/proposals/") {
		t.Errorf("proposal %s", r.raw)
	}
}
