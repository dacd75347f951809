package ticket_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

type fixture struct {
	clock                                       *clock.Fixed
	auth                                        *auth.Service
	tickets                                     *ticket.Service
	dispatcher, handler, otherHandler, resident auth.User
	streetDispatcher, agent                     auth.User
	supervisor, deptHandler, grid               auth.User
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// setup builds a small district: two streets, a community in each, a
// department, two street offices, two categories with rules and one without.
func setup(t *testing.T, d *db.DB) *fixture {
	ctx := context.Background()
	c := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.FixedZone("CST", 8*3600)))
	g := gov.NewService(d, c)
	for _, a := range []gov.Area{
		{Code: "110117", Name: "平谷区", Level: gov.LevelDistrict},
		{Code: "110117001", ParentCode: "110117", Name: "滨河街道", Level: gov.LevelStreet},
		{Code: "110117001001", ParentCode: "110117001", Name: "承平里社区", Level: gov.LevelCommunity},
		{Code: "110117002", ParentCode: "110117", Name: "兴谷街道", Level: gov.LevelStreet},
		{Code: "110117002001", ParentCode: "110117002", Name: "兴谷社区", Level: gov.LevelCommunity},
	} {
		must(t, g.UpsertArea(ctx, a))
	}
	for _, o := range []gov.Org{
		{Code: "D-CG", Name: "区城市管理委员会", Kind: gov.KindDepartment, AreaCode: "110117"},
		{Code: "HOT", Name: "12345热线中心", Kind: gov.KindHotlineCenter, AreaCode: "110117"},
		{Code: "S1", Name: "滨河街道办事处", Kind: gov.KindStreetOffice, AreaCode: "110117001"},
		{Code: "S2", Name: "兴谷街道办事处", Kind: gov.KindStreetOffice, AreaCode: "110117002"},
	} {
		must(t, g.UpsertOrg(ctx, o))
	}
	a := auth.NewService(d, c, g, nil, auth.Options{BcryptCost: 4, Demo: true})
	ts := ticket.NewService(d, c, g, nil)
	for _, cat := range []ticket.Category{
		{Code: "01", Name: "城市管理", Active: true},
		{Code: "0101", ParentCode: "01", Name: "道路破损", Active: true},
		{Code: "0102", ParentCode: "01", Name: "街巷环境", Active: true},
		{Code: "09", Name: "其他", Active: true},
	} {
		must(t, ts.UpsertCategory(ctx, cat))
	}
	must(t, ts.UpsertRule(ctx, ticket.Rule{CategoryCode: "01", AreaCode: "110117", OrgCode: "D-CG"}))
	must(t, ts.UpsertRule(ctx, ticket.Rule{CategoryCode: "0102", AreaCode: "110117001", OrgCode: "S1"}))
	mk := func(nu auth.NewUser) auth.User {
		nu.Password = "password-123"
		_, err := a.CreateUser(ctx, auth.System(), nu)
		must(t, err)
		s, err := a.Login(ctx, nu.Username, nu.Password, auth.KindAPI)
		must(t, err)
		return s.User
	}
	f := &fixture{clock: c, auth: a, tickets: ts}
	f.dispatcher = mk(auth.NewUser{Username: "disp", Role: auth.RoleDispatcher, OrgCode: "HOT", AreaCode: "110117"})
	f.streetDispatcher = mk(auth.NewUser{Username: "disp2", Role: auth.RoleDispatcher, OrgCode: "S2", AreaCode: "110117002"})
	f.agent = mk(auth.NewUser{Username: "agent", Role: auth.RoleAgent, OrgCode: "HOT", AreaCode: "110117"})
	f.handler = mk(auth.NewUser{Username: "handler1", Role: auth.RoleHandler, OrgCode: "S1", AreaCode: "110117001"})
	f.otherHandler = mk(auth.NewUser{Username: "handler2", Role: auth.RoleHandler, OrgCode: "S2", AreaCode: "110117002"})
	f.deptHandler = mk(auth.NewUser{Username: "handler3", Role: auth.RoleHandler, OrgCode: "D-CG", AreaCode: "110117"})
	f.supervisor = mk(auth.NewUser{Username: "super", Role: auth.RoleSupervisor, OrgCode: "HOT", AreaCode: "110117"})
	f.grid = mk(auth.NewUser{Username: "grid", Role: auth.RoleGridWorker, AreaCode: "110117001001"})
	code, err := a.RequestCode(ctx, "13800138000")
	must(t, err)
	s, err := a.LoginWithCode(ctx, "13800138000", code, auth.KindAPI)
	must(t, err)
	f.resident = s.User
	return f
}

func boolp(b bool) *bool { return &b }

func TestLoopOnBothEngines(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		tk, err := f.tickets.Create(ctx, &f.resident, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: "0102",
			Description: "小区门口垃圾堆放三天无人清理", AreaCode: "110117001001", ReporterName: "王芳", Confidential: true})
		must(t, err)
		if tk.Status != ticket.StatusDispatched || tk.AssignedOrgCode != "S1" {
			t.Fatalf("street rule should win over district rule: %s %s", tk.Status, tk.AssignedOrgCode)
		}
		if !strings.HasPrefix(tk.Number, "20260302") || len(tk.Number) != 14 {
			t.Fatalf("number %q", tk.Number)
		}
		if tk.ReporterPhone != "13800138000" || tk.Channel != ticket.ChannelWeb {
			t.Fatalf("reporter sees own phone, web channel: %+v", tk)
		}
		// The other street's handler cannot see it; the district agent sees it masked.
		if _, err := f.tickets.Get(ctx, f.otherHandler, tk.Number); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("other handler: %v", err)
		}
		seen, err := f.tickets.Get(ctx, f.agent, tk.Number)
		must(t, err)
		if seen.ReporterPhone != "138****8000" || seen.ReporterName != "王*" {
			t.Fatalf("confidential reporter not masked for agent: %q %q", seen.ReporterPhone, seen.ReporterName)
		}
		// Out of order, wrong person.
		if _, err := f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionReply, ticket.ActionInput{ReplyText: "x", Resolved: boolp(true)}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("reply before sign: %v", err)
		}
		if _, err := f.tickets.Act(ctx, f.resident, tk.Number, ticket.ActionSign, ticket.ActionInput{}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("resident sign: %v", err)
		}
		f.clock.Advance(time.Hour)
		tk, err = f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionSign, ticket.ActionInput{})
		must(t, err)
		if tk.ReporterPhone != "13800138000" {
			t.Fatalf("lead handler sees confidential phone, got %q", tk.ReporterPhone)
		}
		// Signed on Monday 10:00: five working days later, the next Monday 10:00.
		if want := f.clock.Now().AddDate(0, 0, 7); !tk.DueCompleteAt.Equal(want) {
			t.Fatalf("due complete %v, want %v", tk.DueCompleteAt, want)
		}
		tk, err = f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionContact, ticket.ActionInput{Note: "已电话联系"})
		must(t, err)
		tk, err = f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionReply, ticket.ActionInput{ReplyText: "已安排清运", Resolved: boolp(true)})
		must(t, err)
		tk, err = f.tickets.Act(ctx, f.resident, tk.Number, ticket.ActionRate, ticket.ActionInput{Resolved: boolp(true), Satisfaction: ticket.Satisfied, Comment: "很快"})
		must(t, err)
		if tk.Status != ticket.StatusClosed || tk.Rating == nil || tk.Rating.Satisfaction != ticket.Satisfied || tk.ClosedAt == nil {
			t.Fatalf("closed with rating: %+v", tk)
		}
		evs, err := f.tickets.Events(ctx, f.resident, tk.Number)
		must(t, err)
		var actions []string
		for _, e := range evs {
			actions = append(actions, e.Action)
		}
		if got := strings.Join(actions, ","); got != "create,dispatch,sign,contact,reply,rate" {
			t.Fatalf("events: %s", got)
		}
		log, err := f.auth.AuditLog(ctx, "ticket:"+tk.Number, 10)
		must(t, err)
		if len(log) == 0 {
			t.Fatal("lead handler's view of the confidential reporter was not audited")
		}
		for _, e := range log {
			if e.Username == "agent" {
				t.Fatal("masked view must not be audited as a view of personal data")
			}
		}
	})
}

func TestQueueManualDispatchAndScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		tk, err := f.tickets.Create(ctx, &f.agent, ticket.NewTicket{Kind: ticket.KindHelp, CategoryCode: "09",
			Description: "邻居装修噪音扰民", AreaCode: "110117002001", ReporterPhone: "13912345678", ReporterName: "李强"})
		must(t, err)
		if tk.Status != ticket.StatusRegistered || tk.Channel != ticket.ChannelHotline {
			t.Fatalf("no rule: queue; agent: hotline; got %s %s", tk.Status, tk.Channel)
		}
		page, err := f.tickets.List(ctx, f.dispatcher, ticket.Filter{Status: ticket.StatusRegistered})
		must(t, err)
		if len(page.Items) != 1 || page.Items[0].ReporterPhone != "139****5678" {
			t.Fatalf("queue: %+v", page.Items)
		}
		// The street dispatcher of the other street may not dispatch it... this one is hers.
		if _, err := f.tickets.Act(ctx, f.streetDispatcher, tk.Number, ticket.ActionDispatch, ticket.ActionInput{OrgCode: "NOPE"}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("unknown org: %v", err)
		}
		tk, err = f.tickets.Act(ctx, f.streetDispatcher, tk.Number, ticket.ActionDispatch, ticket.ActionInput{OrgCode: "S2", Note: "属地街道办理"})
		must(t, err)
		if tk.Status != ticket.StatusDispatched || tk.AssignedOrgCode != "S2" {
			t.Fatalf("dispatched: %+v", tk)
		}
		if _, err := f.tickets.Act(ctx, f.streetDispatcher, tk.Number, ticket.ActionDispatch, ticket.ActionInput{OrgCode: "S2"}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("dispatch twice: %v", err)
		}
		page, err = f.tickets.List(ctx, f.handler, ticket.Filter{})
		must(t, err)
		if len(page.Items) != 0 {
			t.Fatalf("handler of S1 sees S2's ticket")
		}
		if _, err := f.tickets.List(ctx, f.handler, ticket.Filter{OrgCode: "S2"}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("handler listing another org: %v", err)
		}
		tk, err = f.tickets.Act(ctx, f.dispatcher, tk.Number, ticket.ActionClose, ticket.ActionInput{Note: "重复诉求"})
		must(t, err)
		if tk.Status != ticket.StatusClosed {
			t.Fatal("dispatcher close")
		}
	})
}

func TestBadInputChangesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		good := ticket.NewTicket{Kind: ticket.KindHelp, CategoryCode: "0101", Description: "路面塌陷", AreaCode: "110117001001", ReporterPhone: "13912345678"}
		cases := map[string]func(n *ticket.NewTicket){
			"empty description": func(n *ticket.NewTicket) { n.Description = "  " },
			"long description":  func(n *ticket.NewTicket) { n.Description = strings.Repeat("坑", 10000) },
			"unknown category":  func(n *ticket.NewTicket) { n.CategoryCode = "9999" },
			"unknown area":      func(n *ticket.NewTicket) { n.AreaCode = "110117999999" },
			"bad phone":         func(n *ticket.NewTicket) { n.ReporterPhone = "12345" },
			"no phone":          func(n *ticket.NewTicket) { n.ReporterPhone = "" },
			"bad kind":          func(n *ticket.NewTicket) { n.Kind = "praise" },
			"hotline by guest":  func(n *ticket.NewTicket) { n.Channel = ticket.ChannelHotline },
			"no place":          func(n *ticket.NewTicket) { n.AreaCode = "" },
		}
		for name, change := range cases {
			in := good
			change(&in)
			if _, err := f.tickets.Create(ctx, nil, in); !errs.Is(err, errs.Invalid) {
				t.Errorf("%s: want invalid, got %v", name, err)
			}
		}
		page, err := f.tickets.List(ctx, f.dispatcher, ticket.Filter{})
		must(t, err)
		if len(page.Items) != 0 {
			t.Fatalf("bad input left %d tickets", len(page.Items))
		}
		if _, err := f.tickets.Create(ctx, nil, good); err != nil {
			t.Fatalf("good input: %v", err)
		}
	})
}

func TestListPagination(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		for i := 0; i < 5; i++ {
			_, err := f.tickets.Create(ctx, &f.resident, ticket.NewTicket{CategoryCode: "0101", Description: "路灯不亮", AreaCode: "110117001001"})
			must(t, err)
		}
		var seen []string
		cursor := ""
		for {
			p, err := f.tickets.List(ctx, f.resident, ticket.Filter{Limit: 2, Cursor: cursor})
			must(t, err)
			for _, it := range p.Items {
				seen = append(seen, it.Number)
			}
			if p.NextCursor == "" {
				break
			}
			cursor = p.NextCursor
		}
		if len(seen) != 5 || seen[0] <= seen[4] {
			t.Fatalf("pages: %v", seen)
		}
		if _, err := f.tickets.List(ctx, f.resident, ticket.Filter{Limit: 1000}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("limit 1000: %v", err)
		}
		if _, err := f.tickets.List(ctx, f.resident, ticket.Filter{Cursor: "%%%"}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("bad cursor: %v", err)
		}
	})
}

// Create answers with the ticket it wrote, without reading it back; the
// answer must be what a read returns.
func TestCreateAnswersAsStored(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		f.clock.Advance(123456789 * time.Nanosecond) // times finer than a millisecond
		lat, lng := 40.14, 117.12
		for _, in := range []ticket.NewTicket{
			{Kind: ticket.KindComplaint, CategoryCode: "0102", Description: "垃圾堆放无人清理", AreaCode: "110117001001", ReporterName: "王芳", ReporterPhone: "13900000001", Confidential: true},
			{Kind: ticket.KindConsultation, CategoryCode: "09", Description: "咨询办事时间", Address: "平谷区政务服务中心", ReporterName: "李明", ReporterPhone: "13900000002", Urgency: ticket.UrgencyUrgent},
			{Kind: ticket.KindComplaint, CategoryCode: "0101", Description: "路面塌陷", AreaCode: "110117002001", Lat: &lat, Lng: &lng, Address: "兴谷路", ReporterPhone: "13900000003"},
		} {
			created, err := f.tickets.Create(ctx, &f.agent, in)
			must(t, err)
			read, err := f.tickets.Get(ctx, f.dispatcher, created.Number)
			must(t, err)
			// Get adds the helper units.
			read.Helpers = created.Helpers
			a, _ := json.Marshal(created)
			b, _ := json.Marshal(read)
			if string(a) != string(b) {
				t.Errorf("created and read differ:\n%s\n%s", a, b)
			}
		}
	})
}
