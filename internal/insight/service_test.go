package insight_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/insight"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

type fixture struct {
	tickets           *ticket.Service
	router            *insight.Service
	dispatcher, agent auth.User
	resident, handler auth.User
	supervisor        auth.User
	clock             *clock.Fixed
}

// history: what residents of two streets said, the category each ended in,
// and the unit that handled it. Lights go to the street office of the
// place; noise to the police station, wherever.
var history = []struct{ text, cat, area, org string }{
	{"小区门口路灯不亮了，晚上很黑", "0101", "110117001001", "S1"},
	{"路灯坏了好几天，夜里走路看不见", "0101", "110117001001", "S1"},
	{"街上的路灯一直不亮，请修理", "0101", "110117002001", "S2"},
	{"路灯闪烁不亮，存在安全隐患", "0101", "110117002001", "S2"},
	{"楼下饭馆夜里噪音太大，吵得睡不着", "0201", "110117001001", "PS"},
	{"邻居装修噪音扰民，周末一早就开始", "0201", "110117002001", "PS"},
	{"广场舞音响噪音很大，影响休息", "0201", "110117001001", "PS"},
	{"工地夜间施工噪音扰民", "0201", "110117002001", "PS"},
}

func setup(t *testing.T, d *db.DB) *fixture {
	ctx := context.Background()
	c := clock.NewFixed(time.Date(2026, 12, 2, 9, 30, 0, 0, clock.BusinessZone()))
	g := gov.NewService(d, c)
	for _, a := range []gov.Area{
		{Code: "110117", Name: "平谷区", Level: gov.LevelDistrict},
		{Code: "110117001", ParentCode: "110117", Name: "滨河街道", Level: gov.LevelStreet},
		{Code: "110117001001", ParentCode: "110117001", Name: "承平里社区", Level: gov.LevelCommunity},
		{Code: "110117002", ParentCode: "110117", Name: "兴谷街道", Level: gov.LevelStreet},
		{Code: "110117002001", ParentCode: "110117002", Name: "新谷社区", Level: gov.LevelCommunity},
	} {
		must(t, g.UpsertArea(ctx, a))
	}
	for _, o := range []gov.Org{
		{Code: "HOT", Name: "12345热线中心", Kind: gov.KindHotlineCenter, AreaCode: "110117"},
		{Code: "S1", Name: "滨河街道办事处", Kind: gov.KindStreetOffice, AreaCode: "110117001"},
		{Code: "S2", Name: "兴谷街道办事处", Kind: gov.KindStreetOffice, AreaCode: "110117002"},
		{Code: "PS", Name: "区公安分局", Kind: gov.KindDepartment, AreaCode: "110117"},
	} {
		must(t, g.UpsertOrg(ctx, o))
	}
	a := auth.NewService(d, c, g, nil, auth.Options{BcryptCost: 4, Demo: true})
	ts := ticket.NewService(d, c, g, nil)
	for _, cat := range []ticket.Category{
		{Code: "01", Name: "市政设施", Active: true},
		{Code: "0101", ParentCode: "01", Name: "路灯", Active: true},
		{Code: "02", Name: "治安", Active: true},
		{Code: "0201", ParentCode: "02", Name: "噪音", Active: true},
	} {
		must(t, ts.UpsertCategory(ctx, cat))
	}
	mk := func(nu auth.NewUser) auth.User {
		nu.Password = "password-123"
		_, err := a.CreateUser(ctx, auth.System(), nu)
		must(t, err)
		s, err := a.Login(ctx, nu.Username, nu.Password, auth.KindAPI)
		must(t, err)
		return s.User
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	f := &fixture{tickets: ts, router: insight.NewService(d, c, ts, g, log), clock: c}
	f.dispatcher = mk(auth.NewUser{Username: "disp", Role: auth.RoleDispatcher, OrgCode: "HOT", AreaCode: "110117"})
	f.agent = mk(auth.NewUser{Username: "agent", Role: auth.RoleAgent, OrgCode: "HOT", AreaCode: "110117"})
	f.handler = mk(auth.NewUser{Username: "handler1", Role: auth.RoleHandler, OrgCode: "S1", AreaCode: "110117001"})
	f.supervisor = mk(auth.NewUser{Username: "sup", Role: auth.RoleSupervisor, OrgCode: "HOT", AreaCode: "110117"})
	code, err := a.RequestCode(ctx, "13800138000")
	must(t, err)
	s, err := a.LoginWithCode(ctx, "13800138000", code, auth.KindAPI)
	must(t, err)
	f.resident = s.User

	// Five closed tickets of each line of history.
	var batch []ticket.ImportTicket
	at := c.Now().Add(-30 * 24 * time.Hour)
	for i := 0; i < 5; i++ {
		for _, h := range history {
			at = at.Add(time.Hour)
			tk := ticket.Ticket{Kind: ticket.KindHelp, Status: ticket.StatusClosed, CategoryCode: h.cat, AreaCode: h.area,
				Description: fmt.Sprintf("%s（第%d次）", h.text, i+1), Channel: ticket.ChannelHotline, AssignedOrgCode: h.org,
				CreatedAt: at, UpdatedAt: at, Version: 2}
			batch = append(batch, ticket.ImportTicket{Ticket: tk, Events: []ticket.ImportEvent{
				{Event: ticket.Event{Seq: 1, At: at, Action: ticket.ActionCreate, ToStatus: ticket.StatusRegistered}},
				{Event: ticket.Event{Seq: 2, At: at, Action: ticket.ActionClose, FromStatus: ticket.StatusRegistered, ToStatus: ticket.StatusClosed}},
			}})
		}
	}
	_, err = ts.ImportBatch(ctx, auth.System(), batch)
	must(t, err)
	return f
}

// Train on closed tickets → suggest the category and unit for new words →
// the dispatcher takes the suggestion → it is recorded, and counted in the
// acceptance rate; another process loads the same model.
func TestTrainSuggestAcceptRecord(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)

		r, err := f.router.Route(ctx, f.agent, "路灯不亮", "110117001001")
		must(t, err)
		if r.ModelVersion != 0 || len(r.Categories) != 0 {
			t.Fatalf("before training: %+v", r)
		}
		if _, err := f.router.Train(ctx, f.dispatcher); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a dispatcher trained: %v", err)
		}
		m, err := f.router.Train(ctx, auth.System())
		must(t, err)
		if m.Version != 1 || m.Samples != 40 || m.Top1 < 0.9 {
			t.Fatalf("model %+v", m)
		}

		r, err = f.router.Route(ctx, f.agent, "我家楼下的路灯晚上不亮", "110117002001")
		must(t, err)
		if r.ModelVersion != 1 || len(r.Categories) == 0 || r.Categories[0].Code != "0101" || r.Categories[0].Confidence < 0.5 {
			t.Fatalf("categories %+v", r.Categories)
		}
		if len(r.Units) == 0 || r.Units[0].OrgCode != "S2" {
			t.Fatalf("units %+v", r.Units)
		}
		if r, err := f.router.Route(ctx, f.resident, "楼上噪音太大", ""); err != nil || len(r.Units) != 0 || r.Categories[0].Code != "0201" {
			t.Fatalf("a resident: %+v %v (no units for her)", r, err)
		}
		if _, err := f.router.Route(ctx, auth.User{}, "路灯", ""); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a guest: %v", err)
		}
		if _, err := f.router.Route(ctx, f.agent, strings.Repeat("路", insight.MaxRouteText+1), ""); !errs.Is(err, errs.Invalid) {
			t.Fatalf("a long text: %v", err)
		}
		// The resident form's suggestions come from the model now.
		sug, err := f.tickets.SuggestCategory(ctx, "半夜噪音扰民")
		must(t, err)
		if len(sug) == 0 || sug[0].Code != "0201" || sug[0].Confidence == 0 {
			t.Fatalf("suggestions %+v", sug)
		}

		// Filed with the first category, dispatched to the second unit.
		tk, err := f.tickets.Create(ctx, &f.agent, ticket.NewTicket{Kind: ticket.KindHelp, CategoryCode: "0101",
			Description: "我家楼下的路灯晚上不亮", AreaCode: "110117002001", ReporterPhone: "13912345678", ReporterName: "李强"})
		must(t, err)
		_, err = f.tickets.Act(ctx, f.dispatcher, tk.Number, ticket.ActionDispatch, ticket.ActionInput{OrgCode: "S1"})
		must(t, err)
		f.router.Drain(ctx)
		acc, err := f.router.Acceptance(ctx, f.supervisor)
		must(t, err)
		if len(acc) != 2 || acc[0].Kind != "category" || acc[0].N != 1 || acc[0].TookFirst != 1 ||
			acc[1].Kind != "unit" || acc[1].N != 1 || acc[1].TookFirst != 0 || acc[1].Auto != 0 {
			t.Fatalf("acceptance %+v", acc)
		}
		if _, err := f.router.Acceptance(ctx, f.handler); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a handler read the acceptance: %v", err)
		}

		// Another process serves the same model.
		g2 := gov.NewService(d, f.clock)
		other := insight.NewService(d, f.clock, ticket.NewService(d, f.clock, g2, nil), g2, slog.New(slog.NewTextHandler(io.Discard, nil)))
		must(t, other.Reload(ctx))
		if other.Current() == nil || other.Current().Version != 1 {
			t.Fatal("the stored model was not loaded")
		}
		r2, err := other.Route(ctx, f.agent, "我家楼下的路灯晚上不亮", "110117002001")
		must(t, err)
		if r2.Categories[0] != r.Categories[0] {
			t.Fatalf("another process: %+v, this one %+v", r2.Categories, r.Categories)
		}
	})
}

// Above the set confidence a new ticket is dispatched by the router itself,
// with a note that says so; below it, it waits for a dispatcher.
func TestAutoDispatch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		_, err := f.router.Train(ctx, auth.System())
		must(t, err)
		f.router.SetAutoDispatch(0.5)
		tk, err := f.tickets.Create(ctx, &f.agent, ticket.NewTicket{Kind: ticket.KindHelp, CategoryCode: "0201",
			Description: "楼下饭馆夜里噪音太大，吵得睡不着", AreaCode: "110117001001", ReporterPhone: "13912345678", ReporterName: "李强"})
		must(t, err)
		f.router.Drain(ctx)
		got, err := f.tickets.Get(ctx, f.dispatcher, tk.Number)
		must(t, err)
		if got.Status != ticket.StatusDispatched || got.AssignedOrgCode != "PS" {
			t.Fatalf("not dispatched by the router: %s %s", got.Status, got.AssignedOrgCode)
		}
		acc, err := f.router.Acceptance(ctx, f.supervisor)
		must(t, err)
		if len(acc) != 2 || acc[1].Auto != 1 {
			t.Fatalf("acceptance %+v", acc)
		}

		f.router.SetAutoDispatch(0.9)
		tk, err = f.tickets.Create(ctx, &f.agent, ticket.NewTicket{Kind: ticket.KindHelp, CategoryCode: "0201",
			Description: "请尽快处理一下", AreaCode: "110117001001", ReporterPhone: "13912345678", ReporterName: "李强"})
		must(t, err)
		f.router.Drain(ctx)
		got, err = f.tickets.Get(ctx, f.dispatcher, tk.Number)
		must(t, err)
		if got.Status != ticket.StatusRegistered {
			t.Fatalf("dispatched below the confidence: %s", got.Status)
		}
	})
}
