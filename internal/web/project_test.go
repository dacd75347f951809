package web_test

import (
	"context"
	"image/color"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/app"
)

// residentClient logs a client in as the resident of the phone.
func residentClient(t *testing.T, srv *httptest.Server, phone string) *client {
	t.Helper()
	c := newClient(t, srv)
	_, page := c.get("/login")
	tok := csrf(t, page)
	_, body := c.post("/login/code", url.Values{"csrf": {tok}, "phone": {phone}})
	m := regexp.MustCompile(`演示模式验证码：<strong>(\d+)</strong>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no demo code shown:\n%s", body)
	}
	if status, body := c.post("/login", url.Values{"csrf": {tok}, "phone": {phone}, "code": {m[1]}}); status != 200 {
		t.Fatalf("login: %d\n%s", status, body)
	}
	return c
}

// verifyResidents links the phones to 金谷东园社区, as its grid worker.
func verifyResidents(t *testing.T, a *app.App, phones ...string) {
	t.Helper()
	ctx := context.Background()
	grid, err := a.Auth.UserByUsername(ctx, "demo-grid")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range phones {
		if _, err := a.Proposals.VerifyResident(ctx, grid, "110117001001", p); err != nil {
			t.Fatal(err)
		}
	}
}

var projectNo = regexp.MustCompile(`XM[0-9]{12}`)

// TestProjectPages walks a key project through its pages without
// JavaScript: created by the community's grid worker; a guest reads it and
// is asked to log in; a resident of the area sends a need, one outside it
// is told she cannot; the staff answer it, enter a need for a neighbour,
// report progress with a photo (refused lower without a reason), cannot
// close with an opinion unanswered; the resident's evaluation shows in the
// mean. Residents' phones never appear on the residents' pages.
func TestProjectPages(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	verifyResidents(t, a, "13800138000", "13900139301")
	grid := staffLogin(t, srv, "demo-grid", "gongzhi-demo")
	status, page := grid.get("/staff/projects")
	if status != 200 {
		t.Fatalf("staff list: %d\n%s", status, page)
	}
	mustContain(t, page, `href="/staff/projects"`, "设立重点项目", `value="110117001001"`)
	tok := csrf(t, page)
	form := url.Values{"csrf": {tok}, "area_code": {"110117001001"}, "title": {""}, "description": {"建口袋公园"}, "budget": {"1.234"}}
	status, page = grid.post("/staff/projects", form)
	if status != 400 || !strings.Contains(page, "预算应为以元计的金额") || !strings.Contains(page, "建口袋公园") {
		t.Fatalf("a bad budget: %d\n%s", status, page)
	}
	form.Set("budget", "1,250,000.5")
	form.Set("title", "金谷东园口袋公园")
	status, page = grid.post("/staff/projects", form)
	if status != 200 || !strings.Contains(page, "项目已设立") || !strings.Contains(page, "1,250,000.50 元") {
		t.Fatalf("create: %d\n%s", status, page)
	}
	number := projectNo.FindString(page)
	staffPath, path := "/staff/projects/"+number, "/projects/"+number

	guest := newClient(t, srv)
	_, page = guest.get("/projects")
	mustContain(t, page, "金谷东园口袋公园", `href="`+path+`"`)
	_, page = guest.get(path)
	mustContain(t, page, "需求征集", `id="proj-login"`, `aria-current="step"`)
	if strings.Contains(page, "need-form") {
		t.Error("a guest is offered the need form")
	}
	_, login := guest.get("/login")
	if status, page := guest.post(path+"/inputs", url.Values{"csrf": {csrf(t, login)}, "kind": {"need"}, "text": {"x"}}); status != 200 || !strings.Contains(page, `id="phone"`) {
		t.Errorf("a guest's need is sent to log in: %d", status)
	}

	res := residentClient(t, srv, "13800138000")
	_, page = res.get(path)
	status, page = res.post(path+"/inputs", url.Values{"csrf": {csrf(t, page)}, "kind": {"need"}, "text": {"希望增加儿童滑梯"}})
	if status != 200 || !strings.Contains(page, "需求已提交") || !strings.Contains(page, "希望增加儿童滑梯") || !strings.Contains(page, "我提的") {
		t.Fatalf("need: %d\n%s", status, page)
	}
	status, page = res.post(path+"/inputs", url.Values{"csrf": {csrf(t, page)}, "kind": {"opinion"}, "text": {"太吵"}})
	if status != 409 || !strings.Contains(page, "意见只在实施阶段收集") {
		t.Fatalf("an opinion while planned: %d\n%s", status, page)
	}
	outsider := residentClient(t, srv, "13700137301")
	_, page = outsider.get(path)
	mustContain(t, page, `id="proj-notresident"`)
	if status, _ := outsider.post(path+"/inputs", url.Values{"csrf": {csrf(t, page)}, "kind": {"need"}, "text": {"x"}}); status != 403 {
		t.Errorf("an outsider's need: %d", status)
	}

	_, page = grid.get(staffPath)
	mustContain(t, page, "138****8000", "希望增加儿童滑梯", "开始实施")
	input := regexp.MustCompile(`name="input" value="([0-9a-f]{24})"`).FindStringSubmatch(page)
	if input == nil {
		t.Fatalf("no answer form:\n%s", page)
	}
	tok = csrf(t, page)
	status, page = grid.post(staffPath+"/answer", url.Values{"csrf": {tok}, "input": {input[1]}, "text": {"已纳入设计，增设儿童游乐区。"}})
	if status != 200 || !strings.Contains(page, "答复已发送") {
		t.Fatalf("answer: %d\n%s", status, page)
	}
	status, page = grid.post(staffPath+"/input", url.Values{"csrf": {tok}, "kind": {"need"}, "phone": {"13900139301"}, "text": {"希望多种树"}})
	if status != 200 || !strings.Contains(page, "工作人员代为提交") {
		t.Fatalf("a need for her: %d\n%s", status, page)
	}
	dept := staffLogin(t, srv, "demo-handler-dept", "gongzhi-demo")
	_, dpage := dept.get(staffPath)
	if status, _ := dept.post(staffPath+"/phase", url.Values{"csrf": {csrf(t, dpage)}, "phase": {"building"}}); status != 403 {
		t.Errorf("another unit moves it: %d", status)
	}
	status, page = grid.post(staffPath+"/phase", url.Values{"csrf": {tok}, "phase": {"building"}})
	if status != 200 || !strings.Contains(page, "项目已进入下一阶段") || !strings.Contains(page, "progress-form") {
		t.Fatalf("building: %d\n%s", status, page)
	}
	status, page = grid.postFiles(staffPath+"/progress", url.Values{"csrf": {tok}, "percent": {"50"}, "note": {"场地平整完成"}},
		upload{"site.jpg", jpegBytes(t, color.RGBA{40, 160, 60, 255})})
	if status != 200 || !strings.Contains(page, "进度已报告") || !strings.Contains(page, `value="50"`) {
		t.Fatalf("progress: %d\n%s", status, page)
	}
	status, page = grid.postFiles(staffPath+"/progress", url.Values{"csrf": {tok}, "percent": {"40"}, "note": {"返工"}})
	if status != 409 || !strings.Contains(page, "进度不能低于上次报告的50%") {
		t.Fatalf("lower without a reason: %d\n%s", status, page)
	}
	_, page = guest.get(path)
	photo := regexp.MustCompile(`src="(/projects/XM[0-9]{12}/photos/[0-9a-f]{24})\?thumb=1"`).FindStringSubmatch(page)
	if photo == nil || !strings.Contains(page, "场地平整完成") {
		t.Fatalf("no photo on the public page:\n%s", page)
	}
	if status, _ := guest.get(photo[1] + "?thumb=1"); status != 200 {
		t.Errorf("the thumbnail: %d", status)
	}
	if status, _ := guest.get(path + "/photos/000000000000000000000000"); status != 404 {
		t.Errorf("no such photo: %d", status)
	}

	_, page = res.get(path)
	status, page = res.post(path+"/inputs", url.Values{"csrf": {csrf(t, page)}, "kind": {"opinion"}, "text": {"周末请晚点开工"}})
	if status != 200 || !strings.Contains(page, "意见已提交") {
		t.Fatalf("opinion: %d\n%s", status, page)
	}
	for _, s := range []string{"13800138000", "13900139301", "138****8000"} {
		if strings.Contains(page, s) {
			t.Errorf("the resident's page shows %s", s)
		}
	}
	grid.post(staffPath+"/phase", url.Values{"csrf": {tok}, "phase": {"evaluating"}})
	status, page = grid.post(staffPath+"/phase", url.Values{"csrf": {tok}, "phase": {"closed"}})
	if status != 409 || !strings.Contains(page, "还有2条居民需求或意见未答复") {
		t.Fatalf("close with inputs unanswered: %d\n%s", status, page)
	}
	_, page = res.get(path)
	status, page = res.post(path+"/evaluation", url.Values{"csrf": {csrf(t, page)}, "score": {"4"}, "text": {"孩子很喜欢"}})
	if status != 200 || !strings.Contains(page, "平均 4.0 分，共 1 人评价") || !strings.Contains(page, "修改评价") {
		t.Fatalf("evaluate: %d\n%s", status, page)
	}
	status, page = res.post(path+"/evaluation", url.Values{"csrf": {csrf(t, page)}, "score": {"9"}})
	if status != 400 {
		t.Fatalf("a score of 9: %d\n%s", status, page)
	}
}
