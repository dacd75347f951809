package web_test

import (
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var trainingIDRE = regexp.MustCompile(`href="/staff/training/(tr-[0-9a-f]+)"`)

// TestTrainingPages sets up a residents' session on the staff pages,
// records a resident's phone (masked on the page, refused a second time),
// and shows the resident her attendance on her guide; the guides of every
// role are public and linked from the navigation.
func TestTrainingPages(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	h := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
	status, page := h.get("/staff/training")
	if status != 200 {
		t.Fatalf("training page: %d\n%s", status, page)
	}
	mustContain(t, page, `href="/staff/training"`, `href="/help/handler"`, `name="starts_at"`)
	form := url.Values{"csrf": {csrf(t, page)}, "title": {"居民线上办事培训"}, "audience": {"residents"}, "starts_at": {"2025-03-05T09:00"},
		"place": {"金谷东园社区活动室"}, "area_code": {"110117001001"}, "guide": {"resident"}}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("starts_at", "")
	if status, page := h.post("/staff/training", bad); status != 400 {
		t.Fatalf("no time: %d\n%s", status, page)
	}
	status, page = h.post("/staff/training", form)
	if status != 200 {
		t.Fatalf("create: %d\n%s", status, page)
	}
	mustContain(t, page, "居民线上办事培训", `name="phone"`)
	_, list := h.get("/staff/training")
	m := trainingIDRE.FindStringSubmatch(list)
	if m == nil {
		t.Fatalf("no session listed:\n%s", list)
	}
	rec := url.Values{"csrf": {csrf(t, page)}, "phone": {"13800138000"}}
	status, page = h.post("/staff/training/"+m[1]+"/attendance", rec)
	if status != 200 {
		t.Fatalf("record: %d\n%s", status, page)
	}
	mustContain(t, page, "138****8000")
	if strings.Contains(page, "13800138000") {
		t.Fatal("an unmasked phone on the page")
	}
	if status, page := h.post("/staff/training/"+m[1]+"/attendance", rec); status != 409 {
		t.Fatalf("twice: %d\n%s", status, page)
	}
	res := residentLogin(t, srv, "13800138000")
	if status, _ := res.get("/staff/training"); status != 403 {
		t.Fatalf("a resident on the staff page: %d", status)
	}
	status, page = res.get("/help/resident")
	if status != 200 {
		t.Fatalf("resident guide: %d", status)
	}
	mustContain(t, page, `id="help-steps"`, `id="help-attended"`, "居民线上办事培训", `href="/help/resident"`)
	for _, role := range []string{"grid_worker", "handler", "dispatcher", "supervisor", "admin"} {
		if status, _ := newClient(t, srv).get("/help/" + role); status != 200 {
			t.Fatalf("guide %s: %d", role, status)
		}
	}
	if status, _ := newClient(t, srv).get("/help/king"); status != 404 {
		t.Fatalf("no such guide: %d", status)
	}
}
