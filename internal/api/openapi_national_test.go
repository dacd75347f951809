package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// oaNational reads the demo's mapping (it conforms), has the administrator
// change a category's classes, refuses a class of the wrong kind, sets a
// grid cell's unit-grid code and refuses one outside its community;
// handlers change nothing and residents read nothing.
func oaNational(t *testing.T, c *oaClient, a *app.App, admin, handler, resident string) {
	t.Helper()
	const community = "110117001001"
	m := c.want(c.do(oaReq{method: "GET", path: "/api/v1/national/mapping", token: handler}), 200, "the mapping")
	if !strings.Contains(string(m.raw), `"problems":[]`) || !strings.Contains(string(m.raw), `"scheme":"gbt30428-event","code":"05"`) {
		t.Fatalf("demo mapping: %s", m.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: "/api/v1/national/mapping", token: resident}), 403, "a resident reads the mapping")
	c.want(c.do(oaReq{method: "GET", path: "/api/v1/national/mapping"}), 401, "anonymous reads the mapping")
	one := "/api/v1/categories/{code}/national"
	r := c.want(c.do(oaReq{method: "GET", path: one, args: []string{"0102"}, token: handler}), 200, "a category's classes")
	if !strings.Contains(string(r.raw), `"applies":{"event":{"scheme":"gbt30428-event","code":"01","name":"市容环境"}`) {
		t.Fatalf("0102 inherits 市容环境: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{"9999"}, token: handler}), 404, "no such category")
	body := map[string]any{"urban": true, "classes": []map[string]string{{"scheme": "gbt30428-event", "code": "05"}}}
	c.want(c.do(oaReq{method: "PUT", path: one, args: []string{"0305"}, token: handler, body: body}), 403, "a handler maps")
	c.want(c.do(oaReq{method: "PUT", path: one, args: []string{"0305"}, body: body}), 401, "anonymous maps")
	c.want(c.do(oaReq{method: "PUT", path: one, args: []string{"0305"}, token: admin,
		body: map[string]any{"classes": []map[string]string{{"scheme": "gbt30428-event", "code": "06"}}}}), 400, "a component class as an event")
	r = c.want(c.do(oaReq{method: "PUT", path: one, args: []string{"0305"}, token: admin, body: body}), 200, "map 交通秩序")
	if !strings.Contains(string(r.raw), `"urban":true`) {
		t.Fatalf("mapped: %s", r.raw)
	}
	grid := community + "-W01"
	if err := a.Gov.UpsertArea(context.Background(), gov.Area{Code: grid, ParentCode: community, Name: "第一网格", Level: gov.LevelGrid}); err != nil {
		t.Fatal(err)
	}
	gc := "/api/v1/areas/{code}/grid-code"
	c.want(c.do(oaReq{method: "PUT", path: gc, args: []string{grid}, token: admin, body: map[string]string{"unit_code": "110117001002001"}}), 400, "a code of another community")
	c.want(c.do(oaReq{method: "PUT", path: gc, args: []string{grid}, token: handler, body: map[string]string{"unit_code": community + "001"}}), 403, "a handler sets a grid code")
	c.want(c.do(oaReq{method: "PUT", path: gc, args: []string{"110117999999-X"}, token: admin, body: map[string]string{"unit_code": community + "001"}}), 404, "no such area")
	r = c.want(c.do(oaReq{method: "PUT", path: gc, args: []string{grid}, token: admin, body: map[string]string{"unit_code": community + "001"}}), 200, "a grid code")
	if r.str("community_code") != community {
		t.Fatalf("grid code: %s", r.raw)
	}
}
