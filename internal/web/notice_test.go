package web_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/app"
)

var noticeNoRE = regexp.MustCompile(`GS\d{12}`)

// endNotice moves the item's public-notice period into the past, as if its
// days had gone by, and runs the background work that ends it.
func endNotice(t *testing.T, a *app.App, number string) {
	t.Helper()
	past := time.Now().Add(-time.Second).UnixMilli()
	if _, err := a.DB.W.Exec(`UPDATE notices SET notice_from = $2, notice_until = $3 WHERE number = $1`, number, past-8*24*3600*1000, past); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Notices.EndPeriods(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestNoticePages: the community's staff publish an announcement and a
// finance disclosure through the forms; a guest reads the public ones and is
// asked to log in to object; a resident objects; the staff answer, are
// refused the final before the period ends, and finalise after it with the
// summary. Nobody's phone reaches the pages.
func TestNoticePages(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	grid := staffLogin(t, srv, "demo-grid", "gongzhi-demo")
	status, page := grid.get("/staff/notices/new")
	if status != 200 {
		t.Fatalf("form: %d\n%s", status, page)
	}
	tok := csrf(t, page)
	form := url.Values{"csrf": {tok}, "kind": {"announcement"}, "area_code": {"110117001001"}, "title": {"小区停车位划线方案公示"},
		"body": {"拟在东门内侧划线停车位20个。"}, "notice_days": {"3"}, "draft": {"0"}}
	status, page = grid.post("/staff/notices", form)
	if status != 400 || !strings.Contains(page, "公示期应为5到30天") || !strings.Contains(page, "小区停车位划线方案公示") {
		t.Fatalf("a period too short: %d\n%s", status, page)
	}
	form.Set("notice_days", "7")
	status, page = grid.post("/staff/notices", form)
	number := noticeNoRE.FindString(page)
	if status != 200 || number == "" || !strings.Contains(page, "公示中") || !strings.Contains(page, "已保存") {
		t.Fatalf("publish: %d\n%s", status, page)
	}
	fin := url.Values{"csrf": {tok}, "kind": {"finance"}, "area_code": {"110117001001"}, "title": {"10月财务公开"}, "body": {"收支如下。"},
		"period": {time.Now().AddDate(0, -1, 0).Format("2006-01")}, "lines": {"停车费,收入,120000.50\n保洁,支出,35000.05\n办公费，支出，0.1\n捐赠,收入,0.20"}}
	status, page = grid.post("/staff/notices", fin)
	if status != 200 || !strings.Contains(page, "120000.70") || !strings.Contains(page, "35000.15") || !strings.Contains(page, "85000.55") {
		t.Fatalf("finance: %d\n%s", status, page)
	}
	guest := newClient(t, srv)
	_, page = guest.get("/notices")
	mustContain(t, page, "小区停车位划线方案公示", "10月财务公开", "公示期至")
	status, page = guest.get("/notices/" + number)
	if status != 200 || !strings.Contains(page, "登录后提出异议") || strings.Contains(page, "object-form") {
		t.Fatalf("the guest's page: %d\n%s", status, page)
	}
	res := residentLogin(t, srv, "13800138000")
	_, page = res.get("/notices/" + number)
	mustContain(t, page, "object-form", "您还可以提出 3 条")
	status, page = res.post("/notices/"+number+"/objections", url.Values{"csrf": {csrf(t, page)}, "text": {"东门内侧是消防通道，不宜划车位。"}})
	if status != 200 || !strings.Contains(page, "异议已提交") || !strings.Contains(page, "我提出的") {
		t.Fatalf("object: %d\n%s", status, page)
	}
	status, page = res.post("/notices/"+number+"/objections", url.Values{"csrf": {csrf(t, page)}, "text": {" "}})
	if status != 400 || !strings.Contains(page, "异议内容不能为空") {
		t.Fatalf("an empty objection: %d\n%s", status, page)
	}
	_, page = guest.get("/notices/" + number)
	mustContain(t, page, "东门内侧是消防通道", "居民", "待答复")
	if strings.Contains(page, "13800138000") || strings.Contains(page, "8000") {
		t.Error("the objector's phone is on the page")
	}
	_, page = grid.get("/staff/notices/" + number)
	mustContain(t, page, "answer-form-1", "behalf-form", "withdraw-form")
	status, page = grid.post("/staff/notices/"+number+"/finalise", url.Values{"csrf": {tok}, "summary": {"说明"}})
	if status != 409 || !strings.Contains(page, "公示期未满") {
		t.Fatalf("final during the period: %d\n%s", status, page)
	}
	status, page = grid.post("/staff/notices/"+number+"/objections/1/answer", url.Values{"csrf": {tok}, "text": {"采纳，车位改划在西侧。"}, "changed": {"1"}})
	if status != 200 || !strings.Contains(page, "答复已保存") || !strings.Contains(page, "已采纳") {
		t.Fatalf("answer: %d\n%s", status, page)
	}
	endNotice(t, a, number)
	status, page = grid.post("/staff/notices/"+number+"/finalise", url.Values{"csrf": {tok}, "summary": {""}})
	if status != 400 || !strings.Contains(page, "请填写结果说明") {
		t.Fatalf("final without the summary: %d\n%s", status, page)
	}
	status, page = grid.post("/staff/notices/"+number+"/finalise", url.Values{"csrf": {tok}, "summary": {"收到异议1条，已采纳：车位改划在西侧。"}})
	if status != 200 || !strings.Contains(page, "已办结") {
		t.Fatalf("finalise: %d\n%s", status, page)
	}
	_, page = res.get("/notices/" + number)
	mustContain(t, page, "采纳，车位改划在西侧。", "收到异议1条，已采纳：车位改划在西侧。", "已办结")
	if status, _ := grid.post("/staff/notices/"+number+"/withdraw", url.Values{"reason": {"x"}}); status != 403 {
		t.Errorf("a form without its token: %d", status)
	}
}

// TestNoticeAccess: a residents' item is hidden from guests; the schedule
// rules are the administrator's; residents are sent from the staff pages.
func TestNoticeAccess(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	grid := staffLogin(t, srv, "demo-grid", "gongzhi-demo")
	_, page := grid.get("/staff/notices/new")
	tok := csrf(t, page)
	status, page := grid.post("/staff/notices", url.Values{"csrf": {tok}, "kind": {"topic"}, "area_code": {"110117001001"}, "title": {"是否增设快递柜"},
		"body": {"请大家发表意见。"}, "comment_days": {"7"}})
	number := noticeNoRE.FindString(page)
	if status != 200 || number == "" || !strings.Contains(page, "征求意见中") || !strings.Contains(page, "本区域居民可见") {
		t.Fatalf("topic: %d\n%s", status, page)
	}
	if status, _ := newClient(t, srv).get("/notices/" + number); status != 404 {
		t.Errorf("a guest reads a residents' topic: %d", status)
	}
	if status, _ := residentLogin(t, srv, "13700137000").get("/notices/" + number); status != 404 {
		t.Errorf("a resident of nowhere reads it: %d", status)
	}
	status, _ = grid.post("/staff/notices/rules", url.Values{"csrf": {tok}, "area_code": {"110117"}, "kind": {"finance"}, "every": {"quarterly"}})
	if status != 403 {
		t.Errorf("the grid worker sets a rule: %d", status)
	}
	admin := staffLogin(t, srv, "admin", "lantern-river-42")
	_, page = admin.get("/staff/notices")
	mustContain(t, page, "rule-form", "村务、财务公开时间表")
	status, page = admin.post("/staff/notices/rules", url.Values{"csrf": {csrf(t, page)}, "area_code": {"110117"}, "kind": {"finance"}, "every": {"quarterly"}, "due_days": {"15"}})
	if status != 200 || !strings.Contains(page, "公开时间表已保存") || !strings.Contains(page, "每季度") {
		t.Fatalf("rule: %d\n%s", status, page)
	}
	res := residentLogin(t, srv, "13800138000")
	if status, _ := res.get("/staff/notices"); status != 403 {
		t.Errorf("a resident opens the staff list: %d", status)
	}
	_, page = grid.get("/notices")
	mustContain(t, page, "是否增设快递柜", "发布公示公告") // sent on to the staff list
}

// TestNoticeDraftEdit: a finance draft opens with its edit form filled in
// (the lines as they were typed); a mistake keeps what was typed; the
// change is saved and the draft then published; a published item offers no
// edit form.
func TestNoticeDraftEdit(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	grid := staffLogin(t, srv, "demo-grid", "gongzhi-demo")
	_, page := grid.get("/staff/notices/new")
	tok := csrf(t, page)
	period := time.Now().AddDate(0, -1, 0).Format("2006-01")
	status, page := grid.post("/staff/notices", url.Values{"csrf": {tok}, "kind": {"finance"}, "area_code": {"110117001001"}, "title": {"财务公开（草稿）"},
		"body": {"收支如下。"}, "period": {period}, "lines": {"停车费,收入,100\n保洁,支出,30"}, "draft": {"1"}})
	number := noticeNoRE.FindString(page)
	if status != 200 || number == "" {
		t.Fatalf("draft: %d\n%s", status, page)
	}
	mustContain(t, page, `id="edit-form"`, "停车费,收入,100.00", "保洁,支出,30.00")
	edit := url.Values{"csrf": {tok}, "edit": {"1"}, "level": {"public"}, "title": {"10月财务公开"}, "body": {"收支如下。"}, "period": {period},
		"notice_days": {"7"}, "lines": {"停车费,收入,120.50\n保洁,支出,多少"}}
	status, page = grid.post("/staff/notices/"+number+"/edit", edit)
	if status != 400 || !strings.Contains(page, "第2行") || !strings.Contains(page, "保洁,支出,多少") {
		t.Fatalf("a bad line: %d\n%s", status, page)
	}
	edit.Set("lines", "停车费,收入,120.50\n保洁,支出,30")
	status, page = grid.post("/staff/notices/"+number+"/edit", edit)
	if status != 200 || !strings.Contains(page, "草稿已修改") || !strings.Contains(page, "10月财务公开") || !strings.Contains(page, "90.50") {
		t.Fatalf("edit: %d\n%s", status, page)
	}
	status, page = grid.post("/staff/notices/"+number+"/open", url.Values{"csrf": {tok}, "notice_days": {"7"}})
	if status != 200 || strings.Contains(page, `id="edit-form"`) {
		t.Fatalf("published, the edit form stays: %d", status)
	}
	if status, _ := grid.post("/staff/notices/"+number+"/edit", edit); status != 409 {
		t.Errorf("a published item edited: %d", status)
	}
}
