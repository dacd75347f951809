package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/demo"
	"github.com/gongzhi/gongzhi/internal/volunteer"
)

// oaVolunteers walks the volunteers and points of 金谷东园社区: the resident
// registers, the street office approves her and posts a task, she signs
// up, withdraws and signs up again, the office confirms her hours; with
// redemption off her code is refused, then the district switches it on, a
// department is made a partner shop and confirms her code, wrong guesses
// run into the limit.
func oaVolunteers(t *testing.T, c *oaClient, a *app.App, admin, handler, deptHandler, resident string) {
	t.Helper()
	key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
	const community = "110117001001"
	me := "/api/v1/volunteer/me"
	r := c.want(c.do(oaReq{method: "GET", path: me, token: resident}), 200, "her volunteering before registering")
	if r.m["volunteer"] != nil || r.m["shops_on"] != false {
		t.Fatalf("before: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: me, token: handler}), 403, "staff have no points")
	c.want(c.do(oaReq{method: "GET", path: me}), 401, "anonymous reads points")

	reg := "/api/v1/volunteer/register"
	body := map[string]any{"name": "王芳", "skills": "量血压", "community_code": community}
	c.want(c.do(oaReq{method: "POST", path: reg, token: resident, body: oaWith(body, "community_code", "110117001")}), 400, "register with a street")
	c.want(c.do(oaReq{method: "POST", path: reg, token: handler, body: body}), 403, "staff register")
	c.want(c.do(oaReq{method: "POST", path: reg, body: body}), 401, "anonymous registers")
	r = c.want(c.do(oaReq{method: "POST", path: reg, token: resident, body: body, header: key("vol-reg-1")}), 201, "register")
	vid := r.str("id")

	vols := "/api/v1/volunteer/volunteers"
	c.want(c.do(oaReq{method: "GET", path: vols, token: deptHandler}), 403, "a department lists volunteers")
	c.want(c.do(oaReq{method: "GET", path: vols, token: handler, query: "status=odd", offDoc: true}), 400, "an unknown status")
	c.want(c.do(oaReq{method: "GET", path: vols, token: handler, query: "limit=0"}), 400, "limit 0")
	r = c.want(c.do(oaReq{method: "GET", path: vols, token: handler, query: "status=pending&area_code=" + community + "&limit=10"}), 200, "pending")
	if !strings.Contains(string(r.raw), vid) || strings.Contains(string(r.raw), "13800138000") {
		t.Fatalf("pending, phone masked: %s", r.raw)
	}
	dec := vols + "/{id}/decision"
	c.want(c.do(oaReq{method: "POST", path: dec, args: []string{vid}, token: deptHandler, body: map[string]any{"approve": true}}), 403, "a department approves")
	c.want(c.do(oaReq{method: "POST", path: dec, args: []string{vid}, token: handler, body: map[string]any{"note": "x"}}), 400, "no approve")
	c.want(c.do(oaReq{method: "POST", path: dec, args: []string{"nobody"}, token: handler, body: map[string]any{"approve": true}}), 404, "approve nobody")
	c.want(c.do(oaReq{method: "POST", path: dec, args: []string{vid}, token: handler, body: map[string]any{"approve": true}, header: key("vol-dec-1")}), 200, "approve")
	c.want(c.do(oaReq{method: "POST", path: dec, args: []string{vid}, token: handler, body: map[string]any{"approve": true}}), 409, "approve twice")
	c.want(c.do(oaReq{method: "POST", path: reg, token: resident, body: body}), 409, "register when approved")

	tasks := "/api/v1/volunteer/tasks"
	starts := time.Now().In(clock.BusinessZone()).Add(48 * time.Hour).Truncate(time.Minute).Format(time.RFC3339)
	task := map[string]any{"area_code": community, "title": "助老送餐", "place": "金谷东园北门", "starts_at": starts, "places": 1}
	c.want(c.do(oaReq{method: "POST", path: tasks, token: handler, body: oaWith(task, "places", 0)}), 400, "no places")
	c.want(c.do(oaReq{method: "POST", path: tasks, token: deptHandler, body: task}), 403, "a department posts")
	r = c.want(c.do(oaReq{method: "POST", path: tasks, token: handler, body: task, header: key("vol-task-1")}), 201, "post")
	id := r.str("id")
	r = c.want(c.do(oaReq{method: "POST", path: tasks, token: handler, body: task, header: key("vol-task-2")}), 201, "post another")
	other := r.str("id")
	r = c.want(c.do(oaReq{method: "GET", path: tasks, token: resident, query: "limit=20"}), 200, "her tasks")
	if !strings.Contains(string(r.raw), id) {
		t.Fatalf("her tasks: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: tasks, token: handler, query: "area_code=" + community}), 200, "staff tasks")
	c.want(c.do(oaReq{method: "GET", path: tasks, token: handler, query: "limit=x", offDoc: true}), 400, "limit x")
	one := tasks + "/{id}"
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{"ZY209901010001"}, token: handler}), 404, "no such task")
	signup, withdraw, cancel, hours := one+"/signup", one+"/withdraw", one+"/cancel", one+"/hours"
	r = c.want(c.do(oaReq{method: "POST", path: signup, args: []string{id}, token: resident, body: map[string]any{}, header: key("vol-su-1")}), 200, "sign up")
	if r.str("my_signup") != "signed" {
		t.Fatalf("signed: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: signup, args: []string{id}, token: resident, body: map[string]any{}}), 409, "sign up twice")
	c.want(c.do(oaReq{method: "POST", path: signup, args: []string{id}, token: handler, body: map[string]any{}}), 403, "staff sign up")
	c.want(c.do(oaReq{method: "POST", path: withdraw, args: []string{id}, token: resident, body: map[string]any{}, header: key("vol-wd-1")}), 200, "withdraw")
	c.want(c.do(oaReq{method: "POST", path: withdraw, args: []string{id}, token: resident, body: map[string]any{}}), 409, "withdraw twice")
	c.want(c.do(oaReq{method: "POST", path: signup, args: []string{id}, token: resident, body: map[string]any{}}), 200, "sign up again")
	c.want(c.do(oaReq{method: "POST", path: cancel, args: []string{other}, token: resident, body: map[string]any{}}), 403, "a resident cancels")
	c.want(c.do(oaReq{method: "POST", path: cancel, args: []string{other}, token: handler, body: map[string]any{}, header: key("vol-cancel-1")}), 200, "cancel")
	c.want(c.do(oaReq{method: "POST", path: cancel, args: []string{other}, token: handler, body: map[string]any{}}), 409, "cancel twice")
	c.want(c.do(oaReq{method: "POST", path: hours, args: []string{id}, token: handler, body: map[string]any{"volunteer_id": vid, "hours": 2}}), 409, "hours before it begins")
	// The task began two hours ago.
	if _, err := a.DB.W.ExecContext(context.Background(), `UPDATE volunteer_tasks SET starts_at = $2 WHERE id = $1`, id, time.Now().Add(-2*time.Hour).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	c.want(c.do(oaReq{method: "POST", path: hours, args: []string{id}, token: handler, body: map[string]any{"volunteer_id": vid}}), 400, "no hours")
	c.want(c.do(oaReq{method: "POST", path: hours, args: []string{id}, token: deptHandler, body: map[string]any{"volunteer_id": vid, "hours": 2}}), 403, "a department confirms")
	r = c.want(c.do(oaReq{method: "POST", path: hours, args: []string{id}, token: handler, body: map[string]any{"volunteer_id": vid, "hours": 3}, header: key("vol-h-1")}), 200, "confirm hours")
	if !strings.Contains(string(r.raw), `"confirmed"`) {
		t.Fatalf("confirmed: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: hours, args: []string{id}, token: handler, body: map[string]any{"volunteer_id": vid, "hours": 3}}), 409, "hours twice")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{id}, token: resident}), 200, "she reads the task")
	r = c.want(c.do(oaReq{method: "GET", path: me, token: resident}), 200, "her points")
	if fmt.Sprint(r.m["balance"]) != "30" {
		t.Fatalf("balance: %s", r.raw)
	}

	// Redemption: off, then on.
	codes, redeem := "/api/v1/volunteer/codes", "/api/v1/volunteer/redeem"
	r = c.want(c.do(oaReq{method: "POST", path: codes, token: resident, body: map[string]any{"points": 10}}), 409, "a code while off")
	if !strings.Contains(string(r.raw), "尚未开通") {
		t.Fatalf("off: %s", r.raw)
	}
	rules := a.Volunteers.Rules()
	rules.Shops = true
	if err := a.Volunteers.SetRules(rules); err != nil {
		t.Fatal(err)
	}
	defer func() {
		rules.Shops = false
		a.Volunteers.SetRules(rules)
	}()
	shops, shop := "/api/v1/volunteer/shops", "/api/v1/volunteer/shops/{org}"
	org := demo.OrgUrbanMgmt // the department's handler confirms codes
	c.want(c.do(oaReq{method: "PUT", path: shop, args: []string{org}, token: handler}), 403, "staff add a shop")
	c.want(c.do(oaReq{method: "PUT", path: shop, args: []string{"NO-SUCH"}, token: admin}), 400, "no such org")
	c.want(c.do(oaReq{method: "PUT", path: shop, args: []string{org}, token: admin}), 204, "add a shop")
	c.want(c.do(oaReq{method: "PUT", path: shop, args: []string{org}, token: admin}), 409, "add a shop twice")
	r = c.want(c.do(oaReq{method: "GET", path: shops, token: resident}), 200, "shops")
	if r.m["shops_on"] != true || len(r.items()) != 1 {
		t.Fatalf("shops: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: codes, token: resident, body: map[string]any{"points": 0}}), 400, "0 points")
	c.want(c.do(oaReq{method: "POST", path: codes, token: resident, body: map[string]any{"points": 31}}), 409, "more than she holds")
	r = c.want(c.do(oaReq{method: "POST", path: codes, token: resident, body: map[string]any{"points": 10}, header: key("vol-code-1")}), 201, "a code")
	code := r.str("code")
	r = c.want(c.do(oaReq{method: "POST", path: codes, token: resident, body: map[string]any{"points": 5}}), 201, "a second code")
	second := r.str("id")
	c.want(c.do(oaReq{method: "POST", path: codes + "/{id}/withdraw", args: []string{second}, token: resident, body: map[string]any{}, header: key("vol-wc-1")}), 204, "withdraw a code")
	c.want(c.do(oaReq{method: "POST", path: codes + "/{id}/withdraw", args: []string{second}, token: resident, body: map[string]any{}}), 404, "withdraw a code twice")
	c.want(c.do(oaReq{method: "POST", path: redeem, token: handler, body: map[string]any{"code": code}}), 403, "not a shop")
	c.want(c.do(oaReq{method: "POST", path: redeem, token: deptHandler, body: map[string]any{"code": "22222222"}}), 404, "a wrong code")
	r = c.want(c.do(oaReq{method: "POST", path: redeem, token: deptHandler, body: map[string]any{"code": strings.ToLower(code)}, header: key("vol-redeem-1")}), 200, "redeem")
	if fmt.Sprint(r.m["points"]) != "10" || strings.Contains(string(r.raw), "13800138000") {
		t.Fatalf("redeemed: %s", r.raw)
	}
	r = c.want(c.do(oaReq{method: "GET", path: me, token: resident}), 200, "her points after")
	if fmt.Sprint(r.m["balance"]) != "20" {
		t.Fatalf("balance after: %s", r.raw)
	}
	for i := 0; i < volunteer.GuessesPerHour; i++ {
		x := c.do(oaReq{method: "POST", path: redeem, token: deptHandler, body: map[string]any{"code": fmt.Sprintf("2222%04d", i)}})
		if x.code == 429 {
			break
		}
		c.want(x, 404, "guess")
	}
	c.want(c.do(oaReq{method: "POST", path: redeem, token: deptHandler, body: map[string]any{"code": "33333333"}}), 429, "too many guesses")
	c.want(c.do(oaReq{method: "DELETE", path: shop, args: []string{org}, token: admin}), 204, "remove a shop")
	c.want(c.do(oaReq{method: "DELETE", path: shop, args: []string{org}, token: admin}), 404, "remove a shop twice")
}
