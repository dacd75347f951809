package web_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/limit"
	"github.com/gongzhi/gongzhi/internal/ticket"
	"github.com/gongzhi/gongzhi/internal/web"
)

// consoleServer serves the HTML interface with the knowledge base, whether
// or not the app passes it yet.
func consoleServer(t *testing.T) (*app.App, *httptest.Server) {
	t.Helper()
	a := newApp(t)
	w, err := web.New(web.Deps{Auth: a.Auth, Tickets: a.Tickets, Gov: a.Gov, KB: a.KB, Limits: limit.Defaults(),
		Log: slog.New(slog.DiscardHandler), Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	w.Routes(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return a, srv
}

// consoleForm is a call as typed into the console.
func consoleForm(tok string, kv ...string) url.Values {
	f := url.Values{"csrf": {tok}, "kind": {"help"}, "urgency": {"normal"}}
	for i := 0; i+1 < len(kv); i += 2 {
		f.Set(kv[i], kv[i+1])
	}
	return f
}

var resultRE = regexp.MustCompile(`class="ticket-no" href="/staff/tickets/(\d+)"`)

// savedNumber reads the number of the ticket the console just made.
func savedNumber(t *testing.T, body string) string {
	t.Helper()
	m := resultRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no result panel:\n%s", body)
	}
	return m[1]
}

func TestConsoleAccess(t *testing.T) {
	_, srv := consoleServer(t)
	anon := newClient(t, srv)
	if _, body := anon.get("/staff/console"); !strings.Contains(body, "工作人员登录") {
		t.Error("the console did not send the anonymous to the login")
	}
	if status, _ := anon.get("/staff/console/categories?q=gd"); status != 401 {
		t.Errorf("anonymous JSON: %d", status)
	}
	for _, user := range []string{"demo-handler", "demo-supervisor", "demo-grid"} {
		c := staffLogin(t, srv, user, "gongzhi-demo")
		if status, body := c.get("/staff/console"); status != 403 || !strings.Contains(body, "热线受理台仅供话务员和派单员使用") {
			t.Errorf("%s: console %d", user, status)
		}
		for _, path := range []string{"/staff/console/categories?q=gd", "/staff/console/kb?q=x"} {
			if status, _ := c.get(path); status != 403 {
				t.Errorf("%s: %s %d", user, path, status)
			}
		}
		_, home := c.get("/staff")
		if strings.Contains(home, `href="/staff/console"`) {
			t.Errorf("%s sees the console link", user)
		}
		if status, _ := c.post("/staff/console", url.Values{"csrf": {csrf(t, home)}, "op": {"lookup"}, "reporter_phone": {"13800138000"}}); status != 403 {
			t.Errorf("%s: post %d", user, status)
		}
	}
	for _, user := range []string{"demo-agent", "demo-dispatcher"} {
		c := staffLogin(t, srv, user, "gongzhi-demo")
		_, home := c.get("/staff")
		mustContain(t, home, `href="/staff/console"`, "热线受理台")
		status, body := c.get("/staff/console")
		if status != 200 {
			t.Fatalf("%s: console %d", user, status)
		}
		mustContain(t, body, `id="phone"`, `accesskey="p"`, "autofocus", `accesskey="s"`, "Alt</kbd>+<kbd>N", "/static/console.js")
		// CSRF: a post without the token or with a wrong one changes nothing.
		if status, _ := c.post("/staff/console", consoleForm("", "op", "save", "reporter_phone", "13911112222",
			"category_code", "0405", "description", "停电", "community", "110117001001")); status != 403 {
			t.Errorf("%s: post without csrf %d", user, status)
		}
		if status, _ := c.post("/staff/console/duplicates", url.Values{"csrf": {"forged"}, "description": {"x"}}); status != 403 {
			t.Errorf("%s: duplicates with a forged csrf %d", user, status)
		}
	}
}

func TestConsoleHistory(t *testing.T) {
	a, srv := consoleServer(t)
	bg := context.Background()
	var numbers []string
	for _, d := range []string{"楼道灯坏了很久", "小区门口垃圾没人清运"} {
		tk, err := a.Tickets.Create(bg, nil, ticket.NewTicket{CategoryCode: "0101", AreaCode: "110117001001", Description: d, ReporterPhone: "13911112222"})
		if err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, tk.Number)
	}
	c := staffLogin(t, srv, "demo-agent", "gongzhi-demo")
	_, page := c.get("/staff/console")
	tok := csrf(t, page)
	// Enter in the phone field (op=auto with nothing else typed) looks the caller up.
	status, body := c.post("/staff/console", consoleForm(tok, "op", "auto", "reporter_phone", "139 1111 2222", "address", "金谷东园"))
	if status != 200 {
		t.Fatalf("lookup: %d\n%s", status, body)
	}
	mustContain(t, body, numbers[0], numbers[1], "楼道灯坏了很久", "街巷环境卫生", "已派单", `value="13911112222"`, `name="looked" id="looked" value="13911112222"`,
		`value="金谷东园"`)
	// The same over GET, which console.js uses.
	_, body = c.get("/staff/console?phone=13911112222")
	mustContain(t, body, numbers[0], numbers[1])
	_, body = c.get("/staff/console?phone=13700000000")
	mustContain(t, body, "该号码没有历史工单")
	_, body = c.get("/staff/console?phone=12345")
	mustContain(t, body, "请输入来电人的11位手机号")
}

func TestConsoleCategoryWithoutJS(t *testing.T) {
	a, srv := consoleServer(t)
	c := staffLogin(t, srv, "demo-dispatcher", "gongzhi-demo")
	_, page := c.get("/staff/console")
	tok := csrf(t, page)
	// Enter in the category field searches: the matches come as radio buttons.
	status, body := c.post("/staff/console", consoleForm(tok, "op", "auto", "reporter_phone", "13922223333", "looked", "13922223333",
		"category_q", "gd"))
	if status != 200 {
		t.Fatalf("search: %d\n%s", status, body)
	}
	mustContain(t, body, `type="radio" name="category_pick" id="cat-0" value="0405" checked`, "供电", "公共服务（水电气热） › 供电", `value="gd"`)
	// Words find it too.
	_, body = c.post("/staff/console", consoleForm(tok, "op", "catsearch", "reporter_phone", "13922223333", "category_q", "供电"))
	mustContain(t, body, `value="0405" checked`)
	_, body = c.post("/staff/console", consoleForm(tok, "op", "catsearch", "category_q", "qqqqzzzz"))
	mustContain(t, body, "没有与“qqqqzzzz”匹配的分类")

	// Picking the radio and saving: 供电 has no catalogue rule, so the
	// ticket waits for dispatch.
	status, body = c.post("/staff/console", consoleForm(tok, "op", "auto", "reporter_phone", "13922223333", "looked", "13922223333",
		"category_q", "gd", "category_pick", "0405", "description", "金谷东园小区3号楼停电两小时", "street", "110117001", "community", "110117001001",
		"reporter_name", "李先生"))
	if status != 200 {
		t.Fatalf("save: %d\n%s", status, body)
	}
	n := savedNumber(t, body)
	mustContain(t, body, "已登记工单", "待派单", "已受理", "供电", `href="/staff/tickets/`+n+`"`)
	if strings.Contains(body, "金谷东园小区3号楼停电两小时") {
		t.Error("the form was not cleared for the next call")
	}
	tk, err := a.Tickets.Get(context.Background(), adminUser(t, a), n)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Channel != ticket.ChannelHotline || tk.CategoryCode != "0405" || tk.AreaCode != "110117001001" || tk.ReporterPhone != "13922223333" || tk.Status != ticket.StatusRegistered {
		t.Errorf("saved ticket: %+v", tk)
	}

	// The JSON suggestions.
	_, js := c.get("/staff/console/categories?q=gd")
	var cats []struct{ Code, Name, Path string }
	if err := json.Unmarshal([]byte(js), &cats); err != nil || len(cats) == 0 || cats[0].Code != "0405" || cats[0].Path == "" {
		t.Errorf("categories JSON: %v %s", err, js)
	}
}

func TestConsoleDuplicates(t *testing.T) {
	a, srv := consoleServer(t)
	bg := context.Background()
	orig, err := a.Tickets.Create(bg, nil, ticket.NewTicket{CategoryCode: "0101", AreaCode: "110117001001",
		Description: "金谷东园小区北门垃圾堆放三天无人清运", ReporterPhone: "13900007777"})
	if err != nil {
		t.Fatal(err)
	}
	call := func(tok string, kv ...string) url.Values {
		return consoleForm(tok, append([]string{"reporter_phone", "13955556666", "category_code", "0101", "category_q", "街巷环境卫生",
			"description", "金谷东园小区北门垃圾堆放好几天没人清运", "street", "110117001", "community", "110117001001",
			"address", "北门东侧", "reporter_name", "赵女士"}, kv...)...)
	}

	// The agent is warned, with everything she typed kept; she can only create anyway.
	ag := staffLogin(t, srv, "demo-agent", "gongzhi-demo")
	_, page := ag.get("/staff/console")
	tok := csrf(t, page)
	status, body := ag.post("/staff/console", call(tok, "op", "save"))
	if status != 200 {
		t.Fatalf("save: %d\n%s", status, body)
	}
	mustContain(t, body, "发现 1 件可能重复的工单", orig.Number, "仍然新建", `name="confirm" value="1"`, "派单员可将新工单合并",
		"金谷东园小区北门垃圾堆放好几天没人清运", `value="北门东侧"`, `value="赵女士"`, `value="13955556666"`, `value="0101"`, "同社区")
	if strings.Contains(body, `name="merge_into"`) {
		t.Error("an agent is offered to merge")
	}
	if status, body := ag.post("/staff/console", call(tok, "merge_into", orig.Number)); status != 400 || !strings.Contains(body, "只有派单员可以合并工单") {
		t.Errorf("agent merge: %d", status)
	}
	status, body = ag.post("/staff/console", call(tok, "confirm", "1"))
	if status != 200 {
		t.Fatalf("confirm: %d\n%s", status, body)
	}
	n1 := savedNumber(t, body)
	if n1 == orig.Number {
		t.Fatal("no new ticket")
	}

	// The JSON check while typing finds both.
	_, js := ag.post("/staff/console/duplicates", call(tok))
	var dups []struct {
		Number     string
		Similarity int
	}
	if err := json.Unmarshal([]byte(js), &dups); err != nil || len(dups) < 2 {
		t.Errorf("duplicates JSON: %v %s", err, js)
	}

	// The dispatcher merges the next call into the original.
	d := staffLogin(t, srv, "demo-dispatcher", "gongzhi-demo")
	_, page = d.get("/staff/console")
	tok = csrf(t, page)
	_, body = d.post("/staff/console", call(tok, "op", "save"))
	mustContain(t, body, `name="merge_into" value="`+orig.Number+`"`, "合并到此工单")
	status, body = d.post("/staff/console", call(tok, "merge_into", orig.Number))
	if status != 200 {
		t.Fatalf("merge: %d\n%s", status, body)
	}
	n2 := savedNumber(t, body)
	mustContain(t, body, "已登记并合并", "已合并", orig.Number)
	tk, err := a.Tickets.Get(bg, adminUser(t, a), n2)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Status != ticket.StatusMerged || tk.ParentNumber != orig.Number {
		t.Errorf("merged ticket: status %s parent %s", tk.Status, tk.ParentNumber)
	}
}

func TestConsoleDirectAnswer(t *testing.T) {
	a, srv := consoleServer(t)
	c := staffLogin(t, srv, "demo-agent", "gongzhi-demo")
	_, page := c.get("/staff/console")
	tok := csrf(t, page)
	// The knowledge base finds the article for what the caller says.
	_, js := c.get("/staff/console/kb?q=" + url.QueryEscape("我想问一下居住证怎么办理，需要什么材料") + "&category_code=1101")
	var arts []struct{ ID, Title, Body string }
	if err := json.Unmarshal([]byte(js), &arts); err != nil || len(arts) == 0 || arts[0].ID != "demo-kb-06" {
		t.Fatalf("kb JSON: %v %s", err, js)
	}
	_, js = c.get("/staff/console/kb?q=sbk")
	if !strings.Contains(js, "社保卡丢失如何补办") {
		t.Errorf("kb by pinyin initials: %s", js)
	}
	form := consoleForm(tok, "reporter_phone", "13966667777", "category_code", "1101", "category_q", "政策咨询",
		"description", "我想问一下居住证怎么办理，需要什么材料", "community", "110117001001")
	// Without JavaScript the article is inserted by the server.
	form.Set("use_kb", "demo-kb-06")
	status, body := c.post("/staff/console", form)
	if status != 200 {
		t.Fatalf("use_kb: %d", status)
	}
	mustContain(t, body, "居住证办理", `value="consultation" data-key="1" checked`, "来京人员在居住地登记满半年")
	form.Del("use_kb")
	// No reply, no answer.
	form.Set("op", "answer")
	if status, body := c.post("/staff/console", form); status != 400 || !strings.Contains(body, "直接办结须填写答复内容") {
		t.Errorf("answer without reply: %d", status)
	}
	form.Set("reply_text", "可携带身份证、居住登记凭证到居住地派出所或社区服务站申领居住证。")
	status, body = c.post("/staff/console", form)
	if status != 200 {
		t.Fatalf("answer: %d\n%s", status, body)
	}
	n := savedNumber(t, body)
	mustContain(t, body, "已答复办结", "已办结")
	tk, err := a.Tickets.Get(context.Background(), adminUser(t, a), n)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Kind != ticket.KindConsultation || tk.Status != ticket.StatusClosed || !strings.Contains(tk.ReplyText, "居住证") {
		t.Errorf("answered ticket: kind %s status %s reply %q", tk.Kind, tk.Status, tk.ReplyText)
	}
	// A category the catalogue dispatches at once can still be answered on
	// the spot, before its unit signs.
	form.Set("category_code", "0602")
	form.Set("category_q", "社会保险")
	form.Set("description", "社保卡丢了怎么补办")
	status, body = c.post("/staff/console", form)
	if status != 200 {
		t.Fatalf("answer a dispatched consultation: %d %s", status, body)
	}
	n = savedNumber(t, body)
	mustContain(t, body, "已答复办结", "已办结")
	if tk, err := a.Tickets.Get(context.Background(), adminUser(t, a), n); err != nil || tk.Status != ticket.StatusClosed || tk.AssignedOrgCode == "" {
		t.Errorf("a dispatched consultation answered on the spot: %v %+v", err, tk)
	}
}

func TestConsoleErrorsKeepInput(t *testing.T) {
	_, srv := consoleServer(t)
	c := staffLogin(t, srv, "demo-agent", "gongzhi-demo")
	_, page := c.get("/staff/console")
	tok := csrf(t, page)
	bad := consoleForm(tok, "op", "save", "reporter_phone", "12345", "category_code", "0101", "category_q", "街巷环境卫生",
		"description", "   ", "address", "金谷东园北门", "reporter_name", "王芳", "kind", "complaint")
	status, body := c.post("/staff/console", bad)
	if status != 400 {
		t.Fatalf("status %d", status)
	}
	mustContain(t, body, "请输入来电人的11位手机号", "请填写诉求内容", `value="12345"`, `value="金谷东园北门"`, `value="王芳"`,
		`value="complaint" data-key="3" checked`, `aria-invalid="true"`, "✓ 市容环境 › 街巷环境卫生")
	if strings.Count(body, "autofocus") != 1 || !regexp.MustCompile(`id="phone"[^>]*aria-invalid="true"[^>]*autofocus`).MatchString(body) {
		t.Error("the cursor is not put in the first wrong field")
	}
	// Saving without a category asks for one.
	_, body = c.post("/staff/console", consoleForm(tok, "op", "save", "reporter_phone", "13911112222", "description", "路灯不亮"))
	mustContain(t, body, "请选择诉求分类", "路灯不亮")
	// In English.
	c.get("/lang?to=en&back=/staff/console")
	status, body = c.post("/staff/console", bad)
	if status != 400 {
		t.Fatalf("status %d", status)
	}
	mustContain(t, body, "enter the caller&#39;s 11-digit mobile number", "describe the request", `value="金谷东园北门"`, "Hotline console")
}
