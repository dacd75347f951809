package api_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/config"
)

func TestOpenAPIAnswers(t *testing.T) {
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Demo: true, BcryptCost: 4, AdminPassword: "lantern-river-42"}
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)

	// The document is served as it is kept.
	resp, err := http.Get(srv.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	served, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET /api/v1/openapi.json: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	kept, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(served, kept) {
		t.Fatal("the served document is not openapi.json")
	}
	c := newOAClient(t, srv, served)
	c.want(c.do(oaReq{method: "GET", path: "/api/v1/openapi.json"}), 200, "openapi.json")

	const (
		place = "110117001001" // 金谷东园社区, handled by 滨河街道办事处
		cat   = "0101"
	)

	// Tokens.
	tokenPath := "/api/v1/auth/token"
	login := func(user, pass string) string {
		r := c.want(c.do(oaReq{method: "POST", path: tokenPath, body: map[string]string{"username": user, "password": pass}}), 200, "login "+user)
		return r.str("token")
	}
	admin := login("admin", "lantern-river-42")
	agent := login("demo-agent", "gongzhi-demo")
	dispatcher := login("demo-dispatcher", "gongzhi-demo")
	handler := login("demo-handler", "gongzhi-demo")
	deptHandler := login("demo-handler-dept", "gongzhi-demo")
	supervisor := login("demo-supervisor", "gongzhi-demo")
	c.want(c.do(oaReq{method: "POST", path: tokenPath, body: map[string]string{"username": "demo-agent", "password": "wrong-password"}}), 401, "wrong password")
	c.want(c.do(oaReq{method: "POST", path: tokenPath, body: map[string]string{}}), 400, "no credentials")
	c.want(c.do(oaReq{method: "POST", path: tokenPath, body: []byte(`{"username":`)}), 400, "malformed JSON")
	c.want(c.do(oaReq{method: "POST", path: tokenPath, body: bytes.Repeat([]byte(" "), 1<<20+10)}), 413, "body over 1 MB")
	c.want(c.do(oaReq{method: "POST", path: tokenPath, body: map[string]string{"username": "demo-agent", "password": "gongzhi-demo"},
		token: "no-such-token", header: map[string]string{"Idempotency-Key": "login-1"}}), 401, "idempotent call with a bad token")

	// A resident logs in with a one-time code.
	codePath := "/api/v1/auth/code"
	const phone = "13800138000"
	r := c.want(c.do(oaReq{method: "POST", path: codePath, body: map[string]string{"phone": phone}}), 202, "code")
	devCode := r.str("dev_code")
	if devCode == "" {
		t.Fatalf("no dev_code in demo mode: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: codePath, body: map[string]string{"phone": phone}}), 429, "code again within a minute")
	c.want(c.do(oaReq{method: "POST", path: codePath, body: map[string]string{"phone": "12345"}}), 400, "code for a bad phone")
	c.want(c.do(oaReq{method: "POST", path: tokenPath, body: map[string]string{"phone": phone, "code": "000000x"}}), 401, "wrong code")
	r = c.want(c.do(oaReq{method: "POST", path: tokenPath, body: map[string]string{"phone": phone, "code": devCode}}), 200, "resident login")
	resident := r.str("token")

	// Accounts.
	usersPath := "/api/v1/users"
	newUser := map[string]string{"username": "oa-handler", "password": "password-123", "name": "测试承办", "role": "handler",
		"org_code": "110117001-SO", "area_code": "110117001"}
	c.want(c.do(oaReq{method: "POST", path: usersPath, token: admin, body: newUser, header: map[string]string{"Idempotency-Key": "user-1"}}), 201, "create user")
	r = c.want(c.do(oaReq{method: "POST", path: usersPath, token: admin, body: newUser, header: map[string]string{"Idempotency-Key": "user-1"}}), 201, "create user again")
	if r.h.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry not replayed: %v", r.h)
	}
	c.want(c.do(oaReq{method: "POST", path: usersPath, token: admin, body: newUser, header: map[string]string{"Idempotency-Key": "user-2"}}), 409, "same username")
	c.want(c.do(oaReq{method: "POST", path: usersPath, token: admin, body: map[string]string{"username": "oa-x", "role": "king"}}), 400, "unknown role")
	c.want(c.do(oaReq{method: "POST", path: usersPath, token: admin, body: newUser, header: map[string]string{"Idempotency-Key": "user-1"}}), 201, "replay")
	c.want(c.do(oaReq{method: "POST", path: usersPath, token: admin, body: map[string]string{"username": "oa-y", "password": "password-123", "name": "测试承办", "role": "handler",
		"org_code": "110117001-SO", "area_code": "110117001"}, header: map[string]string{"Idempotency-Key": "user-1"}}), 409, "key reused for another body")
	c.want(c.do(oaReq{method: "POST", path: usersPath, token: admin, body: newUser, header: map[string]string{"Idempotency-Key": "bad key"}}), 400, "malformed key")
	c.want(c.do(oaReq{method: "POST", path: usersPath, token: dispatcher, body: newUser}), 403, "dispatcher creates a user")
	c.want(c.do(oaReq{method: "POST", path: usersPath, body: newUser}), 401, "anonymous creates a user")
	r = c.want(c.do(oaReq{method: "GET", path: usersPath, token: admin}), 200, "users")
	var agentID string
	for _, u := range r.items() {
		if u := u.(map[string]any); u["username"] == "demo-agent" {
			agentID = u["id"].(string)
		}
	}
	c.want(c.do(oaReq{method: "GET", path: usersPath, token: agent}), 403, "agent lists users")
	c.want(c.do(oaReq{method: "GET", path: usersPath}), 401, "anonymous lists users")
	c.want(c.do(oaReq{method: "GET", path: usersPath, token: "no-such-token"}), 401, "bad token")
	c.want(c.do(oaReq{method: "GET", path: usersPath, header: map[string]string{"Authorization": "Basic eDp5"}}), 401, "not a bearer token")

	// Reference data.
	c.want(c.do(oaReq{method: "GET", path: "/api/v1/areas"}), 200, "areas")
	c.want(c.do(oaReq{method: "GET", path: "/api/v1/areas", query: "parent=110117001"}), 200, "areas under a street")
	c.want(c.do(oaReq{method: "GET", path: "/api/v1/areas", query: "parent=%21"}), 400, "bad parent")
	c.want(c.do(oaReq{method: "GET", path: "/api/v1/orgs"}), 200, "orgs")
	c.want(c.do(oaReq{method: "GET", path: "/api/v1/orgs", query: "kind=street_office&area_code=110117001"}), 200, "orgs of a kind")
	c.want(c.do(oaReq{method: "GET", path: "/api/v1/orgs", query: "area_code=%21"}), 400, "bad area")
	c.want(c.do(oaReq{method: "GET", path: "/api/v1/categories"}), 200, "categories")
	c.want(c.do(oaReq{method: "GET", path: "/api/v1/categories/search", query: "q=jxhj"}), 200, "category search")
	c.want(c.do(oaReq{method: "GET", path: "/api/v1/categories/search", query: "q=01&limit=3", token: agent}), 200, "category search by code")
	c.want(c.do(oaReq{method: "GET", path: "/api/v1/categories/search", query: "q=x&limit=0"}), 400, "limit 0")
	c.want(c.do(oaReq{method: "GET", path: "/api/v1/categories/search", query: "q=" + strings.Repeat("x", 51)}), 400, "long search")

	// Tickets.
	tickets := "/api/v1/tickets"
	submit := func(token string, body map[string]any, what string) string {
		t.Helper()
		return c.want(c.do(oaReq{method: "POST", path: tickets, token: token, body: body}), 201, what).str("number")
	}
	guestTicket := submit("", map[string]any{"kind": "complaint", "category_code": cat, "description": "楼下井盖缺失，晚上很危险", "area_code": place,
		"reporter_phone": "13911112222", "reporter_name": "王女士"}, "guest submits")
	lat, lng := 40.1400, 117.1200
	agentTicket := submit(agent, map[string]any{"kind": "complaint", "category_code": cat, "description": "楼下井盖缺失，夜里有人差点掉下去", "area_code": place,
		"lat": lat, "lng": lng, "address": "金谷东园3号楼", "reporter_phone": "13911113333", "confidential": true, "urgency": "urgent"}, "agent registers a call")
	residentTicket := submit(resident, map[string]any{"category_code": cat, "description": "小区路灯坏了三天", "area_code": place, "channel": "app"}, "resident submits")
	consultation := submit(agent, map[string]any{"kind": "consultation", "category_code": "0602", "description": "社保卡丢了怎么补办", "area_code": place,
		"reporter_phone": "13911114444"}, "agent registers a consultation")
	spam := submit("", map[string]any{"category_code": cat, "description": "广告广告广告", "area_code": place, "reporter_phone": "13911115555"}, "guest spam")
	r = c.want(c.do(oaReq{method: "POST", path: tickets, token: agent, body: map[string]any{"category_code": cat, "description": "重复提交测试", "area_code": place,
		"reporter_phone": "13911116666"}, header: map[string]string{"Idempotency-Key": "ticket-1"}}), 201, "ticket with a key")
	if r.h.Get("Location") != tickets+"/"+r.str("number") {
		t.Errorf("Location %q", r.h.Get("Location"))
	}
	r = c.want(c.do(oaReq{method: "POST", path: tickets, token: agent, body: map[string]any{"category_code": cat, "description": "重复提交测试", "area_code": place,
		"reporter_phone": "13911116666"}, header: map[string]string{"Idempotency-Key": "ticket-1"}}), 201, "ticket retried")
	if r.h.Get("Idempotent-Replayed") != "true" {
		t.Fatal("ticket retry not replayed")
	}
	c.want(c.do(oaReq{method: "POST", path: tickets, body: map[string]any{"category_code": cat, "area_code": place, "reporter_phone": "13911117777"}}), 400, "no description")
	c.want(c.do(oaReq{method: "POST", path: tickets, body: map[string]any{"category_code": cat, "description": "急", "area_code": place,
		"reporter_phone": "13911117777", "urgency": "emergency"}}), 400, "guest sets urgency")
	c.want(c.do(oaReq{method: "POST", path: tickets, body: map[string]any{"lat": "north"}}), 400, "wrong type")
	c.want(c.do(oaReq{method: "POST", path: tickets, token: "no-such-token", body: map[string]any{"category_code": cat, "description": "路灯不亮", "area_code": place}}), 401, "bad token")
	c.want(c.do(oaReq{method: "POST", path: tickets, token: supervisor, body: map[string]any{"category_code": cat, "description": "督查", "area_code": place,
		"reporter_phone": "13911118888"}}), 403, "supervisor registers")

	// Exports of a list.
	c.want(c.do(oaReq{method: "GET", path: tickets + "/export", token: dispatcher, query: "format=csv"}), 200, "export csv")
	c.want(c.do(oaReq{method: "GET", path: tickets + "/export", token: dispatcher, query: "format=xlsx&status=dispatched"}), 200, "export xlsx")
	c.want(c.do(oaReq{method: "GET", path: tickets + "/export", token: dispatcher, query: "format=pdf"}), 400, "export pdf")
	c.want(c.do(oaReq{method: "GET", path: tickets + "/export", query: "format=csv"}), 401, "export without a token")
	c.want(c.do(oaReq{method: "GET", path: tickets + "/export", token: resident, query: "format=csv"}), 403, "resident exports")

	// Lists.
	r = c.want(c.do(oaReq{method: "GET", path: tickets, token: dispatcher, query: "limit=2"}), 200, "list")
	if r.str("next_cursor") == "" {
		t.Fatalf("no next_cursor: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: tickets, token: dispatcher, query: "limit=2&cursor=" + r.str("next_cursor")}), 200, "next page")
	c.want(c.do(oaReq{method: "GET", path: tickets, token: dispatcher, query: "status=dispatched&area_code=110117001&light=none&overdue=false"}), 200, "filtered list")
	c.want(c.do(oaReq{method: "GET", path: tickets, token: handler, query: "part=lead"}), 200, "handler's list")
	c.want(c.do(oaReq{method: "GET", path: tickets, token: resident}), 200, "resident's list")
	for _, q := range []string{"light=blue", "overdue=maybe", "limit=101", "status=lost", "cursor=%21%21"} {
		c.want(c.do(oaReq{method: "GET", path: tickets, token: dispatcher, query: q}), 400, q)
	}
	c.want(c.do(oaReq{method: "GET", path: tickets, token: handler, query: "part=everything"}), 400, "bad part")
	c.want(c.do(oaReq{method: "GET", path: tickets, token: handler, query: "org_code=110117-D01"}), 403, "handler lists another unit")
	c.want(c.do(oaReq{method: "GET", path: tickets}), 401, "anonymous list")

	// One ticket, its timeline.
	one, events := tickets+"/{number}", tickets+"/{number}/events"
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{agentTicket}, token: dispatcher}), 200, "ticket")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{agentTicket}, token: handler}), 200, "ticket for its unit")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{residentTicket}, token: resident}), 200, "resident's ticket")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{guestTicket}, token: resident}), 404, "someone else's ticket")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{agentTicket}, token: deptHandler}), 403, "another unit's ticket")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{"ZZZZ-00000000"}, token: dispatcher}), 404, "no such ticket")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{agentTicket}}), 401, "anonymous ticket")
	c.want(c.do(oaReq{method: "GET", path: events, args: []string{agentTicket}, token: dispatcher}), 200, "events")
	c.want(c.do(oaReq{method: "GET", path: events, args: []string{"ZZZZ-00000000"}, token: dispatcher}), 404, "events of no ticket")
	c.want(c.do(oaReq{method: "GET", path: events, args: []string{agentTicket}, token: deptHandler}), 403, "events of another unit's ticket")
	c.want(c.do(oaReq{method: "GET", path: events, args: []string{agentTicket}}), 401, "anonymous events")

	// Actions: the loop of the resident's ticket, with exceptions on the others.
	act := tickets + "/{number}/actions/{action}"
	action := func(number, name, token string, body any, code int) oaResp {
		t.Helper()
		return c.want(c.do(oaReq{method: "POST", path: act, args: []string{number, name}, token: token, body: body}), code, name+" "+number)
	}
	r = action(residentTicket, "sign", handler, nil, 200)
	if r.str("status") != "signed" {
		t.Fatalf("sign: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: act, args: []string{residentTicket, "contact"}, token: handler, body: map[string]any{"note": "已电话联系"},
		header: map[string]string{"Idempotency-Key": "contact-1"}}), 200, "contact")
	r = c.want(c.do(oaReq{method: "POST", path: act, args: []string{residentTicket, "contact"}, token: handler, body: map[string]any{"note": "已电话联系"},
		header: map[string]string{"Idempotency-Key": "contact-1"}}), 200, "contact retried")
	if r.h.Get("Idempotent-Replayed") != "true" {
		t.Fatal("action retry not replayed")
	}
	action(residentTicket, "reply", handler, map[string]any{"reply_text": "已更换路灯"}, 400)
	action(residentTicket, "reply", handler, map[string]any{"reply_text": "已更换路灯", "resolved": true}, 200)
	action(residentTicket, "rate", resident, map[string]any{"resolved": true, "satisfaction": "great"}, 400)
	r = action(residentTicket, "rate", resident, map[string]any{"resolved": true, "satisfaction": "satisfied", "comment": "很快"}, 200)
	if r.m["rating"] == nil {
		t.Fatalf("no rating: %s", r.raw)
	}
	if r.str("status") != "closed" {
		action(residentTicket, "close", dispatcher, map[string]any{"note": "结案"}, 200)
	}
	action(residentTicket, "sign", handler, nil, 409)
	c.want(c.do(oaReq{method: "POST", path: act, args: []string{residentTicket, "fly"}, token: handler, offDoc: true}), 404, "an action not in the document")
	action(residentTicket, "sign", "", nil, 401)

	action(agentTicket, "sign", handler, map[string]any{}, 200)
	action(agentTicket, "dispatch", handler, map[string]any{"org_code": "110117-D01"}, 403)
	action(agentTicket, "add_helper", dispatcher, map[string]any{"org_code": "110117-D15", "note": "请协办"}, 200)
	action(agentTicket, "whistle", dispatcher, map[string]any{"org_codes": []string{"110117-D15"}, "within_hours": 24, "note": "吹哨报到"}, 200)
	action(agentTicket, "remind", dispatcher, map[string]any{"note": "请尽快处理"}, 200)
	action(agentTicket, "request_extension", handler, map[string]any{"reason": "需要协调施工", "until": time.Now().Add(10 * 24 * time.Hour).Format(time.RFC3339)}, 200)
	r = c.want(c.do(oaReq{method: "GET", path: one, args: []string{agentTicket}, token: dispatcher}), 200, "ticket with helpers and summons")
	if r.m["helpers"] == nil || r.m["summons"] == nil || r.m["extension_until"] == nil {
		t.Fatalf("helpers, summons, extension: %s", r.raw)
	}
	action(guestTicket, "return", handler, map[string]any{"reason": "not_our_duty", "note": "不属本单位"}, 200)
	action(guestTicket, "approve_return", dispatcher, map[string]any{"org_code": "110117-D15"}, 200)
	action(consultation, "answer", agent, map[string]any{"reply_text": "携带身份证到社保服务中心补办"}, 200)
	action(spam, "invalidate", dispatcher, map[string]any{"reason": "spam"}, 200)
	c.want(c.do(oaReq{method: "GET", path: events, args: []string{agentTicket}, token: dispatcher}), 200, "events after actions")
	c.want(c.do(oaReq{method: "GET", path: tickets, token: handler, query: "part=helper"}), 200, "helper list")

	// Photos.
	pic := oaPNG(t)
	attach, attachment := tickets+"/{number}/attachments", tickets+"/{number}/attachments/{id}"
	upload := func(number, token string, fields map[string]string, data []byte, code int, what string) oaResp {
		t.Helper()
		body, ctype := oaMultipart(t, fields, "photo.png", data)
		return c.want(c.do(oaReq{method: "POST", path: attach, args: []string{number}, token: token, body: body,
			header: map[string]string{"Content-Type": ctype}}), code, what)
	}
	r = upload(agentTicket, handler, map[string]string{"purpose": "before"}, pic, 201, "handler's before photo")
	photo := r.str("id")
	upload(agentTicket, handler, map[string]string{"purpose": "before"}, []byte("not an image at all"), 400, "not an image")
	upload(agentTicket, "", nil, pic, 401, "anonymous upload")
	upload(agentTicket, deptHandler, nil, pic, 403, "another unit's upload")
	upload("ZZZZ-00000000", handler, nil, pic, 404, "upload to no ticket")
	upload(residentTicket, resident, nil, pic, 409, "upload to a closed ticket")
	c.want(c.do(oaReq{method: "POST", path: attach, args: []string{agentTicket}, token: handler, body: []byte(`{}`)}), 400, "not multipart")
	big := make([]byte, 10<<20+100<<10)
	upload(agentTicket, handler, nil, big, 413, "upload over 10 MB")
	c.want(c.do(oaReq{method: "GET", path: attach, args: []string{agentTicket}, token: dispatcher}), 200, "photos")
	c.want(c.do(oaReq{method: "GET", path: attach, args: []string{agentTicket}, token: deptHandler}), 403, "another unit's photos")
	c.want(c.do(oaReq{method: "GET", path: attach, args: []string{"ZZZZ-00000000"}, token: dispatcher}), 404, "photos of no ticket")
	c.want(c.do(oaReq{method: "GET", path: attach, args: []string{agentTicket}}), 401, "anonymous photos")
	r = c.want(c.do(oaReq{method: "GET", path: one, args: []string{agentTicket}, token: dispatcher}), 200, "ticket with photos")
	if atts, _ := r.m["attachments"].([]any); len(atts) != 1 {
		t.Fatalf("attachments: %s", r.raw)
	}
	r = c.want(c.do(oaReq{method: "GET", path: attachment, args: []string{agentTicket, photo}, token: dispatcher}), 200, "photo")
	if !bytes.Equal(r.raw, pic) {
		t.Fatal("the photo came back changed")
	}
	c.want(c.do(oaReq{method: "GET", path: attachment, args: []string{agentTicket, photo}, token: dispatcher, query: "thumb=1"}), 200, "thumbnail")
	c.want(c.do(oaReq{method: "GET", path: attachment, args: []string{agentTicket, photo}, token: dispatcher,
		header: map[string]string{"If-None-Match": r.h.Get("ETag")}}), 304, "not modified")
	c.want(c.do(oaReq{method: "GET", path: attachment, args: []string{agentTicket, photo}, token: dispatcher,
		header: map[string]string{"Range": "bytes=0-9"}}), 206, "range")
	c.want(c.do(oaReq{method: "GET", path: attachment, args: []string{agentTicket, photo}, token: dispatcher,
		header: map[string]string{"Range": "bytes=99999999-"}}), 416, "range past the end")
	c.want(c.do(oaReq{method: "GET", path: attachment, args: []string{agentTicket, photo}, token: dispatcher, query: "thumb=maybe"}), 400, "bad thumb")
	c.want(c.do(oaReq{method: "GET", path: attachment, args: []string{agentTicket, "nope"}, token: dispatcher}), 404, "no such photo")
	c.want(c.do(oaReq{method: "GET", path: attachment, args: []string{agentTicket, photo}, token: deptHandler}), 403, "another unit's photo")
	c.want(c.do(oaReq{method: "GET", path: attachment, args: []string{agentTicket, photo}}), 401, "anonymous photo")

	// The console: caller history, duplicates.
	callers := "/api/v1/callers/{phone}/tickets"
	r = c.want(c.do(oaReq{method: "GET", path: callers, args: []string{"13911113333"}, token: agent}), 200, "caller history")
	if len(r.items()) != 1 {
		t.Fatalf("caller history: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: callers, args: []string{"13911113333"}, token: agent, query: "limit=99"}), 400, "caller history limit")
	c.want(c.do(oaReq{method: "GET", path: callers, args: []string{"12345"}, token: agent}), 400, "caller history bad phone")
	c.want(c.do(oaReq{method: "GET", path: callers, args: []string{"13911113333"}, token: handler}), 403, "handler looks up a caller")
	c.want(c.do(oaReq{method: "GET", path: callers, args: []string{"13911113333"}}), 401, "anonymous looks up a caller")
	dups := "/api/v1/duplicates"
	r = c.want(c.do(oaReq{method: "POST", path: dups, token: agent, body: map[string]any{"category_code": cat, "description": "井盖缺失", "area_code": place,
		"lat": lat + 0.0005, "lng": lng}}), 200, "duplicates")
	if len(r.items()) == 0 {
		t.Fatalf("no duplicates: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: dups, token: agent, body: map[string]any{"area_code": "%%"}}), 400, "duplicates bad area")
	c.want(c.do(oaReq{method: "POST", path: dups, token: resident, body: map[string]any{"category_code": cat, "description": "井盖缺失", "area_code": place}}), 403, "resident duplicates")
	c.want(c.do(oaReq{method: "POST", path: dups, body: map[string]any{"category_code": cat, "description": "井盖缺失", "area_code": place}}), 401, "anonymous duplicates")
	c.want(c.do(oaReq{method: "POST", path: dups, token: agent, body: bytes.Repeat([]byte(" "), 1<<20+1)}), 413, "duplicates body too large")

	// The dispatchers' likely duplicates.
	pairs := "/api/v1/insight/duplicates"
	c.want(c.do(oaReq{method: "GET", path: pairs, token: dispatcher}), 200, "duplicate pairs")
	c.want(c.do(oaReq{method: "GET", path: pairs, token: supervisor, query: "limit=5"}), 200, "duplicate pairs of a supervisor")
	c.want(c.do(oaReq{method: "GET", path: pairs, token: dispatcher, query: "limit=0"}), 400, "duplicate pairs bad limit")
	c.want(c.do(oaReq{method: "GET", path: pairs, token: agent}), 403, "agent lists duplicate pairs")
	c.want(c.do(oaReq{method: "GET", path: pairs}), 401, "anonymous lists duplicate pairs")

	// The knowledge base.
	kbPath, kbOne := "/api/v1/kb", "/api/v1/kb/{id}"
	r = c.want(c.do(oaReq{method: "GET", path: kbPath, token: agent, query: "q=社保卡"}), 200, "kb search")
	if len(r.items()) == 0 {
		t.Fatalf("kb search found nothing: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: kbPath, token: agent, query: "category_code=0403&limit=5"}), 200, "kb by category")
	c.want(c.do(oaReq{method: "GET", path: kbPath, token: agent, query: "limit=51"}), 400, "kb limit")
	c.want(c.do(oaReq{method: "GET", path: kbPath, token: resident}), 403, "resident kb")
	c.want(c.do(oaReq{method: "GET", path: kbPath}), 401, "anonymous kb")
	c.want(c.do(oaReq{method: "GET", path: kbOne, args: []string{"demo-kb-01"}, token: agent}), 200, "kb article")
	c.want(c.do(oaReq{method: "GET", path: kbOne, args: []string{"nope"}, token: agent}), 404, "no kb article")
	c.want(c.do(oaReq{method: "GET", path: kbOne, args: []string{"demo-kb-01"}, token: resident}), 403, "resident kb article")
	c.want(c.do(oaReq{method: "GET", path: kbOne, args: []string{"demo-kb-01"}}), 401, "anonymous kb article")
	article := map[string]any{"category_code": "0602", "title": "医保卡补办", "body": "到医保服务大厅补办", "keywords": "医保 补办", "active": true}
	r = c.want(c.do(oaReq{method: "POST", path: kbPath, token: admin, body: article, header: map[string]string{"Idempotency-Key": "kb-1"}}), 201, "new article")
	artID := r.str("id")
	c.want(c.do(oaReq{method: "POST", path: kbPath, token: admin, body: map[string]any{"title": ""}}), 400, "article without title")
	c.want(c.do(oaReq{method: "POST", path: kbPath, token: agent, body: article}), 403, "agent writes an article")
	c.want(c.do(oaReq{method: "POST", path: kbPath, body: article}), 401, "anonymous writes an article")
	c.want(c.do(oaReq{method: "PUT", path: kbOne, args: []string{artID}, token: admin, body: oaWith(article, "title", "医保卡挂失与补办")}), 200, "edit article")
	c.want(c.do(oaReq{method: "PUT", path: kbOne, args: []string{"nope"}, token: admin, body: article}), 404, "edit no article")
	c.want(c.do(oaReq{method: "PUT", path: kbOne, args: []string{artID}, token: admin, body: oaWith(article, "body", "")}), 400, "edit to no body")
	c.want(c.do(oaReq{method: "PUT", path: kbOne, args: []string{artID}, token: agent, body: article}), 403, "agent edits")
	c.want(c.do(oaReq{method: "PUT", path: kbOne, args: []string{artID}, body: article}), 401, "anonymous edits")
	c.want(c.do(oaReq{method: "PUT", path: kbOne, args: []string{artID}, token: admin, body: bytes.Repeat([]byte(" "), 1<<20+1)}), 413, "edit too large")
	c.want(c.do(oaReq{method: "DELETE", path: kbOne, args: []string{artID}, token: agent}), 403, "agent deletes")
	c.want(c.do(oaReq{method: "DELETE", path: kbOne, args: []string{artID}}), 401, "anonymous deletes")
	c.want(c.do(oaReq{method: "DELETE", path: kbOne, args: []string{artID}, token: admin}), 204, "delete article")
	c.want(c.do(oaReq{method: "DELETE", path: kbOne, args: []string{artID}, token: admin}), 404, "delete again")

	// API keys.
	keys, key := "/api/v1/apikeys", "/api/v1/apikeys/{id}"
	r = c.want(c.do(oaReq{method: "POST", path: keys, token: admin, body: map[string]string{"name": "上报系统", "user_id": agentID},
		header: map[string]string{"Idempotency-Key": "key-1"}}), 201, "new key")
	keyID, _ := r.m["api_key"].(map[string]any)["id"].(string)
	c.want(c.do(oaReq{method: "POST", path: keys, token: admin, body: map[string]string{"name": "x", "user_id": "nobody"}}), 400, "key for nobody")
	c.want(c.do(oaReq{method: "POST", path: keys, token: dispatcher, body: map[string]string{"name": "x", "user_id": agentID}}), 403, "dispatcher makes a key")
	c.want(c.do(oaReq{method: "POST", path: keys, body: map[string]string{"name": "x", "user_id": agentID}}), 401, "anonymous makes a key")
	c.want(c.do(oaReq{method: "DELETE", path: key, args: []string{keyID}, token: admin}), 204, "revoke")
	c.want(c.do(oaReq{method: "DELETE", path: key, args: []string{"nope"}, token: admin}), 404, "revoke no key")
	c.want(c.do(oaReq{method: "DELETE", path: key, args: []string{keyID}, token: dispatcher}), 403, "dispatcher revokes")
	c.want(c.do(oaReq{method: "DELETE", path: key, args: []string{keyID}}), 401, "anonymous revokes")
	r = c.want(c.do(oaReq{method: "GET", path: keys, token: admin}), 200, "keys")
	if len(r.items()) != 1 {
		t.Fatalf("keys: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: keys, token: dispatcher}), 403, "dispatcher lists keys")
	c.want(c.do(oaReq{method: "GET", path: keys}), 401, "anonymous lists keys")

	// The audit log.
	auditPath := "/api/v1/audit"
	r = c.want(c.do(oaReq{method: "GET", path: auditPath, token: admin, query: "phone=13911113333&limit=5"}), 200, "audit by phone")
	if len(r.items()) == 0 {
		t.Fatalf("the caller look-up is not found by its phone: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: auditPath, token: admin, query: "actor=demo-agent&from=2020-01-01&to=2099-12-31&limit=1"}), 200, "audit by actor")
	c.want(c.do(oaReq{method: "GET", path: auditPath, token: admin, query: "from=yesterday"}), 400, "audit bad time")
	c.want(c.do(oaReq{method: "GET", path: auditPath, token: dispatcher}), 403, "dispatcher reads the audit log")
	c.want(c.do(oaReq{method: "GET", path: auditPath}), 401, "anonymous reads the audit log")

	// Time limits.
	tl := "/api/v1/timelimits"
	line := map[string]any{"category_code": cat, "urgency": "urgent", "sign": "1h", "contact": "4h", "complete": "1d"}
	c.want(c.do(oaReq{method: "GET", path: tl, token: handler}), 200, "time limits")
	c.want(c.do(oaReq{method: "GET", path: tl}), 401, "anonymous time limits")
	c.want(c.do(oaReq{method: "PUT", path: tl, token: admin, body: line}), 200, "set a limit")
	c.want(c.do(oaReq{method: "PUT", path: tl, token: admin, body: oaWith(oaWith(line, "kind", "help"), "complete", "24ch")}), 200, "set a limit for a kind")
	c.want(c.do(oaReq{method: "PUT", path: tl, token: admin, body: oaWith(line, "sign", "soon")}), 400, "bad limit")
	c.want(c.do(oaReq{method: "PUT", path: tl, token: dispatcher, body: line}), 403, "dispatcher sets a limit")
	c.want(c.do(oaReq{method: "PUT", path: tl, body: line}), 401, "anonymous sets a limit")
	c.want(c.do(oaReq{method: "PUT", path: tl, token: admin, body: bytes.Repeat([]byte(" "), 1<<20+1)}), 413, "limit too large")
	c.want(c.do(oaReq{method: "GET", path: tl, token: resident}), 200, "time limits for a resident")
	c.want(c.do(oaReq{method: "DELETE", path: tl, token: admin, query: "urgency=normal"}), 400, "delete a default")
	c.want(c.do(oaReq{method: "DELETE", path: tl, token: admin, query: "category_code=0101&urgency=urgent"}), 204, "delete a line")
	c.want(c.do(oaReq{method: "DELETE", path: tl, token: admin, query: "category_code=0101&urgency=urgent"}), 404, "delete it again")
	c.want(c.do(oaReq{method: "DELETE", path: tl, token: dispatcher, query: "category_code=0101&urgency=urgent"}), 403, "dispatcher deletes a line")
	c.want(c.do(oaReq{method: "DELETE", path: tl, query: "category_code=0101&urgency=urgent"}), 401, "anonymous deletes a line")

	// Evaluation (评价) and rectification (整改), with the resident's ticket closed this month.
	shanghai := time.FixedZone("CST", 8*3600)
	today := time.Now().In(shanghai).Format("2006-01-02")
	period := "from=" + today[:8] + "01&to=" + today
	const street = "110117001-SO"
	ev := "/api/v1/evaluation"
	c.want(c.do(oaReq{method: "GET", path: ev, token: supervisor, query: period + "&group=org&area_code=110117&times=1"}), 200, "evaluation")
	r = c.want(c.do(oaReq{method: "GET", path: ev, token: deptHandler, query: period + "&area_code=110117"}), 200, "evaluation for a handler")
	if !strings.Contains(string(r.raw), `"hidden":true`) {
		t.Fatalf("a handler sees every row: %.300s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: ev, token: dispatcher, query: "group=area&area_code=110117"}), 200, "evaluation by area")
	c.want(c.do(oaReq{method: "GET", path: ev, token: supervisor, query: "from=2026-13-01&to=2026-01-01"}), 400, "evaluation bad date")
	c.want(c.do(oaReq{method: "GET", path: ev, token: resident}), 403, "resident evaluation")
	c.want(c.do(oaReq{method: "GET", path: ev}), 401, "anonymous evaluation")
	evt := "/api/v1/evaluation/tickets"
	r = c.want(c.do(oaReq{method: "GET", path: evt, token: handler, query: "figure=tickets&org_code=" + street + "&" + period}), 200, "figure tickets")
	if len(r.items()) == 0 {
		t.Fatalf("no tickets behind the figure: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: evt, token: supervisor, query: "figure=returns&area_code=110117&" + period}), 200, "event figure tickets")
	c.want(c.do(oaReq{method: "GET", path: evt, token: deptHandler, query: "figure=tickets&org_code=" + street}), 403, "another unit's figure")
	c.want(c.do(oaReq{method: "GET", path: evt, token: supervisor, query: "figure=tickets&org_code=" + street + "&limit=0"}), 400, "figure limit")
	c.want(c.do(oaReq{method: "GET", path: evt}), 401, "anonymous figure")
	rk := "/api/v1/evaluation/rankings"
	c.want(c.do(oaReq{method: "GET", path: rk, token: handler, query: "month=" + today[:7] + "&area_code=110117"}), 200, "rankings")
	c.want(c.do(oaReq{method: "GET", path: rk, token: supervisor}), 200, "last month's rankings")
	c.want(c.do(oaReq{method: "GET", path: rk, token: supervisor, query: "month=2026-13"}), 400, "rankings bad month")
	c.want(c.do(oaReq{method: "GET", path: rk, token: resident}), 403, "resident rankings")
	c.want(c.do(oaReq{method: "GET", path: rk}), 401, "anonymous rankings")
	es := "/api/v1/evaluation/settings"
	c.want(c.do(oaReq{method: "GET", path: es, token: admin}), 200, "settings")
	c.want(c.do(oaReq{method: "GET", path: es, token: supervisor}), 403, "supervisor reads settings")
	c.want(c.do(oaReq{method: "GET", path: es}), 401, "anonymous reads settings")
	c.want(c.do(oaReq{method: "PUT", path: es, token: admin, body: map[string]any{"k": 0.5}}), 200, "save settings")
	c.want(c.do(oaReq{method: "PUT", path: es, token: admin, body: map[string]any{"k": 2}}), 400, "k = 2")
	c.want(c.do(oaReq{method: "PUT", path: es, token: supervisor, body: map[string]any{"k": 0.5}}), 403, "supervisor saves settings")
	c.want(c.do(oaReq{method: "PUT", path: es, body: map[string]any{"k": 0.5}}), 401, "anonymous saves settings")
	c.want(c.do(oaReq{method: "PUT", path: es, token: admin, body: bytes.Repeat([]byte(" "), 1<<20+1)}), 413, "settings too large")
	health := "/api/v1/health/online"
	c.want(c.do(oaReq{method: "GET", path: health, token: supervisor}), 200, "health")
	c.want(c.do(oaReq{method: "GET", path: health, token: supervisor, query: "month=soon"}), 400, "health bad month")
	c.want(c.do(oaReq{method: "GET", path: health, token: resident}), 403, "resident health")
	c.want(c.do(oaReq{method: "GET", path: health}), 401, "anonymous health")

	rects, rect := "/api/v1/rectifications", "/api/v1/rectifications/{id}"
	deadline := time.Now().In(shanghai).AddDate(0, 0, 10).Format("2006-01-02")
	task := map[string]any{"org_code": street, "title": "回访满意度整改", "reason": "基本满意偏多", "deadline": deadline}
	r = c.want(c.do(oaReq{method: "POST", path: rects, token: supervisor, body: task, header: map[string]string{"Idempotency-Key": "rect-1"}}), 201, "new task")
	taskID := r.str("id")
	c.want(c.do(oaReq{method: "POST", path: rects, token: handler, body: task}), 403, "handler sets a task")
	c.want(c.do(oaReq{method: "POST", path: rects, token: supervisor, body: oaWith(task, "title", "")}), 400, "task without title")
	c.want(c.do(oaReq{method: "POST", path: rects, body: task}), 401, "anonymous sets a task")
	fr := "/api/v1/rectifications/from-ranking"
	c.want(c.do(oaReq{method: "POST", path: fr, token: supervisor, body: map[string]any{"month": today[:7], "area_code": "110117", "deadline": deadline}}), 201, "tasks from the ranking")
	c.want(c.do(oaReq{method: "POST", path: fr, token: supervisor, body: map[string]any{"month": "2026-13", "deadline": deadline}}), 400, "tasks from a bad month")
	c.want(c.do(oaReq{method: "POST", path: fr, token: handler, body: map[string]any{"month": today[:7], "deadline": deadline}}), 403, "handler ranks")
	c.want(c.do(oaReq{method: "POST", path: fr, body: map[string]any{"month": today[:7], "deadline": deadline}}), 401, "anonymous ranks")
	c.want(c.do(oaReq{method: "GET", path: rects, token: handler}), 200, "handler's tasks")
	c.want(c.do(oaReq{method: "GET", path: rects, token: supervisor, query: "status=open&limit=10"}), 200, "open tasks")
	c.want(c.do(oaReq{method: "GET", path: rects, token: supervisor, query: "limit=0"}), 400, "tasks limit")
	c.want(c.do(oaReq{method: "GET", path: rects, token: resident}), 403, "resident's tasks")
	c.want(c.do(oaReq{method: "GET", path: rects}), 401, "anonymous tasks")
	c.want(c.do(oaReq{method: "GET", path: rect, args: []string{taskID}, token: supervisor}), 200, "task")
	c.want(c.do(oaReq{method: "GET", path: rect, args: []string{"nope"}, token: supervisor}), 404, "no task")
	c.want(c.do(oaReq{method: "GET", path: rect, args: []string{taskID}}), 401, "anonymous task")
	submitPath, review := rect+"/submit", rect+"/review"
	c.want(c.do(oaReq{method: "POST", path: submitPath, args: []string{taskID}, token: handler, body: map[string]any{"measures": ""}}), 400, "submit nothing")
	c.want(c.do(oaReq{method: "POST", path: submitPath, args: []string{taskID}, token: deptHandler, body: map[string]any{"measures": "x"}}), 404, "another unit submits")
	c.want(c.do(oaReq{method: "POST", path: submitPath, args: []string{taskID}, token: supervisor, body: map[string]any{"measures": "x"}}), 403, "supervisor submits")
	c.want(c.do(oaReq{method: "POST", path: submitPath, args: []string{taskID}, body: map[string]any{"measures": "x"}}), 401, "anonymous submits")
	c.want(c.do(oaReq{method: "POST", path: submitPath, args: []string{taskID}, token: handler, body: map[string]any{"measures": "逐件回访", "evidence": "回访记录"}}), 200, "submit")
	c.want(c.do(oaReq{method: "POST", path: submitPath, args: []string{taskID}, token: handler, body: map[string]any{"measures": "再次提交"}}), 409, "submit again")
	c.want(c.do(oaReq{method: "POST", path: review, args: []string{taskID}, token: handler, body: map[string]any{"accept": true}}), 403, "handler reviews")
	c.want(c.do(oaReq{method: "POST", path: review, args: []string{taskID}, token: supervisor, body: map[string]any{"accept": false}}), 400, "reject without a note")
	c.want(c.do(oaReq{method: "POST", path: review, args: []string{"nope"}, token: supervisor, body: map[string]any{"accept": true}}), 404, "review no task")
	c.want(c.do(oaReq{method: "POST", path: review, args: []string{taskID}, body: map[string]any{"accept": true}}), 401, "anonymous reviews")
	c.want(c.do(oaReq{method: "POST", path: review, args: []string{taskID}, token: supervisor, body: map[string]any{"accept": true, "note": "通过"}}), 200, "review")
	c.want(c.do(oaReq{method: "POST", path: review, args: []string{taskID}, token: supervisor, body: map[string]any{"accept": true}}), 409, "review again")

	// Webhooks.
	hooks, hook := "/api/v1/webhooks", "/api/v1/webhooks/{id}"
	sub := map[string]any{"url": "https://hooks.example.org/binhe", "events": []string{"dispatch", "sign"}}
	r = c.want(c.do(oaReq{method: "POST", path: hooks, token: handler, body: sub, header: map[string]string{"Idempotency-Key": "hook-1"}}), 201, "subscribe")
	hookID := r.str("id")
	c.want(c.do(oaReq{method: "POST", path: hooks, token: handler, body: sub}), 409, "subscribe twice")
	c.want(c.do(oaReq{method: "POST", path: hooks, token: handler, body: oaWith(sub, "url", "http://127.0.0.1/h")}), 400, "subscribe a private address")
	c.want(c.do(oaReq{method: "POST", path: hooks, token: dispatcher, body: sub}), 403, "dispatcher subscribes")
	c.want(c.do(oaReq{method: "POST", path: hooks, body: sub}), 401, "anonymous subscribes")
	c.want(c.do(oaReq{method: "GET", path: hooks, token: handler}), 200, "handler's subscriptions")
	c.want(c.do(oaReq{method: "GET", path: hooks, token: admin, query: "org_code=" + street}), 200, "a unit's subscriptions")
	c.want(c.do(oaReq{method: "GET", path: hooks, token: resident}), 403, "resident's subscriptions")
	c.want(c.do(oaReq{method: "GET", path: hooks}), 401, "anonymous subscriptions")
	c.want(c.do(oaReq{method: "PATCH", path: hook, args: []string{hookID}, token: handler, body: map[string]any{"active": false}}), 200, "pause")
	c.want(c.do(oaReq{method: "PATCH", path: hook, args: []string{hookID}, token: handler, body: map[string]any{}}), 400, "patch nothing")
	c.want(c.do(oaReq{method: "PATCH", path: hook, args: []string{hookID}, token: deptHandler, body: map[string]any{"active": true}}), 403, "another unit resumes")
	c.want(c.do(oaReq{method: "PATCH", path: hook, args: []string{"nope"}, token: admin, body: map[string]any{"active": true}}), 404, "resume nothing")
	c.want(c.do(oaReq{method: "PATCH", path: hook, args: []string{hookID}, body: map[string]any{"active": true}}), 401, "anonymous resumes")
	dl := hook + "/deliveries"
	c.want(c.do(oaReq{method: "GET", path: dl, args: []string{hookID}, token: handler, query: "limit=10"}), 200, "delivery log")
	c.want(c.do(oaReq{method: "GET", path: dl, args: []string{hookID}, token: handler, query: "limit=0"}), 400, "delivery log limit")
	c.want(c.do(oaReq{method: "GET", path: dl, args: []string{hookID}, token: deptHandler}), 403, "another unit's log")
	c.want(c.do(oaReq{method: "GET", path: dl, args: []string{"nope"}, token: admin}), 404, "no log")
	c.want(c.do(oaReq{method: "GET", path: dl, args: []string{hookID}}), 401, "anonymous log")
	c.want(c.do(oaReq{method: "DELETE", path: hook, args: []string{hookID}, token: deptHandler}), 403, "another unit deletes")
	c.want(c.do(oaReq{method: "DELETE", path: hook, args: []string{hookID}}), 401, "anonymous deletes")
	c.want(c.do(oaReq{method: "DELETE", path: hook, args: []string{hookID}, token: handler}), 204, "unsubscribe")
	c.want(c.do(oaReq{method: "DELETE", path: hook, args: []string{hookID}, token: handler}), 404, "unsubscribe again")

	// Notifications and the sweep.
	for _, tok := range []string{dispatcher, handler, deptHandler, resident, admin} {
		c.want(c.do(oaReq{method: "GET", path: "/api/v1/notifications", token: tok}), 200, "notifications")
	}
	c.want(c.do(oaReq{method: "GET", path: "/api/v1/notifications"}), 401, "anonymous notifications")
	c.want(c.do(oaReq{method: "POST", path: "/api/v1/sweep", token: admin, header: map[string]string{"Idempotency-Key": "sweep-1"}}), 200, "sweep")
	c.want(c.do(oaReq{method: "POST", path: "/api/v1/sweep", token: admin, header: map[string]string{"Idempotency-Key": "sweep-1"}}), 200, "sweep replayed")
	c.want(c.do(oaReq{method: "POST", path: "/api/v1/sweep", token: dispatcher}), 403, "dispatcher sweeps")
	c.want(c.do(oaReq{method: "POST", path: "/api/v1/sweep"}), 401, "anonymous sweeps")

	oaAccounts(t, c, admin, agent)
	oaBatch(t, c, agent, dispatcher, handler)
	oaReplies(t, c, admin, dispatcher, handler, deptHandler, agent, resident)
	oaInsight(t, c, admin, supervisor, agent, handler, resident)
	oaThemes(t, c, admin, supervisor, dispatcher, agent, handler)
	oaReplyQuality(t, c, handler, deptHandler, supervisor, resident)
	oaWarnings(t, c, a, admin, agent, dispatcher, handler, deptHandler, supervisor, resident)
	oaVotes(t, c, admin, supervisor, handler, resident)
	oaProposals(t, c, a, admin, handler, deptHandler, resident, residentTicket, agentTicket)
	oaElections(t, c, a, admin, supervisor, handler, resident)
	oaSurveys(t, c, a, admin)
	oaNotices(t, c, a, admin, deptHandler, supervisor, resident)
	oaProjects(t, c, a, admin, handler, deptHandler, resident)
	oaComments(t, c, a, admin, handler, resident)
	oaMeetings(t, c, a, admin, handler, deptHandler, resident)
	oaScreening(t, c, supervisor, handler, resident)
	oaNeeds(t, c, a, handler)
	oaServices(t, c, a, admin, resident)
	oaVolunteers(t, c, a, admin, handler, deptHandler, resident)
	oaMediation(t, c, a, admin, handler, resident)
	oaOpenData(t, c, admin, resident)
	oaTrail(t, c, dispatcher, deptHandler, resident, residentTicket)
	oaCitylink(t, c, admin, handler)
	oaGuides(t, c, a, agent, handler, resident)
	oaAgreements(t, c, a, admin, supervisor, handler, resident)
	oaStatus(t, c, admin, supervisor, handler, resident)
	oaIndicators(t, c, admin, supervisor, handler, resident)
	oaKiosks(t, c, admin, supervisor, handler, resident)
	oaTraining(t, c, admin, supervisor, handler, resident)
	oaEnterprise(t, c, supervisor, handler, resident)
	oaNational(t, c, a, admin, handler, resident)
	oaWorkload(t, c, supervisor, dispatcher, handler, resident)
	oaRules(t, c, admin, supervisor, handler)
	oaPractice(t, c, resident)

	// Every operation was called, and the error answers came up.
	var missed []string
	for k := range c.doc.operations() {
		if !c.seen[k] {
			missed = append(missed, k)
		}
	}
	sort.Strings(missed)
	if len(missed) > 0 {
		t.Errorf("operations the script never called: %v", missed)
	}
	for _, code := range []int{200, 201, 202, 204, 206, 304, 400, 401, 403, 404, 409, 413, 416, 429} {
		if !c.statuses[code] {
			t.Errorf("no answer with status %d", code)
		}
	}
}
