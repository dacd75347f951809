package api_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/demo"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// GET /api/v1/tickets?q= finds a ticket by its number, its reporter's phone
// (full or last four digits) and words of its description and replies,
// within the caller's scope only.
func TestListSearch(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) { listSearch(t, engine) })
	}
}

func listSearch(t *testing.T, engine string) {
	srv := newServer(t, engine)
	agent, disp, handler := login(t, srv, "demo-agent"), login(t, srv, "demo-dispatcher"), login(t, srv, "demo-handler")
	create := func(desc, area, phone string) map[string]any {
		t.Helper()
		code, _, m := post(t, srv, "/api/v1/tickets", agent, "k-"+phone, map[string]any{"category_code": "0101", "description": desc,
			"area_code": area, "reporter_name": "李四", "reporter_phone": phone, "channel": "hotline"})
		if code != 201 {
			t.Fatalf("create: %d %v", code, m)
		}
		return m
	}
	mine := create("金谷东园3号楼前路灯不亮已经一周", demo.CommunityJinguDongyuan, "13911117788")
	if mine["assigned_org_code"] != demo.StreetOfficeCode(demo.StreetBinhe) {
		t.Fatalf("the catalogue sends it to the handler's street office: %v", mine["assigned_org_code"])
	}
	areas, err := demo.Areas()
	if err != nil {
		t.Fatal(err)
	}
	elsewhere := ""
	for _, a := range areas {
		if a.Level == gov.LevelCommunity && strings.HasPrefix(a.Code, demo.DistrictCode) && !strings.HasPrefix(a.Code, demo.StreetBinhe) {
			elsewhere = a.Code
			break
		}
	}
	theirs := create("另一条街道的路灯不亮", elsewhere, "13922227788")
	if theirs["assigned_org_code"] == mine["assigned_org_code"] {
		t.Fatalf("the second ticket should be another unit's: %v", theirs["assigned_org_code"])
	}
	numbers := func(token string, params url.Values) []string {
		t.Helper()
		m := get(t, srv, "/api/v1/tickets?"+params.Encode(), token)
		items, ok := m["items"].([]any)
		if !ok {
			t.Fatalf("%v: %v", params, m)
		}
		var out []string
		for _, it := range items {
			out = append(out, it.(map[string]any)["number"].(string))
		}
		return out
	}
	q := func(token, text string) []string { return numbers(token, url.Values{"q": {text}}) }
	has := func(list []string, n any) bool {
		for _, x := range list {
			if x == n {
				return true
			}
		}
		return false
	}
	mn, tn := mine["number"].(string), theirs["number"].(string)
	for _, text := range []string{mn, "13911117788", "7788", "路灯"} {
		if got := q(disp, text); !has(got, mn) {
			t.Errorf("dispatcher, q=%q: %v lacks %s", text, got, mn)
		}
	}
	if got := q(disp, "7788"); !has(got, tn) {
		t.Errorf("dispatcher, last four: %v lacks %s", got, tn)
	}
	// The handler never finds another unit's ticket, by any kind of q.
	for _, text := range []string{tn, "13922227788", "7788", "路灯", "另一条街道"} {
		if got := q(handler, text); has(got, tn) {
			t.Errorf("handler, q=%q found another unit's ticket %s", text, tn)
		}
	}
	if got := q(handler, "7788"); len(got) != 1 || got[0] != mn {
		t.Errorf("handler, last four: %v, want [%s]", got, mn)
	}
	// A reply's words are found.
	for _, step := range []struct {
		action string
		body   map[string]any
	}{{"sign", map[string]any{}}, {"contact", map[string]any{"note": "已电话联系"}}, {"reply", map[string]any{"reply_text": "已协调电力班组更换灯具", "resolved": true}}} {
		if code, _, m := post(t, srv, "/api/v1/tickets/"+mn+"/actions/"+step.action, handler, "k-"+step.action, step.body); code != 200 {
			t.Fatalf("%s: %d %v", step.action, code, m)
		}
	}
	if got := q(handler, "电力班组"); len(got) != 1 || got[0] != mn {
		t.Errorf("a reply's words: %v", got)
	}
	// Filters combine with q.
	if got := numbers(disp, url.Values{"q": {"路灯"}, "area": {demo.StreetBinhe}, "category": {"01"}, "channel": {"hotline"}}); !has(got, mn) || has(got, tn) {
		t.Errorf("路灯 in 滨河街道: %v", got)
	}
	if got := numbers(disp, url.Values{"q": {"路灯"}, "channel": {"web"}}); has(got, mn) {
		t.Errorf("channel web: %v", got)
	}
	if got := numbers(disp, url.Values{"q": {"路灯"}, "to": {"2000-01-01"}}); len(got) != 0 {
		t.Errorf("before 2000: %v", got)
	}
	// Bad input is a 400 in both languages.
	for _, bad := range []url.Values{{"from": {"2026-13-01"}}, {"to": {"yesterday"}}, {"q": {strings.Repeat("路", 101)}},
		{"channel": {"fax"}}, {"category": {"0 1"}}, {"from": {"2026-12-05"}, "to": {"2026-12-01"}}, {"area": {"110117"}, "area_code": {"110118"}}} {
		code, m := send(t, srv, "GET", "/api/v1/tickets?"+bad.Encode(), disp, nil)
		e, _ := m["error"].(map[string]any)
		if code != 400 || e["message"] == "" || e["message_en"] == "" {
			t.Errorf("%v: %d %v", bad, code, m)
		}
	}
}
