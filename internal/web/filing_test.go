package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Without script the form's "suggest" step shows the categories suggested
// for her words and files nothing; with script the page asks
// /submit/suggest, which refuses a text too long.
func TestSuggestStepAndJSON(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	c := newClient(t, srv)
	_, page := c.get("/submit")
	status, body := c.post("/submit", url.Values{"csrf": {csrf(t, page)}, "step": {"suggest"}, "description": {"家里暖气不热，只有十五度"}})
	if status != http.StatusOK {
		t.Fatalf("suggest step: %d", status)
	}
	mustContain(t, body, `value="0403"`, "供暖", "家里暖气不热", `value="" checked> 不清楚`)
	if strings.Contains(body, "有 ") && strings.Contains(body, "处需要修改") {
		t.Fatal("the suggest step reports mistakes")
	}
	adm := adminUser(t, a)
	if p, err := a.Tickets.List(context.Background(), adm, ticket.Filter{}); err != nil || len(p.Items) != 0 {
		t.Fatalf("the suggest step filed something: %v %v", p.Items, err)
	}
	status, body = c.get("/submit/suggest?text=" + url.QueryEscape("小区路灯坏了"))
	var items []struct{ Code, Name, Path string }
	if status != http.StatusOK || json.Unmarshal([]byte(body), &items) != nil || len(items) == 0 || items[0].Code != "0304" {
		t.Fatalf("suggest JSON: %d %s", status, body)
	}
	if status, _ = c.get("/submit/suggest?text=" + url.QueryEscape(strings.Repeat("灯", 2001))); status != http.StatusBadRequest {
		t.Fatalf("a text too long: %d", status)
	}
	// A photo token that is not the server's is not used.
	status, body = c.post("/submit", url.Values{"csrf": {csrf(t, page)}, "photo_token": {"abcdefghijklmnopqrstuvwx.forged"}})
	if status != http.StatusBadRequest || strings.Contains(body, "abcdefghijklmnopqrstuvwx.forged") {
		t.Fatalf("forged photo token kept: %d", status)
	}
}

// A logged-in resident files in three screens: home, the form, the page
// that says it is filed; her home page then counts what waits for her rating.
func TestResidentFilesInThreeScreens(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	c := newClient(t, srv)
	_, page := c.get("/login")
	tok := csrf(t, page)
	_, body := c.post("/login/code", url.Values{"csrf": {tok}, "phone": {"13800138000"}})
	m := regexp.MustCompile(`演示模式验证码：<strong>(\d+)</strong>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no demo code shown")
	}
	c.post("/login", url.Values{"csrf": {tok}, "phone": {"13800138000"}, "code": {m[1]}})
	_, home := c.get("/") // screen 1
	mustContain(t, home, `href="/submit"`, `href="/my"`, `href="/my?status=replied"`)
	_, form := c.get("/submit") // screen 2
	status, done := c.post("/submit", url.Values{"csrf": {csrf(t, form)}, "description": {"楼道灯坏了，晚上看不见"}, "category_code": {"0304"},
		"community": {"110117001001"}}) // screen 3
	if status != http.StatusOK || !strings.Contains(done, "您的诉求已提交") {
		t.Fatalf("filing: %d", status)
	}
	number := regexp.MustCompile(`class="ticket-no">(\d+)<`).FindStringSubmatch(done)[1]
	ctx := context.Background()
	adm := adminUser(t, a)
	tk, err := a.Tickets.Get(ctx, adm, number)
	if err != nil || tk.CategoryCode != "0304" {
		t.Fatalf("filed: %+v %v", tk, err)
	}
	// The unit answers; her home page shows one to rate.
	h, err := a.Auth.Login(ctx, "demo-handler-dept", "gongzhi-demo", auth.KindAPI)
	if err != nil {
		t.Fatal(err)
	}
	for _, act := range []string{ticket.ActionSign, ticket.ActionContact, ticket.ActionReply} {
		yes := true
		if _, err := a.Tickets.Act(ctx, h.User, number, act, ticket.ActionInput{ReplyText: "已修好", Resolved: &yes}); err != nil {
			t.Fatalf("%s: %v", act, err)
		}
	}
	_, home = c.get("/")
	mustContain(t, home, "1 件待评价")
	_, my := c.get("/my?status=replied")
	mustContain(t, my, "楼道灯坏了")
}
