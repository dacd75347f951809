package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/limit"
	"github.com/gongzhi/gongzhi/internal/ticket"
	"github.com/gongzhi/gongzhi/internal/web"
)

// newThemesServer serves the pages with the evaluation and the themes.
func newThemesServer(t *testing.T) (*app.App, *httptest.Server) {
	t.Helper()
	a := newApp(t)
	w, err := web.New(web.Deps{Auth: a.Auth, Tickets: a.Tickets, Gov: a.Gov, KB: a.KB, Limits: limit.Defaults(),
		Evaluation: a.Evaluation, Themes: a.Themes, Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	w.Routes(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return a, srv
}

// lightsLastMonth files five requests about the same street lights in the
// last complete month and returns their numbers.
func lightsLastMonth(t *testing.T, a *app.App) []string {
	t.Helper()
	ctx := context.Background()
	_, last, err := a.Evaluation.Months(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var batch []ticket.ImportTicket
	for i := 0; i < 5; i++ {
		at := last.From.Add(time.Duration(48+i*30) * time.Hour)
		tk := ticket.Ticket{Kind: ticket.KindHelp, Status: ticket.StatusDispatched, CategoryCode: "0101", AreaCode: "110117001001",
			Description: "小区东门路灯不亮，晚上出行不安全", Channel: ticket.ChannelHotline, AssignedOrgCode: "110117001-SO",
			ReporterPhone: "1391111000" + string(rune('0'+i)), CreatedAt: at, UpdatedAt: at, Version: 2}
		batch = append(batch, ticket.ImportTicket{Ticket: tk, Events: []ticket.ImportEvent{
			{Event: ticket.Event{Seq: 1, At: at, Action: ticket.ActionCreate, ToStatus: ticket.StatusRegistered}},
			{Event: ticket.Event{Seq: 2, At: at, Action: ticket.ActionDispatch, FromStatus: ticket.StatusRegistered, ToStatus: ticket.StatusDispatched}},
		}})
	}
	res, err := a.Tickets.ImportBatch(ctx, auth.System(), batch)
	if err != nil {
		t.Fatal(err)
	}
	return res.Numbers
}

var themeIDRE = regexp.MustCompile(`id="theme-([0-9a-f]+)"`)

// The supervisor opens the month's themes, finds the lights with their
// figures and makes them a rectification task; a dispatcher reads the
// themes without the form; a handler may not read them.
func TestThemesPage(t *testing.T) {
	a, srv := newThemesServer(t)
	numbers := lightsLastMonth(t, a)
	sup := staffLogin(t, srv, "demo-supervisor", "gongzhi-demo")
	_, home := sup.get("/staff")
	mustContain(t, home, `href="/staff/themes"`)
	status, body := sup.get("/staff/themes")
	if status != 200 {
		t.Fatalf("themes: %d\n%s", status, body)
	}
	at := strings.Index(body, numbers[4])
	if at < 0 {
		t.Fatalf("the lights are not a theme:\n%s", body)
	}
	ids := themeIDRE.FindAllStringSubmatch(body[:at], -1)
	if len(ids) == 0 {
		t.Fatal("no theme before the sample")
	}
	id := ids[len(ids)-1][1]
	card := body[strings.Index(body, `id="theme-`+id+`"`):at]
	mustContain(t, card, "金谷东园社区", "滨河街道办事处", `class="th-tickets">5<`, `class="th-residents">5<`, "/staff?")
	mustContain(t, body, "转为整改任务")

	status, body = sup.post("/staff/themes/"+id+"/rectification", url.Values{"csrf": {csrf(t, body)},
		"month":    {regexp.MustCompile(`name="month" value="([0-9-]+)"`).FindStringSubmatch(body)[1]},
		"org_code": {"110117001-SO"}, "due": {time.Now().AddDate(0, 1, 0).Format("2006-01-02")}})
	if status != 200 || !strings.Contains(body, "每月一题") || !strings.Contains(body, "整改任务已下达") {
		t.Fatalf("rectify: %d\n%s", status, body)
	}

	disp := staffLogin(t, srv, "demo-dispatcher", "gongzhi-demo")
	if status, body := disp.get("/staff/themes"); status != 200 || strings.Contains(body, "转为整改任务") || !strings.Contains(body, numbers[4]) {
		t.Errorf("dispatcher: %d (the form shown: %v)", status, strings.Contains(body, "转为整改任务"))
	}
	h := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
	if status, _ := h.get("/staff/themes"); status != 403 {
		t.Errorf("handler: %d", status)
	}
	if _, home := h.get("/staff"); strings.Contains(home, `href="/staff/themes"`) {
		t.Error("the handler's menu links to the themes")
	}
	if status, _ := sup.get("/staff/themes?month=2026-13"); status != 400 {
		t.Errorf("bad month: %d", status)
	}
}

// The supervisor makes the lights a proposal raised for a resident who
// asked for it: without her phone the form says what is missing; with it
// the proposal opens, naming the theme and linking the tickets.
func TestThemeProposal(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	numbers := lightsLastMonth(t, a)
	if _, err := a.Proposals.VerifyResident(context.Background(), auth.System(), "110117001001", "13922223333"); err != nil {
		t.Fatal(err)
	}
	sup := staffLogin(t, srv, "demo-supervisor", "gongzhi-demo")
	_, body := sup.get("/staff/themes")
	at := strings.Index(body, numbers[4])
	if at < 0 {
		t.Fatalf("the lights are not a theme:\n%s", body)
	}
	ids := themeIDRE.FindAllStringSubmatch(body[:at], -1)
	id := ids[len(ids)-1][1]
	mustContain(t, body, "转为居民提案", `action="/staff/themes/`+id+`/proposal"`)
	month := regexp.MustCompile(`name="month" value="([0-9-]+)"`).FindStringSubmatch(body)[1]
	form := url.Values{"csrf": {csrf(t, body)}, "month": {month}, "area_code": {"110117001001"}}
	status, page := sup.post("/staff/themes/"+id+"/proposal", form)
	if status != 403 || !strings.Contains(page, "只有居民可以提出提案") {
		t.Fatalf("without a resident: %d\n%s", status, page)
	}
	form.Set("on_behalf_of", "13922223333")
	status, page = sup.post("/staff/themes/"+id+"/proposal", form)
	if status != 200 {
		t.Fatalf("propose: %d\n%s", status, page)
	}
	mustContain(t, page, "源自每月一题", month+" ", "每月一题：", numbers[4])
}
