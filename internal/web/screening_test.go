package web_test

import (
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/clock"
)

var roundPathRE = regexp.MustCompile(`/staff/screening/(PC\d{12})`)

// TestScreeningForms schedules a round from the supervisor's form (a bad
// period refused), records a place as the grid worker without JavaScript
// (a finding undescribed refused beside its place), and keeps the pages
// from those who may not use them; then the resident's needs form asks
// her consent, the visit plan asks a reason, and staff register for a
// resident only with her consent in person.
func TestScreeningForms(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	sup := staffLogin(t, srv, "demo-supervisor", "gongzhi-demo")
	status, page := sup.get("/staff/screening")
	if status != 200 {
		t.Fatalf("list: %d\n%s", status, page)
	}
	mustContain(t, page, "安排排查", `id="scr-coverage"`)
	tok := csrf(t, page)
	day := time.Now().In(clock.BusinessZone()).Format("2006-01-02")
	form := url.Values{"csrf": {tok}, "area_code": {"110117001001"}, "title": {"金谷东园排查"}, "starts_on": {day}, "ends_on": {day},
		"places": {"1号楼101\n1号楼102\n1号楼201\n"}}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("ends_on", "")
	if status, page = sup.post("/staff/screening", bad); status != 400 || !strings.Contains(page, "结束日期") {
		t.Fatalf("no end: %d\n%s", status, page)
	}
	status, page = sup.post("/staff/screening", form)
	m := roundPathRE.FindStringSubmatch(page)
	if status != 200 || m == nil || !strings.Contains(page, "排查轮次已安排") {
		t.Fatalf("create: %d\n%s", status, page)
	}
	grid := staffLogin(t, srv, "demo-grid", "gongzhi-demo")
	_, page = grid.get("/staff/screening")
	if strings.Contains(page, `id="scr-form"`) {
		t.Fatal("the grid worker is offered to schedule")
	}
	_, page = grid.get("/staff/screening/" + m[1])
	mustContain(t, page, "1号楼101", `id="clear-1"`, `id="finding-2"`)
	gt := csrf(t, page)
	status, page = grid.post("/staff/screening/"+m[1]+"/check", url.Values{"csrf": {gt}, "seq": {"2"}, "result": {"finding"}, "note": {"短"}, "convert_to": {"ticket"}})
	if status != 400 || !strings.Contains(page, "至少5字") || !strings.Contains(page, `<details class="scr-finding" open>`) {
		t.Fatalf("undescribed finding: %d\n%s", status, page)
	}
	status, page = grid.post("/staff/screening/"+m[1]+"/check", url.Values{"csrf": {gt}, "seq": {"1"}, "result": {"clear"}})
	if status != 200 || !strings.Contains(page, "已记录：无异常") || !strings.Contains(page, "已排查 1 / 3") {
		t.Fatalf("clear: %d\n%s", status, page)
	}
	// The second place: a quarrel, which becomes a case of the street's
	// mediation committee from the same form.
	mustContain(t, page, `name="dispute_type"`, `name="party2_name"`, `name="service_id"`, "长者食堂助餐")
	status, page = grid.post("/staff/screening/"+m[1]+"/check", url.Values{"csrf": {gt}, "seq": {"2"}, "result": {"finding"},
		"note": {"楼上装修噪音，邻里争吵"}, "convert_to": {"mediation"}, "dispute_type": {"neighbour"},
		"party1_name": {"周丽"}, "party1_phone": {""}, "party2_name": {"吴刚"}, "service_id": {""}})
	if status != 200 || !strings.Contains(page, "已排查 2 / 3") || !regexp.MustCompile(`调解案件：<a class="mono" href="/staff/mediation/TJ\d+`).MatchString(page) {
		t.Fatalf("finding to mediation: %d\n%s", status, page)
	}
	handler := staffLogin(t, srv, "demo-handler-dept", "gongzhi-demo")
	if status, _ = handler.get("/staff/screening/" + m[1]); status != 403 && status != 404 {
		t.Fatalf("a department reads the round: %d", status)
	}
	if status, _ = handler.get("/staff/visits"); status != 403 {
		t.Fatalf("a department's visit plan: %d", status)
	}

	res := residentLogin(t, srv, "13800138000")
	_, page = res.get("/my")
	mustContain(t, page, `href="/needs"`)
	status, page = res.get("/needs")
	if status != 200 {
		t.Fatalf("needs: %d", status)
	}
	mustContain(t, page, "尚未登记", "授权说明", "只有本网格的网格员")
	rt := csrf(t, page)
	reg := url.Values{"csrf": {rt}, "categories": {"alone", "care"}, "area_code": {"110117001001"}, "address": {"金谷东园6号楼101"}, "consent_version": {"2026-12-v1"}}
	if status, page = res.post("/needs", reg); status != 400 || !strings.Contains(page, "请阅读并同意") {
		t.Fatalf("without consent: %d\n%s", status, page)
	}
	reg.Set("consent", "1")
	if status, page = res.post("/needs", reg); status != 200 || !strings.Contains(page, "已登记，已授权") || !strings.Contains(page, "需照护") {
		t.Fatalf("register: %d\n%s", status, page)
	}
	_, page = grid.get("/staff/visits")
	if strings.Contains(page, "金谷东园6号楼101") {
		t.Fatal("the plan is shown without a reason")
	}
	status, page = grid.get("/staff/visits?reason=" + url.QueryEscape("走"))
	if status != 400 || strings.Contains(page, "金谷东园6号楼101") {
		t.Fatalf("a reason too short: %d", status)
	}
	_, page = grid.get("/staff/visits?reason=" + url.QueryEscape("每周走访"))
	mustContain(t, page, "金谷东园6号楼101", "138****8000")
	if strings.Contains(page, "13800138000") {
		t.Fatal("the phone unmasked in the plan")
	}
	behalf := url.Values{"csrf": {csrf(t, page)}, "phone": {"13900139055"}, "categories": {"disability"}, "area_code": {"110117001001"},
		"address": {"金谷东园7号楼"}, "consent": {"1"}, "consent_version": {"2026-12-v1"}}
	if status, page = grid.post("/staff/visits/register", behalf); status != 400 || !strings.Contains(page, "当面同意") {
		t.Fatalf("on behalf without in person: %d\n%s", status, page)
	}
	behalf.Set("in_person", "1")
	if status, page = grid.post("/staff/visits/register", behalf); status != 200 || !strings.Contains(page, "已代为登记") {
		t.Fatalf("on behalf: %d\n%s", status, page)
	}
	_, page = res.get("/needs")
	mustContain(t, page, "每周走访", "网格演示员")
	_, page = res.get("/my")
	mustContain(t, page, "需求登记：已授权")
	// The grid worker's one to-do list: the round with a place unchecked,
	// and the visits due, counted without a name.
	_, page = grid.get("/staff/todo")
	mustContain(t, page, "金谷东园排查", "/staff/screening/"+m[1], "位居民到期需走访", `href="/staff/visits"`)
	if strings.Contains(page, "金谷东园6号楼101") {
		t.Fatal("the to-do list names a resident")
	}
}
