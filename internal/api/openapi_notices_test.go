package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/app"
)

// oaNotices runs topics, announcements and disclosures: 金谷东园社区's
// committee (its grid worker) publishes an announcement that guests read,
// a resident objects and staff enter one for another resident, the
// committee answers, is refused the final while the period runs and while
// an objection waits, and finalises with the summary; a residents' topic is
// hidden from guests until its draft is published, then withdrawn; the
// supervisor reads the village committees' disclosure schedules.
func oaNotices(t *testing.T, c *oaClient, a *app.App, admin, deptHandler, supervisor, resident string) {
	t.Helper()
	ctx := context.Background()
	key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
	grid := c.want(c.do(oaReq{method: "POST", path: "/api/v1/auth/token", body: map[string]string{"username": "demo-grid", "password": "gongzhi-demo"}}), 200, "login grid").str("token")
	gridUser, err := a.Auth.UserByUsername(ctx, "demo-grid")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Proposals.VerifyResident(ctx, gridUser, "110117001001", "13800138000"); err != nil {
		t.Fatal(err)
	}
	list, one := "/api/v1/notices", "/api/v1/notices/{number}"
	pub := map[string]any{"kind": "announcement", "area_code": "110117001001", "title": "东门内侧划线停车位方案公示", "body": "拟划线停车位20个。", "notice_days": 7}
	c.want(c.do(oaReq{method: "POST", path: list, token: resident, body: pub}), 403, "a resident publishes")
	c.want(c.do(oaReq{method: "POST", path: list, body: pub}), 401, "anonymous publishes")
	c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: oaWith(pub, "kind", "poster")}), 400, "unknown kind")
	c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: oaWith(pub, "notice_days", 3)}), 400, "a period too short")
	c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: oaWith(pub, "area_code", "110117001999")}), 404, "publish in no area")
	c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: oaWith(pub, "area_code", "110117002001")}), 403, "publish outside her area")
	r := c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: pub, header: key("notice-1")}), 201, "publish")
	number := r.str("number")
	if r.str("status") != "noticing" || r.str("level") != "public" || r.h.Get("Location") != list+"/"+number {
		t.Fatalf("published: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: pub, header: key("notice-1")}), 201, "publish replayed")
	fin := map[string]any{"kind": "finance", "area_code": "110117001001", "title": "财务公开", "body": "收支如下。", "period": time.Now().AddDate(0, -1, 0).Format("2006-01"),
		"lines": []map[string]any{{"direction": "income", "item": "停车费", "amount_fen": 12000050}, {"direction": "expense", "item": "保洁", "amount_fen": 3500005}}}
	r = c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: fin}), 201, "a finance disclosure")
	if r.str("balance") != "85000.45" || r.str("income") != "120000.50" {
		t.Errorf("finance totals: %s", r.raw)
	}

	c.want(c.do(oaReq{method: "GET", path: list}), 200, "a guest's list")
	r = c.want(c.do(oaReq{method: "GET", path: list, token: resident, query: "kind=announcement&status=noticing&area_code=110117001&limit=5"}), 200, "a resident's list")
	if len(r.items()) != 1 {
		t.Errorf("announcements on notice: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: list, query: "status=bogus"}), 400, "unknown status")
	c.want(c.do(oaReq{method: "GET", path: list, query: "cursor=x"}), 400, "bad cursor")
	c.want(c.do(oaReq{method: "GET", path: list, token: "no-such-token"}), 401, "a bad token")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{number}}), 200, "a guest reads")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{"GS209901010001"}}), 404, "read nothing")

	obj, ans := one+"/objections", one+"/objections/{id}/answer"
	c.want(c.do(oaReq{method: "POST", path: obj, args: []string{number}, body: map[string]any{"text": "不同意"}}), 401, "anonymous objects")
	c.want(c.do(oaReq{method: "POST", path: obj, args: []string{number}, token: resident, body: map[string]any{"text": ""}}), 400, "an empty objection")
	c.want(c.do(oaReq{method: "POST", path: obj, args: []string{number}, token: deptHandler, body: map[string]any{"text": "代登记", "phone": "139"}}), 400, "on behalf of a malformed phone")
	r = c.want(c.do(oaReq{method: "POST", path: obj, args: []string{number}, token: resident, body: map[string]any{"text": "东门内侧是消防通道。"}, header: key("notice-obj-1")}), 201, "object")
	if !strings.Contains(string(r.raw), `"pending":1,`) || !strings.Contains(string(r.raw), `"mine":1,`) {
		t.Errorf("pending: %s", r.raw)
	}
	if strings.Contains(string(r.raw), "13800138000") {
		t.Errorf("the objector's phone in the answer: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: obj, args: []string{number}, token: grid, body: map[string]any{"text": "代老人登记：希望保留绿地。", "phone": "13900139009"}}), 201, "on a resident's behalf")
	c.want(c.do(oaReq{method: "POST", path: obj, args: []string{number}, token: resident, body: map[string]any{"text": "第二条"}}), 201, "a second")
	c.want(c.do(oaReq{method: "POST", path: obj, args: []string{number}, token: resident, body: map[string]any{"text": "第三条"}}), 201, "a third")
	c.want(c.do(oaReq{method: "POST", path: obj, args: []string{number}, token: resident, body: map[string]any{"text": "第四条"}}), 409, "a fourth")

	c.want(c.do(oaReq{method: "POST", path: ans, args: []string{number, "1"}, token: deptHandler, body: map[string]any{"text": "好"}}), 403, "another unit answers")
	c.want(c.do(oaReq{method: "POST", path: ans, args: []string{number, "1"}, body: map[string]any{"text": "好"}}), 401, "anonymous answers")
	c.want(c.do(oaReq{method: "POST", path: ans, args: []string{number, "99"}, token: grid, body: map[string]any{"text": "好"}}), 404, "answer nothing")
	c.want(c.do(oaReq{method: "POST", path: ans, args: []string{number, "1"}, token: grid, body: map[string]any{"changed": true}}), 400, "an answer without its text")
	r = c.want(c.do(oaReq{method: "POST", path: ans, args: []string{number, "1"}, token: grid, body: map[string]any{"text": "采纳，改划在西侧。", "changed": true}, header: key("notice-ans-1")}), 200, "answer")
	if !strings.Contains(string(r.raw), `"changed":true`) {
		t.Errorf("answered: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: ans, args: []string{number, "1"}, token: grid, body: map[string]any{"text": "再答"}}), 409, "answer twice")

	final := one + "/finalise"
	c.want(c.do(oaReq{method: "POST", path: final, args: []string{number}, token: grid, body: map[string]any{"summary": "说明"}}), 409, "final during the period")
	past := time.Now().Add(-time.Second).UnixMilli()
	if _, err := a.DB.W.Exec(`UPDATE notices SET notice_from = $2, notice_until = $3 WHERE number = $1`, number, past-8*86400000, past); err != nil {
		t.Fatal(err)
	}
	if st, err := a.Notices.EndPeriods(ctx); err != nil || st.Answering != 1 {
		t.Fatalf("end of the period: %+v %v", st, err)
	}
	c.want(c.do(oaReq{method: "POST", path: obj, args: []string{number}, token: resident, body: map[string]any{"text": "迟到的异议"}}), 409, "object after the period")
	c.want(c.do(oaReq{method: "POST", path: final, args: []string{number}, token: grid, body: map[string]any{"summary": "说明"}}), 409, "final with objections unanswered")
	for _, id := range []string{"2", "3", "4"} {
		c.want(c.do(oaReq{method: "POST", path: ans, args: []string{number, id}, token: grid, body: map[string]any{"text": "已说明，方案不变。"}}), 200, "answer "+id)
	}
	c.want(c.do(oaReq{method: "POST", path: final, args: []string{number}, token: grid, body: map[string]any{}}), 400, "final without the summary")
	c.want(c.do(oaReq{method: "POST", path: final, args: []string{number}, token: deptHandler, body: map[string]any{"summary": "说明"}}), 403, "another unit finalises")
	c.want(c.do(oaReq{method: "POST", path: final, args: []string{number}, body: map[string]any{"summary": "说明"}}), 401, "anonymous finalises")
	r = c.want(c.do(oaReq{method: "POST", path: final, args: []string{number}, token: grid, body: map[string]any{"summary": "收到异议4条，采纳1条：车位改划在西侧。"}, header: key("notice-final-1")}), 200, "finalise")
	if r.str("status") != "final" || len(r.m["objection_list"].([]any)) != 4 {
		t.Fatalf("final: %s", r.raw)
	}

	topic := map[string]any{"kind": "topic", "area_code": "110117001001", "title": "是否增设快递柜", "body": "请发表意见。", "draft": true, "comment_days": 7}
	r = c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: topic}), 201, "a draft topic")
	tn := r.str("number")
	if r.str("status") != "draft" || r.str("level") != "residents" {
		t.Fatalf("draft: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{tn}, token: resident}), 404, "a resident reads a draft")
	edit := map[string]any{"title": "是否在东门增设快递柜", "body": "请发表意见，征集期10天。", "comment_days": 10, "level": "residents"}
	c.want(c.do(oaReq{method: "PUT", path: one, args: []string{tn}, token: resident, body: edit}), 404, "a resident edits a draft")
	c.want(c.do(oaReq{method: "PUT", path: one, args: []string{tn}, token: grid, body: map[string]any{"title": "", "body": "x"}}), 400, "edit to an empty title")
	r = c.want(c.do(oaReq{method: "PUT", path: one, args: []string{tn}, token: grid, body: edit}), 200, "edit the draft")
	if r.str("title") != "是否在东门增设快递柜" || r.str("level") != "residents" || fmt.Sprint(r.m["comment_days"]) != "10" {
		t.Fatalf("edited: %s", r.raw)
	}
	open := one + "/open"
	c.want(c.do(oaReq{method: "POST", path: open, args: []string{tn}, token: resident, body: map[string]any{}}), 404, "a resident opens a draft")
	c.want(c.do(oaReq{method: "POST", path: open, args: []string{tn}, body: map[string]any{}}), 401, "anonymous opens")
	c.want(c.do(oaReq{method: "POST", path: open, args: []string{tn}, token: grid, body: map[string]any{"notice_days": 99}}), 400, "open with a period too long")
	r = c.want(c.do(oaReq{method: "POST", path: open, args: []string{tn}, token: grid, body: map[string]any{}, header: key("notice-open-1")}), 200, "open")
	c.want(c.do(oaReq{method: "PUT", path: one, args: []string{tn}, token: grid, body: edit}), 409, "edit once published")
	if r.str("status") != "commenting" {
		t.Fatalf("opened: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: open, args: []string{tn}, token: grid, body: map[string]any{"decision": "增设", "summary": "赞成多"}}), 409, "decide during the comments")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{tn}}), 404, "a guest reads a residents' topic")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{tn}, token: resident}), 200, "a resident of the community reads it")
	wd := one + "/withdraw"
	c.want(c.do(oaReq{method: "POST", path: wd, args: []string{tn}, token: grid, body: map[string]any{"reason": ""}}), 400, "withdraw without a reason")
	c.want(c.do(oaReq{method: "POST", path: wd, args: []string{tn}, body: map[string]any{"reason": "x"}}), 401, "anonymous withdraws")
	c.want(c.do(oaReq{method: "POST", path: wd, args: []string{tn}, token: admin, body: map[string]any{"reason": "与物业方案重复"}, header: key("notice-wd-1")}), 200, "withdraw")
	c.want(c.do(oaReq{method: "POST", path: wd, args: []string{number}, token: grid, body: map[string]any{"reason": "x"}}), 409, "withdraw a final item")

	due := "/api/v1/disclosure-schedules/due"
	r = c.want(c.do(oaReq{method: "GET", path: due, token: supervisor}), 200, "schedules")
	if len(r.items()) == 0 {
		t.Errorf("no schedules for the district's supervisor: %.300s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: due, token: resident}), 403, "a resident reads schedules")
	c.want(c.do(oaReq{method: "GET", path: due}), 401, "anonymous schedules")
}
