package web_test

import (
	"context"
	"html"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/demo"
	"github.com/gongzhi/gongzhi/internal/replytpl"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// replyingTicket files a ticket in 金谷东园社区 (category 0101, 滨河街道's)
// reported by 王芳, which 滨河街道's handler has signed and contacted: its
// page offers the reply form.
func replyingTicket(t *testing.T, a *app.App, phone string) string {
	t.Helper()
	ctx := context.Background()
	tk, err := a.Tickets.Create(ctx, nil, ticket.NewTicket{CategoryCode: "0101", AreaCode: "110117001001", Description: "金谷东园北门垃圾堆放三天无人清运",
		Address: "金谷东园北门 3号楼2单元501室", ReporterName: "王芳", ReporterPhone: phone})
	if err != nil {
		t.Fatal(err)
	}
	h, err := a.Auth.UserByUsername(ctx, "demo-handler")
	if err != nil {
		t.Fatal(err)
	}
	for _, action := range []string{ticket.ActionSign, ticket.ActionContact} {
		if _, err := a.Tickets.Act(ctx, h, tk.Number, action, ticket.ActionInput{}); err != nil {
			t.Fatal(err)
		}
	}
	return tk.Number
}

var replyBoxRE = regexp.MustCompile(`(?s)<textarea id="reply_text" name="reply_text"[^>]*>(.*?)</textarea>`)

// Without JavaScript, ?tpl=ID reloads the ticket page with the reply box
// filled with the template rendered for the ticket; the chooser lists the
// unit's and the district's templates that apply, not another unit's.
func TestReplyTemplateChooserWithoutJS(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	n := replyingTicket(t, a, "13900007777")
	h := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
	_, page := h.get("/staff/tickets/" + n)
	mustContain(t, page, "选用答复模板", "环境卫生已清理", "已办结（通用）", "居民将看到的答复")
	if strings.Contains(page, "路灯已修复") || strings.Contains(page, "物业问题已约谈") {
		t.Errorf("templates of another unit or category offered")
	}
	if m := replyBoxRE.FindStringSubmatch(page); m == nil || strings.TrimSpace(m[1]) != "" {
		t.Fatalf("reply box before choosing: %v", m)
	}
	status, page := h.get("/staff/tickets/" + n + "?tpl=demo-rt-11")
	m := replyBoxRE.FindStringSubmatch(page)
	if status != 200 || m == nil {
		t.Fatalf("%d, no reply box", status)
	}
	text := html.UnescapeString(m[1])
	for _, want := range []string{"王女士/先生您好", n, "金谷东园北门 3号楼2单元***室", "滨河街道已组织保洁人员"} {
		if !strings.Contains(text, want) {
			t.Errorf("reply box lacks %q: %q", want, text)
		}
	}
	if strings.Contains(text, "王芳") || strings.Contains(text, "13900007777") || strings.Contains(text, "{") {
		t.Errorf("reply box: %q", text)
	}
	// An unknown template id chooses nothing; another role sees no form.
	_, page = h.get("/staff/tickets/" + n + "?tpl=nope")
	if m := replyBoxRE.FindStringSubmatch(page); m == nil || strings.TrimSpace(m[1]) != "" {
		t.Errorf("unknown template filled the box")
	}
}

// The page that keeps the templates: a handler creates, previews, changes
// and deletes her unit's; an unknown placeholder is refused with the known
// ones listed; the district's she may use but not delete; an agent reads.
func TestRepliesPage(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	h := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
	status, page := h.get("/staff/replies")
	if status != 200 {
		t.Fatalf("%d", status)
	}
	mustContain(t, page, "环境卫生已清理", "已办结（通用）", "滨河街道办事处", "新建模板", "{诉求人称呼}")
	if strings.Contains(page, "路灯已修复") {
		t.Errorf("another unit's template listed")
	}
	tok := csrf(t, page)
	form := url.Values{"csrf": {tok}, "name": {"门前积水已排除"}, "category_code": {"04"}, "body": {"{诉求人称呼}您好：{姓名}反映的积水已排除。"}}
	status, page = h.post("/staff/replies", form)
	if status != 400 || !strings.Contains(page, "{姓名}") || !strings.Contains(page, "{答复日期}") || !strings.Contains(page, "门前积水已排除") {
		t.Fatalf("unknown placeholder: %d", status)
	}
	form.Set("body", "{诉求人称呼}您好：您反映的{地点}积水问题（{编号}）已排除。")
	form.Set("preview", "1")
	status, page = h.post("/staff/replies", form)
	if status != 200 || !strings.Contains(page, "王女士/先生您好：您反映的滨河街道金谷东园小区3号楼东侧积水问题") {
		t.Fatalf("preview: %d", status)
	}
	if list, _ := a.Replies.List(context.Background(), mustUser(t, a, "demo-handler")); len(list) != len(demoTemplatesFor("110117001-SO")) {
		t.Fatalf("a preview saved a template: %d", len(list))
	}
	form.Del("preview")
	status, page = h.post("/staff/replies", form)
	if status != 200 || !strings.Contains(page, "模板已保存") || !strings.Contains(page, "门前积水已排除") {
		t.Fatalf("save: %d", status)
	}
	id := regexp.MustCompile(`/staff/replies\?edit=([0-9a-f]+)#rt-form" aria-label="修改模板“门前积水已排除”`).FindStringSubmatch(page)
	if id == nil {
		t.Fatal("no edit link for the new template")
	}
	_, page = h.get("/staff/replies?edit=" + id[1])
	mustContain(t, page, "修改模板", `action="/staff/replies/`+id[1]+`"`)
	form.Set("name", "门前积水已排除（改）")
	if status, page = h.post("/staff/replies/"+id[1], form); status != 200 || !strings.Contains(page, "门前积水已排除（改）") {
		t.Fatalf("change: %d", status)
	}
	if status, _ = h.get("/staff/replies?edit=demo-rt-01"); status != 403 {
		t.Errorf("handler opens the district's for editing: %d", status)
	}
	if status, _ = h.post("/staff/replies/demo-rt-01/delete", url.Values{"csrf": {tok}}); status != 403 {
		t.Errorf("handler deletes the district's: %d", status)
	}
	if status, page = h.post("/staff/replies/"+id[1]+"/delete", url.Values{"csrf": {tok}}); status != 200 || strings.Contains(page, "门前积水已排除") {
		t.Errorf("delete: %d", status)
	}
	// An agent reads and keeps none; a dispatcher keeps the district's.
	ag := staffLogin(t, srv, "demo-agent", "gongzhi-demo")
	_, page = ag.get("/staff/replies")
	mustContain(t, page, "已办结（通用）", "不能修改")
	if strings.Contains(page, "新建模板") || strings.Contains(page, "环境卫生已清理") {
		t.Errorf("agent's page offers a form or another unit's templates")
	}
	d := staffLogin(t, srv, "demo-dispatcher", "gongzhi-demo")
	_, page = d.get("/staff/replies")
	mustContain(t, page, "新建模板", `href="/staff/replies"`)
}

func demoTemplatesFor(org string) []string {
	var out []string
	for _, t := range demoReplyTemplates() {
		if t.OrgCode == "" || t.OrgCode == org {
			out = append(out, t.ID)
		}
	}
	return out
}

func mustUser(t *testing.T, a *app.App, username string) auth.User {
	t.Helper()
	u, err := a.Auth.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func demoReplyTemplates() []replytpl.Template { return demo.ReplyTemplates }
