package web_test

import (
	"bytes"
	"context"
	"image/color"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

var mediationPathRE = regexp.MustCompile(`/staff/mediation/([0-9A-Z-]{8,32})/print`)

// TestMediationForms walks the staff's forms without JavaScript: a bad
// case refused with its reason, a red case with violence (the street told,
// the police referral on its page), a ticket become a case under its
// number, a verbal agreement, a termination with the routes, the figures
// and the case file; staff of the district read it masked, and a
// guest is shown how to apply.
func TestMediationForms(t *testing.T) {
	a := newApp(t)
	mediationCommittee(t, a)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	grid := staffLogin(t, srv, "demo-grid", "gongzhi-demo")
	status, page := grid.get("/staff/mediation")
	if status != 200 {
		t.Fatalf("list: %d\n%s", status, page)
	}
	mustContain(t, page, "登记调解案件", "红色（可能引发暴力或群体性事件）", `value="110117001001"`)
	tok := csrf(t, page)
	form := url.Values{"csrf": {tok}, "source": {"initiative"}, "dispute_type": {"neighbour"}, "area_code": {"110117001001"}, "summary": {"两户因楼道堆物争吵，一方扬言动手。"},
		"risk": {"red"}, "violence": {"1"}, "a_name": {"张三"}, "a_phone": {"13900139301"}, "b_name": {"李四"}, "b_phone": {"13900139302"}}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("risk", "yellow")
	if status, page = grid.post("/staff/mediation", bad); status != 400 || !strings.Contains(page, "有暴力倾向的纠纷应评为红色") {
		t.Fatalf("violence not red: %d\n%s", status, page)
	}
	status, page = grid.post("/staff/mediation", form)
	m := mediationPathRE.FindStringSubmatch(page)
	if status != 200 || m == nil {
		t.Fatalf("create: %d\n%s", status, page)
	}
	mustContain(t, page, "已登记调解案件", "已报告街道领导", "已移送公安机关", "13900139301")
	base := "/staff/mediation/" + m[1]
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
	act("agree", url.Values{"kind": {"verbal"}, "content": {""}, "effective_on": {"2026-01-01"}}, 400, "协议内容")
	act("terminate", url.Values{"reason": {""}}, 400, "终止调解的理由")
	act("dance", url.Values{}, 404)
	act("terminate", url.Values{"reason": {"双方分歧过大，已转派出所处理"}}, 200, "已终止调解并告知当事人其他途径", "仲裁")

	// A ticket of a dispute becomes a case under its number.
	tk, err := a.Tickets.Create(context.Background(), nil, ticket.NewTicket{CategoryCode: "0101", AreaCode: "110117001001",
		Description: "邻居装修噪音扰民，双方争吵", ReporterName: "孙六", ReporterPhone: "13900139303"})
	if err != nil {
		t.Fatal(err)
	}
	desk := staffLogin(t, srv, "demo-dispatcher", "gongzhi-demo")
	_, dpage := desk.get("/staff/mediation")
	dform := url.Values{"csrf": {csrf(t, dpage)}, "source": {"hotline"}, "ticket_number": {tk.Number}, "dispute_type": {"neighbour"}, "risk": {"blue"},
		"a_name": {"孙六"}, "a_phone": {"13900139303"}, "b_name": {"周七"}}
	status, page = desk.post("/staff/mediation", dform)
	if status != 200 || !strings.Contains(page, "/staff/mediation/"+tk.Number+"/print") || !strings.Contains(page, "12345热线转入") {
		t.Fatalf("from the ticket: %d\n%s", status, page)
	}
	evs, err := a.Tickets.Events(context.Background(), auth0(t, a, "demo-dispatcher"), tk.Number)
	if err != nil {
		t.Fatal(err)
	}
	if last := evs[len(evs)-1]; !strings.Contains(last.Note, tk.Number) {
		t.Fatalf("the ticket's note: %+v", last)
	}

	// The grid worker, chair of the committee, records a verbal agreement.
	base = "/staff/mediation/" + tk.Number
	// First a session, the applicant's signature of its record as an image,
	// which she (as a mediator) opens from the case page.
	act("session", url.Values{"place": {"社区调解室"}, "record": {"双方陈述事实。"}}, 200)
	var mb bytes.Buffer
	mw := multipart.NewWriter(&mb)
	for k, v := range map[string]string{"csrf": tok, "session": "1", "party": "1"} {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("signature", "sig.jpg")
	fw.Write(jpegBytes(t, color.RGBA{20, 20, 20, 255}))
	mw.Close()
	req, _ := http.NewRequest("POST", srv.URL+base+"/sign", &mb)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	status, page = grid.do(req)
	sig := base + "/signatures/1/1"
	if status != 200 || !strings.Contains(page, `href="`+sig+`"`) {
		t.Fatalf("signature image: %d\n%s", status, page)
	}
	if status, body := grid.get(sig); status != 200 || !strings.HasPrefix(body, "\xff\xd8") {
		t.Fatalf("open the signature: %d", status)
	}
	if status, _ := desk.get(sig); status == 200 {
		t.Error("the hotline desk opened a party's signature")
	}
	act("agree", url.Values{"kind": {"verbal"}, "content": {"周七承诺晚八点后不再施工。"}, "effective_on": {todayStr()}}, 200, "已记录调解协议", "口头调解协议")

	status, page = grid.get("/staff/mediation/figures")
	if status != 200 {
		t.Fatalf("figures: %d\n%s", status, page)
	}
	mustContain(t, page, "人民调解数据", "调解成功率", "50.0%")
	// The month's mediation also stands on the evaluation's dashboard.
	sup := staffLogin(t, srv, "demo-supervisor", "gongzhi-demo")
	status, page = sup.get("/staff/dashboard?month=" + time.Now().In(clock.BusinessZone()).Format("2006-01"))
	if status != 200 {
		t.Fatalf("dashboard: %d", status)
	}
	mustContain(t, page, `id="dash-mediation"`, "人民调解（本月受理）", "50.0%")
	status, page = grid.get("/staff/mediation/" + m[1] + "/print")
	if status != 200 {
		t.Fatalf("print: %d\n%s", status, page)
	}
	mustContain(t, page, "人民调解卷宗", m[1], "移送公安机关", "终止调解", "仲裁", "/static/print.css")
	// The terminated case is handed over as a ticket for its applicant.
	_, page = grid.get("/staff/mediation/" + m[1])
	mustContain(t, page, `id="med-ticket-form"`)
	status, page = grid.post("/staff/mediation/"+m[1]+"/ticket", url.Values{"csrf": {csrf(t, page)}, "category_code": {"0101"}, "note": {"请街道协调"}})
	if status != 200 || !strings.Contains(page, "已转为工单") || !strings.Contains(page, `id="med-to-ticket"`) || strings.Contains(page, `id="med-ticket-form"`) {
		t.Fatalf("hand over: %d\n%s", status, page)
	}

	// Staff of the district read the case, the parties masked, without its forms.
	other := staffLogin(t, srv, "demo-handler-dept", "gongzhi-demo")
	status, page = other.get("/staff/mediation/" + m[1])
	if status != 200 || strings.Contains(page, "13900139301") || !strings.Contains(page, "139****9301") || strings.Contains(page, "med-terminate-form") {
		t.Fatalf("a department reads the case: %d\n%s", status, page)
	}
	guest := newClient(t, srv)
	status, page = guest.get("/mediation")
	if status != 200 {
		t.Fatalf("guest: %d", status)
	}
	mustContain(t, page, "登录后可以申请调解", "其他解决途径")
}

func auth0(t *testing.T, a *app.App, username string) auth.User {
	t.Helper()
	u, err := a.Auth.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func todayStr() string { return time.Now().In(clock.BusinessZone()).Format("2006-01-02") }

// TestMediationCommitteeForm: the administrator keeps a committee's
// members on the staff page; two are refused, an unknown login is named,
// three with the grid worker's login make it take cases.
func TestMediationCommitteeForm(t *testing.T) {
	a := newApp(t)
	mediationCommittee(t, a)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	admin := staffLogin(t, srv, "admin", "lantern-river-42")
	status, page := admin.get("/staff/mediation")
	if status != 200 {
		t.Fatalf("list: %d\n%s", status, page)
	}
	mustContain(t, page, "金谷东园社区人民调解委员会", "委员3人", "网格调解员,,demo-grid,chair")
	tok := csrf(t, page)
	post := func(lines string, want int, wants ...string) {
		t.Helper()
		status, page := admin.post("/staff/mediation/committees/TJ-JGDY", url.Values{"csrf": {tok}, "members": {lines}})
		if status != want {
			t.Fatalf("%q: %d, want %d\n%s", lines, status, want, page)
		}
		mustContain(t, page, wants...)
	}
	post("甲,,,chair\n乙", 400, "三至九人")
	post("甲,,nobody,chair\n乙\n丙", 400, "账号 nobody 不存在")
	post("网格调解员,,demo-grid,chair\n乙,13600136009,,deputy\n丙\n丁", 200, "已更新调解委员会委员", "委员4人", "乙（副主任）")
}
