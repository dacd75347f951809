package web_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

var demoCodeRE = regexp.MustCompile(`演示模式验证码：<strong>(\d+)</strong>`)

// staffUser logs a demo account in, for the service calls of a test.
func staffUser(t *testing.T, a *app.App, username string) auth.User {
	t.Helper()
	s, err := a.Auth.Login(context.Background(), username, "gongzhi-demo", auth.KindAPI)
	if err != nil {
		t.Fatal(err)
	}
	return s.User
}

// hotline enters a call for phone, in 滨河街道 (its handler is demo-handler).
func hotline(t *testing.T, a *app.App, agent auth.User, phone, name, desc string, confidential bool) ticket.Ticket {
	t.Helper()
	tk, err := a.Tickets.Create(context.Background(), &agent, ticket.NewTicket{CategoryCode: "0101", Description: desc,
		AreaCode: "110117001001", ReporterName: name, ReporterPhone: phone, Confidential: confidential, Channel: ticket.ChannelHotline})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// codeLogin logs the client in as the resident of phone.
func codeLogin(t *testing.T, c *client, phone string) string {
	t.Helper()
	_, page := c.get("/login")
	tok := csrf(t, page)
	_, body := c.post("/login/code", url.Values{"csrf": {tok}, "phone": {phone}})
	m := demoCodeRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no code:\n%s", body)
	}
	status, body := c.post("/login", url.Values{"csrf": {tok}, "phone": {phone}, "code": {m[1]}})
	if status != 200 {
		t.Fatalf("login: %d\n%s", status, body)
	}
	return body
}

// A ticket the hotline enters for her phone is in her 我的事项 the moment
// she logs in with it, confidential ones too, grouped by the family member
// it is for, with what awaits her rating; another phone sees none of it.
func TestMyItemsByPhone(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			a := newAppOn(t, engine)
			srv := httptest.NewServer(a.Handler)
			defer srv.Close()
			ctx := context.Background()
			agent, handler := staffUser(t, a, "demo-agent"), staffUser(t, a, "demo-handler")
			gran := hotline(t, a, agent, "+86 137 1111 2222", "张奶奶", "楼道扶手松动，老人上下楼不安全", false)
			boy := hotline(t, a, agent, "13711112222", "张小明", "举报楼下商户占道经营", true)
			other := hotline(t, a, agent, "13722223333", "王先生", "别人家的事", false)
			for _, step := range []string{ticket.ActionSign, ticket.ActionContact} {
				if _, err := a.Tickets.Act(ctx, handler, gran.Number, step, ticket.ActionInput{}); err != nil {
					t.Fatal(err)
				}
			}
			yes := true
			if _, err := a.Tickets.Act(ctx, handler, gran.Number, ticket.ActionReply, ticket.ActionInput{ReplyText: "已加固扶手", Resolved: &yes}); err != nil {
				t.Fatal(err)
			}

			her := newClient(t, srv)
			body := codeLogin(t, her, "13711112222")
			mustContain(t, body, "我的事项", gran.Number, boy.Number, "举报楼下商户占道经营", "待评价 1",
				`href="/tickets/`+gran.Number+`#rate"`, "家庭成员", "张奶奶", "张小明")
			if strings.Contains(body, other.Number) {
				t.Error("another phone's ticket in her list")
			}
			_, body = her.get("/my?who=" + url.QueryEscape("张小明"))
			item := func(n string) string { return `href="/tickets/` + n + `" class="mine-main"` }
			if !strings.Contains(body, item(boy.Number)) || strings.Contains(body, item(gran.Number)) {
				t.Errorf("one member's items:\n%s", body)
			}
			if status, body := her.get("/tickets/" + boy.Number); status != 200 || !strings.Contains(body, "举报楼下商户占道经营") {
				t.Errorf("her confidential ticket: %d", status)
			}

			stranger := newClient(t, srv)
			body = codeLogin(t, stranger, "13722223333")
			if !strings.Contains(body, other.Number) || strings.Contains(body, boy.Number) || strings.Contains(body, gran.Number) {
				t.Errorf("the other phone's list:\n%s", body)
			}
			if status, _ := stranger.get("/tickets/" + boy.Number); status != 404 {
				t.Errorf("another phone opens her confidential ticket: %d, want 404", status)
			}
		})
	}
}

// A guest finds all her tickets on /track by her phone and a code; the
// answer to a code request does not tell whether a phone has tickets.
func TestTrackByPhone(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	agent := staffUser(t, a, "demo-agent")
	mine := hotline(t, a, agent, "13733334444", "刘阿姨", "小区路灯不亮", false)
	theirs := hotline(t, a, agent, "13755556666", "", "别人的路灯", false)

	g := newClient(t, srv)
	_, page := g.get("/track")
	mustContain(t, page, "按手机号查询", "按编号查询")
	tok := csrf(t, page)
	// A phone with no tickets gets the same answer as one with.
	stNone, none := g.post("/track/phone/code", url.Values{"csrf": {tok}, "phone": {"13799990000"}})
	stSome, some := g.post("/track/phone/code", url.Values{"csrf": {tok}, "phone": {"137 3333 4444"}})
	if stNone != 200 || stSome != 200 {
		t.Fatalf("code requests: %d %d", stNone, stSome)
	}
	strip := regexp.MustCompile(`<strong>\d+</strong>|13799990000|13733334444|value="[^"]*"`)
	if strip.ReplaceAllString(none, "") != strip.ReplaceAllString(some, "") {
		t.Error("the answer tells whether the phone has tickets")
	}
	m := demoCodeRE.FindStringSubmatch(some)
	if m == nil {
		t.Fatalf("no code:\n%s", some)
	}
	// A second code within the minute is refused, as for login.
	if status, _ := g.post("/track/phone/code", url.Values{"csrf": {tok}, "phone": {"13733334444"}}); status != 429 {
		t.Errorf("second code at once: %d, want 429", status)
	}
	if status, _ := g.post("/track/phone", url.Values{"csrf": {tok}, "phone": {"13733334444"}, "code": {"000000"}}); status != 401 {
		t.Errorf("wrong code: %d, want 401", status)
	}
	status, body := g.post("/track/phone", url.Values{"csrf": {tok}, "phone": {"13733334444"}, "code": {m[1]}})
	if status != 200 {
		t.Fatalf("right code: %d\n%s", status, body)
	}
	mustContain(t, body, "我的事项", mine.Number, "小区路灯不亮", "退出查询")
	if strings.Contains(body, theirs.Number) {
		t.Error("another phone's ticket in the guest's list")
	}
	if status, body := g.get("/tickets/" + mine.Number); status != 200 || !strings.Contains(body, "小区路灯不亮") {
		t.Errorf("her ticket by the phone's proof: %d", status)
	}
	if status, _ := g.get("/tickets/" + theirs.Number); status != 404 {
		t.Errorf("another phone's ticket: %d, want 404", status)
	}
	// The code is used up; leaving ends the proof.
	if status, _ := g.post("/track/phone", url.Values{"csrf": {tok}, "phone": {"13733334444"}, "code": {m[1]}}); status != 401 {
		t.Errorf("code used twice: %d, want 401", status)
	}
	g.post("/track/phone/forget", url.Values{"csrf": {tok}})
	if _, body := g.get("/track/mine"); !strings.Contains(body, "按手机号查询") || strings.Contains(body, mine.Number) {
		t.Error("the list is still shown after leaving")
	}
}

// Staff register a resident with no phone on 代老人登记; the ticket keeps
// her name and ID's last four, and its first event says it was done for her.
func TestProxyRegistration(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	s := newClient(t, srv)
	_, page := s.get("/staff/login")
	s.post("/staff/login", url.Values{"csrf": {csrf(t, page)}, "username": {"demo-handler"}, "password": {"gongzhi-demo"}})
	// The door is in the staff's navigation, beside 登记诉求.
	_, page = s.get("/staff")
	mustContain(t, page, `href="/staff/proxy"`)
	status, page := s.get("/staff/proxy")
	if status != 200 {
		t.Fatalf("proxy form: %d", status)
	}
	mustContain(t, page, "代老人登记", `name="reporter_id_last4"`)
	form := url.Values{"csrf": {csrf(t, page)}, "reporter_name": {"赵奶奶"}, "reporter_id_last4": {"12a4"},
		"category_code": {"0101"}, "community": {"110117001001"}, "description": {"家门口井盖松动"}}
	status, body := s.post("/staff/proxy", form)
	if status != 400 {
		t.Fatalf("bad ID digits: %d", status)
	}
	mustContain(t, body, "身份证后四位须为4位数字", "家门口井盖松动", `value="赵奶奶"`)
	form.Set("reporter_id_last4", "")
	if status, _ = s.post("/staff/proxy", form); status != 400 {
		t.Errorf("no phone and no ID: %d, want 400", status)
	}
	form.Set("reporter_id_last4", "301x")
	status, body = s.post("/staff/proxy", form)
	if status != 200 {
		t.Fatalf("register: %d\n%s", status, body)
	}
	mustContain(t, body, "代办", "家门口井盖松动")
	m := regexp.MustCompile(`/staff/tickets/(\d{14})`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no ticket link:\n%s", body)
	}
	tk, err := a.Tickets.Get(context.Background(), staffUser(t, a, "demo-dispatcher"), m[1])
	if err != nil {
		t.Fatal(err)
	}
	if tk.ReporterIDLast4 != "301X" || tk.ReporterName != "赵奶奶" || tk.ReporterPhone != "" || tk.Channel != ticket.ChannelProxy {
		t.Errorf("proxy ticket: %+v", tk)
	}
}
