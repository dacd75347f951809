package web_test

import (
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var commentIDRE = regexp.MustCompile(`id="c-([0-9a-f]{24})"`)

// TestCommentsPages: a resident comments on her proposal with a position
// (refused without one, her words kept), a neighbour replies and reports
// the comment, the community's grid worker hides it from the moderation
// queue with a reason that readers then see; the public figures count it;
// the administrator alone switches the review mode; one who may not read
// the proposal may not comment on it.
func TestCommentsPages(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	const neighbour = "13900139001"
	yard := proposalSetup(t, a, residentPhone, neighbour)
	res := residentLogin(t, srv, residentPhone)
	_, page := res.get("/proposals/new")
	status, page := res.post("/proposals", url.Values{"csrf": {csrf(t, page)}, "area": {"courtyard:" + yard}, "title": {"二号楼装充电桩"}, "body": {"电动车没处充电。"}})
	number := regexp.MustCompile(`TA\d{12}`).FindString(page)
	if status != 200 || number == "" {
		t.Fatalf("raise: %d\n%s", status, page)
	}
	path := "/proposals/" + number
	mustContain(t, page, `id="comments"`, `name="position"`, `id="position-support"`, "还没有评论")
	form := url.Values{"csrf": {csrf(t, page)}, "target": {"proposal:" + number}, "back": {path}, "body": {"支持，楼下空地可以装。"}}
	status, page = res.post("/comments", form)
	if status != 400 || !strings.Contains(page, "请选择您的立场") || !strings.Contains(page, "支持，楼下空地可以装。") {
		t.Fatalf("a comment without a position: %d\n%s", status, page)
	}
	form.Set("position", "support")
	status, page = res.post("/comments", form)
	if status != 200 || !strings.Contains(page, "您的意见已发表") || !strings.Contains(page, "居民**00") {
		t.Fatalf("comment: %d\n%s", status, page)
	}
	first := commentIDRE.FindStringSubmatch(page)[1]

	nb := residentLogin(t, srv, neighbour)
	status, page = nb.get(path + "?reply=" + first)
	if status != 200 || !strings.Contains(page, `name="parent_id" value="`+first+`"`) || strings.Contains(page, `id="position-support"`) {
		t.Fatalf("the reply form: %d\n%s", status, page)
	}
	status, page = nb.post("/comments", url.Values{"csrf": {csrf(t, page)}, "target": {"proposal:" + number}, "back": {path}, "parent_id": {first}, "body": {"同意"}})
	if status != 200 || !strings.Contains(page, "回复 居民**00") {
		t.Fatalf("reply: %d\n%s", status, page)
	}
	status, page = nb.get("/comments/" + first + "/report?back=" + url.QueryEscape(path))
	if status != 200 || !strings.Contains(page, `id="reason-abuse"`) {
		t.Fatalf("the report form: %d\n%s", status, page)
	}
	status, page = nb.post("/comments/"+first+"/report", url.Values{"csrf": {csrf(t, page)}, "back": {path}, "reason": {"abuse"}, "text": {"人身攻击"}})
	if status != 200 || !strings.Contains(page, "举报已收到") {
		t.Fatalf("report: %d\n%s", status, page)
	}

	grid := staffLogin(t, srv, "demo-grid", "gongzhi-demo")
	status, page = grid.get("/staff" + path)
	mustContain(t, page, `id="comments"`, `id="comments-staff"`, "居民**00", `href="/staff/moderation#c-`+first+`"`, `href="/staff/moderation"`)
	status, page = grid.get("/staff/moderation")
	if status != 200 || !strings.Contains(page, "人身攻击") || !strings.Contains(page, "二号楼装充电桩") || strings.Contains(page, `id="mode-form"`) {
		t.Fatalf("the queue: %d\n%s", status, page)
	}
	status, page = grid.post("/staff/moderation/"+first, url.Values{"csrf": {csrf(t, page)}, "decision": {"hide"}})
	if status != 400 {
		t.Fatalf("hide without a reason: %d", status)
	}
	status, page = grid.post("/staff/moderation/"+first, url.Values{"csrf": {csrf(t, page)}, "decision": {"hide"}, "reason": {"abuse"}, "text": {"请文明发言"}})
	if status != 200 || !strings.Contains(page, "已隐藏") || !strings.Contains(page, "没有待处理的评论") {
		t.Fatalf("hide: %d\n%s", status, page)
	}
	_, page = nb.get(path)
	mustContain(t, page, "该评论已被隐藏（原因：辱骂，请文明发言）")
	if strings.Contains(page, "楼下空地可以装") {
		t.Error("a reader sees the hidden text")
	}
	_, page = res.get(path)
	mustContain(t, page, "该评论已被隐藏（原因：辱骂，请文明发言）", "支持，楼下空地可以装。")

	guest := newClient(t, srv)
	_, page = guest.get("/participate")
	mustContain(t, page, `href="/participate/moderation"`)
	status, page = guest.get("/participate/moderation")
	if status != 200 || !strings.Contains(page, "先审后发") || !strings.Contains(page, `<dd id="stats-hidden">1</dd>`) || !strings.Contains(page, `<dd id="stats-reports">1</dd>`) {
		t.Fatalf("the public figures: %d\n%s", status, page)
	}
	if status, _ := guest.get("/participate/moderation?month=2026-13"); status != 400 {
		t.Errorf("a month that is not: %d", status)
	}
	_, page = grid.get("/staff/moderation")
	if status, _ := grid.post("/staff/moderation/mode", url.Values{"csrf": {csrf(t, page)}, "mode": {"post"}}); status != 403 {
		t.Errorf("the grid worker sets the mode: %d", status)
	}
	admin := staffLogin(t, srv, "admin", "lantern-river-42")
	_, page = admin.get("/staff/moderation")
	status, page = admin.post("/staff/moderation/mode", url.Values{"csrf": {csrf(t, page)}, "mode": {"post"}})
	if status != 200 || !strings.Contains(page, "审核方式已更新") || !strings.Contains(page, "先发后审") {
		t.Fatalf("the mode: %d\n%s", status, page)
	}

	out := residentLogin(t, srv, "13700137000")
	_, page = out.get("/participate")
	if status, _ := out.post("/comments", url.Values{"csrf": {csrf(t, page)}, "target": {"proposal:" + number}, "back": {path}, "position": {"oppose"}, "body": {"x"}}); status != 404 {
		t.Errorf("one who may not read the proposal comments: %d", status)
	}
	if status, _ := out.get("/comments/" + first + "/report"); status != 404 {
		t.Errorf("one who may not read the proposal reports: %d", status)
	}
}
