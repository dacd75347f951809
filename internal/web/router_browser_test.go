package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// trainDemoRouter gives the demo district a history of closed tickets —
// street lights to the city management department, rubbish and quarrels
// between neighbours to the street office — and trains the router on it.
func trainDemoRouter(t *testing.T, a *app.App) {
	t.Helper()
	ctx := context.Background()
	history := []struct{ cat, org string }{{"0304", "110117-D01"}, {"0102", "110117001-SO"}, {"0205", "110117001-SO"}}
	texts := [][]string{
		{"小区门口路灯不亮了，晚上很黑", "路灯坏了好几天，夜里走路看不见", "街上的路灯一直不亮，请修理", "路灯闪烁不亮，存在安全隐患"},
		{"楼下垃圾堆了好几天没人清运", "垃圾桶满了没人收，臭味很大", "垃圾分类桶不够用，垃圾堆在路边", "小区垃圾清运不及时"},
		{"邻居在楼道堆放杂物，协商不成", "楼上邻居漏水不给修，发生争吵", "邻居占用公共车位，引发纠纷", "和邻居因为噪音吵架，请社区调解"},
	}
	var batch []ticket.ImportTicket
	at := time.Now().Add(-40 * 24 * time.Hour)
	for rep := 0; rep < 4; rep++ {
		for i, h := range history {
			for _, text := range texts[i] {
				at = at.Add(time.Hour)
				tk := ticket.Ticket{Kind: ticket.KindHelp, Status: ticket.StatusClosed, CategoryCode: h.cat, AreaCode: "110117001001",
					Description: fmt.Sprintf("%s（%d）", text, rep), Channel: ticket.ChannelHotline, AssignedOrgCode: h.org,
					CreatedAt: at, UpdatedAt: at, Version: 2}
				batch = append(batch, ticket.ImportTicket{Ticket: tk, Events: []ticket.ImportEvent{
					{Event: ticket.Event{Seq: 1, At: at, Action: ticket.ActionCreate, ToStatus: ticket.StatusRegistered}},
					{Event: ticket.Event{Seq: 2, At: at, Action: ticket.ActionClose, FromStatus: ticket.StatusRegistered, ToStatus: ticket.StatusClosed}},
				}})
			}
		}
	}
	if _, err := a.Tickets.ImportBatch(ctx, auth.System(), batch); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Insight.Train(ctx, auth.System()); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserRouterSuggestions: with a trained router, the resident form
// suggests categories with their match as she types; the hotline console
// shows the router's categories and units beside the form, one of which the
// agent takes with a press, and so does the grid patrol's report; the
// administrator reads the model on the router's page.
func TestBrowserRouterSuggestions(t *testing.T) {
	s := newA11ySite(t, 5*time.Minute)
	trainDemoRouter(t, s.a)

	res := s.as("guest")
	res.open("/big?on=1&back=/submit")
	res.do(chromedp.SendKeys(chromedp.CSS("#description"), "我家楼下的路灯坏了，晚上不亮"))
	res.waitFor("the resident's suggestions", `document.querySelector('#cat-suggest .conf') && document.querySelector('#cat-suggest label').textContent.indexOf('路灯照明') >= 0`)
	if got := res.text("#cat-suggest label"); !contains(got, "匹配度") {
		t.Errorf("the first suggestion shows no match: %q", got)
	}
	axeIfThere(res, "the resident form with the router's suggestions")
	res.shot("router-resident-390", 390)

	ag := s.as("demo-agent")
	ag.open("/staff/console")
	ag.do(chromedp.SendKeys(chromedp.CSS("#description"), "垃圾桶满了好几天没人清运"))
	ag.waitFor("the console's suggestions", `!document.getElementById('route-live').hidden && document.querySelectorAll('#route-units li').length > 0`)
	cats, units := ag.text("#route-cats"), ag.text("#route-units")
	if !contains(cats, "垃圾分类与清运") || !contains(units, "滨河街道") {
		t.Fatalf("categories %q, units %q", cats, units)
	}
	ag.do(chromedp.Click(chromedp.CSS("#route-cats li:first-child button")))
	if got := ag.eval(`document.getElementById('category_code').value`); got != "0102" {
		t.Fatalf("the category taken is %q", got)
	}
	ag.sees("垃圾分类与清运")
	axeIfThere(ag, "the console with the router's suggestions")
	ag.shot("router-console-1366", 1366)
	shotOf(ag, "router-console-panel", "#route-live")

	grid := s.as("demo-grid")
	grid.open("/staff/patrol")
	grid.do(chromedp.SendKeys(chromedp.CSS("#description"), "路边的路灯坏了，晚上不亮"))
	grid.waitFor("the patrol's suggestions", `!document.getElementById('patrol-route').hidden && document.querySelectorAll('#patrol-route button').length > 0`)
	grid.do(chromedp.Click(chromedp.CSS("#patrol-route button")))
	if got := grid.eval(`document.getElementById('category_code').value`); got != "0304" {
		t.Fatalf("the patrol's category taken is %q", got)
	}
	axeIfThere(grid, "the patrol with the router's suggestions")
	shotOf(grid, "router-patrol", "#report")

	adm := s.as("admin")
	adm.open("/staff/router")
	adm.sees("智能派单模型", "v1", "分类准确率（交叉验证）")
	axeIfThere(adm, "the router's page")
	adm.shot("router-page-1366", 1366)
	adm.shot("router-page-390", 390)
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
