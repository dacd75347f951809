package web_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/proposal"
)

// TestResidentsPage: the community's grid worker makes a courtyard,
// verifies one resident and imports others, refused outside her area; the
// population forms are the administrator's alone.
func TestResidentsPage(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	grid := staffLogin(t, srv, "demo-grid", "gongzhi-demo")
	status, page := grid.get("/staff/residents")
	if status != 200 {
		t.Fatalf("page: %d\n%s", status, page)
	}
	mustContain(t, page, `href="/staff/residents"`, `href="/staff/proposals"`, "核实一位居民", "批量导入居民", "新建院落")
	if strings.Contains(page, "population-form") {
		t.Error("the grid worker is offered the population form")
	}
	tok := csrf(t, page)
	status, page = grid.post("/staff/residents/courtyard", url.Values{"csrf": {tok}, "parent_code": {"110117001001"}, "name": {"金谷东园二号院"}})
	if status != 200 || !strings.Contains(page, "110117001001001") {
		t.Fatalf("courtyard: %d\n%s", status, page)
	}
	status, page = grid.post("/staff/residents/verify", url.Values{"csrf": {tok}, "area_code": {"110117001001001"}, "phone": {"13900139001"}})
	if status != 200 || !strings.Contains(page, "已核实") {
		t.Fatalf("verify: %d\n%s", status, page)
	}
	status, page = grid.post("/staff/residents/verify", url.Values{"csrf": {tok}, "area_code": {"110117002"}, "phone": {"13900139001"}})
	if status != 403 {
		t.Fatalf("verify outside her area: %d\n%s", status, page)
	}
	csv := "phone,area_code\n13900139002,110117001001001\n13900139003,110117002\n"
	status, page = grid.post("/staff/residents/import", url.Values{"csrf": {tok}, "csv": {csv}})
	if status != 200 || !strings.Contains(page, "完成 1 行") || !strings.Contains(page, "第3行") {
		t.Fatalf("import: %d\n%s", status, page)
	}
	status, _ = grid.post("/staff/residents/population", url.Values{"csrf": {tok}, "area_code": {"110117001001001"}, "population": {"200"}})
	if status != 403 {
		t.Fatalf("the grid worker sets a population: %d", status)
	}
	admin := staffLogin(t, srv, "admin", "lantern-river-42")
	_, page = admin.get("/staff/residents")
	mustContain(t, page, "population-form", "populations-form")
	status, page = admin.post("/staff/residents/populations", url.Values{"csrf": {csrf(t, page)}, "csv": {"110117001001001,200\n"}})
	if status != 200 || !strings.Contains(page, "完成 1 行") {
		t.Fatalf("populations: %d\n%s", status, page)
	}
	if status, _ := grid.post("/staff/residents/verify", url.Values{"phone": {"13900139001"}, "area_code": {"110117001001001"}}); status != 403 {
		t.Errorf("a form without its token: %d", status)
	}
}

// TestPublicProposalForGuests: a guest reads a public proposal without
// logging in; a residents' one sends her to log in and shows nothing.
func TestPublicProposalForGuests(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	yard := proposalSetup(t, a, "13900139001")
	r := residentLogin(t, srv, "13900139001")
	_, page := r.get("/proposals/new")
	mustContain(t, page, `name="visibility"`, "所有人公开")
	tok := csrf(t, page)
	area := "courtyard:" + yard
	var numbers []string
	for _, vis := range []string{"public", "residents"} {
		status, page := r.post("/proposals", url.Values{"csrf": {tok}, "area": {area}, "title": {"提案" + vis}, "body": {"内容" + vis}, "visibility": {vis}})
		if status != 200 {
			t.Fatalf("create %s: %d\n%s", vis, status, page)
		}
		i := strings.Index(page, "TA2")
		if i < 0 {
			t.Fatalf("no number on the page of the %s proposal", vis)
		}
		numbers = append(numbers, page[i:i+14])
	}
	guest := newClient(t, srv)
	status, page := guest.get("/proposals/" + numbers[0])
	if status != 200 {
		t.Fatalf("guest, public proposal: %d", status)
	}
	mustContain(t, page, "提案public", "所有人可见")
	status, page = guest.get("/proposals/" + numbers[1])
	if status == 200 && strings.Contains(page, "提案residents") {
		t.Fatalf("a guest reads a residents' proposal: %d", status)
	}
}

// TestStaffTodo: a proposal that reached its threshold is on the
// committee's to-do list, found by its words and not by others; a resident
// finds it among what she takes part in on 我的.
func TestStaffTodo(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	phones := []string{"13900139001", "13900139002", "13900139003"}
	yard := proposalSetup(t, a, phones...)
	ctx := context.Background()
	res := func(p string) auth.User { return auth.User{ID: "r" + p, Role: auth.RoleResident, Phone: p} }
	p, err := a.Proposals.Create(ctx, res(phones[0]), proposal.New{Level: gov.LevelCourtyard, AreaCode: yard, Title: "一号院加装电梯", Body: "老人上下楼不便。"})
	if err != nil {
		t.Fatal(err)
	}
	for _, ph := range phones[1:] {
		if _, err := a.Proposals.Cosign(ctx, res(ph), p.Number); err != nil {
			t.Fatal(err)
		}
	}
	grid := staffLogin(t, srv, "demo-grid", "gongzhi-demo")
	status, page := grid.get("/staff/todo")
	if status != 200 {
		t.Fatalf("to-do: %d", status)
	}
	mustContain(t, page, `href="/staff/todo"`, p.Number, "一号院加装电梯", "本单位须答复", "待您处理")
	_, page = grid.get("/staff/todo?q=" + url.QueryEscape("电梯"))
	mustContain(t, page, p.Number)
	_, page = grid.get("/staff/todo?q=" + url.QueryEscape("停车"))
	if strings.Contains(page, p.Number) {
		t.Error("a filter that does not match shows the proposal")
	}
	mustContain(t, page, `id="todo-none"`)
	if status, _ := grid.get("/staff/todo?q=" + strings.Repeat("长", 51)); status != 400 {
		t.Errorf("a long filter: %d", status)
	}
	cos := residentLogin(t, srv, phones[1])
	_, page = cos.get("/my")
	mustContain(t, page, "我参与的事项", p.Number, "我附议的")
}

// TestUnitParticipationFigures: the unit page shows a participation
// indicator only once the district switches it on.
func TestUnitParticipationFigures(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	sup := staffLogin(t, srv, "demo-supervisor", "gongzhi-demo")
	_, page := sup.get("/staff/unit?org_code=110117001-SO")
	if strings.Contains(page, "每千名居民参与人数") || strings.Contains(page, "提案按时答复率") {
		t.Fatal("participation figures shown while switched off")
	}
	ctx := context.Background()
	st, err := a.Evaluation.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st.Participation.PerThousand, st.Participation.ProposalsOnTime = true, true
	if err := a.Evaluation.SaveSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	status, page := sup.get("/staff/unit?org_code=110117001-SO")
	if status != 200 {
		t.Fatalf("unit page: %d", status)
	}
	mustContain(t, page, "每千名居民参与人数", "提案按时答复率")
	if strings.Contains(page, "重点项目居民评价率") || strings.Contains(page, "重点项目居民平均评分") {
		t.Error("a figure left off is shown")
	}
	st.Participation.ProjectScore = true
	if err := a.Evaluation.SaveSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	_, page = sup.get("/staff/unit?org_code=110117001-SO")
	mustContain(t, page, "重点项目居民平均评分")
}

// TestCosignForResident: the community's staff co-sign a proposal for a
// resident from its staff page; the history says it was entered for her.
func TestCosignForResident(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	phones := []string{"13900139001", "13900139002"}
	yard := proposalSetup(t, a, phones...)
	p, err := a.Proposals.Create(context.Background(), auth.User{ID: "r1", Role: auth.RoleResident, Phone: phones[0]},
		proposal.New{Level: gov.LevelCourtyard, AreaCode: yard, Title: "楼道照明", Body: "楼道灯坏了。"})
	if err != nil {
		t.Fatal(err)
	}
	grid := staffLogin(t, srv, "demo-grid", "gongzhi-demo")
	_, page := grid.get("/staff/proposals/" + p.Number)
	mustContain(t, page, `id="cosignfor-form"`)
	tok := csrf(t, page)
	status, page := grid.post("/staff/proposals/"+p.Number+"/cosign", url.Values{"csrf": {tok}, "phone": {"13700137000"}})
	if status != 403 {
		t.Fatalf("for a resident of elsewhere: %d", status)
	}
	status, page = grid.post("/staff/proposals/"+p.Number+"/cosign", url.Values{"csrf": {tok}, "phone": {phones[1]}})
	if status != 200 {
		t.Fatalf("co-sign for: %d\n%s", status, page)
	}
	mustContain(t, page, "已代居民附议", "工作人员代为办理")
	_, page = grid.get("/staff/proposals")
	mustContain(t, page, `id="raisefor-form"`)
	form := url.Values{"csrf": {csrf(t, page)}, "phone": {"13700137000"}, "level": {"courtyard"}, "area_code": {yard}, "title": {"加装扶手"}, "body": {"楼梯需要扶手。"}}
	if status, page = grid.post("/staff/proposals", form); status != 403 || !strings.Contains(page, "加装扶手") {
		t.Fatalf("raise for a resident of elsewhere: %d", status)
	}
	form.Set("phone", phones[1])
	status, page = grid.post("/staff/proposals", form)
	if status != 200 {
		t.Fatalf("raise for: %d\n%s", status, page)
	}
	mustContain(t, page, "已代居民提出提案", "加装扶手", "工作人员代为办理")
}

// TestParticipationAcrossKinds: with the indicator on, the evaluation asks
// every capability who took part (each source's query runs on both
// engines) and counts the residents of a community once each.
func TestParticipationAcrossKinds(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			a := newAppOn(t, engine)
			phones := []string{"13900139001", "13900139002", "13900139003"}
			yard := proposalSetup(t, a, phones...)
			ctx := context.Background()
			res := func(p string) auth.User { return auth.User{ID: "r" + p, Role: auth.RoleResident, Phone: p} }
			p, err := a.Proposals.Create(ctx, res(phones[0]), proposal.New{Level: gov.LevelCourtyard, AreaCode: yard, Title: "楼道照明", Body: "楼道灯坏了。"})
			if err != nil {
				t.Fatal(err)
			}
			for _, ph := range phones[1:] {
				if _, err := a.Proposals.Cosign(ctx, res(ph), p.Number); err != nil {
					t.Fatal(err)
				}
			}
			st, err := a.Evaluation.Settings(ctx)
			if err != nil {
				t.Fatal(err)
			}
			st.Participation = evaluation.ParticipationSwitches{ProposalsOnTime: true, PerThousand: true, ProjectsEvaluated: true}
			if err := a.Evaluation.SaveSettings(ctx, st); err != nil {
				t.Fatal(err)
			}
			period, err := a.Evaluation.MonthPeriod(a.Clock.Now().In(clock.BusinessZone()).Format("2006-01"), 1)
			if err != nil {
				t.Fatal(err)
			}
			r, err := a.Evaluation.Evaluate(ctx, evaluation.Query{Period: period, Group: evaluation.GroupArea, AreaCode: "110117001"})
			if err != nil {
				t.Fatal(err)
			}
			for _, row := range r.Rows {
				if row.AreaCode == "110117001001" {
					if row.Participation == nil || row.Participation.PerThousand.Num != 3 {
						t.Fatalf("the community's participants: %+v", row.Participation)
					}
					return
				}
			}
			t.Fatal("no row of the community")
		})
	}
}

// TestStaffNotificationLinks: a notification of a meeting, a notice, a
// project or a survey leads to its staff list.
func TestStaffNotificationLinks(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	grid, err := a.Auth.UserByUsername(context.Background(), "demo-grid")
	if err != nil {
		t.Fatal(err)
	}
	for i, kind := range []string{"meeting", "notice", "project", "survey"} {
		if _, err := a.DB.W.Exec(`INSERT INTO notifications (id, at, org_code, area_code, role, phone, ticket_number, kind, text) VALUES ($1, $2, $3, '', '', '', '', $4, $5)`,
			"n-"+kind, a.Clock.Now().UnixMilli()+int64(i), grid.OrgCode, kind, "通知"+kind); err != nil {
			t.Fatal(err)
		}
	}
	c := staffLogin(t, srv, "demo-grid", "gongzhi-demo")
	_, page := c.get("/staff/notifications")
	for _, kind := range []string{"meeting", "notice", "project", "survey"} {
		mustContain(t, page, `<a href="/staff/`+kind+`s">前往查看</a>`)
	}
	mustContain(t, page, "问卷调查")
}
