package api_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/config"
)

// TestOpenAPIEveryAction takes, on tickets of its own, the actions that
// TestOpenAPIAnswers does not, each request and answer checked against the
// document: with TestOpenAPIAnswers, every action of the document is taken.
func TestOpenAPIEveryAction(t *testing.T) {
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Demo: true, BcryptCost: 4, AdminPassword: "lantern-river-42"}
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	raw, err := readServed(srv)
	if err != nil {
		t.Fatal(err)
	}
	c := newOAClient(t, srv, raw)
	login := func(user string) string {
		return c.want(c.do(oaReq{method: "POST", path: "/api/v1/auth/token", body: map[string]string{"username": user, "password": "gongzhi-demo"}}), 200, "login "+user).str("token")
	}
	agent, dispatcher, handler := login("demo-agent"), login("demo-dispatcher"), login("demo-handler")
	deptHandler, supervisor, grid := login("demo-handler-dept"), login("demo-supervisor"), login("demo-grid")

	const place, cat = "110117001001", "0101"
	phone := 13911120000
	submit := func(token, what string) string {
		t.Helper()
		phone++
		body := map[string]any{"category_code": cat, "description": what, "area_code": place, "reporter_phone": itoa(phone)}
		if token == grid {
			body = map[string]any{"category_code": cat, "description": what, "area_code": place, "lat": 40.14, "lng": 117.12}
		}
		return c.want(c.do(oaReq{method: "POST", path: "/api/v1/tickets", token: token, body: body}), 201, what).str("number")
	}
	act := "/api/v1/tickets/{number}/actions/{action}"
	action := func(number, name, token string, body any) oaResp {
		t.Helper()
		return c.want(c.do(oaReq{method: "POST", path: act, args: []string{number, name}, token: token, body: body}), 200, name+" "+number)
	}
	soon := func(days int) string { return time.Now().AddDate(0, 0, days).Format(time.RFC3339) }

	// Escalated, extended, summoned, redispatched.
	first := submit(agent, "路口信号灯不亮")
	action(first, "sign", handler, nil)
	action(first, "escalate", supervisor, map[string]any{"note": "请加快办理", "within_hours": 48})
	action(first, "request_extension", handler, map[string]any{"reason": "需要协调施工", "until": soon(10)})
	action(first, "approve_extension", dispatcher, map[string]any{"note": "同意延期"})
	action(first, "whistle", handler, map[string]any{"org_codes": []string{"110117-D01"}, "within_hours": 24, "note": "请城管到场"})
	action(first, "report", deptHandler, map[string]any{"note": "已到场"})

	// A return refused; then merged into the first, which is closed.
	second := submit(agent, "路口信号灯坏了")
	action(second, "return", handler, map[string]any{"reason": "not_our_duty", "note": "不属本单位"})
	action(second, "reject_return", dispatcher, map[string]any{"note": "属于本单位"})
	action(second, "merge", dispatcher, map[string]any{"into": first, "note": "同一诉求"})
	action(first, "redispatch", dispatcher, map[string]any{"org_code": "110117-D15", "note": "改派"})
	action(first, "close", dispatcher, map[string]any{"note": "结案"})

	// Refused an extension, replied, checked on request, rated unsatisfied on
	// a follow-up call and sent back to be redone.
	third := submit(agent, "小区门口垃圾堆积")
	action(third, "sign", handler, nil)
	action(third, "request_extension", handler, map[string]any{"reason": "等待清运车", "until": soon(20)})
	action(third, "reject_extension", dispatcher, map[string]any{"note": "不予延期"})
	action(third, "contact", handler, map[string]any{"note": "已联系"})
	action(third, "reply", handler, map[string]any{"reply_text": "已清运", "resolved": true})
	action(third, "request_check", dispatcher, map[string]any{"note": "请核查"})
	action(third, "check", grid, map[string]any{"passed": true, "note": "现场已清理"})
	action(third, "rate", agent, map[string]any{"resolved": false, "satisfaction": "unsatisfied", "comment": "回访：又有堆积"})
	action(third, "redo", dispatcher, map[string]any{"note": "居民反映又有堆积"})

	// A ticket the catalogue has no rule for (1101, residence permits),
	// dispatched by hand.
	phone++
	r := c.want(c.do(oaReq{method: "POST", path: "/api/v1/tickets", token: agent, body: map[string]any{"category_code": "1101",
		"description": "居住证办理进度咨询", "area_code": place, "reporter_phone": itoa(phone)}}), 201, "a ticket without a rule")
	if r.str("status") != "registered" {
		t.Fatalf("a ticket without a rule: %s", r.raw)
	}
	action(r.str("number"), "dispatch", dispatcher, map[string]any{"org_code": "110117-D15", "note": "派单"})

	// A grid worker's own ticket, resolved on the spot with a photo.
	own := submit(grid, "楼道堆物")
	photo, ctype := oaMultipart(t, map[string]string{"purpose": "after"}, "after.png", oaPNG(t))
	c.want(c.do(oaReq{method: "POST", path: "/api/v1/tickets/{number}/attachments", args: []string{own}, token: grid, body: photo,
		header: map[string]string{"Content-Type": ctype}}), 201, "the after photo")
	action(own, "self_resolve", grid, map[string]any{"reply_text": "已现场清理"})
}
