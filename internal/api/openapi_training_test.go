package api_test

import (
	"strings"
	"testing"
)

// oaTraining sets up a residents' session as the street's handler, records
// a resident's phone once (masked in every answer), reads it back, lets the
// resident read her own attendance, and reads a role guide without login.
func oaTraining(t *testing.T, c *oaClient, admin, supervisor, handler, resident string) {
	t.Helper()
	key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
	path := "/api/v1/training/sessions"
	in := map[string]any{"title": "居民线上办事培训", "audience": "residents", "area_code": "110117001001",
		"starts_at": "2025-03-05T09:00:00+08:00", "place": "金谷东园社区活动室", "guide": "resident"}
	c.want(c.do(oaReq{method: "POST", path: path, token: resident, body: in}), 403, "a resident sets up a session")
	c.want(c.do(oaReq{method: "POST", path: path, body: in}), 401, "anonymous sets up a session")
	c.want(c.do(oaReq{method: "POST", path: path, token: handler, body: oaWith(in, "audience", "kings")}), 400, "a bad audience")
	r := c.want(c.do(oaReq{method: "POST", path: path, token: handler, body: in, header: key("training-1")}), 201, "set up a session")
	id := r.str("id")
	att := path + "/{id}/attendance"
	c.want(c.do(oaReq{method: "POST", path: att, args: []string{id}, token: handler, body: map[string]any{"phone": "13800138000"}, header: key("training-2")}), 201, "record a phone")
	c.want(c.do(oaReq{method: "POST", path: att, args: []string{id}, token: handler, body: map[string]any{"phone": "13800138000"}}), 409, "the same phone again")
	c.want(c.do(oaReq{method: "POST", path: att, args: []string{"tr-none"}, token: handler, body: map[string]any{"phone": "13800138001"}}), 404, "no such session")
	c.want(c.do(oaReq{method: "POST", path: att, args: []string{id}, token: resident, body: map[string]any{"phone": "13800138001"}}), 403, "a resident records")
	c.want(c.do(oaReq{method: "POST", path: att, args: []string{id}, token: handler, body: map[string]any{}}), 400, "nobody recorded")
	one := path + "/{id}"
	r = c.want(c.do(oaReq{method: "GET", path: one, args: []string{id}, token: supervisor}), 200, "a session's attendance")
	if strings.Contains(string(r.raw), "13800138000") || !strings.Contains(string(r.raw), `"attendees":1`) {
		t.Fatalf("attendance: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{"tr-none"}, token: admin}), 404, "no such session")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{id}, token: resident}), 403, "a resident reads the attendance")
	r = c.want(c.do(oaReq{method: "GET", path: path, token: handler}), 200, "the sessions")
	if !strings.Contains(string(r.raw), id) {
		t.Fatalf("sessions: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: path, token: resident}), 403, "a resident lists sessions")
	c.want(c.do(oaReq{method: "GET", path: path}), 401, "anonymous lists sessions")
	r = c.want(c.do(oaReq{method: "GET", path: "/api/v1/training/mine", token: resident}), 200, "a resident's own attendance")
	if !strings.Contains(string(r.raw), id) || strings.Contains(string(r.raw), "13800138000") {
		t.Fatalf("mine: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: "/api/v1/training/mine"}), 401, "anonymous attendance")
	r = c.want(c.do(oaReq{method: "GET", path: "/api/v1/help/{role}", args: []string{"grid_worker"}}), 200, "a role guide")
	if !strings.Contains(string(r.raw), "网格员") {
		t.Fatalf("guide: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: "/api/v1/help/{role}", args: []string{"king"}}), 404, "no such guide")
}
