package web_test

import (
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

var meetingPathRE = regexp.MustCompile(`/staff/meetings/(YS\d{12})`)

// TestMeetingForms walks a meeting through the staff's forms without
// JavaScript — convene, a roster by hand and by CSV (a bad line refused
// whole), notice, sign-in, a resolution refused without the quorum and
// taken with it, minutes, close, publish, a task done — and reads it as
// the resident representative, as a guest, and as staff of another street.
func TestMeetingForms(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	grid := staffLogin(t, srv, "demo-grid", "gongzhi-demo")
	status, page := grid.get("/staff/meetings")
	if status != 200 {
		t.Fatalf("list: %d\n%s", status, page)
	}
	mustContain(t, page, `href="/staff/meetings"`, "召集议事会", `value="110117001001"`)
	tok := csrf(t, page)
	starts := time.Now().Add(48 * time.Hour).Format("2006-01-02T15:04")
	form := url.Values{"csrf": {tok}, "area_code": {"110117001001"}, "title": {"金谷东园停车议事"}, "agenda": {"通报停车现状\n表决划线方案"},
		"place": {"居委会会议室"}, "starts_at": {starts}, "quorum": {"majority"}, "level": {"residents"}}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("starts_at", "")
	if status, page = grid.post("/staff/meetings", bad); status != 400 || !strings.Contains(page, "会议时间") {
		t.Fatalf("no time: %d\n%s", status, page)
	}
	status, page = grid.post("/staff/meetings", form)
	m := meetingPathRE.FindStringSubmatch(page)
	if status != 200 || m == nil || !strings.Contains(page, "议事会已创建") {
		t.Fatalf("create: %d\n%s", status, page)
	}
	base := "/staff/meetings/" + m[1]
	act := func(action string, f url.Values, want int, wants ...string) string {
		t.Helper()
		f.Set("csrf", tok)
		status, page := grid.post(base+"/"+action, f)
		if status != want {
			t.Fatalf("%s: %d, want %d\n%s", action, status, want, page)
		}
		mustContain(t, page, wants...)
		return page
	}
	_, page = grid.get(base)
	mustContain(t, page, `id="edit-form"`, "通报停车现状\n表决划线方案", `value="`+starts+`"`)
	act("edit", url.Values{"edit": {"1"}, "title": {"金谷东园停车议事"}, "agenda": {" "}, "place": {"居委会会议室"}, "starts_at": {starts},
		"quorum": {"majority"}, "level": {"residents"}}, 400, "议程须有1到")
	act("edit", url.Values{"edit": {"1"}, "title": {"金谷东园停车议事"}, "agenda": {"通报停车现状\n表决划线方案\n充电桩选址"}, "place": {"居委会会议室"},
		"starts_at": {starts}, "quorum": {"majority"}, "level": {"residents"}}, 200, "已保存修改", "充电桩选址")
	act("add", url.Values{"name": {"王芳"}, "kind": {"resident"}, "org_name": {"3号楼"}, "phone": {"13800138000"}}, 200, "王芳", "138****8000")
	act("import", url.Values{"csv": {"李四,党员,,\n赵六,物业,,\n"}}, 400, "第2行")
	page = act("import", url.Values{"csv": {"李四,党员,,\n赵六,物业,金谷物业,\n钱七,单位,金谷小学,\n孙八,业委会,业委会,\n"}}, 200, "赵六", "金谷小学")
	act("open", url.Values{}, 409)
	act("notice", url.Values{}, 200, "会议通知已发出", "短信通知", "书面通知")
	act("open", url.Values{}, 200, "代为签到")

	res := residentLogin(t, srv, "13800138000")
	status, page = res.get("/participate")
	if status != 200 || !strings.Contains(page, `href="/meetings"`) {
		t.Fatalf("the hub: %d", status)
	}
	_, page = res.get("/meetings")
	mustContain(t, page, "金谷东园停车议事", "您是本次议事会的代表")
	_, page = res.get("/meetings/" + m[1])
	mustContain(t, page, "表决划线方案", `id="meet-signin"`)
	status, page = res.post("/meetings/"+m[1]+"/signin", url.Values{"csrf": {csrf(t, page)}})
	if status != 200 || !strings.Contains(page, "签到成功") || strings.Contains(page, `id="meet-signin"`) {
		t.Fatalf("she signs in: %d\n%s", status, page)
	}
	if status, _ = res.post("/meetings/"+m[1]+"/signin", url.Values{"csrf": {csrf(t, page)}}); status != 409 {
		t.Fatalf("she signs in twice: %d", status)
	}

	_, page = grid.get(base)
	reps := regexp.MustCompile(`name="rep" value="([0-9a-f]{24})"`).FindAllStringSubmatch(page, -1)
	if len(reps) != 4 {
		t.Fatalf("%d to sign in", len(reps))
	}
	act("signin", url.Values{"rep": {reps[0][1]}}, 200, "工作人员代签")
	hands := url.Values{"text": {"同意东侧划线"}, "method": {"hands"}, "for": {"2"}}
	act("resolve", hands, 409, "未达到法定人数")
	act("signin", url.Values{"rep": {reps[1][1]}}, 200)
	act("resolve", url.Values{"text": {"同意东侧划线"}, "method": {"hands"}, "for": {"2"}, "against": {"1"}, "abstain": {"1"}}, 400, "超过实到3人")
	act("resolve", hands, 200, "第1项决议 · 通过", "实到 3 人，赞成 2 人，反对 0 人，弃权 0 人")
	act("minutes", url.Values{"text": {"应到5人，实到3人。"}}, 200)
	act("task", url.Values{"resolution": {"1"}, "text": {"组织划线"}, "owner": {"org"}, "owner_org": {"110117001001-CC"}, "days": {"5"}}, 200, "组织划线", "办理中")
	act("close", url.Values{}, 200)
	page = act("publish", url.Values{}, 200, "决议已公开")
	task := regexp.MustCompile(`name="task" value="([0-9a-f]{24})"`).FindStringSubmatch(page)
	act("done", url.Values{"task": {task[1]}, "note": {"已划线"}}, 200, "已办结")

	_, page = res.get("/meetings/" + m[1])
	mustContain(t, page, "决议已公开", "同意东侧划线", "实到 3 人，赞成 2 人", "应到5人，实到3人。", "组织划线", "居民代表")
	if strings.Contains(page, "王芳") || strings.Contains(page, "赵六") {
		t.Errorf("a representative's name on the resident page")
	}
	if status, _ := newClient(t, srv).get("/meetings/" + m[1]); status != 404 {
		t.Errorf("a guest reads a residents' meeting: %d", status)
	}
	status, page = newClient(t, srv).get("/meetings")
	if status != 200 || strings.Contains(page, m[1]) || !strings.Contains(page, "登录后") {
		t.Errorf("a guest's list: %d", status)
	}
	dept := staffLogin(t, srv, "demo-handler-dept", "gongzhi-demo")
	if status, page = dept.get(base); status != 200 || strings.Contains(page, "王芳") || strings.Contains(page, "minutes-form") {
		t.Errorf("a department reads the meeting as staff: %d", status)
	}
	if status, _ = grid.post(base+"/notice", url.Values{}); status != 403 {
		t.Errorf("a form without its token: %d", status)
	}
}
