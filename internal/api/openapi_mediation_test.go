package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// oaMediation runs people's mediation in 金谷东园社区: its committee of
// three (refused with two), a neighbours' dispute opened by the grid
// worker with the pinned body, its mediators, a session signed in person,
// the written agreement with its confirmation deadline, the application
// for judicial confirmation and the follow-up; a resident's own
// application refused by the other party; another terminated; a ticket of
// a dispute become a case under its number; the figures.
func oaMediation(t *testing.T, c *oaClient, a *app.App, admin, handler, resident string) {
	t.Helper()
	key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
	login := func(user string) string {
		return c.want(c.do(oaReq{method: "POST", path: "/api/v1/auth/token", body: map[string]string{"username": user, "password": "gongzhi-demo"}}), 200, "login "+user).str("token")
	}
	grid, dispatcher := login("demo-grid"), login("demo-dispatcher")
	const community = "110117001001"
	if err := a.Gov.UpsertOrg(context.Background(), gov.Org{Code: "TJ-JGDY", Name: "金谷东园社区人民调解委员会", Kind: gov.KindMediationCommittee, AreaCode: community}); err != nil {
		t.Fatal(err)
	}
	members := "/api/v1/mediation/committees/{code}/members"
	three := []map[string]any{{"name": "王主任", "duty": "chair"}, {"name": "李委员", "phone": "13600136001"}, {"name": "赵委员"}}
	c.want(c.do(oaReq{method: "PUT", path: members, args: []string{"TJ-JGDY"}, token: admin, body: map[string]any{"members": three[:2]}}), 400, "a committee of two")
	c.want(c.do(oaReq{method: "PUT", path: members, args: []string{"TJ-JGDY"}, token: resident, body: map[string]any{"members": three}}), 403, "a resident keeps a committee")
	r := c.want(c.do(oaReq{method: "PUT", path: members, args: []string{"TJ-JGDY"}, token: admin, body: map[string]any{"members": three}}), 200, "a committee of three")
	ms := r.m["members"].([]any)
	chair := ms[0].(map[string]any)["id"].(string)
	r = c.want(c.do(oaReq{method: "GET", path: "/api/v1/mediation/committees", token: grid, query: "area_code=" + community}), 200, "committees")
	if len(r.items()) != 1 {
		t.Fatalf("committees: %s", r.raw)
	}

	list, one := "/api/v1/mediation/cases", "/api/v1/mediation/cases/{number}"
	open := map[string]any{"source": "initiative", "dispute_type": "neighbour", "summary": "楼上漏水殃及楼下，双方争执不下。", "area_code": community,
		"parties": []map[string]any{{"name": "张三", "phone": "13900139101", "role": "applicant"}, {"name": "李四", "phone": "13900139102", "role": "respondent"}}, "risk": "yellow"}
	c.want(c.do(oaReq{method: "POST", path: list, body: open}), 401, "anonymous opens")
	c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: oaWith(open, "risk", "green")}), 400, "a green risk")
	c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: oaWith(open, "area_code", "110117002001")}), 403, "outside her area")
	r = c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: open, header: key("med-1")}), 201, "open a case")
	number := r.str("number")
	if !strings.HasPrefix(number, "TJ") || r.str("status") != "accepted" || r.str("committee") != "TJ-JGDY" {
		t.Fatalf("opened: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: open, header: key("med-1")}), 201, "open replayed")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{number}, token: resident}), 404, "a stranger reads")
	r = c.want(c.do(oaReq{method: "GET", path: one, args: []string{number}, token: grid}), 200, "the grid worker reads")
	if strings.Contains(string(r.raw), "13900139101") {
		t.Fatalf("phones masked for who does not mediate: %s", r.raw)
	}
	r = c.want(c.do(oaReq{method: "GET", path: list, token: admin, query: "risk=yellow&status=open&limit=10"}), 200, "list")
	if !strings.Contains(string(r.raw), number) {
		t.Fatalf("list: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: list, token: admin, query: "limit=0"}), 400, "limit 0")

	risk, med := one+"/risk", one+"/mediators"
	c.want(c.do(oaReq{method: "POST", path: risk, args: []string{number}, token: grid, body: map[string]any{"risk": "red"}}), 403, "the grid worker grades")
	c.want(c.do(oaReq{method: "POST", path: risk, args: []string{number}, token: admin, body: map[string]any{"risk": "orange", "note": "言语冲突"}, header: key("med-risk")}), 200, "regrade")
	c.want(c.do(oaReq{method: "POST", path: med, args: []string{number}, token: admin, body: map[string]any{"member_ids": []string{"nobody"}}}), 400, "a stranger mediates")
	c.want(c.do(oaReq{method: "POST", path: med, args: []string{number}, token: admin, body: map[string]any{"member_ids": []string{chair}, "chosen": true}}), 200, "mediators")
	at := time.Now().In(clock.BusinessZone()).Add(48 * time.Hour).Truncate(time.Minute).Format(time.RFC3339)
	c.want(c.do(oaReq{method: "POST", path: one + "/schedule", args: []string{number}, token: admin, body: map[string]any{"at": at, "place": "社区调解室"}}), 200, "schedule")
	c.want(c.do(oaReq{method: "POST", path: one + "/sessions", args: []string{number}, token: admin, body: map[string]any{"place": "社区调解室", "record": ""}}), 400, "an empty record")
	c.want(c.do(oaReq{method: "POST", path: one + "/sessions", args: []string{number}, token: admin, body: map[string]any{"place": "社区调解室", "record": "双方陈述，同意先修管道。"}}), 200, "session")
	r = c.want(c.do(oaReq{method: "POST", path: one + "/signatures", args: []string{number}, token: admin, body: map[string]any{"session": 1, "party": 1}}), 200, "signed in person")

	agreement := one + "/agreement"
	today := time.Now().In(clock.BusinessZone())
	agree := map[string]any{"content": "李四十日内修复管道并赔偿2000元。", "performance": "一次付清", "effective_on": today.Format("2006-01-02")}
	c.want(c.do(oaReq{method: "POST", path: agreement, args: []string{number}, token: admin, body: oaWith(agree, "effective_on", "31/12/2026")}), 400, "a malformed date")
	c.want(c.do(oaReq{method: "POST", path: agreement, args: []string{number}, token: grid, body: agree}), 403, "the grid worker agrees")
	r = c.want(c.do(oaReq{method: "POST", path: agreement, args: []string{number}, token: admin, body: agree, header: key("med-agree")}), 200, "agreement")
	if want := today.AddDate(0, 0, 30).Format("2006-01-02"); r.str("confirmation_deadline") != want || r.str("status") != "agreed" {
		t.Fatalf("agreement: want deadline %s: %s", want, r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: agreement, args: []string{number}, token: admin, body: agree}), 409, "agree twice")
	c.want(c.do(oaReq{method: "POST", path: one + "/confirmation", args: []string{number}, token: admin, body: map[string]any{"state": "applied", "on": today.Format("2006-01-02")}}), 200, "confirmation applied")
	c.want(c.do(oaReq{method: "POST", path: one + "/follow-up", args: []string{number}, token: admin, body: map[string]any{"performed": "partly"}}), 200, "follow-up")
	r = c.want(c.do(oaReq{method: "GET", path: one + "/events", args: []string{number}, token: admin}), 200, "events")
	if len(r.items()) < 8 {
		t.Fatalf("events: %s", r.raw)
	}

	// The resident applies; the other party refuses.
	apply := oaWith(open, "area_code", community)
	apply["parties"] = []map[string]any{{"name": "王芳", "role": "applicant"}, {"name": "钱五", "phone": "13900139103", "role": "respondent", "claim": "不同意"}}
	r = c.want(c.do(oaReq{method: "POST", path: list, token: resident, body: apply}), 201, "a resident applies")
	own := r.str("number")
	if r.str("source") != "application" || r.str("risk") != "blue" || !r.m["mine"].(bool) {
		t.Fatalf("application: %s", r.raw)
	}
	respondent := oaResidentToken(t, a, "13900139103")
	c.want(c.do(oaReq{method: "POST", path: one + "/refuse", args: []string{own}, token: resident, body: map[string]any{"party": 2}}), 403, "she refuses for him")
	r = c.want(c.do(oaReq{method: "POST", path: one + "/refuse", args: []string{own}, token: respondent, body: map[string]any{"reason": "想去法院"}}), 200, "he refuses")
	if r.str("status") != "refused" || !strings.Contains(r.str("routes"), "仲裁") {
		t.Fatalf("refused: %s", r.raw)
	}

	// Terminated without agreement.
	r = c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: open}), 201, "another case")
	other := r.str("number")
	terminate := one + "/terminate"
	c.want(c.do(oaReq{method: "POST", path: terminate, args: []string{other}, token: admin, body: map[string]any{"reason": ""}}), 400, "terminate without a reason")
	r = c.want(c.do(oaReq{method: "POST", path: terminate, args: []string{other}, token: admin, body: map[string]any{"reason": "双方分歧过大"}, header: key("med-term")}), 200, "terminate")
	if r.str("status") != "terminated" || r.str("end_reason") != "双方分歧过大" {
		t.Fatalf("terminated: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: terminate, args: []string{other}, token: admin, body: map[string]any{"reason": "再次"}}), 409, "terminate twice")
	handover := one + "/ticket"
	c.want(c.do(oaReq{method: "POST", path: handover, args: []string{other}, token: admin, body: map[string]any{}}), 400, "hand over without a category")
	r = c.want(c.do(oaReq{method: "POST", path: handover, args: []string{other}, token: admin, body: map[string]any{"category_code": "0101", "note": "请物业协助"}}), 200, "hand over as a ticket")
	if len(r.str("to_ticket")) != 14 {
		t.Fatalf("handed over: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: handover, args: []string{other}, token: admin, body: map[string]any{"category_code": "0101"}}), 409, "hand over twice")

	// A ticket becomes a case under its number.
	r = c.want(c.do(oaReq{method: "POST", path: "/api/v1/tickets", token: dispatcher, body: map[string]any{"kind": "complaint", "category_code": "0101", "description": "邻居装修噪音扰民，双方争吵",
		"area_code": community, "channel": "hotline", "reporter_name": "孙六", "reporter_phone": "13900139104"}}), 201, "a dispute's ticket")
	tk := r.str("number")
	r = c.want(c.do(oaReq{method: "POST", path: "/api/v1/mediation/tickets/{number}", args: []string{tk}, token: dispatcher, body: map[string]any{"dispute_type": "neighbour",
		"parties": []map[string]any{{"name": "孙六", "phone": "13900139104", "role": "applicant"}, {"name": "周七", "role": "respondent"}}}}), 201, "the ticket becomes a case")
	if r.str("number") != tk || r.str("ticket_number") != tk || r.str("source") != "hotline" {
		t.Fatalf("from the ticket: %s", r.raw)
	}
	r = c.want(c.do(oaReq{method: "GET", path: "/api/v1/mediation/figures", token: handler, query: "area_code=" + community}), 200, "figures")
	if n, _ := r.m["cases"].(json.Number).Int64(); n < 4 || r.m["success_rate"] == nil {
		t.Fatalf("figures: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: "/api/v1/mediation/figures", token: resident}), 403, "a resident's figures")
}
