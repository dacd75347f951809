package web_test

import (
	"context"
	"fmt"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/config"
)

func newApp(t *testing.T) *app.App { return newAppOn(t, "sqlite") }

// newAppOn builds the demo app on an engine (PostgreSQL when the tests have one).
func newAppOn(t *testing.T, engine string) *app.App {
	t.Helper()
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Demo: true, BcryptCost: 4, AdminPassword: "lantern-river-42"}
	if engine != "sqlite" {
		cfg.DB = dbtest.DSN(t, engine)
	}
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// client is a browser without JavaScript: cookies, forms and redirects.
type client struct {
	t   *testing.T
	srv *httptest.Server
	hc  *http.Client
}

func newClient(t *testing.T, srv *httptest.Server) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, srv: srv, hc: &http.Client{Jar: jar}}
}

func (c *client) do(req *http.Request) (int, string) {
	c.t.Helper()
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (c *client) get(path string) (int, string) {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.srv.URL+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values) (int, string) {
	c.t.Helper()
	req, _ := http.NewRequest("POST", c.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf reads the form token from a page.
func csrf(t *testing.T, body string) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no csrf field in page:\n%s", body)
	}
	return m[1]
}

func mustContain(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

func TestPagesAndHeaders(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	c := newClient(t, srv)
	tests := []struct {
		path   string
		status int
		want   []string
	}{
		{"/", 200, []string{"随手拍 · 反映问题", "我的事项", `href="tel:12345"`, "即将开放", `class="btn bigbtn"`, "登录", "English"}},
		{"/submit", 200, []string{"不清楚，由工作人员分类", "滨河街道", "金谷东园社区", "保密（对经办人员隐藏姓名电话）"}},
		{"/track", 200, []string{"工单编号"}},
		{"/login", 200, []string{"获取验证码"}},
		{"/staff/login", 200, []string{"工作人员登录"}},
		{"/submitted/20260101000001", 200, []string{"20260101000001"}},
		{"/submitted/bad%20number", 404, []string{"未找到该工单"}},
		{"/static/style.css", 200, []string{"body.big"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			req, _ := http.NewRequest("GET", srv.URL+tt.path, nil)
			resp, err := c.hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			mustContain(t, string(b), tt.want...)
			if h := resp.Header.Get("X-Content-Type-Options"); h != "nosniff" {
				t.Errorf("nosniff header = %q", h)
			}
			if h := resp.Header.Get("Content-Security-Policy"); !strings.Contains(h, "default-src 'self'") {
				t.Errorf("CSP = %q", h)
			}
			if h := resp.Header.Get("X-Frame-Options"); h != "DENY" {
				t.Errorf("X-Frame-Options = %q", h)
			}
		})
	}
	// Staff pages send the anonymous to the login.
	if _, body := c.get("/staff"); !strings.Contains(body, "工作人员登录") {
		t.Error("/staff did not lead to the staff login")
	}
}

func TestLanguageSwitch(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	c := newClient(t, srv)
	_, body := c.get("/lang?to=en&back=/track")
	mustContain(t, body, "Track a request", "中文")
	_, body = c.get("/lang?to=zh&back=//evil.example/")
	mustContain(t, body, "有事您说话") // a foreign back path goes home
	_, body = c.get("/big?on=1&back=/")
	mustContain(t, body, `class="big`)
}

func TestCSRF(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	c := newClient(t, srv)
	_, page := c.get("/submit")
	good := csrf(t, page)
	tests := []struct {
		name, path, token string
		status            int
	}{
		{"submit without token", "/submit", "", 403},
		{"submit with wrong token", "/submit", "x" + good, 403},
		{"lookup without token", "/track", "", 403},
		{"staff login without token", "/staff/login", "", 403},
		{"code without token", "/login/code", "", 403},
		{"lookup with token", "/track", good, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := url.Values{"number": {"20260101000001"}, "phone": {"13900000000"}, "description": {"x"}}
			if tt.token != "" {
				form.Set("csrf", tt.token)
			}
			status, body := c.post(tt.path, form)
			if status != tt.status {
				t.Fatalf("status %d, want %d\n%s", status, tt.status, body)
			}
			if tt.status == 403 {
				mustContain(t, body, "CSRF")
			}
		})
	}
	// A fresh browser without the cookie is refused even with a token.
	other := newClient(t, srv)
	if status, _ := other.post("/submit", url.Values{"csrf": {good}}); status != 403 {
		t.Errorf("token without cookie: status %d, want 403", status)
	}
}

func TestBodyLimit(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	c := newClient(t, srv)
	_, page := c.get("/submit")
	status, body := c.post("/submit", url.Values{"csrf": {csrf(t, page)}, "description": {strings.Repeat("长", 1<<20)}})
	if status != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", status)
	}
	mustContain(t, body, "1 MB")
}

func TestSubmitErrorsKeepInput(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	c := newClient(t, srv)
	_, page := c.get("/submit")
	tok := csrf(t, page)
	tests := []struct {
		name   string
		form   url.Values
		status int
		want   []string
	}{
		{"empty description", url.Values{"category_code": {"0101"}, "community": {"110117001001"},
			"address": {"金谷东园3号楼"}, "reporter_name": {"王芳"}, "reporter_phone": {"13900001111"}},
			400, []string{"请填写诉求内容", "金谷东园3号楼", "王芳", "13900001111", `value="0101" checked`, `value="110117001001" selected`}},
		{"no place", url.Values{"description": {"路灯坏了"}, "reporter_phone": {"13900001111"}},
			400, []string{"请提供地点", "路灯坏了", `value="" checked> 不清楚`, `id="place-err"`}},
		{"everything at once", url.Values{"reporter_phone": {"123"}},
			400, []string{"有 3 处需要修改", "请填写诉求内容", "请提供地点", "手机号格式不正确", `aria-invalid="true" aria-describedby="reporter_phone-err"`,
				`href="#description"`, `href="#place"`, `href="#reporter_phone"`}},
		{"bad phone", url.Values{"category_code": {"0101"}, "description": {"路灯坏了"}, "address": {"x"}, "reporter_phone": {"123"}},
			400, []string{"手机号格式不正确"}},
		{"unknown category", url.Values{"category_code": {"9999"}, "description": {"路灯坏了"}, "address": {"x"}, "reporter_phone": {"13900001111"}},
			400, []string{"诉求分类 9999 不存在"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.form.Set("csrf", tok)
			status, body := c.post("/submit", tt.form)
			if status != tt.status {
				t.Fatalf("status %d, want %d", status, tt.status)
			}
			mustContain(t, body, tt.want...)
		})
	}
}

var numberRE = regexp.MustCompile(`class="ticket-no">(\d+)<`)

// TestGuestFlow submits as a guest, looks the ticket up by number and
// phone, lets the handler answer through the staff pages, and rates it.
func TestGuestFlow(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	guest := newClient(t, srv)
	_, page := guest.get("/submit")
	tok := csrf(t, page)
	status, body := guest.post("/submit", url.Values{"csrf": {tok}, "kind": {"help"}, "category_code": {"0101"},
		"description": {"金谷东园北门垃圾堆放多日无人清理"}, "street": {"110117001"}, "community": {"110117001001"},
		"address": {"北门", "x"}, "reporter_name": {"李明"}, "reporter_phone": {"13900002222"}})
	if status != 200 {
		t.Fatalf("submit: %d\n%s", status, body)
	}
	m := numberRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no ticket number on the page:\n%s", body)
	}
	number := m[1]

	// A wrong phone finds nothing, with a 404 and the numbers kept.
	status, body = guest.post("/track", url.Values{"csrf": {tok}, "number": {number}, "phone": {"13900009999"}})
	if status != 404 {
		t.Fatalf("lookup with wrong phone: %d", status)
	}
	mustContain(t, body, "未找到该工单", number)

	status, body = guest.post("/track", url.Values{"csrf": {tok}, "number": {number}, "phone": {"13900002222"}})
	if status != 200 {
		t.Fatalf("lookup: %d\n%s", status, body)
	}
	mustContain(t, body, number, "已受理", "已派单至 滨河街道办事处", "金谷东园北门垃圾堆放多日无人清理")
	if strings.Contains(body, `action="/track/rate"`) {
		t.Error("rating form shown before the reply")
	}

	// The handler of 滨河街道 signs, contacts and replies.
	staff := newClient(t, srv)
	_, page = staff.get("/staff/login")
	status, body = staff.post("/staff/login", url.Values{"csrf": {csrf(t, page)}, "username": {"demo-handler"}, "password": {"gongzhi-demo"}})
	if status != 200 {
		t.Fatalf("staff login: %d\n%s", status, body)
	}
	mustContain(t, body, number, "滨河街道办事处 的待办工单")
	for _, step := range []struct {
		action string
		form   url.Values
		want   string
	}{
		{"sign", url.Values{}, "已签收"},
		{"contact", url.Values{"note": {"电话联系，约定今日清理"}}, "已联系诉求人"},
		{"reply", url.Values{"reply_text": {"已安排保洁清运完毕"}}, "请说明问题是否已解决"},
		{"reply", url.Values{"reply_text": {"已安排保洁清运完毕"}, "resolved": {"yes"}}, "答复已提交"},
	} {
		_, page = staff.get("/staff/tickets/" + number)
		step.form.Set("csrf", csrf(t, page))
		_, body = staff.post("/staff/tickets/"+number+"/"+step.action, step.form)
		mustContain(t, body, step.want)
	}

	// The guest rates: a missing choice keeps the form, then it closes.
	status, body = guest.post("/track/rate", url.Values{"csrf": {tok}, "number": {number}, "phone": {"13900002222"}, "resolved": {"yes"}})
	if status != 400 {
		t.Fatalf("rate without satisfaction: %d", status)
	}
	mustContain(t, body, "请选择满意、基本满意或不满意", `value="yes" checked`)
	status, body = guest.post("/track/rate", url.Values{"csrf": {tok}, "number": {number}, "phone": {"13900002222"},
		"resolved": {"yes"}, "satisfaction": {"satisfied"}, "comment": {"很及时"}})
	if status != 200 {
		t.Fatalf("rate: %d\n%s", status, body)
	}
	mustContain(t, body, "感谢您的评价", "已办结", "已评价", "满意：很及时", "已安排保洁清运完毕")
	// Rating twice is a conflict, not a server error.
	status, _ = guest.post("/track/rate", url.Values{"csrf": {tok}, "number": {number}, "phone": {"13900002222"},
		"resolved": {"yes"}, "satisfaction": {"satisfied"}})
	if status != 409 && status != 403 {
		t.Errorf("second rating: %d, want 409", status)
	}

	// Logout ends the staff session.
	_, page = staff.get("/staff")
	staff.post("/logout", url.Values{"csrf": {csrf(t, page)}})
	if _, body = staff.get("/staff"); !strings.Contains(body, "工作人员登录") {
		t.Error("still logged in after logout")
	}
}

func TestResidentCodeLogin(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	c := newClient(t, srv)
	_, page := c.get("/login")
	tok := csrf(t, page)
	status, body := c.post("/login/code", url.Values{"csrf": {tok}, "phone": {"12"}})
	if status != 400 {
		t.Fatalf("bad phone: %d", status)
	}
	status, body = c.post("/login/code", url.Values{"csrf": {tok}, "phone": {"13800138000"}})
	if status != 200 {
		t.Fatalf("code: %d\n%s", status, body)
	}
	m := regexp.MustCompile(`演示模式验证码：<strong>(\d+)</strong>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no demo code shown:\n%s", body)
	}
	status, body = c.post("/login", url.Values{"csrf": {tok}, "phone": {"13800138000"}, "code": {"000000x"}})
	if status != 401 {
		t.Fatalf("wrong code: %d", status)
	}
	mustContain(t, body, "验证码错误或已失效")
	status, body = c.post("/login", url.Values{"csrf": {tok}, "phone": {"13800138000"}, "code": {m[1]}})
	if status != 200 {
		t.Fatalf("login: %d\n%s", status, body)
	}
	mustContain(t, body, "我的事项")
	// Logged in, forms carry the session token and the phone is prefilled.
	_, page = c.get("/submit")
	mustContain(t, page, `value="13800138000"`)
	status, body = c.post("/submit", url.Values{"csrf": {csrf(t, page)}, "category_code": {"0101"}, "community": {"110117001001"},
		"description": {"楼道灯坏了"}})
	if status != 200 {
		t.Fatalf("submit: %d\n%s", status, body)
	}
	_, body = c.get("/my")
	mustContain(t, body, "楼道灯坏了", "已派单")
	// Somebody else's ticket number is not found, not a server error.
	if status, _ = c.get("/tickets/20000101000001"); status != 404 {
		t.Errorf("unknown ticket: %d, want 404", status)
	}
	// The old anonymous token no longer works once logged in.
	if status, _ = c.post("/submit", url.Values{"csrf": {tok}}); status != 403 {
		t.Errorf("anonymous token while logged in: %d, want 403", status)
	}
}

func TestAdminUsers(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	c := newClient(t, srv)
	_, page := c.get("/staff/login")
	_, body := c.post("/staff/login", url.Values{"csrf": {csrf(t, page)}, "username": {"admin"}, "password": {"lantern-river-42"}})
	mustContain(t, body, "用户管理")
	_, page = c.get("/staff/users")
	mustContain(t, page, "demo-handler", "新建账号")
	tok := csrf(t, page)
	status, body := c.post("/staff/users", url.Values{"csrf": {tok}, "username": {"wang-handler"}, "password": {"short"},
		"name": {"王承办"}, "role": {"handler"}, "org_code": {"110117001-SO"}, "area_code": {"110117001"}})
	if status != 400 {
		t.Fatalf("short password: %d", status)
	}
	mustContain(t, body, "王承办", "wang-handler")
	status, body = c.post("/staff/users", url.Values{"csrf": {tok}, "username": {"wang-handler"}, "password": {"long-enough-1"},
		"name": {"王承办"}, "role": {"handler"}, "org_code": {"110117001-SO"}, "area_code": {"110117001"}})
	if status != 200 {
		t.Fatalf("create: %d\n%s", status, body)
	}
	mustContain(t, body, "账号已创建", "王承办")
	u, err := a.Auth.UserByUsername(context.Background(), "wang-handler")
	if err != nil {
		t.Fatal(err)
	}
	_, body = c.post("/staff/users/"+u.ID+"/disable", url.Values{"csrf": {tok}})
	mustContain(t, body, "账号已停用")
	other := newClient(t, srv)
	_, page = other.get("/staff/login")
	status, _ = other.post("/staff/login", url.Values{"csrf": {csrf(t, page)}, "username": {"wang-handler"}, "password": {"long-enough-1"}})
	if status != 401 {
		t.Errorf("disabled login: %d, want 401", status)
	}
	// A handler may not manage users.
	h := newClient(t, srv)
	_, page = h.get("/staff/login")
	h.post("/staff/login", url.Values{"csrf": {csrf(t, page)}, "username": {"demo-handler"}, "password": {"gongzhi-demo"}})
	if status, _ = h.get("/staff/users"); status != 403 {
		t.Errorf("handler on /staff/users: %d, want 403", status)
	}
}

// TestRedirectTargets: the language switch, the large-text switch and the
// resident login send the browser only to a path on this site, whatever was
// hidden in back or next.
func TestRedirectTargets(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	hostile := []string{"/\t/evil.example/x", "//evil.example/x", "/\\evil.example", "https://evil.example/", "/%2F/evil.example"}
	// The answer is read off the wire: a client would refuse to parse a
	// Location that carries a control character.
	location := func(c *client, req *http.Request) string {
		t.Helper()
		for _, ck := range c.hc.Jar.Cookies(req.URL) {
			req.AddCookie(ck)
		}
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s %s: status %d, want 303", req.Method, req.URL, resp.StatusCode)
		}
		return resp.Header.Get("Location")
	}
	c := newClient(t, srv)
	for _, h := range hostile {
		for _, path := range []string{"/lang?to=en&back=", "/big?on=1&back="} {
			req, _ := http.NewRequest("GET", srv.URL+path+url.QueryEscape(h), nil)
			if got := location(c, req); got != "/" {
				t.Errorf("GET %s%q: Location %q, want /", path, h, got)
			}
		}
	}
	req, _ := http.NewRequest("GET", srv.URL+"/lang?to=en&back="+url.QueryEscape("/track?number=1"), nil)
	if got := location(c, req); got != "/track?number=1" {
		t.Errorf("a local back path: Location %q", got)
	}

	for i, h := range append(hostile, "/tickets/20260101000001") {
		rc := newClient(t, srv)
		_, page := rc.get("/login")
		tok := csrf(t, page)
		phone := fmt.Sprintf("1390000%04d", i)
		_, body := rc.post("/login/code", url.Values{"csrf": {tok}, "phone": {phone}})
		code := regexp.MustCompile(`演示模式验证码：<strong>(\d+)</strong>`).FindStringSubmatch(body)[1]
		form := url.Values{"csrf": {tok}, "phone": {phone}, "code": {code}, "next": {h}}
		req, _ := http.NewRequest("POST", srv.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		want := "/my"
		if !strings.Contains(h, "evil") {
			want = h
		}
		if got := location(rc, req); got != want {
			t.Errorf("POST /login next=%q: Location %q, want %q", h, got, want)
		}
	}
}

// TestTrackLimit: guessing the phone of a ticket on the lookup page is
// bounded per ticket number and per client address, with 429, Retry-After
// and a message in the page's language.
func TestTrackLimit(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	number := newTicketNumber(t, a, "13911112222")
	c := newClient(t, srv)
	_, page := c.get("/track")
	tok := csrf(t, page)
	try := func(c *client, number, phone string) (*http.Response, string) {
		t.Helper()
		form := url.Values{"csrf": {tok}, "number": {number}, "phone": {phone}}
		req, _ := http.NewRequest("POST", srv.URL+"/track", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := c.hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	var resp *http.Response
	var body string
	guesses := 0
	for ; guesses < 40; guesses++ {
		resp, body = try(c, number, fmt.Sprintf("1391111%04d", guesses))
		if resp.StatusCode == http.StatusTooManyRequests {
			break
		}
		if resp.StatusCode != http.StatusNotFound {
			t.Fatalf("guess %d: status %d", guesses, resp.StatusCode)
		}
	}
	if resp.StatusCode != http.StatusTooManyRequests || guesses > 10 {
		t.Fatalf("after %d wrong guesses for one number: status %d, want 429 within 10", guesses, resp.StatusCode)
	}
	if resp.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	mustContain(t, body, "查询次数过多", `name="number"`)
	// The right phone is refused too until the wait is over: the limit is
	// on guesses at this number, not on wrong ones.
	if resp, _ := try(c, number, "13911112222"); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("right phone while limited: %d", resp.StatusCode)
	}
	c.get("/lang?to=en&back=/track")
	if _, body := try(c, number, "13911112222"); !strings.Contains(body, "Too many look-ups") {
		t.Error("the English page lacks the English message")
	}

	// One address trying many numbers is bounded too.
	other := newClient(t, srv)
	_, page = other.get("/track")
	tok = csrf(t, page)
	for guesses = 0; guesses < 100; guesses++ {
		resp, _ = try(other, fmt.Sprintf("2026010100%04d", guesses), "13911112222")
		if resp.StatusCode == http.StatusTooManyRequests {
			break
		}
	}
	if resp.StatusCode != http.StatusTooManyRequests || guesses > 60 {
		t.Fatalf("after %d numbers from one address: status %d, want 429 within 60", guesses, resp.StatusCode)
	}
}

// TestCSRFPlantedCookie: a token the attacker made up and planted as the
// anonymous cookie, sent with the same token in the form, is refused on
// every anonymous form; the page does not adopt a planted cookie either.
func TestCSRFPlantedCookie(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	good := newClient(t, srv)
	_, page := good.get("/submit")
	real := csrf(t, page)
	for _, planted := range []string{
		"attacker-chosen-token-0123456789",                                  // unsigned
		"attacker-chosen-token.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", // forged signature
		real[:len(real)-2] + "xy",                                           // a real token altered
	} {
		for _, path := range []string{"/login/code", "/login", "/staff/login", "/submit", "/track", "/track/rate"} {
			c := newClient(t, srv)
			c.hc.Jar.SetCookies(u, []*http.Cookie{{Name: "gz_csrf", Value: planted, Path: "/"}})
			form := url.Values{"csrf": {planted}, "phone": {"13900000000"}, "username": {"admin"}, "password": {"lantern-river-42"},
				"number": {"20260101000001"}, "description": {"x"}, "code": {"123456"}}
			status, body := c.post(path, form)
			if status != http.StatusForbidden || !strings.Contains(body, "CSRF") {
				t.Errorf("planted %q on %s: status %d, want 403", planted, path, status)
			}
		}
		c := newClient(t, srv)
		c.hc.Jar.SetCookies(u, []*http.Cookie{{Name: "gz_csrf", Value: planted, Path: "/"}})
		if _, page := c.get("/staff/login"); csrf(t, page) == planted {
			t.Errorf("the page adopted the planted token %q", planted)
		}
	}
	// The site's own token still works.
	if status, body := good.post("/staff/login", url.Values{"csrf": {real}, "username": {"admin"}, "password": {"lantern-river-42"}}); status != 200 {
		t.Errorf("own token: status %d\n%s", status, body)
	}
}

// TestRefusedSubmissionsSpendNoQuota: forms refused for bad input, however
// many and whoever sends them with her phone, leave the resident her quota.
func TestRefusedSubmissionsSpendNoQuota(t *testing.T) {
	srv := httptest.NewServer(newApp(t).Handler)
	defer srv.Close()
	c := newClient(t, srv)
	_, page := c.get("/submit")
	tok := csrf(t, page)
	form := func(category, description string) url.Values {
		return url.Values{"csrf": {tok}, "category_code": {category}, "community": {"110117001001"},
			"description": {description}, "reporter_phone": {"13700000002"}}
	}
	for i := 0; i < 12; i++ {
		bad := form("9999", "垃圾")
		if i%2 == 1 {
			bad = form("0101", "")
		}
		if status, _ := c.post("/submit", bad); status != 400 {
			t.Fatalf("junk %d: %d", i, status)
		}
	}
	status, body := c.post("/submit", form("0101", "路灯不亮"))
	if status != 200 {
		t.Fatalf("her submission after 12 refused ones: %d", status)
	}
	mustContain(t, body, "您的诉求已提交")
}
