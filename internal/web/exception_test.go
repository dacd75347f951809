package web_test

import (
	"github.com/gongzhi/gongzhi/internal/demo"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// newTicket registers a street-cleanliness problem in 金谷东园社区, which the
// catalogue sends to 滨河街道办事处 (demo-handler's unit).
func newTicket(t *testing.T, create func() (ticket.Ticket, error)) string {
	t.Helper()
	tk, err := create()
	if err != nil {
		t.Fatal(err)
	}
	if tk.AssignedOrgCode != "110117001-SO" {
		t.Fatalf("ticket went to %q", tk.AssignedOrgCode)
	}
	return tk.Number
}

func mustLack(t *testing.T, body string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(body, w) {
			t.Errorf("page shows %q", w)
		}
	}
}

func postOK(t *testing.T, c *client, path string, form url.Values, wants ...string) string {
	t.Helper()
	status, body := c.post(path, form)
	if status != 200 {
		t.Fatalf("POST %s: %d\n%s", path, status, body)
	}
	mustContain(t, body, wants...)
	return body
}

// TestReturnRedoLoop drives the exceptions through the forms: the handler
// signs and asks to return, the dispatcher approves it to another unit,
// which answers; the rating is poor and the dispatcher sends it back.
func TestReturnRedoLoop(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	number := newTicket(t, func() (ticket.Ticket, error) {
		return a.Tickets.Create(t.Context(), nil, ticket.NewTicket{CategoryCode: "0101", AreaCode: "110117001001",
			Description: "北门垃圾无人清运", ReporterPhone: "13900005555"})
	})
	path := "/staff/tickets/" + number

	h := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
	_, page := h.get(path)
	mustContain(t, page, `action="`+path+`/sign"`, `action="`+path+`/return"`, "绿灯", "剩余")
	mustLack(t, page, `action="`+path+`/request_extension"`, `action="`+path+`/dispatch"`, `action="`+path+`/approve_return"`)
	tok := csrf(t, page)
	// CSRF is still checked on the new forms.
	if status, _ := h.post(path+"/return", url.Values{"reason": {"wrong_area"}}); status != 403 {
		t.Errorf("return without csrf: %d, want 403", status)
	}
	page = postOK(t, h, path+"/sign", url.Values{"csrf": {tok}}, "已签收。")
	// A handler sees 退单 and 申请延期 on a signed ticket.
	mustContain(t, page, `action="`+path+`/return"`, `action="`+path+`/request_extension"`, "属地不符", "非本单位职责",
		`type="datetime-local"`, "退单", "申请延期")
	// A return needs a reason; the error shows next to the form and keeps the note.
	status, body := h.post(path+"/return", url.Values{"csrf": {tok}, "note": {"地址属于渔阳地区"}})
	if status != 400 {
		t.Fatalf("return without reason: %d", status)
	}
	mustContain(t, body, "退单理由须为", `id="act-return"`, "地址属于渔阳地区")
	// An extension that ends before the deadline is refused.
	status, body = h.post(path+"/request_extension", url.Values{"csrf": {tok}, "until": {"2020-01-01T10:00"}, "reason": {"需协调"}})
	if status != 400 {
		t.Fatalf("early extension: %d\n%s", status, body)
	}
	mustContain(t, body, "延期时间须晚于当前办结时限", `value="2020-01-01T10:00"`)
	page = postOK(t, h, path+"/return", url.Values{"csrf": {tok}, "reason": {"wrong_area"}, "note": {"地址属于渔阳地区"}},
		"退单申请已提交", "退单待审", "退单申请待审核", "属地不符", "等待派单员审核", "退单 1")
	mustLack(t, page, `action="`+path+`/return"`)

	// The dispatcher is told, finds it among returns and decides.
	d := staffLogin(t, srv, "demo-dispatcher", "gongzhi-demo")
	_, body = d.get("/staff/notifications")
	mustContain(t, body, "退单申请", number)
	_, body = d.get("/staff")
	mustContain(t, body, "有 1 件退单待审核")
	_, body = d.get("/staff?status=returned")
	mustContain(t, body, number, "退单待审")
	_, page = d.get(path)
	mustContain(t, page, "同意退单并改派", "驳回退单", "地址属于渔阳地区", "demo-handler（承办人）",
		`action="`+path+`/approve_return"`, `action="`+path+`/reject_return"`, "（当前承办单位）")
	dtok := csrf(t, page)
	status, body = d.post(path+"/approve_return", url.Values{"csrf": {dtok}, "org_code": {"110117001-SO"}})
	if status != 400 {
		t.Fatalf("approve to the same unit: %d", status)
	}
	mustContain(t, body, "同意退单后须派给另一个单位")
	postOK(t, d, path+"/approve_return", url.Values{"csrf": {dtok}, "org_code": {"110117-D01"}, "note": {"转城管委"}},
		"已同意退单并改派", "同意退单，改派至 平谷区城市管理委员会", "已派单")

	// The old unit no longer sees it; the new one does.
	if status, _ := h.get(path); status != 403 {
		t.Errorf("old unit: %d, want 403", status)
	}
	dept := staffLogin(t, srv, "demo-handler-dept", "gongzhi-demo")
	_, page = dept.get(path)
	ktok := csrf(t, page)
	postOK(t, dept, path+"/sign", url.Values{"csrf": {ktok}})
	postOK(t, dept, path+"/contact", url.Values{"csrf": {ktok}, "note": {"已电话联系"}})
	postOK(t, dept, path+"/reply", url.Values{"csrf": {ktok}, "reply_text": {"已清运"}, "resolved": {"yes"}}, "答复已提交")

	// A follow-up call: not resolved. The dispatcher must choose redo or close.
	postOK(t, d, path+"/rate", url.Values{"csrf": {dtok}, "resolved": {"no"}, "satisfaction": {"unsatisfied"}, "comment": {"还有垃圾"}})
	_, page = d.get(path)
	mustContain(t, page, "诉求人不满意：请选择重办或结案", `action="`+path+`/redo"`, "维持结案", "还有垃圾", "电话回访，代诉求人录入评价")
	mustLack(t, page, "by_phone")
	_, body = d.get("/staff?status=closed")
	mustContain(t, body, number, "待审核")
	page = postOK(t, d, path+"/redo", url.Values{"csrf": {dtok}, "note": {"彻底清理"}}, "已退回重办", "重办 1", "诉求人不满意，重新办理")
	mustLack(t, page, "诉求人不满意：请选择重办或结案")

	// The resident reads plain words and none of the internal lines.
	_, _, err := a.Tickets.Lookup(t.Context(), number, "13900005555")
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, srv)
	_, tp := c.get("/track")
	_, body = c.post("/track", url.Values{"csrf": {csrf(t, tp)}, "number": {number}, "phone": {"13900005555"}})
	mustContain(t, body, "正在为您重新确定承办单位", "已重新派单至 平谷区城市管理委员会", "诉求人不满意，重新办理")
	mustLack(t, body, "属地不符", "地址属于渔阳地区", "同意退单", "demo-handler")
}

// TestLightsAndFilters puts a ticket past its deadline and another near it,
// and checks the badges, the filters and the handler's parts.
func TestLightsAndFilters(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	var numbers []string
	for _, desc := range []string{"红灯工单", "黄灯工单"} {
		numbers = append(numbers, newTicket(t, func() (ticket.Ticket, error) {
			return a.Tickets.Create(t.Context(), nil, ticket.NewTicket{CategoryCode: "0101", AreaCode: "110117001001",
				Description: desc, ReporterPhone: "13900006666"})
		}))
	}
	now := time.Now()
	setClock(t, a.DB, numbers[0], now.Add(-3*time.Hour), now.Add(-time.Hour))
	setClock(t, a.DB, numbers[1], now.Add(-time.Hour), now.Add(2*time.Hour))

	h := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
	_, body := h.get("/staff")
	mustContain(t, body, "红灯", "黄灯", "主办", "协办", "被召集", "已超时")
	_, body = h.get("/staff?status=&light=red")
	mustContain(t, body, "红灯工单")
	mustLack(t, body, "黄灯工单")
	_, body = h.get("/staff?status=&light=yellow")
	mustContain(t, body, "黄灯工单")
	mustLack(t, body, "红灯工单")
	_, body = h.get("/staff?status=&overdue=1")
	mustContain(t, body, "红灯工单")
	_, body = h.get("/staff?status=&part=helper")
	mustLack(t, body, "红灯工单", "黄灯工单")
	_, page := h.get("/staff/tickets/" + numbers[0])
	mustContain(t, page, "light-red", "红灯", "已超时 1小时")

	// A dispatcher adds a helper; the helper unit signs its part.
	d := staffLogin(t, srv, "demo-dispatcher", "gongzhi-demo")
	path := "/staff/tickets/" + numbers[1]
	_, page = d.get(path)
	mustContain(t, page, "增加协办单位", "吹哨报到", `name="org_codes"`, `type="number"`, "催办")
	tok := csrf(t, page)
	postOK(t, d, path+"/add_helper", url.Values{"csrf": {tok}, "org_code": {"110117-D01"}, "note": {"清运车辆"}},
		"平谷区城市管理委员会 参与协同办理", "待签收")
	postOK(t, d, path+"/whistle", url.Values{"csrf": {tok}, "org_codes": {"110117-D01"}, "within_hours": {"4"}, "note": {"现场会商"}},
		"召集 平谷区城市管理委员会，4 小时内报到", "待报到")
	dept := staffLogin(t, srv, "demo-handler-dept", "gongzhi-demo")
	_, body = dept.get("/staff?status=&part=helper")
	mustContain(t, body, "黄灯工单")
	_, body = dept.get("/staff?status=&part=summoned")
	mustContain(t, body, "黄灯工单")
	_, page = dept.get(path)
	mustContain(t, page, "协办部分", "签收协办部分", `action="`+path+`/report"`)
	ktok := csrf(t, page)
	postOK(t, dept, path+"/sign", url.Values{"csrf": {ktok}}, "协办单位 平谷区城市管理委员会 已签收", "答复协办部分")
	postOK(t, dept, path+"/report", url.Values{"csrf": {ktok}, "note": {"已到场"}}, "已报到", "已到场")
}

func adminUser(t *testing.T, a *app.App) auth.User {
	t.Helper()
	u, err := a.Auth.UserByUsername(t.Context(), "admin")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func setClock(t *testing.T, d *db.DB, number string, warn, due time.Time) {
	t.Helper()
	_, err := d.W.ExecContext(t.Context(), `UPDATE tickets SET warn_at = $1, due_at = $2, warn_sign_at = $1, due_sign_at = $2, warn_contact_at = $1, due_contact_at = $2 WHERE number = $3`,
		db.Millis(warn), db.Millis(due), number)
	if err != nil {
		t.Fatal(err)
	}
}

// TestTimeLimitsPage sets and deletes a line; only administrators may.
func TestTimeLimitsPage(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	d := staffLogin(t, srv, "demo-dispatcher", "gongzhi-demo")
	if status, _ := d.get("/staff/timelimits"); status != 403 {
		t.Errorf("dispatcher GET: %d, want 403", status)
	}
	_, page := d.get("/staff")
	mustLack(t, page, `href="/staff/timelimits"`)
	if status, _ := d.post("/staff/timelimits", url.Values{"csrf": {csrf(t, page)}, "urgency": {"normal"},
		"sign": {"1h"}, "contact": {"1d"}, "complete": {"2d"}}); status != 403 {
		t.Errorf("dispatcher POST: %d, want 403", status)
	}

	adm := staffLogin(t, srv, "admin", "lantern-river-42")
	_, page = adm.get("/staff/timelimits")
	mustContain(t, page, "全部分类", "全部类型", "2 工作小时", "24 自然小时", "h = 工作小时", "默认行", `href="/staff/timelimits"`)
	tok := csrf(t, page)
	if n := strings.Count(page, `action="/staff/timelimits/delete"`); n != 1+len(demo.TimeLimits()) { // the consultation line and the demo's
		t.Errorf("%d delete buttons, want %d", n, 1+len(demo.TimeLimits()))
	}
	status, body := adm.post("/staff/timelimits", url.Values{"csrf": {tok}, "category_code": {"0101"}, "kind": {"complaint"},
		"urgency": {"urgent"}, "sign": {"1h"}, "contact": {"2x"}, "complete": {"3d"}})
	if status != 400 {
		t.Fatalf("bad limit: %d", status)
	}
	mustContain(t, body, "联系时限：时限格式不正确", "contact limit: malformed time limit", `value="1h"`)
	postOK(t, adm, "/staff/timelimits", url.Values{"csrf": {tok}, "category_code": {"0101"}, "kind": {"complaint"},
		"urgency": {"urgent"}, "sign": {"1h"}, "contact": {"2h"}, "complete": {"3d"}}, "时限已保存", "3 工作日")
	lines, err := a.Tickets.TimeLimits(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range lines {
		found = found || (l.CategoryCode == "0101" && l.Kind == "complaint" && l.Complete.String() == "3d")
	}
	if !found {
		t.Fatalf("line not saved: %+v", lines)
	}
	status, body = adm.post("/staff/timelimits/delete", url.Values{"csrf": {tok}, "urgency": {"normal"}})
	if status != 400 {
		t.Errorf("delete default: %d", status)
	}
	mustContain(t, body, "默认时限不能删除")
	body = postOK(t, adm, "/staff/timelimits/delete", url.Values{"csrf": {tok}, "category_code": {"0101"}, "kind": {"complaint"}, "urgency": {"urgent"}},
		"时限已删除")
	mustLack(t, body, "3 工作日")
	if status, _ := adm.post("/staff/timelimits/delete", url.Values{"urgency": {"urgent"}, "kind": {"consultation"}}); status != 403 {
		t.Errorf("delete without csrf: %d, want 403", status)
	}
}

// TestUrgencyAndNotifications: staff register an emergency; a resident
// cannot; a merged duplicate's reporter hears the parent's reply on /my.
func TestUrgencyAndNotifications(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	g := staffLogin(t, srv, "demo-grid", "gongzhi-demo")
	_, page := g.get("/staff/new")
	mustContain(t, page, `name="urgency"`, "特急", `<option value="normal" selected>`)
	body := postOK(t, g, "/staff/new", url.Values{"csrf": {csrf(t, page)}, "kind": {"help"}, "urgency": {"emergency"},
		"category_code": {"0101"}, "community": {"110117001001"}, "description": {"井盖缺失有人掉落风险"}, "reporter_phone": {"13800138000"}},
		"特急", "诉求已登记")
	parent := regexp.MustCompile(`工单 (\d+)`).FindStringSubmatch(body)[1]

	// The resident logs in; a crafted urgency is ignored.
	c := newClient(t, srv)
	_, page = c.get("/login")
	tok := csrf(t, page)
	_, body = c.post("/login/code", url.Values{"csrf": {tok}, "phone": {"13800138000"}})
	code := regexp.MustCompile(`演示模式验证码：<strong>(\d+)</strong>`).FindStringSubmatch(body)[1]
	c.post("/login", url.Values{"csrf": {tok}, "phone": {"13800138000"}, "code": {code}})
	_, page = c.get("/submit")
	mustLack(t, page, `name="urgency"`)
	postOK(t, c, "/submit", url.Values{"csrf": {csrf(t, page)}, "category_code": {"0101"}, "community": {"110117001001"},
		"description": {"北门井盖丢了"}, "urgency": {"emergency"}})
	page2, err := a.Tickets.List(t.Context(), adminUser(t, a), ticket.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	child := page2.Items[0].Number
	if page2.Items[0].Urgency != ticket.UrgencyNormal || child == parent {
		t.Fatalf("resident ticket %s urgency %q", child, page2.Items[0].Urgency)
	}

	d := staffLogin(t, srv, "demo-dispatcher", "gongzhi-demo")
	_, page = d.get("/staff/tickets/" + child)
	postOK(t, d, "/staff/tickets/"+child+"/merge", url.Values{"csrf": {csrf(t, page)}, "into": {parent}}, "已合并", "此工单已合并")
	_, page = d.get("/staff/tickets/" + parent)
	mustContain(t, page, `href="/staff/tickets/`+child+`"`)
	h := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
	_, page = h.get("/staff/tickets/" + parent)
	htok := csrf(t, page)
	for _, step := range []struct {
		action string
		form   url.Values
	}{{"sign", nil}, {"contact", url.Values{"note": {"已联系"}}}, {"reply", url.Values{"reply_text": {"井盖已补装"}, "resolved": {"yes"}}}} {
		f := url.Values{"csrf": {htok}}
		for k, v := range step.form {
			f[k] = v
		}
		postOK(t, h, "/staff/tickets/"+parent+"/"+step.action, f)
	}
	_, body = c.get("/my")
	// The message tells her and links to her ticket; the answer is on its page.
	mustContain(t, body, "最新消息", "合并办理并答复")
	_, body = c.get("/tickets/" + child)
	mustContain(t, body, "井盖已补装", "合并办理的工单已答复", parent, "与相同诉求合并办理（工单 "+parent+"）")
}
