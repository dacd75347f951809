package web_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// loginResident logs c in as the demo resident 13800138000 with the code
// the demo shows.
func loginResident(t *testing.T, c *client) {
	t.Helper()
	_, page := c.get("/login")
	tok := csrf(t, page)
	_, body := c.post("/login/code", url.Values{"csrf": {tok}, "phone": {"13800138000"}})
	m := regexp.MustCompile(`演示模式验证码：<strong>(\d+)</strong>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no demo code shown:\n%s", body)
	}
	if status, body := c.post("/login", url.Values{"csrf": {tok}, "phone": {"13800138000"}, "code": {m[1]}}); status != 200 {
		t.Fatalf("login: %d\n%s", status, body)
	}
}

func userNamed(t *testing.T, a *app.App, name string) auth.User {
	t.Helper()
	u, err := a.Auth.UserByUsername(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestResidentTicketSaysWhatNext: the top of the resident's ticket page
// says who has her request, by when, the unit's phone and the step; the
// dispatcher's note never shows; once answered, "去评价" leads to the form,
// which comes before the timeline.
func TestResidentTicketSaysWhatNext(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	bg := context.Background()
	// 供电 has no dispatch rule: the ticket waits for a dispatcher.
	tk, err := a.Tickets.Create(bg, nil, ticket.NewTicket{CategoryCode: "0405", AreaCode: "110117001001",
		Description: "金谷东园3号楼整栋停电", ReporterName: "居民演示员", ReporterPhone: "13800138000"})
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, srv)
	loginResident(t, c)
	status, page := c.get("/tickets/" + tk.Number)
	if status != 200 {
		t.Fatalf("ticket page: %d\n%s", status, page)
	}
	mustContain(t, page, "接下来", "正在为您安排承办单位", "已收到您的诉求", "前与您联系")
	if strings.Contains(page, `href="#rate"`) {
		t.Error("a link to rate before any answer")
	}

	// The dispatcher sends it to a unit that has a phone, with a note
	// meant for the unit only.
	const unit = "110117-D01"
	org, err := a.Gov.Org(bg, unit)
	if err != nil {
		t.Fatal(err)
	}
	org.Phone = "010-69961234"
	if err := a.Gov.UpsertOrg(bg, org); err != nil {
		t.Fatal(err)
	}
	dispatcher := userNamed(t, a, "demo-dispatcher")
	if _, err := a.Tickets.Act(bg, dispatcher, tk.Number, ticket.ActionDispatch,
		ticket.ActionInput{OrgCode: unit, Note: "内部：领导关注，务必当天回复"}); err != nil {
		t.Fatal(err)
	}
	_, page = c.get("/tickets/" + tk.Number)
	mustContain(t, page, org.Name, `href="tel:010-69961234"`, "拨打 010-69961234", "已交给承办单位", "前与您联系")
	if strings.Contains(page, "领导关注") {
		t.Error("the dispatcher's internal note is on the resident's page")
	}

	// Once the unit signs, the answer's deadline is promised too.
	handler, err := a.Auth.CreateUser(bg, auth.System(), auth.NewUser{Username: "next-handler", Password: "quiet-harbor-77",
		Name: "承办人", Role: auth.RoleHandler, OrgCode: unit, AreaCode: org.AreaCode})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Tickets.Act(bg, handler, tk.Number, ticket.ActionSign, ticket.ActionInput{}); err != nil {
		t.Fatal(err)
	}
	_, page = c.get("/tickets/" + tk.Number)
	mustContain(t, page, "承办单位已接手", "前与您联系")
	if !regexp.MustCompile(`将于 (今天 |明天（周.）|\d+月\d+日（周.）)\d\d:\d\d 前答复`).MatchString(page) {
		t.Errorf("the deadline is not in plain words:\n%s", page)
	}

	// The same in English.
	c.get("/lang?to=en&back=/")
	_, page = c.get("/tickets/" + tk.Number)
	mustContain(t, page, "What happens next", "You will be contacted by", "You will be answered by", "Call 010-69961234")
	c.get("/lang?to=zh&back=/")

	// The unit answers; the resident is one tap from the rating form.
	answer(t, a, handler, tk.Number)
	_, page = c.get("/tickets/" + tk.Number)
	mustContain(t, page, `href="#rate"`, "去评价", `id="rate"`, "已经答复您了")
	if strings.Contains(page, "前答复") {
		t.Error("a deadline is still promised after the answer")
	}
	if r, tl := strings.Index(page, `id="rate"`), strings.Index(page, `id="timeline"`); r < 0 || tl < 0 || r > tl {
		t.Error("the rating form is not above the timeline")
	}
}

// TestSubmitIdempotencyKey: a submission sent again with the same
// Idempotency-Key (header or the idem_key field) makes one ticket and
// leads to it; the same key with another text is refused.
func TestSubmitIdempotencyKey(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) { submitIdempotencyKey(t, newAppOn(t, engine)) })
	}
}

func submitIdempotencyKey(t *testing.T, a *app.App) {
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	guest := newClient(t, srv)
	_, page := guest.get("/submit")
	form := url.Values{"csrf": {csrf(t, page)}, "kind": {"help"}, "category_code": {"0101"},
		"description": {"幂等测试：金谷东园北门垃圾无人清运"}, "community": {"110117001001"}, "reporter_phone": {"13900003333"}}
	send := func(f url.Values, key string) (int, string) {
		req, _ := http.NewRequest("POST", srv.URL+"/submit", strings.NewReader(f.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		return guest.do(req)
	}
	number := func(body string) string {
		t.Helper()
		m := numberRE.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no ticket number on the page:\n%s", body)
		}
		return m[1]
	}
	status, body := send(form, "phone-key-0001")
	if status != 200 {
		t.Fatalf("first: %d\n%s", status, body)
	}
	first := number(body)
	for i := 0; i < 3; i++ {
		if status, body = send(form, "phone-key-0001"); status != 200 || number(body) != first {
			t.Fatalf("resend %d: %d, ticket %s, want %s", i, status, number(body), first)
		}
	}
	// The same key in the form's field, with a new CSRF token, as the phone resends it.
	_, page = guest.get("/submit")
	f2 := url.Values{}
	for k, v := range form {
		f2[k] = v
	}
	f2.Set("csrf", csrf(t, page))
	f2.Set("idem_key", "phone-key-0001")
	if status, body = send(f2, ""); status != 200 || number(body) != first {
		t.Fatalf("resend by field: %d", status)
	}
	f2.Set("description", "另一件事")
	if status, _ = send(f2, ""); status != 409 {
		t.Errorf("same key, other text: %d, want 409", status)
	}
	if status, _ = send(form, "bad key with spaces"); status != 400 {
		t.Errorf("malformed key: %d, want 400", status)
	}
	var n int
	if err := a.DB.R.QueryRow(`SELECT COUNT(*) FROM tickets WHERE description = $1`, form.Get("description")).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d tickets, want 1", n)
	}
	// A new key is a new submission.
	if status, body = send(form, "phone-key-0002"); status != 200 || number(body) == first {
		t.Errorf("new key: %d, same ticket %v", status, number(body) == first)
	}
}

// TestSpeak: the server reads a resident's own page aloud as a WAV, refuses
// pages that are not hers or not resident pages, and says 503 plainly
// when espeak-ng is missing.
func TestSpeak(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	tk, err := a.Tickets.Create(context.Background(), nil, ticket.NewTicket{CategoryCode: "0101", AreaCode: "110117001001",
		Description: "金谷东园北门垃圾堆放三天无人清运", ReporterPhone: "13800138000"})
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, srv)
	loginResident(t, c)
	stranger := newClient(t, srv)
	for _, bad := range []string{"/speak?page=/staff", "/speak?page=https://example.com/", "/speak?page=/speak",
		"/speak?page=/tickets/" + tk.Number + "&part=nav"} {
		if status, _ := c.get(bad); status != 404 {
			t.Errorf("%s: %d, want 404", bad, status)
		}
	}
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng is not installed (apt install espeak-ng): the audio is not tested")
	}
	if status, _ := stranger.get("/speak?page=/tickets/" + tk.Number); status != 404 {
		t.Errorf("someone else's ticket: %d, want 404", status)
	}
	for _, page := range []string{"/tickets/" + tk.Number, "/tickets/" + tk.Number + "&part=timeline", "/"} {
		req, _ := http.NewRequest("GET", srv.URL+"/speak?page="+strings.Replace(url.QueryEscape(page), "%26part%3D", "&part=", 1), nil)
		resp, err := c.hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		buf.ReadFrom(resp.Body)
		resp.Body.Close()
		b := buf.Bytes()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "audio/wav" {
			t.Fatalf("%s: %d %s\n%s", page, resp.StatusCode, resp.Header.Get("Content-Type"), b)
		}
		if len(b) < 20000 || string(b[:4]) != "RIFF" || string(b[8:16]) != "WAVEfmt " || string(b[36:40]) != "data" {
			t.Fatalf("%s: not a WAV of speech (%d bytes)", page, len(b))
		}
		if riff, data := binary.LittleEndian.Uint32(b[4:]), binary.LittleEndian.Uint32(b[40:]); int(riff) != len(b)-8 || int(data) != len(b)-44 {
			t.Errorf("%s: sizes in the header %d/%d, file %d", page, riff, data, len(b))
		}
		t.Logf("%s: %d bytes, %d Hz", page, len(b), binary.LittleEndian.Uint32(b[24:]))
	}
	t.Setenv("PATH", "")
	if status, body := c.get("/speak?page=/"); status != 503 || !strings.Contains(body, "espeak-ng") {
		t.Errorf("without espeak-ng: %d\n%s", status, body)
	}
}

// TestPWAFiles: the manifest, its icons (PNG of the sizes it names) and the
// service worker at the root.
func TestPWAFiles(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	c := newClient(t, srv)
	status, body := c.get("/manifest.webmanifest")
	if status != 200 {
		t.Fatalf("manifest: %d", status)
	}
	mustContain(t, body, `"name":"共治 · 接诉即办"`, `"start_url":"/"`, `"/icons/192.png"`, `"/icons/512.png"`, `"display":"standalone"`)
	for _, size := range []uint32{192, 512} {
		status, png := c.get("/icons/" + strings.TrimSpace(string(rune('0'+size/100))+string(rune('0'+size/10%10))+string(rune('0'+size%10))) + ".png")
		if status != 200 || !strings.HasPrefix(png, "\x89PNG") {
			t.Fatalf("icon %d: %d", size, status)
		}
		if w, h := binary.BigEndian.Uint32([]byte(png[16:20])), binary.BigEndian.Uint32([]byte(png[20:24])); w != size || h != size {
			t.Errorf("icon %d is %dx%d", size, w, h)
		}
	}
	if status, _ := c.get("/icons/64.png"); status != 404 {
		t.Errorf("an icon of no size: %d", status)
	}
	status, body = c.get("/sw.js")
	mustContain(t, body, "caches.open", `addEventListener("fetch"`)
	if status != 200 {
		t.Fatalf("sw.js: %d", status)
	}
	_, body = c.get("/")
	mustContain(t, body, `<link rel="manifest" href="/manifest.webmanifest">`, `src="/static/pwa.js"`, `id="speak"`)
}

// signedTicket is a ticket of the demo resident (13800138000) about a power
// cut, dispatched with an internal note to a unit that has a phone, and
// signed by that unit's handler, who is returned.
func signedTicket(t *testing.T, a *app.App) (string, auth.User) {
	t.Helper()
	bg := context.Background()
	tk, err := a.Tickets.Create(bg, nil, ticket.NewTicket{CategoryCode: "0405", AreaCode: "110117001001",
		Description: "金谷东园3号楼整栋停电，电梯也停了", ReporterName: "居民演示员", ReporterPhone: "13800138000"})
	if err != nil {
		t.Fatal(err)
	}
	const unit = "110117-D01"
	org, err := a.Gov.Org(bg, unit)
	if err != nil {
		t.Fatal(err)
	}
	org.Phone = "010-69961234"
	if err := a.Gov.UpsertOrg(bg, org); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Tickets.Act(bg, userNamed(t, a, "demo-dispatcher"), tk.Number, ticket.ActionDispatch,
		ticket.ActionInput{OrgCode: unit, Note: "内部：领导关注，务必当天回复"}); err != nil {
		t.Fatal(err)
	}
	handler, err := a.Auth.CreateUser(bg, auth.System(), auth.NewUser{Username: "power-handler", Password: "quiet-harbor-77",
		Name: "承办人", Role: auth.RoleHandler, OrgCode: unit, AreaCode: org.AreaCode})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Tickets.Act(bg, handler, tk.Number, ticket.ActionSign, ticket.ActionInput{}); err != nil {
		t.Fatal(err)
	}
	return tk.Number, handler
}

// answer has the handler contact the reporter and reply, resolved.
func answer(t *testing.T, a *app.App, handler auth.User, number string) {
	t.Helper()
	yes := true
	for _, step := range []struct {
		action string
		in     ticket.ActionInput
	}{{ticket.ActionContact, ticket.ActionInput{Note: "已电话联系"}},
		{ticket.ActionReply, ticket.ActionInput{ReplyText: "已联系供电公司抢修，现已恢复供电", Resolved: &yes}}} {
		if _, err := a.Tickets.Act(context.Background(), handler, number, step.action, step.in); err != nil {
			t.Fatalf("%s: %v", step.action, err)
		}
	}
}
