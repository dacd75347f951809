package api_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/ruleset"
)

// oaRules has the administrator publish the city's rule set from the live
// settings (the time limits' default line locked), reads the district's
// rules as the public and as staff, overrides a permitted entry with a
// reason, is refused a locked one, publishes v2, reads the diff against
// v1, exports and imports the file (a bad one refused) and applies.
func oaRules(t *testing.T, c *oaClient, admin, supervisor, handler string) {
	t.Helper()
	rules, key := "/api/v1/rules", func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
	c.want(c.do(oaReq{method: "GET", path: rules}), 200, "rules before any publication")
	c.want(c.do(oaReq{method: "GET", path: "/api/v1/rules/diff", token: supervisor}), 404, "a diff with no upper level")
	pub := "/api/v1/rules/publish"
	body := map[string]any{"area_code": "1101", "from_live": true, "locked": []string{"time_limits/*"}, "note": "全市统一"}
	c.want(c.do(oaReq{method: "POST", path: pub, token: supervisor, body: body}), 403, "a supervisor publishes")
	c.want(c.do(oaReq{method: "POST", path: pub, body: body}), 401, "anonymous publishes")
	c.want(c.do(oaReq{method: "POST", path: pub, token: admin, body: map[string]any{"area_code": "1101"}}), 400, "an empty rule set")
	c.want(c.do(oaReq{method: "POST", path: pub, token: admin, body: body, header: key("rules-pub-1")}), 201, "v1")
	r := c.want(c.do(oaReq{method: "GET", path: rules}), 200, "the district's rules")
	if !strings.Contains(string(r.raw), `"area_code":"1101"`) || strings.Contains(string(r.raw), `"source":"local","upper_value"`) {
		t.Fatalf("rules: %.600s", r.raw)
	}
	var permitted string
	for _, x := range r.m["rules"].([]any) {
		e := x.(map[string]any)
		if e["section"] == "time_limits" && e["key"] != "*" {
			permitted = e["key"].(string)
			break
		}
	}
	if permitted == "" {
		t.Fatalf("no time limit of a category: %.600s", r.raw)
	}
	ov := "/api/v1/rules/overrides"
	c.want(c.do(oaReq{method: "POST", path: ov, token: admin, body: map[string]any{"section": "time_limits", "key": "*", "value": "2h,24h,9d", "reason": "x"}}), 409, "a locked entry")
	c.want(c.do(oaReq{method: "POST", path: ov, token: admin, body: map[string]any{"section": "time_limits", "key": permitted, "value": "2h,24h,9d"}}), 400, "no reason")
	c.want(c.do(oaReq{method: "POST", path: ov, token: handler, body: map[string]any{"section": "time_limits", "key": permitted, "value": "2h,24h,9d", "reason": "x"}}), 403, "a handler overrides")
	c.want(c.do(oaReq{method: "POST", path: ov, token: admin, body: map[string]any{"section": "time_limits", "key": "nope", "value": "2h,24h,9d", "reason": "x"}}), 404, "no such entry")
	c.want(c.do(oaReq{method: "POST", path: ov, token: admin, body: map[string]any{"section": "time_limits", "key": permitted, "value": "2h,24h,9d", "reason": "山区路远"}, header: key("rules-ov-1")}), 200, "an override")
	if r := c.want(c.do(oaReq{method: "GET", path: rules}), 200, "public rules"); !strings.Contains(string(r.raw), `"source":"local","upper_value"`) || strings.Contains(string(r.raw), `"updated_by"`) {
		t.Fatalf("public rules: %.600s", r.raw)
	}
	if r := c.want(c.do(oaReq{method: "GET", path: rules, token: supervisor}), 200, "staff rules"); !strings.Contains(string(r.raw), `"updated_by"`) {
		t.Fatalf("staff rules: %.600s", r.raw)
	}
	body["note"] = "第二版"
	c.want(c.do(oaReq{method: "POST", path: pub, token: admin, body: body, header: key("rules-pub-2")}), 201, "v2")
	diff := "/api/v1/rules/diff"
	c.want(c.do(oaReq{method: "GET", path: diff, token: handler}), 403, "a handler reads the diff")
	c.want(c.do(oaReq{method: "GET", path: diff}), 401, "anonymous reads the diff")
	c.want(c.do(oaReq{method: "GET", path: diff, token: supervisor, query: "against=0", offDoc: true}), 400, "a bad version")
	r = c.want(c.do(oaReq{method: "GET", path: diff, token: supervisor, query: "against=1"}), 200, "the diff against v1")
	if !strings.Contains(string(r.raw), `"change":"changed"`) || !strings.Contains(string(r.raw), `"value":"2h,24h,9d"`) {
		t.Fatalf("diff: %.800s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: diff, token: supervisor, query: "against=9"}), 404, "no such version")
	vs := c.want(c.do(oaReq{method: "GET", path: "/api/v1/rules/versions"}), 200, "the versions")
	if len(vs.items()) != 2 {
		t.Fatalf("versions: %s", vs.raw)
	}
	exp := "/api/v1/rules/export"
	file := c.want(c.do(oaReq{method: "GET", path: exp, query: "area=1101&version=1"}), 200, "the file")
	if !strings.Contains(file.h.Get("Content-Disposition"), "rules-1101-v1.json") {
		t.Fatalf("export headers: %v", file.h)
	}
	c.want(c.do(oaReq{method: "GET", path: exp, query: "area=1101&version=7"}), 404, "no such file")
	imp := "/api/v1/rules/import"
	asJSON := func(h map[string]string) map[string]string {
		if h == nil {
			h = map[string]string{}
		}
		h["Content-Type"] = "application/json"
		return h
	}
	c.want(c.do(oaReq{method: "POST", path: imp, token: admin, body: bytes.Replace(file.raw, []byte("全市统一"), []byte("全市统二"), 1), header: asJSON(nil)}), 400, "a changed file")
	c.want(c.do(oaReq{method: "POST", path: imp, token: supervisor, body: file.raw, header: asJSON(nil)}), 403, "a supervisor imports")
	c.want(c.do(oaReq{method: "POST", path: imp, token: admin, body: file.raw, header: asJSON(key("rules-imp-1"))}), 200, "the same file again changes nothing")
	doc, err := ruleset.Decode(file.raw)
	if err != nil {
		t.Fatal(err)
	}
	doc.Version = 3
	v3, _, err := ruleset.Encode(doc)
	if err != nil {
		t.Fatal(err)
	}
	c.want(c.do(oaReq{method: "POST", path: imp, token: admin, body: v3, header: asJSON(key("rules-imp-2"))}), 409, "the publisher imports its own area")
	apply := "/api/v1/rules/apply"
	c.want(c.do(oaReq{method: "POST", path: apply, token: supervisor, body: map[string]any{}}), 403, "a supervisor applies")
	r = c.want(c.do(oaReq{method: "POST", path: apply, token: admin, body: map[string]any{}, header: key("rules-apply-1")}), 200, "apply")
	if !strings.Contains(string(r.raw), `"time_limits/`+permitted+`"`) {
		t.Fatalf("apply: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: ov, token: admin, body: map[string]any{"section": "time_limits", "key": permitted, "withdraw": true, "reason": "恢复统一时限"}, header: key("rules-ov-2")}), 200, "withdraw")
}
