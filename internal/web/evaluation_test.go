package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/limit"
	"github.com/gongzhi/gongzhi/internal/ticket"
	"github.com/gongzhi/gongzhi/internal/web"
)

// newEvalServer serves the HTML pages with the evaluation service and the
// database wired in (whatever app.go passes).
func newEvalServer(t *testing.T) (*app.App, *httptest.Server) {
	t.Helper()
	a := newApp(t)
	w, err := web.New(web.Deps{Auth: a.Auth, Tickets: a.Tickets, Gov: a.Gov, KB: a.KB, Limits: limit.Defaults(),
		Evaluation: a.Evaluation, Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	w.Routes(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return a, srv
}

// closedTicket runs a ticket of 街巷环境卫生 in 金谷东园社区 through the
// whole loop: 滨河街道办事处 signs, contacts and replies, the reporter rates.
func closedTicket(t *testing.T, a *app.App, desc string, resolved bool, sat ticket.Satisfaction) string {
	t.Helper()
	ctx := context.Background()
	phone := "13900005555"
	tk, err := a.Tickets.Create(ctx, nil, ticket.NewTicket{CategoryCode: "0101", AreaCode: "110117001001", Description: desc, ReporterPhone: phone})
	if err != nil {
		t.Fatal(err)
	}
	h, err := a.Auth.UserByUsername(ctx, "demo-handler")
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		action string
		in     ticket.ActionInput
	}{
		{ticket.ActionSign, ticket.ActionInput{}},
		{ticket.ActionContact, ticket.ActionInput{Note: "已电话联系"}},
		{ticket.ActionReply, ticket.ActionInput{ReplyText: "已处理完毕", Resolved: &resolved}},
	} {
		if _, err := a.Tickets.Act(ctx, h, tk.Number, step.action, step.in); err != nil {
			t.Fatalf("%s: %v", step.action, err)
		}
	}
	_, reporter, err := a.Tickets.Lookup(ctx, tk.Number, phone)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Tickets.Act(ctx, reporter, tk.Number, ticket.ActionRate, ticket.ActionInput{Resolved: &resolved, Satisfaction: sat}); err != nil {
		t.Fatalf("rate: %v", err)
	}
	return tk.Number
}

var ticketLinkRE = regexp.MustCompile(`href="/staff/tickets/(\d+)"`)

// ticketsOn lists the ticket numbers a figure page links to, sorted.
func ticketsOn(body string) []string {
	var out []string
	for _, m := range ticketLinkRE.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	sort.Strings(out)
	return out
}

func sorted(xs ...string) []string {
	out := append([]string{}, xs...)
	sort.Strings(out)
	return out
}

func TestEvaluationPagesRoles(t *testing.T) {
	_, srv := newEvalServer(t)
	anon := newClient(t, srv)
	if _, body := anon.get("/staff/dashboard"); !strings.Contains(body, "工作人员登录") {
		t.Error("the dashboard did not send the anonymous to the login")
	}
	type want struct {
		path   string
		status int
	}
	for _, tc := range []struct {
		user  string
		pass  string
		pages []want
	}{
		{"demo-supervisor", "gongzhi-demo", []want{{"/staff/dashboard", 200}, {"/staff/unit", 200}, {"/staff/unit?org_code=110117-D01", 200},
			{"/staff/rectifications", 200}, {"/staff/rectifications/new", 200}, {"/staff/public-settings", 403}}},
		{"admin", "lantern-river-42", []want{{"/staff/dashboard", 200}, {"/staff/unit", 200}, {"/staff/rectifications", 200}, {"/staff/public-settings", 200}}},
		{"demo-dispatcher", "gongzhi-demo", []want{{"/staff/dashboard", 200}, {"/staff/unit", 200}, {"/staff/rectifications", 200}, {"/staff/rectifications/new", 403}}},
		{"demo-handler", "gongzhi-demo", []want{{"/staff/dashboard", 403}, {"/staff/unit", 200}, {"/staff/rectifications", 200},
			{"/staff/rectifications/new", 403}, {"/staff/public-settings", 403},
			{"/staff/dashboard/figure?figure=tickets&org_code=110117001-SO", 200},
			{"/staff/dashboard/figure?figure=tickets&org_code=110117-D01", 403},
			{"/staff/dashboard/figure?figure=tickets&area_code=110117", 403},
			{"/staff/dashboard/figure?figure=category&category=0101", 403}}},
		{"demo-agent", "gongzhi-demo", []want{{"/staff/dashboard", 403}, {"/staff/unit", 403}, {"/staff/rectifications", 403}}},
		{"demo-grid", "gongzhi-demo", []want{{"/staff/dashboard", 403}, {"/staff/unit", 403}, {"/staff/rectifications", 403}}},
	} {
		c := staffLogin(t, srv, tc.user, tc.pass)
		_, home := c.get("/staff")
		for _, p := range tc.pages {
			status, body := c.get(p.path)
			if status != p.status {
				t.Errorf("%s GET %s: %d, want %d", tc.user, p.path, status, p.status)
			}
			if status == 200 && !strings.Contains(body, "<h1>") {
				t.Errorf("%s GET %s: no heading", tc.user, p.path)
			}
			// The header links only to the pages the user may see.
			link := `href="` + strings.SplitN(p.path, "?", 2)[0] + `"`
			if p.path == "/staff/dashboard" || p.path == "/staff/unit" || p.path == "/staff/rectifications" || p.path == "/staff/public-settings" {
				if got := strings.Contains(home, link); got != (p.status == 200) {
					t.Errorf("%s: header link %s shown=%v, page status %d", tc.user, p.path, got, p.status)
				}
			}
		}
	}
}

func TestDashboardsWithData(t *testing.T) {
	a, srv := newEvalServer(t)
	n1 := closedTicket(t, a, "北门垃圾无人清运", true, ticket.Satisfied)
	n2 := closedTicket(t, a, "南门道路积水", true, ticket.Basic)
	n3 := closedTicket(t, a, "楼道堆物未清理", false, ticket.Unsatisfied)
	// An open ticket counts in no figure.
	open, err := a.Tickets.Create(t.Context(), nil, ticket.NewTicket{CategoryCode: "0101", AreaCode: "110117001001", Description: "尚未办结的诉求", ReporterPhone: "13900006666"})
	if err != nil {
		t.Fatal(err)
	}
	month := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01")

	sup := staffLogin(t, srv, "demo-supervisor", "gongzhi-demo")
	status, body := sup.get("/staff/dashboard?month=" + month) // the month under way, chosen
	if status != 200 {
		t.Fatalf("dashboard: %d\n%s", status, body)
	}
	mustContain(t, body, "全区看板", month, `role="img"`, "<title id=\"chart-volume-t\">", "<caption>", "诉求量趋势",
		"三率趋势", "诉求来源分布", "滨河街道", "街道乡镇考核排名", "职能部门考核排名", "红榜", "黑榜", "街巷环境卫生",
		"66.7%", // resolution 2 / 3
		"2 / 3", // its numerator and denominator
		"样本不足",  // 滨河街道办事处 has 3 rated tickets, fewer than 10: not ranked, not advanced
		"本月至今（未完结）", "format=xlsx")
	if strings.Contains(body, `cls-advanced`) {
		t.Error("a unit with three rated tickets is classed advanced")
	}
	if strings.Contains(body, `style="`) {
		t.Error("inline style attributes break the CSP")
	}
	// Every ticket behind the month's total, and only those.
	_, fig := sup.get("/staff/dashboard/figure?" + url.Values{"month": {month}, "figure": {"tickets"}, "area_code": {"110117"}}.Encode())
	if got, want := ticketsOn(fig), sorted(n1, n2, n3); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("tickets behind the district total: %v, want %v", got, want)
	}
	if strings.Contains(fig, open.Number) {
		t.Error("an open ticket is listed behind a figure")
	}
	_, fig = sup.get("/staff/dashboard/figure?" + url.Values{"month": {month}, "figure": {"resolved"}, "org_code": {"110117001-SO"}}.Encode())
	if got, want := ticketsOn(fig), sorted(n1, n2); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("resolved: %v, want %v", got, want)
	}
	_, fig = sup.get("/staff/dashboard/figure?" + url.Values{"month": {month}, "figure": {"category"}, "category": {"0101"}}.Encode())
	if got, want := ticketsOn(fig), sorted(n1, n2, n3); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("category: %v, want %v", got, want)
	}
	if status, _ := sup.get("/staff/dashboard/figure?figure=nonsense&area_code=110117"); status != 400 {
		t.Errorf("unknown figure: %d, want 400", status)
	}

	// XLSX export of a table.
	resp, err := sup.hc.Get(srv.URL + "/staff/dashboard?format=xlsx&table=streets&month=" + month)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 2)
	resp.Body.Read(buf)
	resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.Contains(ct, "spreadsheetml") || string(buf) != "PK" {
		t.Errorf("xlsx export: %s %q", ct, buf)
	}

	// The unit's own dashboard: numerators and denominators, overdue work.
	h := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
	status, body = h.get("/staff/unit?month=" + month)
	if status != 200 {
		t.Fatalf("unit: %d\n%s", status, body)
	}
	mustContain(t, body, "滨河街道办事处", "样本不足", "本月评价 3 条，少于 10 条", ">2</a> / <a", ">3</a>", "超时与临期工单", "整改任务", "1 &#43; 0.6 × 1")
	_, fig = h.get("/staff/dashboard/figure?" + url.Values{"month": {month}, "figure": {"unresolved"}, "org_code": {"110117001-SO"}}.Encode())
	if got := ticketsOn(fig); strings.Join(got, ",") != n3 {
		t.Errorf("unresolved: %v, want %s", got, n3)
	}
	// A red light shows among its overdue work.
	now := time.Now()
	setClock(t, a.DB, open.Number, now.Add(-5*time.Hour), now.Add(-time.Hour))
	_, body = h.get("/staff/unit?month=" + month)
	mustContain(t, body, open.Number, "红灯")
	// English.
	_, body = h.get("/lang?to=en&back=" + url.QueryEscape("/staff/unit?month="+month))
	mustContain(t, body, "Unit dashboard", "Response rate", "Numerator")
}

func TestPublicPage(t *testing.T) {
	a, srv := newEvalServer(t)
	closedTicket(t, a, "北门垃圾无人清运", true, ticket.Satisfied)
	anon := newClient(t, srv)
	month := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01")
	status, body := anon.get("/public?month=" + month)
	if status != 200 {
		t.Fatalf("public: %d\n%s", status, body)
	}
	mustContain(t, body, `id="pub-totals"`, `id="pub-rates"`, "响应率", "100.0%")
	if strings.Contains(body, `id="pub-ranking"`) || strings.Contains(body, "/staff/tickets/") {
		t.Error("the public page shows the ranking or links to tickets by default")
	}
	adm := staffLogin(t, srv, "admin", "lantern-river-42")
	_, page := adm.get("/staff/public-settings")
	mustContain(t, page, `name="totals" value="1" checked`, `name="rates" value="1" checked`)
	if status, _ := adm.post("/staff/public-settings", url.Values{"ranking": {"1"}}); status != 403 {
		t.Errorf("settings without CSRF token: %d, want 403", status)
	}
	status, body = adm.post("/staff/public-settings", url.Values{"csrf": {csrf(t, page)}, "ranking": {"1"}, "rates": {"1"}})
	if status != 200 {
		t.Fatalf("save: %d\n%s", status, body)
	}
	mustContain(t, body, "公开内容已保存")
	_, body = anon.get("/public?month=" + month)
	// 滨河街道办事处 has one rated ticket: not ranked, counted as too small a sample.
	mustContain(t, body, `id="pub-ranking"`, "样本不足", `id="pub-rates"`)
	if strings.Contains(body, "<td>滨河街道办事处</td>") {
		t.Error("a unit with one rated ticket is ranked on the public page")
	}
	if strings.Contains(body, `id="pub-totals"`) {
		t.Error("totals still shown after being turned off")
	}
	sup := staffLogin(t, srv, "demo-supervisor", "gongzhi-demo")
	_, page = sup.get("/staff/rectifications")
	if status, _ := sup.post("/staff/public-settings", url.Values{"csrf": {csrf(t, page)}, "totals": {"1"}}); status != 403 {
		t.Errorf("supervisor saving public settings: %d, want 403", status)
	}
}

var rectIDRE = regexp.MustCompile(`/staff/rectifications/([0-9a-f]{24})`)

func TestRectificationFlowForms(t *testing.T) {
	a, srv := newEvalServer(t)
	sup := staffLogin(t, srv, "demo-supervisor", "gongzhi-demo")
	_, page := sup.get("/staff/rectifications/new?org_code=110117001-SO")
	mustContain(t, page, "下达整改任务", `<option value="110117001-SO" selected>`)
	tok := csrf(t, page)
	deadline := time.Now().AddDate(0, 0, 10).Format("2006-01-02")
	form := url.Values{"org_code": {"110117001-SO"}, "title": {"群众反映环境卫生问题集中"}, "reason": {"本月垃圾清运类投诉较多"}, "deadline": {deadline}}
	if status, _ := sup.post("/staff/rectifications", form); status != 403 {
		t.Errorf("create without CSRF: %d, want 403", status)
	}
	form.Set("csrf", tok)
	form.Set("title", "")
	status, body := sup.post("/staff/rectifications", form)
	if status != 400 {
		t.Fatalf("create without title: %d", status)
	}
	mustContain(t, body, "请填写标题", "本月垃圾清运类投诉较多")
	form.Set("title", "群众反映环境卫生问题集中")
	status, body = sup.post("/staff/rectifications", form)
	if status != 200 {
		t.Fatalf("create: %d\n%s", status, body)
	}
	mustContain(t, body, "整改任务已下达", "群众反映环境卫生问题集中", "滨河街道办事处", "待整改")
	m := rectIDRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no task id on the page")
	}
	id := m[1]
	if strings.Contains(body, `id="rect-review"`) || strings.Contains(body, `id="rect-submit"`) {
		t.Error("an open task offers the supervisor a form")
	}

	// Others may not see it; the unit's handler may.
	dept := staffLogin(t, srv, "demo-handler-dept", "gongzhi-demo")
	if status, _ := dept.get("/staff/rectifications/" + id); status != 404 {
		t.Errorf("another unit's handler: %d, want 404", status)
	}
	h := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
	_, body = h.get("/staff/rectifications")
	mustContain(t, body, "群众反映环境卫生问题集中")
	_, page = h.get("/staff/rectifications/" + id)
	mustContain(t, page, `id="rect-submit"`)
	tok = csrf(t, page)
	status, body = h.post("/staff/rectifications/"+id+"/submit", url.Values{"csrf": {tok}, "evidence": {"照片已存档"}})
	if status != 400 {
		t.Fatalf("submit without measures: %d", status)
	}
	mustContain(t, body, "请填写整改措施", "照片已存档")
	if status, _ := h.post("/staff/rectifications/"+id+"/review", url.Values{"csrf": {tok}, "decision": {"accept"}}); status != 403 {
		t.Errorf("handler reviewing: %d, want 403", status)
	}
	status, body = h.post("/staff/rectifications/"+id+"/submit", url.Values{"csrf": {tok}, "measures": {"增加清运频次至每日两次"}, "evidence": {"清运台账第12页"}})
	if status != 200 {
		t.Fatalf("submit: %d\n%s", status, body)
	}
	mustContain(t, body, "整改情况已提交", "待审核", "增加清运频次至每日两次", "清运台账第12页")

	// The supervisor rejects without a note (refused), then accepts.
	_, page = sup.get("/staff/rectifications/" + id)
	mustContain(t, page, `id="rect-review"`)
	tok = csrf(t, page)
	status, body = sup.post("/staff/rectifications/"+id+"/review", url.Values{"csrf": {tok}, "decision": {"reject"}})
	if status != 400 {
		t.Fatalf("reject without note: %d", status)
	}
	mustContain(t, body, "退回须说明理由")
	status, body = sup.post("/staff/rectifications/"+id+"/review", url.Values{"csrf": {tok}, "decision": {"accept"}, "note": {"措施到位"}})
	if status != 200 {
		t.Fatalf("accept: %d\n%s", status, body)
	}
	mustContain(t, body, "已审核通过", "已通过", "措施到位")

	// A task past its deadline is flagged, and found under 已逾期.
	_, page = sup.get("/staff/rectifications/new")
	status, body = sup.post("/staff/rectifications", url.Values{"csrf": {csrf(t, page)}, "org_code": {"110117-D01"}, "title": {"道路维修不及时"}, "deadline": {deadline}})
	if status != 200 {
		t.Fatalf("second task: %d\n%s", status, body)
	}
	late := rectIDRE.FindStringSubmatch(body)[1]
	if _, err := a.DB.W.ExecContext(t.Context(), `UPDATE rectifications SET deadline = $1 WHERE id = $2`, db.Millis(time.Now().Add(-time.Hour)), late); err != nil {
		t.Fatal(err)
	}
	_, body = sup.get("/staff/rectifications?filter=overdue")
	mustContain(t, body, "道路维修不及时", "已逾期")
	if strings.Contains(body, "群众反映环境卫生问题集中") {
		t.Error("an accepted task is listed as overdue")
	}
}

// TestRectifyFromRanking: the ranking's 整改 class becomes tasks in one form.
func TestRectifyFromRanking(t *testing.T) {
	a, srv := newEvalServer(t)
	month := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01")
	closedTicket(t, a, "北门垃圾无人清运", false, ticket.Unsatisfied)
	sup := staffLogin(t, srv, "demo-supervisor", "gongzhi-demo")
	_, page := sup.get("/staff/rectifications")
	mustContain(t, page, "按考核排名下达")
	status, body := sup.post("/staff/rectifications/from-ranking", url.Values{"csrf": {csrf(t, page)}, "month": {month},
		"deadline": {time.Now().AddDate(0, 0, 20).Format("2006-01-02")}})
	if status != 200 {
		t.Fatalf("from ranking: %d\n%s", status, body)
	}
	mustContain(t, body, "已下达 0 项") // its one rated ticket is too small a sample for 整改
}

// seedHistory closes n tickets and moves them, by their times, into the
// last months and across the streets of the district (their offices lead
// them), with ratings that vary, so the dashboards have a history to draw.
func seedHistory(t *testing.T, a *app.App, n int) {
	t.Helper()
	ctx := t.Context()
	streets, err := a.Gov.Areas(ctx, "110117")
	if err != nil {
		t.Fatal(err)
	}
	sats := []ticket.Satisfaction{ticket.Satisfied, ticket.Satisfied, ticket.Basic, ticket.Satisfied, ticket.Unsatisfied}
	for i := 0; i < n; i++ {
		sat := sats[i%len(sats)]
		number := closedTicket(t, a, "历史诉求", sat != ticket.Unsatisfied || i%3 == 0, sat)
		st := streets[(i*7)%len(streets)]
		if i%3 == 0 {
			st = streets[0] // 滨河街道 gets more
		}
		comms, err := a.Gov.Areas(ctx, st.Code)
		if err != nil || len(comms) == 0 {
			t.Fatal("no community in", st.Code, err)
		}
		back := int64((i%7)*30) * 24 * 3600 * 1000 // up to six months back
		_, err = a.DB.W.ExecContext(ctx, `UPDATE tickets SET created_at = created_at - $1, signed_at = signed_at - $1, contacted_at = contacted_at - $1,
replied_at = replied_at - $1, closed_at = closed_at - $1, rated_at = rated_at - $1, due_contact_at = due_contact_at - $1, due_complete_at = due_complete_at - $1,
area_code = $2, assigned_org_code = $3 WHERE number = $4`, back, comms[0].Code, st.Code+"-SO", number)
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestEvaluationSameAnswers: for every staff role, the pages and the API
// answer the same as evaluation's rule (evaluation.CanSeeAll, CanSeeUnit,
// CanOpenFigure) for the dashboards, the rows' figures and the tickets
// behind a figure.
func TestEvaluationSameAnswers(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	closedTicket(t, a, "楼道里的垃圾三天没人清运了", true, ticket.Satisfied)
	code := func(err error) int {
		if err != nil {
			return http.StatusForbidden
		}
		return http.StatusOK
	}
	figures := []evaluation.FigureQuery{
		{Figure: "tickets", OrgCode: "110117001-SO"},
		{Figure: "rated", OrgCode: "110117-D01"},
		{Figure: "tickets", AreaCode: "110117"},
		{Figure: "contact_due", AreaCode: "110117001"},
		{Figure: "tickets", AreaCode: "110117001001"},
	}
	for _, tc := range []struct{ user, pass string }{
		{"admin", "lantern-river-42"}, {"demo-supervisor", "gongzhi-demo"}, {"demo-dispatcher", "gongzhi-demo"},
		{"demo-handler", "gongzhi-demo"}, {"demo-handler-dept", "gongzhi-demo"}, {"demo-agent", "gongzhi-demo"}, {"demo-grid", "gongzhi-demo"},
	} {
		u, err := a.Auth.UserByUsername(ctx, tc.user)
		if err != nil {
			t.Fatal(err)
		}
		if u.AreaCode != "" { // the scope's level, as a session has it
			area, err := a.Gov.Area(ctx, u.AreaCode)
			if err != nil {
				t.Fatal(err)
			}
			u.AreaLevel = area.Level
		}
		c := staffLogin(t, srv, tc.user, tc.pass)
		tok := apiToken(t, srv, tc.user, tc.pass)

		// The rows' figures: the dashboard opens for those whose API rows
		// are all unmasked.
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/evaluation?group=org&area_code=110117", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var res struct {
			Rows []struct {
				OrgCode string `json:"org_code"`
				Hidden  bool   `json:"hidden"`
			} `json:"rows"`
		}
		err = jsonDecode(resp, &res)
		resp.Body.Close()
		if resp.StatusCode != code(evaluation.CanEvaluate(u)) || err != nil {
			t.Fatalf("%s GET /api/v1/evaluation: %d %v", tc.user, resp.StatusCode, err)
		}
		all := len(res.Rows) > 0
		for _, r := range res.Rows {
			all = all && !r.Hidden
			if r.Hidden == evaluation.SeesRow(u, evaluation.Row{OrgCode: r.OrgCode}) {
				t.Errorf("%s: row %s hidden=%v", tc.user, r.OrgCode, r.Hidden)
			}
		}
		want := code(evaluation.CanSeeAll(u))
		if status, _ := c.get("/staff/dashboard"); status != want || all != (want == http.StatusOK) {
			t.Errorf("%s: dashboard %d, API rows all shown %v, rule %d", tc.user, status, all, want)
		}
		if status, _ := c.get("/staff/unit"); status != code(evaluation.CanSeeUnit(u, "")) {
			t.Errorf("%s: unit dashboard %d, rule %d", tc.user, status, code(evaluation.CanSeeUnit(u, "")))
		}

		// The tickets behind a figure.
		for _, fq := range figures {
			q := url.Values{"figure": {fq.Figure}}
			if fq.OrgCode != "" {
				q.Set("org_code", fq.OrgCode)
			} else {
				q.Set("area_code", fq.AreaCode)
			}
			want := code(evaluation.CanOpenFigure(u, fq))
			web, _ := c.get("/staff/dashboard/figure?" + q.Encode())
			api := apiGet(t, srv, tok, "/api/v1/evaluation/tickets?"+q.Encode())
			if web != want || api != want {
				t.Errorf("%s %s: page %d, API %d, rule %d", tc.user, q.Encode(), web, api, want)
			}
		}
		want = code(evaluation.CanOpenFigure(u, evaluation.FigureQuery{Figure: "category", CategoryCode: "0101"}))
		if web, _ := c.get("/staff/dashboard/figure?figure=category&category=0101"); web != want {
			t.Errorf("%s category figure: page %d, rule %d", tc.user, web, want)
		}
	}
}

// TestDashboardReadsDoNotWrite: with the aggregates built and refreshed, the
// leaders' and a unit's dashboards write nothing within the freshness bound
// (every refresh writes evaluation_state's refreshed_at); a ticket closed
// since shows once the background refresh has run.
func TestDashboardReadsDoNotWrite(t *testing.T) {
	a, srv := newEvalServer(t)
	ctx := context.Background()
	closedTicket(t, a, "北门垃圾无人清运", true, ticket.Satisfied)
	a.Evaluation.SetFreshness(time.Hour) // the pages below are read well within it
	if _, err := a.Evaluation.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	refreshedAt := func() int64 {
		var v int64
		if err := a.DB.R.QueryRowContext(ctx, `SELECT refreshed_at FROM evaluation_state WHERE id = 1`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	before := refreshedAt()
	time.Sleep(5 * time.Millisecond) // a write would store a later time
	sup := staffLogin(t, srv, "demo-supervisor", "gongzhi-demo")
	for _, p := range []string{"/staff/dashboard", "/staff/unit", "/staff/dashboard"} {
		if status, body := sup.get(p); status != 200 {
			t.Fatalf("%s: %d\n%s", p, status, body)
		}
	}
	if got := refreshedAt(); got != before {
		t.Fatalf("the dashboards wrote evaluation_state: refreshed_at %d, was %d", got, before)
	}
	closedTicket(t, a, "南门道路积水", false, ticket.Unsatisfied)
	if _, err := a.Evaluation.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	_, body := sup.get("/staff/dashboard?month=" + time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01"))
	mustContain(t, body, "1 / 2") // resolved 1 of 2 rated
}
