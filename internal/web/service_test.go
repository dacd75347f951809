package web_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/service"
)

var serviceNumberRE = regexp.MustCompile(`(FW\d{12})`)

// TestServiceForms keeps a provider through the staff's forms without
// JavaScript — a service, a qualification, a slot, bad input refused with
// its reason — books for a resident on her behalf, has the station decline
// it, and checks who reaches which page: the hub's door, the resident's
// directory, a stranger's request, the staff pages for a resident.
func TestServiceForms(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	o := serviceSetup(t, a, residentPhone)
	grid := staffLogin(t, srv, "demo-grid", "gongzhi-demo")
	status, page := grid.get("/staff/services")
	if status != 200 {
		t.Fatalf("staff page: %d\n%s", status, page)
	}
	mustContain(t, page, "金谷东园养老驿站", "登记或修改服务机构", "代居民预约", "供需统计")
	tok := csrf(t, page)
	post := func(path string, f url.Values, want int, wants ...string) string {
		t.Helper()
		f.Set("csrf", tok)
		status, page := grid.post(path, f)
		if status != want {
			t.Fatalf("%s: %d, want %d\n%s", path, status, want, page)
		}
		mustContain(t, page, wants...)
		return page
	}
	post("/staff/services/offer", url.Values{"org_code": {svcStation}, "category": {"pets"}, "name": {"遛狗"}}, 400, "服务类别不正确")
	post("/staff/services/offer", url.Values{"org_code": {svcStation}, "category": {"meals"}, "name": {"老年餐送餐"}, "priced": {"1"}, "price_note": {"每餐12元"}}, 200, "服务已保存", "老年餐送餐")
	post("/staff/services/qualification", url.Values{"org_code": {svcStation}, "name": {"食品经营许可"}, "expires_on": {"soon"}}, 400, "YYYY-MM-DD")
	post("/staff/services/qualification", url.Values{"org_code": {svcStation}, "name": {"食品经营许可"}, "expires_on": {"2020-01-01"}}, 200, "资质已登记", "资质已过期，居民不可见")
	post("/staff/services/slot", url.Values{"service_id": {o.ID}, "starts_at": {""}, "hours": {"1"}, "capacity": {"2"}}, 400, "开始时间")
	post("/staff/services/provider", url.Values{"org_code": {"110117001001-CC"}, "provides": {"x"}, "hours": {"y"}, "areas": {""}}, 400, "服务区域")
	post("/staff/services/provider", url.Values{"org_code": {svcStation}, "provides": {"x"}, "hours": {"y"}, "areas": {"110117001001"}, "lat": {"north"}}, 400, "经纬度")
	post("/staff/services/nothing", url.Values{}, 404)

	// The expired qualification hides the station from residents.
	res := residentLogin(t, srv, residentPhone)
	status, page = res.get("/services")
	if status != 200 || strings.Contains(page, "上门助浴") {
		t.Fatalf("a lapsed provider in the directory: %d\n%s", status, page)
	}
	status, _ = res.get("/services/offers/" + o.ID)
	if status != 404 {
		t.Fatalf("a lapsed provider's service: %d", status)
	}
	// Renewed, it is back.
	gu, err := a.Auth.UserByUsername(t.Context(), "demo-grid")
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Services.Provider(t.Context(), gu, svcStation)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range p.Qualifications {
		if q.Expired {
			if _, err := a.Services.RemoveQualification(t.Context(), gu, svcStation, q.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	status, page = res.get("/participate")
	mustContain(t, page, `id="part-services"`, "邻里服务")
	status, page = res.get("/services")
	mustContain(t, page, "上门助浴", "老年餐送餐", "每餐12元", `id="svc-cat-meals"`)
	status, page = res.get("/services?category=meals")
	if strings.Contains(page, "上门助浴") || !strings.Contains(page, "老年餐送餐") {
		t.Fatalf("meals only:\n%s", page)
	}
	status, page = res.get("/staff/services")
	if status != 403 {
		t.Fatalf("a resident at the staff page: %d", status)
	}

	// On her behalf: recorded so, read by her; declined by the station.
	page = post("/staff/services/book", url.Values{"pick": {o.ID + "|" + o.Slots[0].ID}, "phone": {"13900139077"}, "area_code": {"110117001001"}, "note": {"电话预约"}}, 200,
		"预约已提交", "工作人员代为预约", "代 139****9077 办理")
	number := serviceNumberRE.FindStringSubmatch(page)
	if number == nil {
		t.Fatalf("no number:\n%s", page)
	}
	post("/staff/services/book", url.Values{"pick": {o.ID + "|" + o.Slots[0].ID}, "phone": {"12"}, "area_code": {"110117001001"}}, 400, "11位")
	status, page = res.get("/services/requests/" + number[1])
	if status != 404 {
		t.Fatalf("a stranger's request:\n%s", page)
	}
	station := staffLogin(t, srv, svcUser, svcPassword)
	_, page = station.get("/staff/services/requests/" + number[1])
	stok := csrf(t, page)
	status, page = station.post("/staff/services/requests/"+number[1]+"/decline", url.Values{"csrf": {stok}, "reason": {""}})
	if status != 400 || !strings.Contains(page, "婉拒理由不能为空") {
		t.Fatalf("decline without a reason: %d\n%s", status, page)
	}
	status, page = station.post("/staff/services/requests/"+number[1]+"/decline", url.Values{"csrf": {stok}, "reason": {"护理员不足"}})
	if status != 200 || !strings.Contains(page, "已婉拒") {
		t.Fatalf("decline: %d\n%s", status, page)
	}
	// Her open request is on 我的事项; the station's to-do lists it.
	_, page = res.get("/services/offers/" + mealsID(t, page0(res, t)))
	rtok := csrf(t, page)
	status, page = res.post("/services/offers/"+mealsID(t, page0(res, t))+"/book", url.Values{"csrf": {rtok}, "note": {"午餐送到家"}})
	if status != 200 || !strings.Contains(page, "预约已提交") {
		t.Fatalf("ask for meals: %d\n%s", status, page)
	}
	mine := serviceNumberRE.FindStringSubmatch(page)[1]
	_, page = res.get("/my")
	mustContain(t, page, "老年餐送餐", "/services/requests/"+mine)
	_, page = station.get("/staff/todo")
	mustContain(t, page, mine, "/staff/services/requests/"+mine)
	// The station keeps its slots, not its agreement.
	_, page = station.get("/staff/services")
	if strings.Contains(page, "登记或修改服务机构") || strings.Contains(page, `id="qual-form-`) || !strings.Contains(page, `id="slot-form-`) {
		t.Fatalf("the station's page:\n%s", page)
	}
}

// page0 is the resident's directory.
func page0(c *client, t *testing.T) string {
	t.Helper()
	_, page := c.get("/services?category=meals")
	return page
}

var mealsRE = regexp.MustCompile(`href="/services/offers/([0-9a-f]{24})"`)

// mealsID is the first service on the page.
func mealsID(t *testing.T, page string) string {
	t.Helper()
	m := mealsRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no service:\n%s", page)
	}
	return m[1]
}

// TestServiceMap: with a place to measure from, the directory draws the
// district's map with the circle searched and the service as dot 1, the
// same number as its line in the list; without one, the list alone.
func TestServiceMap(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	serviceSetup(t, a, residentPhone)
	grid, err := a.Auth.UserByUsername(context.Background(), "demo-grid")
	if err != nil {
		t.Fatal(err)
	}
	lat, lng := 40.1412, 117.1205
	if _, err := a.Services.SaveProvider(context.Background(), grid, service.ProviderInput{OrgCode: svcStation, Provides: "助老、助浴", Hours: "每天",
		Areas: []string{"110117001001"}, Lat: &lat, Lng: &lng}); err != nil {
		t.Fatal(err)
	}
	res := residentLogin(t, srv, residentPhone)
	status, page := res.get("/services?area=110117001001")
	if status != 200 || strings.Contains(page, `id="svc-map"`) {
		t.Fatalf("no place to measure from: %d, map shown %v", status, strings.Contains(page, `id="svc-map"`))
	}
	status, page = res.get("/services?area=110117001001&lat=40.1400&lng=117.1200")
	if status != 200 {
		t.Fatalf("directory: %d\n%s", status, page)
	}
	mustContain(t, page, `id="svc-map"`, `class="place-ring"`, `class="place-pin"`, "<title>上门助浴 · 金谷东园养老驿站</title>", `aria-label="地图上第 1 个"`)
}
