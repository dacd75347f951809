package web_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/gongzhi/gongzhi/internal/app"
)

// surveyResidents links the phones to 金谷东园社区 as its grid worker.
func surveyResidents(t *testing.T, a *app.App, phones ...string) {
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

var surveyIDRE = regexp.MustCompile(`/staff/surveys/(WJ[0-9]{12})`)

// TestSurveyPages walks a survey through the forms: the grid worker makes
// it and its questions, opens it; a resident's refused form comes back
// filled with her answers and the first problem; her answer thanks her; a
// second is refused; the staff record a paper answer, read the chart, the
// table and the free text, and download the workbooks; the resident reads
// the choices once it is closed and never the free text.
func TestSurveyPages(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	surveyResidents(t, a, "13800138000", "13900139001")
	grid := staffLogin(t, srv, "demo-grid", "gongzhi-demo")
	status, page := grid.get("/staff/surveys")
	if status != 200 {
		t.Fatalf("staff list: %d\n%s", status, page)
	}
	mustContain(t, page, `href="/staff/surveys"`, `id="sv-new-form"`, `value="110117001001"`)
	tok := csrf(t, page)
	form := url.Values{"title": {"社区停车管理满意度调查"}, "area_code": {"110117001001"}, "level": {"residents"},
		"closes_at": {time.Now().Add(48 * time.Hour).Format("2006-01-02T15:04")}}
	if status, _ := grid.post("/staff/surveys", form); status != 403 {
		t.Errorf("a form without its CSRF token: %d", status)
	}
	form.Set("csrf", tok)
	form.Set("area_code", "110117002")
	if status, page := grid.post("/staff/surveys", form); status != 403 || !strings.Contains(page, "只能在本辖区发起问卷") {
		t.Errorf("another street's survey: %d", status)
	}
	form.Set("area_code", "110117001001")
	status, page = grid.post("/staff/surveys", form)
	m := surveyIDRE.FindStringSubmatch(page)
	if status != 200 || m == nil || !strings.Contains(page, "问卷草稿已建立") {
		t.Fatalf("create: %d\n%s", status, page)
	}
	id, base := m[1], "/staff/surveys/"+m[1]
	for _, q := range []url.Values{
		{"kind": {"single"}, "prompt": {"您是否有私家车？"}, "required": {"1"}, "options": {"有\r\n没有\r\n"}},
		{"kind": {"multiple"}, "prompt": {"您希望增加哪些设施？"}, "options": {"充电桩\n非机动车棚\n访客车位"}, "max_picks": {"2"}},
		{"kind": {"scale"}, "prompt": {"您对停车秩序满意吗？"}, "scale_max": {"5"}, "low_label": {"很不满意"}, "high_label": {"很满意"}},
		{"kind": {"text"}, "prompt": {"其他意见和建议"}, "options": {"忽略"}, "scale_max": {"5"}},
	} {
		q.Set("csrf", tok)
		if status, page := grid.post(base+"/questions", q); status != 200 || !strings.Contains(page, "题目已添加") {
			t.Fatalf("add %s: %d\n%s", q.Get("kind"), status, page)
		}
	}
	if status, page := grid.post(base+"/questions", url.Values{"csrf": {tok}, "kind": {"single"}, "prompt": {"只有一个选项"}, "options": {"是"}}); status != 400 ||
		!strings.Contains(page, "选择题须有2到20个选项") || !strings.Contains(page, `value="只有一个选项"`) {
		t.Errorf("one option: %d", status)
	}
	if status, _ := grid.post(base+"/questions/9/delete", url.Values{"csrf": {tok}}); status != 404 {
		t.Errorf("delete no question: %d", status)
	}
	closes := time.Now().Add(72 * time.Hour).Format("2006-01-02T15:04")
	if status, page := grid.post(base+"/open", url.Values{"csrf": {tok}, "closes_at": {closes}}); status != 200 || !strings.Contains(page, "问卷已发布") {
		t.Fatalf("open: %d\n%s", status, page)
	}

	res := residentLogin(t, srv, "13800138000")
	_, hub := res.get("/participate")
	mustContain(t, hub, `id="part-surveys"`, `href="/surveys"`)
	_, list := res.get("/surveys")
	mustContain(t, list, "社区停车管理满意度调查", "待填写", "/surveys/"+id)
	_, one := res.get("/surveys/" + id)
	mustContain(t, one, `id="sv-form"`, `type="radio" id="q1-1" name="q1" value="1" required`, `type="checkbox" id="q2-3" name="q2" value="3"`,
		`id="q3-5"`, `<textarea id="q4"`, "最多选 2 项", "1 = 很不满意")
	rtok := csrf(t, one)
	bad := url.Values{"csrf": {rtok}, "q2": {"1", "2", "3"}, "q1": {"1"}, "q4": {"晚上车位不够"}}
	status, page = res.post("/surveys/"+id, bad)
	if status != 400 || !strings.Contains(page, "第2题最多选2项") || !strings.Contains(page, `id="q2-3" name="q2" value="3" checked`) || !strings.Contains(page, "晚上车位不够</textarea>") {
		t.Fatalf("too many picks: %d\n%s", status, page)
	}
	if status, _ := res.post("/surveys/"+id, url.Values{"csrf": {rtok}, "q1": {"x"}}); status != 400 {
		t.Errorf("a choice that is no number: %d", status)
	}
	good := url.Values{"csrf": {rtok}, "q1": {"1"}, "q2": {"1", "3"}, "q3": {"4"}, "q4": {"晚上车位不够，希望错峰共享"}}
	status, page = res.post("/surveys/"+id, good)
	if status != 200 || !strings.Contains(page, "感谢您的参与") || strings.Contains(page, `id="sv-form"`) || !strings.Contains(page, "问卷结束后将在这里公布结果") {
		t.Fatalf("answer: %d\n%s", status, page)
	}
	if status, page := res.post("/surveys/"+id, good); status != 409 || !strings.Contains(page, "每人只能填写一次") {
		t.Errorf("a second answer: %d", status)
	}
	if status, _ := staffLogin(t, srv, "demo-handler", "gongzhi-demo").get(base); status != 200 {
		t.Errorf("the street office reads: %d", status)
	}

	_, page = grid.get(base)
	mustContain(t, page, `id="sv-record-form"`, `id="sv-close"`, "已收到 1 份答卷")
	rec := url.Values{"csrf": {tok}, "phone": {"13900139001"}, "channel": {"phone"}, "q1": {"2"}, "q3": {"2"}}
	if status, page := grid.post(base+"/record", rec); status != 200 || !strings.Contains(page, "已代录该居民的答卷") {
		t.Fatalf("record: %d\n%s", status, page)
	}
	rec.Set("phone", "13700000000")
	if status, page := grid.post(base+"/record", rec); status != 403 || !strings.Contains(page, "未登记住在本区域") {
		t.Errorf("record for one who lives elsewhere: %d", status)
	}
	_, page = grid.get(base)
	mustContain(t, page, `<svg class="chart" id="sv-q1-chart"`, `id="tbl-sv-q1"`, `<td class="num">50.0%</td>`, "平均分 3（满分 5）",
		"晚上车位不够，希望错峰共享", "results.xlsx", "responses.xlsx")
	status, body := grid.get(base + "/results.xlsx")
	if status != 200 {
		t.Fatalf("results.xlsx: %d", status)
	}
	x, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows("结果")
	x.Close()
	if !strings.Contains(flatten(rows), "有|1|50") || !strings.Contains(flatten(rows), "没有|1|50") {
		t.Errorf("results.xlsx: %v", rows)
	}
	if status, _ := grid.get(base + "/responses.xlsx"); status != 200 {
		t.Errorf("responses.xlsx: %d", status)
	}
	if status, _ := res.get(base + "/responses.xlsx"); status != 403 {
		t.Errorf("a resident's responses.xlsx: %d", status)
	}
	if status, _ := grid.post(base+"/close", url.Values{"csrf": {tok}}); status != 200 {
		t.Fatalf("close: %d", status)
	}
	_, page = res.get("/surveys/" + id)
	mustContain(t, page, "已结束", `id="tbl-sv-q1"`, `id="tbl-sv-q3"`, "文字回答 1 条，不公开")
	if strings.Contains(page, "错峰共享") || strings.Contains(page, "responses.xlsx") {
		t.Error("the resident reads free text or the staff's downloads")
	}
	_, other := residentLogin(t, srv, "13700000000").get("/surveys")
	if strings.Contains(other, "社区停车") {
		t.Error("a resident of another area lists the survey")
	}
}

func flatten(rows [][]string) string {
	var out []string
	for _, r := range rows {
		out = append(out, strings.Join(r, "|"))
	}
	return strings.Join(out, "\n")
}

// TestSurveyStaffAnswer: a survey of staff (internal) is answered by the
// staff who may read it, on its staff page, once.
func TestSurveyStaffAnswer(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	grid := staffLogin(t, srv, "demo-grid", "gongzhi-demo")
	_, page := grid.get("/staff/surveys")
	tok := csrf(t, page)
	_, page = grid.post("/staff/surveys", url.Values{"csrf": {tok}, "title": {"网格工作量调查"}, "area_code": {"110117001001"}, "level": {"internal"},
		"closes_at": {time.Now().Add(48 * time.Hour).Format("2006-01-02T15:04")}})
	m := surveyIDRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("create:\n%s", page)
	}
	base := "/staff/surveys/" + m[1]
	grid.post(base+"/questions", url.Values{"csrf": {tok}, "kind": {"scale"}, "prompt": {"本周工作量"}, "scale_max": {"10"}, "required": {"1"}})
	if status, _ := grid.post(base+"/open", url.Values{"csrf": {tok}}); status != 200 {
		t.Fatalf("open: %d", status)
	}
	h := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
	_, page = h.get(base)
	mustContain(t, page, `id="sv-form"`, `action="`+base+`/answer"`, `id="q1-10"`)
	if strings.Contains(page, `id="sv-record-form"`) {
		t.Error("a staff survey offers to record residents' answers")
	}
	htok := csrf(t, page)
	if status, page := h.post(base+"/answer", url.Values{"csrf": {htok}, "q1": {"11"}}); status != 400 || !strings.Contains(page, "第1题的分值须为1到10") {
		t.Errorf("a value out of the scale: %d", status)
	}
	if status, page := h.post(base+"/answer", url.Values{"csrf": {htok}, "q1": {"7"}}); status != 200 || !strings.Contains(page, "感谢您的参与") {
		t.Fatalf("answer: %d\n%s", status, page)
	}
	if status, _ := h.post(base+"/answer", url.Values{"csrf": {htok}, "q1": {"8"}}); status != 409 {
		t.Errorf("answer twice: %d", status)
	}
	if status, _ := residentLogin(t, srv, "13800138000").get("/surveys/" + m[1]); status != 404 {
		t.Errorf("a resident reads an internal survey: %d", status)
	}
}
