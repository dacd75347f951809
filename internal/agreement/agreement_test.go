package agreement_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/agreement"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

const (
	district  = "110117"
	street    = "110117001"
	community = "110117001001"
	other     = "110117002001"
	vendor    = "PC1"
)

type fixture struct {
	s                            *agreement.Service
	auth                         *auth.Service
	tickets                      *ticket.Service
	gov                          *gov.Service
	clock                        *clock.Fixed
	super, streetSuper, resident auth.User
	vendorToken                  string
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, code errs.Code, what string) {
	t.Helper()
	if !errs.Is(err, code) {
		t.Fatalf("%s: got %v, want %s", what, err, code)
	}
}

// Monday 30 November 2026, 09:00 in Beijing.
var monday = time.Date(2026, 11, 30, 9, 0, 0, 0, clock.BusinessZone())

func setup(t *testing.T, d *db.DB) *fixture {
	ctx := context.Background()
	c := clock.NewFixed(monday)
	g := gov.NewService(d, c)
	for _, a := range []gov.Area{
		{Code: district, Name: "平谷区", Level: gov.LevelDistrict},
		{Code: street, ParentCode: district, Name: "滨河街道", Level: gov.LevelStreet},
		{Code: community, ParentCode: street, Name: "承平里社区", Level: gov.LevelCommunity},
		{Code: "110117002", ParentCode: district, Name: "兴谷街道", Level: gov.LevelStreet},
		{Code: other, ParentCode: "110117002", Name: "兴谷社区", Level: gov.LevelCommunity},
	} {
		must(t, g.UpsertArea(ctx, a))
	}
	for _, o := range []gov.Org{
		{Code: "HOT", Name: "12345热线中心", Kind: gov.KindHotlineCenter, AreaCode: district},
		{Code: "S1", Name: "滨河街道办事处", Kind: gov.KindStreetOffice, AreaCode: street},
		{Code: vendor, Name: "谷韵物业", Kind: gov.KindPropertyCompany, AreaCode: street},
		{Code: "TV1", Name: "某技术服务商", Kind: gov.KindTechVendor, AreaCode: district},
	} {
		must(t, g.UpsertOrg(ctx, o))
	}
	a := auth.NewService(d, c, g, nil, auth.Options{BcryptCost: 4, Demo: true})
	ts := ticket.NewService(d, c, g, nil)
	ts.SetAuditor(a.Audit)
	for _, cat := range []ticket.Category{
		{Code: "01", Name: "物业管理", Active: true},
		{Code: "0101", ParentCode: "01", Name: "电梯", Active: true},
		{Code: "09", Name: "其他", Active: true},
	} {
		must(t, ts.UpsertCategory(ctx, cat))
	}
	must(t, ts.UpsertRule(ctx, ticket.Rule{CategoryCode: "01", AreaCode: district, OrgCode: vendor}))
	s := agreement.NewService(d, c, g, ts, a)
	a.SetGate(s)
	ts.SetDutyLimit(s.DutyLimit)
	f := &fixture{s: s, auth: a, tickets: ts, gov: g, clock: c}
	mk := func(nu auth.NewUser) auth.User {
		nu.Password = "password-123"
		u, err := a.CreateUser(ctx, auth.System(), nu)
		must(t, err)
		return u
	}
	f.super = f.login(t, mk(auth.NewUser{Username: "super", Role: auth.RoleSupervisor, OrgCode: "HOT", AreaCode: district}).Username)
	f.streetSuper = f.login(t, mk(auth.NewUser{Username: "super2", Role: auth.RoleSupervisor, OrgCode: "S1", AreaCode: street}).Username)
	mk(auth.NewUser{Username: "wuye", Name: "物业王", Role: auth.RoleHandler, OrgCode: vendor, AreaCode: street})
	f.resident = auth.User{Role: auth.RoleResident, Phone: "13800138000"}
	return f
}

func (f *fixture) login(t *testing.T, username string) auth.User {
	t.Helper()
	s, err := f.auth.Login(context.Background(), username, "password-123", auth.KindAPI)
	must(t, err)
	return s.User
}

func terms() agreement.Input {
	return agreement.Input{OrgCode: vendor, Title: "承平里物业服务协议", Areas: []string{community}, Categories: []string{"01"},
		Services: []string{"电梯维保", "公共区域保洁"}, Rights: "按月获得服务费", SeePhone: true,
		StartsOn: "2026-11-01", EndsOn: "2026-12-31",
		Duties: []agreement.Duty{{CategoryCode: "0101", Limit: ticket.Limit{Amount: 4, Unit: ticket.WorkingHours}, Note: "电梯困人4小时内办结"}}}
}

func (f *fixture) ticket(t *testing.T, area string) ticket.Ticket {
	t.Helper()
	tk, err := f.tickets.Create(context.Background(), &f.resident, ticket.NewTicket{Kind: ticket.KindHelp, CategoryCode: "0101",
		Description: "电梯停运三天了", AreaCode: area, Address: "承平里3号楼2单元501室", ReporterName: "张三", ReporterPhone: "13800138000"})
	must(t, err)
	return tk
}

func TestGateScopeMaskingAndDuty(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		_, err := f.auth.Login(ctx, "wuye", "password-123", auth.KindAPI)
		wantCode(t, err, errs.Forbidden, "a vendor without an agreement logs in")
		if !strings.Contains(err.Error(), "agreement") {
			t.Fatalf("message: %v", err)
		}
		ag, err := f.s.Create(ctx, f.super, terms())
		must(t, err)
		if !ag.InForce || ag.Status != agreement.StatusActive || len(ag.Duties) != 1 || ag.Duties[0].Limit.String() != "4h" || len(ag.Services) != 2 {
			t.Fatalf("agreement: %+v", ag)
		}
		sess, err := f.auth.Login(ctx, "wuye", "password-123", auth.KindAPI)
		must(t, err)
		v := sess.User
		if v.Grant == nil || v.Grant.Agreement != ag.ID || !v.Grant.Phone || v.Grant.Name {
			t.Fatalf("grant: %+v", v.Grant)
		}
		in, out := f.ticket(t, community), f.ticket(t, other)
		if in.AssignedOrgCode != vendor || out.AssignedOrgCode != vendor {
			t.Fatalf("routed to %s and %s", in.AssignedOrgCode, out.AssignedOrgCode)
		}
		_, err = f.tickets.Get(ctx, v, out.Number)
		wantCode(t, err, errs.Forbidden, "a ticket outside the agreement's areas")
		got, err := f.tickets.Get(ctx, v, in.Number)
		must(t, err)
		if got.ReporterPhone != "13800138000" || got.ReporterName == "张三" || strings.Contains(got.Address, "501") {
			t.Fatalf("masking: phone %q name %q address %q", got.ReporterPhone, got.ReporterName, got.Address)
		}
		page, err := f.tickets.List(ctx, v, ticket.Filter{})
		must(t, err)
		if len(page.Items) != 1 || page.Items[0].Number != in.Number {
			t.Fatalf("list: %+v", page.Items)
		}
		signed, err := f.tickets.Act(ctx, v, in.Number, "sign", ticket.ActionInput{})
		must(t, err)
		if signed.DueCompleteAt == nil || signed.DueCompleteAt.After(monday.Add(8*time.Hour)) {
			t.Fatalf("the duty's 4 working hours: due %v", signed.DueCompleteAt)
		}
		entries, err := f.auth.AuditLog(ctx, "ticket:"+in.Number, 10)
		must(t, err)
		if len(entries) == 0 {
			t.Fatal("the read of the reporter's phone is not in the audit log")
		}
		for _, e := range entries { // the read, and the ticket the sign returned
			if e.Action != auth.AuditViewPersonal || e.Detail != "org "+vendor+": phone" {
				t.Fatalf("audit: %+v", e)
			}
		}
	})
}

func TestSuspendAndExpiryCutAccess(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		ag, err := f.s.Create(ctx, f.super, terms())
		must(t, err)
		web, err := f.auth.Login(ctx, "wuye", "password-123", auth.KindWeb)
		must(t, err)
		vendorUser, err := f.auth.UserByUsername(ctx, "wuye")
		must(t, err)
		key, _, err := f.auth.CreateAPIKey(ctx, auth.System(), "物业系统", vendorUser.ID)
		must(t, err)
		_, err = f.auth.Authenticate(ctx, web.Token, auth.KindWeb)
		must(t, err)
		_, _, err = f.auth.AuthenticateAPIKey(ctx, key)
		must(t, err)

		_, err = f.s.Suspend(ctx, f.streetSuper, ag.ID, "x")
		wantCode(t, err, errs.Forbidden, "a street supervisor suspends")
		_, err = f.s.Suspend(ctx, f.super, ag.ID, "服务质量不达标")
		must(t, err)
		_, err = f.auth.Authenticate(ctx, web.Token, auth.KindWeb)
		wantCode(t, err, errs.Forbidden, "the session after suspension")
		_, _, err = f.auth.AuthenticateAPIKey(ctx, key)
		wantCode(t, err, errs.Forbidden, "the API key after suspension")
		_, err = f.s.Suspend(ctx, f.super, ag.ID, "")
		wantCode(t, err, errs.Conflict, "suspend twice")

		_, err = f.s.Resume(ctx, f.super, ag.ID, "整改完成")
		must(t, err)
		_, err = f.auth.Authenticate(ctx, web.Token, auth.KindWeb)
		must(t, err)

		// The last day still admits; the next does not.
		f.clock.Set(time.Date(2026, 12, 31, 23, 0, 0, 0, clock.BusinessZone()))
		_, _, err = f.auth.AuthenticateAPIKey(ctx, key)
		must(t, err)
		f.clock.Set(time.Date(2027, 1, 1, 0, 30, 0, 0, clock.BusinessZone()))
		_, _, err = f.auth.AuthenticateAPIKey(ctx, key)
		wantCode(t, err, errs.Forbidden, "the API key after the end date")
		if !strings.Contains(err.Error(), "expired") {
			t.Fatalf("message: %v", err)
		}
		got, err := f.s.Get(ctx, f.super, ag.ID)
		must(t, err)
		if got.InForce {
			t.Fatal("in force after its end date")
		}
		_, err = f.s.End(ctx, f.super, ag.ID, "到期")
		must(t, err)
		evs, err := f.s.Events(ctx, f.super, ag.ID)
		must(t, err)
		if len(evs) != 4 || evs[3].Kind != agreement.EventEnded {
			t.Fatalf("events: %+v", evs)
		}
		// Government staff are not gated.
		_, err = f.auth.Login(ctx, "super2", "password-123", auth.KindAPI)
		must(t, err)
	})
}

func TestMonthlyReport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		_, err := f.s.Create(ctx, f.super, terms())
		must(t, err)
		v := f.login(t, "wuye")
		tk := f.ticket(t, community)
		for i := 0; i < 2; i++ {
			_, err = f.tickets.Get(ctx, v, tk.Number)
			must(t, err)
		}
		// A government handler's reads are not in the report.
		_, err = f.tickets.Get(ctx, f.super, tk.Number)
		must(t, err)
		r, err := f.s.MonthlyReport(ctx, f.super, "2026-11")
		must(t, err)
		if r.Total != 2 || len(r.Orgs) != 1 || r.Orgs[0].OrgCode != vendor || len(r.Orgs[0].Users) != 1 {
			t.Fatalf("report: %+v", r)
		}
		u := r.Orgs[0].Users[0]
		if u.Username != "wuye" || u.Count != 2 || len(u.Items) != 1 || u.Items[0] != "ticket:"+tk.Number+" (phone)" {
			t.Fatalf("user line: %+v", u)
		}
		r, err = f.s.MonthlyReport(ctx, f.super, "2026-10")
		must(t, err)
		if r.Total != 0 || len(r.Orgs) != 0 {
			t.Fatalf("october: %+v", r)
		}
		_, err = f.s.MonthlyReport(ctx, v, "2026-11")
		wantCode(t, err, errs.Forbidden, "the vendor reads the report")
		_, err = f.s.MonthlyReport(ctx, f.super, "2026/11")
		wantCode(t, err, errs.Invalid, "a malformed month")
	})
}

func TestInputAndRoles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		bad := func(mod func(*agreement.Input)) agreement.Input {
			in := terms()
			mod(&in)
			return in
		}
		for name, in := range map[string]agreement.Input{
			"government org": bad(func(in *agreement.Input) { in.OrgCode = "S1" }),
			"no org":         bad(func(in *agreement.Input) { in.OrgCode = "NOPE" }),
			"no title":       bad(func(in *agreement.Input) { in.Title = " " }),
			"no areas":       bad(func(in *agreement.Input) { in.Areas = nil }),
			"unknown area":   bad(func(in *agreement.Input) { in.Areas = []string{"110117009"} }),
			"unknown cat":    bad(func(in *agreement.Input) { in.Categories = []string{"77"}; in.Duties = nil }),
			"data outside":   bad(func(in *agreement.Input) { in.DataAreas = []string{other} }),
			"dates":          bad(func(in *agreement.Input) { in.EndsOn = "2026-10-01" }),
			"date format":    bad(func(in *agreement.Input) { in.StartsOn = "2026/11/01" }),
			"clock hours":    bad(func(in *agreement.Input) { in.Duties[0].Limit = ticket.Limit{Amount: 4, Unit: ticket.ClockHours} }),
			"duty outside":   bad(func(in *agreement.Input) { in.Duties[0].CategoryCode = "09" }),
		} {
			_, err := f.s.Create(ctx, f.super, in)
			wantCode(t, err, errs.Invalid, name)
		}
		_, err := f.s.Create(ctx, f.streetSuper, terms())
		wantCode(t, err, errs.Forbidden, "a street supervisor creates")
		ag, err := f.s.Create(ctx, auth.System(), terms())
		must(t, err)
		_, err = f.s.Create(ctx, f.super, terms())
		wantCode(t, err, errs.Conflict, "a second agreement over the same days")
		in := terms()
		in.SeeName = true
		up, err := f.s.Update(ctx, f.super, ag.ID, in)
		must(t, err)
		if !up.SeeName {
			t.Fatalf("update: %+v", up)
		}
		items, err := f.s.List(ctx, f.login(t, "wuye"), agreement.Filter{})
		must(t, err)
		if len(items) != 1 {
			t.Fatalf("the vendor's own list: %d", len(items))
		}

		// Administrators and supervisors are the government's alone.
		for _, nu := range []auth.NewUser{
			{Username: "vsuper", Role: auth.RoleSupervisor, OrgCode: vendor, AreaCode: street},
			{Username: "vadmin", Role: auth.RoleAdmin, OrgCode: "TV1"},
		} {
			nu.Password = "password-123"
			_, err := f.auth.CreateUser(ctx, auth.System(), nu)
			wantCode(t, err, errs.Invalid, "create "+nu.Username)
		}
		err = f.gov.UpsertOrg(ctx, gov.Org{Code: "HOT", Name: "12345热线中心", Kind: gov.KindCompany, AreaCode: district})
		wantCode(t, err, errs.Conflict, "a government organisation with supervisors becomes a company")
	})
}
