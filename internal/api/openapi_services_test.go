package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// oaServices runs the neighbourhood service circle in 金谷东园社区: its grid
// worker registers an elderly-care station as a provider with a
// qualification and two services, the station's staff open a slot, a
// resident of the community finds it near her and books the one place,
// the station confirms, both confirm the completion, she rates it and
// complains (a ticket of her community); a request is declined, another
// cancelled; the figures count them.
func oaServices(t *testing.T, c *oaClient, a *app.App, admin, resident string) {
	t.Helper()
	ctx := context.Background()
	key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
	const community = "110117001001"
	const sp = community + "-SVC"
	if err := a.Gov.UpsertOrg(ctx, gov.Org{Code: sp, Name: "金谷东园养老驿站", Kind: gov.KindServiceProvider, AreaCode: community}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Auth.CreateUser(ctx, auth.System(), auth.NewUser{Username: "svc-station", Password: "quiet-harbor-78", Name: "驿站站长", Role: auth.RoleHandler,
		OrgCode: sp, AreaCode: community}); err != nil {
		t.Fatal(err)
	}
	oaAgree(t, a, sp, community)
	station := c.want(c.do(oaReq{method: "POST", path: "/api/v1/auth/token", body: map[string]string{"username": "svc-station", "password": "quiet-harbor-78"}}), 200, "login station").str("token")
	grid := c.want(c.do(oaReq{method: "POST", path: "/api/v1/auth/token", body: map[string]string{"username": "demo-grid", "password": "gongzhi-demo"}}), 200, "login grid").str("token")
	c.want(c.do(oaReq{method: "POST", path: "/api/v1/areas/{code}/residents", args: []string{community}, token: grid, body: map[string]any{"phone": "13900139055"}, header: key("svc-res")}), 201, "verify her")
	her := oaResidentToken(t, a, "13900139055")

	provs, prov := "/api/v1/services/providers", "/api/v1/services/providers/{org}"
	p := map[string]any{"org_code": sp, "provides": "助老、助浴、助餐", "hours": "周一至周六 8:00-18:00", "areas": []string{community}, "lat": 40.14, "lng": 117.12}
	c.want(c.do(oaReq{method: "POST", path: provs, token: her, body: p}), 403, "a resident registers a provider")
	c.want(c.do(oaReq{method: "POST", path: provs, token: grid, body: oaWith(p, "areas", []string{})}), 400, "a provider serving nowhere")
	c.want(c.do(oaReq{method: "POST", path: provs, body: p}), 401, "anonymous registers")
	r := c.want(c.do(oaReq{method: "POST", path: provs, token: grid, body: p, header: key("svc-prov-1")}), 200, "register the station")
	if r.str("org_code") != sp || r.m["lapsed"] != false {
		t.Fatalf("provider: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: provs, token: grid}), 200, "the grid worker's providers")
	c.want(c.do(oaReq{method: "GET", path: provs, token: her}), 403, "a resident's providers")
	c.want(c.do(oaReq{method: "GET", path: provs}), 401, "anonymous providers")
	quals := prov + "/qualifications"
	expires := time.Now().In(clock.BusinessZone()).AddDate(1, 0, 0).Format(time.DateOnly)
	c.want(c.do(oaReq{method: "POST", path: quals, args: []string{sp}, token: grid, body: map[string]any{"name": "养老服务备案", "expires_on": "next year"}}), 400, "a qualification without a date")
	c.want(c.do(oaReq{method: "POST", path: quals, args: []string{"nobody"}, token: grid, body: map[string]any{"name": "养老服务备案", "expires_on": expires}}), 404, "a qualification of nobody")
	c.want(c.do(oaReq{method: "POST", path: quals, args: []string{sp}, token: grid, body: map[string]any{"name": "养老服务备案", "number": "JG-001", "expires_on": expires}, header: key("svc-qual-1")}), 201, "a qualification")
	r = c.want(c.do(oaReq{method: "GET", path: prov, args: []string{sp}, token: her}), 200, "she reads the station")
	if strings.Contains(string(r.raw), "JG-001") {
		t.Fatalf("the certificate number shown to a resident: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: prov, args: []string{"nobody"}, token: her}), 404, "no provider")

	offers, offer := "/api/v1/services/offers", "/api/v1/services/offers/{id}"
	o := map[string]any{"org_code": sp, "category": "elderly", "name": "上门助浴", "description": "为行动不便的老人上门助浴"}
	c.want(c.do(oaReq{method: "POST", path: offers, token: grid, body: oaWith(o, "category", "pets")}), 400, "an unknown category")
	c.want(c.do(oaReq{method: "POST", path: offers, token: her, body: o}), 403, "a resident adds a service")
	bath := c.want(c.do(oaReq{method: "POST", path: offers, token: grid, body: o, header: key("svc-offer-1")}), 201, "a service").str("id")
	c.want(c.do(oaReq{method: "POST", path: offers, token: grid, body: oaWith(o, "id", bath)}), 200, "change it")
	meals := c.want(c.do(oaReq{method: "POST", path: offers, token: grid, body: oaWith(oaWith(o, "category", "meals"), "name", "老年餐送餐")}), 201, "a service without slots").str("id")
	c.want(c.do(oaReq{method: "GET", path: offer, args: []string{"nothing"}, token: her}), 404, "no service")
	slots := offer + "/slots"
	starts := time.Now().Add(72 * time.Hour).Truncate(time.Minute)
	slot := map[string]any{"starts_at": starts.Format(time.RFC3339), "ends_at": starts.Add(time.Hour).Format(time.RFC3339), "capacity": 1}
	c.want(c.do(oaReq{method: "POST", path: slots, args: []string{bath}, token: station, body: oaWith(slot, "capacity", 0)}), 400, "a slot for nobody")
	c.want(c.do(oaReq{method: "POST", path: slots, args: []string{bath}, token: her, body: slot}), 403, "a resident opens a slot")
	r = c.want(c.do(oaReq{method: "POST", path: slots, args: []string{bath}, token: station, body: slot, header: key("svc-slot-1")}), 201, "the station opens a slot")
	slotID := r.m["slots"].([]any)[0].(map[string]any)["id"].(string)
	c.want(c.do(oaReq{method: "GET", path: offer, args: []string{bath}, token: her}), 200, "she reads the service")

	near := "/api/v1/services/near"
	r = c.want(c.do(oaReq{method: "GET", path: near, token: her}), 200, "near her")
	if !strings.Contains(string(r.raw), bath) || !strings.Contains(string(r.raw), meals) {
		t.Fatalf("near her: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: near, token: her, query: "lat=40.14&lng=117.12&radius_m=500&category=elderly"}), 200, "near a place")
	c.want(c.do(oaReq{method: "GET", path: near, token: her, query: "area_code=" + community + "&radius_m=99999"}), 400, "too far")
	c.want(c.do(oaReq{method: "GET", path: near}), 401, "anonymous near")

	reqs, one := "/api/v1/services/requests", "/api/v1/services/requests/{number}"
	book := map[string]any{"service_id": bath, "slot_id": slotID, "note": "周五上午方便"}
	c.want(c.do(oaReq{method: "POST", path: reqs, token: her, body: map[string]any{"service_id": ""}}), 400, "book nothing")
	c.want(c.do(oaReq{method: "POST", path: reqs, body: book}), 401, "anonymous books")
	c.want(c.do(oaReq{method: "POST", path: reqs, token: grid, body: book}), 403, "staff book without her phone")
	r = c.want(c.do(oaReq{method: "POST", path: reqs, token: her, body: book, header: key("svc-book-1")}), 201, "she books the place")
	number := r.str("number")
	if r.str("status") != "requested" {
		t.Fatalf("booked: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: reqs, token: her, body: book}), 409, "the same slot again")
	c.want(c.do(oaReq{method: "POST", path: reqs, token: grid, body: oaWith(oaWith(book, "on_behalf_of", "13900139056"), "area_code", community)}), 409, "a full slot")
	r = c.want(c.do(oaReq{method: "GET", path: reqs, token: her}), 200, "her requests")
	if len(r.items()) != 1 {
		t.Fatalf("her requests: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: reqs, token: station, query: "org_code=" + sp + "&open=1&limit=10"}), 200, "the station's to-do")
	c.want(c.do(oaReq{method: "GET", path: reqs, token: grid, query: "org_code=" + sp}), 403, "another unit's requests")
	c.want(c.do(oaReq{method: "GET", path: reqs, token: station, query: "limit=0"}), 400, "a bad limit")
	c.want(c.do(oaReq{method: "GET", path: reqs}), 401, "anonymous requests")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{number}, token: resident}), 404, "another resident reads it")
	r = c.want(c.do(oaReq{method: "GET", path: one, args: []string{number}, token: grid}), 200, "the grid worker reads it")
	if strings.Contains(string(r.raw), "13900139055") {
		t.Fatalf("her phone shown to the grid worker: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{number}}), 401, "anonymous reads")

	step := func(action, tok string, body map[string]any, code int, what string) oaResp {
		return c.want(c.do(oaReq{method: "POST", path: one + "/" + action, args: []string{number}, token: tok, body: body}), code, what)
	}
	step("confirm", her, map[string]any{}, 403, "she confirms for the station")
	step("confirm", "", map[string]any{}, 401, "anonymous confirms")
	c.want(c.do(oaReq{method: "POST", path: one + "/confirm", args: []string{"FW000000000000"}, token: station, body: map[string]any{}}), 404, "confirm nothing")
	c.want(c.do(oaReq{method: "POST", path: one + "/confirm", args: []string{number}, token: station, body: map[string]any{}, header: key("svc-confirm-1")}), 200, "the station confirms")
	step("confirm", station, map[string]any{}, 409, "confirm twice")
	step("rate", her, map[string]any{"rating": 5}, 409, "rate before done")
	step("complete", station, map[string]any{}, 200, "the station is done")
	step("complete", station, map[string]any{}, 409, "the station is done twice")
	r = step("complete", her, map[string]any{}, 200, "she is done")
	if r.str("status") != "done" {
		t.Fatalf("done: %s", r.raw)
	}
	step("complete", "", map[string]any{}, 401, "anonymous completes")
	step("rate", her, map[string]any{"rating": 0}, 400, "no stars")
	step("rate", grid, map[string]any{"rating": 5}, 200, "the grid worker records her rating")
	step("rate", her, map[string]any{"rating": 4}, 409, "rate twice")
	step("rate", "", map[string]any{"rating": 4}, 401, "anonymous rates")
	step("complain", her, map[string]any{"text": ""}, 400, "an empty complaint")
	step("complain", station, map[string]any{"text": "x"}, 403, "the station complains")
	r = step("complain", her, map[string]any{"text": "约定时间迟到一小时"}, 200, "she complains")
	if len(r.str("complaint_ticket")) != 14 {
		t.Fatalf("complaint: %s", r.raw)
	}
	step("complain", her, map[string]any{"text": "again"}, 409, "complain twice")
	step("complain", "", map[string]any{"text": "x"}, 401, "anonymous complains")
	ev := one + "/events"
	r = c.want(c.do(oaReq{method: "GET", path: ev, args: []string{number}, token: grid}), 200, "the log")
	if !strings.Contains(string(r.raw), `"on_behalf":"139****9055"`) {
		t.Fatalf("the log names no rating on her behalf: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: ev, args: []string{number}, token: her}), 403, "she reads the log")
	c.want(c.do(oaReq{method: "GET", path: ev, args: []string{number}}), 401, "anonymous log")

	ask := c.want(c.do(oaReq{method: "POST", path: reqs, token: her, body: map[string]any{"service_id": meals}}), 201, "she asks for meals").str("number")
	c.want(c.do(oaReq{method: "POST", path: one + "/decline", args: []string{ask}, token: station, body: map[string]any{"reason": ""}}), 400, "decline without a reason")
	c.want(c.do(oaReq{method: "POST", path: one + "/decline", args: []string{ask}, token: her, body: map[string]any{"reason": "x"}}), 403, "she declines")
	c.want(c.do(oaReq{method: "POST", path: one + "/decline", args: []string{ask}, body: map[string]any{"reason": "x"}}), 401, "anonymous declines")
	c.want(c.do(oaReq{method: "POST", path: one + "/decline", args: []string{ask}, token: station, body: map[string]any{"reason": "送餐范围暂未覆盖"}, header: key("svc-decline-1")}), 200, "the station declines")
	c.want(c.do(oaReq{method: "POST", path: one + "/decline", args: []string{ask}, token: station, body: map[string]any{"reason": "x"}}), 409, "decline twice")
	ask = c.want(c.do(oaReq{method: "POST", path: reqs, token: her, body: map[string]any{"service_id": meals}}), 201, "she asks again").str("number")
	c.want(c.do(oaReq{method: "POST", path: one + "/cancel", args: []string{ask}, token: station, body: map[string]any{}}), 403, "the station cancels for her")
	c.want(c.do(oaReq{method: "POST", path: one + "/cancel", args: []string{ask}, body: map[string]any{}}), 401, "anonymous cancels")
	c.want(c.do(oaReq{method: "POST", path: one + "/cancel", args: []string{ask}, token: her, body: map[string]any{}, header: key("svc-cancel-1")}), 200, "she cancels")
	c.want(c.do(oaReq{method: "POST", path: one + "/cancel", args: []string{ask}, token: her, body: map[string]any{}}), 409, "cancel twice")

	figs := "/api/v1/services/figures"
	r = c.want(c.do(oaReq{method: "GET", path: figs, token: grid}), 200, "the figures")
	if !strings.Contains(string(r.raw), `"declines":1`) || !strings.Contains(string(r.raw), `"category":"meals"`) {
		t.Fatalf("figures: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: figs, token: admin, query: "from=2026-01-01&to=2026-01-31&area_code=110117"}), 200, "the district's figures")
	c.want(c.do(oaReq{method: "GET", path: figs, token: grid, query: "from=soon"}), 400, "a bad day")
	c.want(c.do(oaReq{method: "GET", path: figs, token: her}), 403, "a resident's figures")
	c.want(c.do(oaReq{method: "GET", path: figs}), 401, "anonymous figures")
}
