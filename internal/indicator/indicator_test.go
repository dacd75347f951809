package indicator_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/indicator"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

const community = "110117001001"

type fixture struct {
	s                                            *indicator.Service
	d                                            *db.DB
	clock                                        *clock.Fixed
	tickets                                      *ticket.Service
	admin, super, agent, disp, handler, dept, me auth.User
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func staff(id string, role auth.Role, org, area string) auth.User {
	return auth.User{ID: id, Username: id, Name: id, Role: role, OrgCode: org, AreaCode: area}
}

func at(day, hour, minute int) time.Time {
	return time.Date(2026, 3, day, hour, minute, 0, 0, clock.BusinessZone())
}

func setup(t *testing.T, d *db.DB) *fixture {
	ctx := context.Background()
	c := clock.NewFixed(at(2, 9, 0))
	g := gov.NewService(d, c)
	for _, a := range []gov.Area{
		{Code: "110117", Name: "平谷区", Level: gov.LevelDistrict},
		{Code: "110117001", ParentCode: "110117", Name: "滨河街道", Level: gov.LevelStreet},
		{Code: community, ParentCode: "110117001", Name: "承平里社区", Level: gov.LevelCommunity},
	} {
		must(t, g.UpsertArea(ctx, a))
	}
	for _, o := range []gov.Org{
		{Code: "HOT", Name: "12345热线中心", Kind: gov.KindHotlineCenter, AreaCode: "110117"},
		{Code: "S1", Name: "滨河街道办事处", Kind: gov.KindStreetOffice, AreaCode: "110117001"},
		{Code: "D-CG", Name: "区城管委", Kind: gov.KindDepartment, AreaCode: "110117"},
	} {
		must(t, g.UpsertOrg(ctx, o))
	}
	ts := ticket.NewService(d, c, g, nil)
	must(t, ts.UpsertCategory(ctx, ticket.Category{Code: "01", Name: "城市管理", Active: true}))
	must(t, ts.UpsertCategory(ctx, ticket.Category{Code: "0102", ParentCode: "01", Name: "街巷环境", Active: true}))
	must(t, ts.UpsertRule(ctx, ticket.Rule{CategoryCode: "0102", AreaCode: "110117001", OrgCode: "S1"}))
	f := &fixture{d: d, clock: c, tickets: ts, s: indicator.NewService(d, c, ts.Calendar().WorkingDuration)}
	f.admin = staff("adm", auth.RoleAdmin, "", "")
	f.super = staff("sup", auth.RoleSupervisor, "HOT", "110117")
	f.agent = staff("ag", auth.RoleAgent, "HOT", "110117")
	f.disp = staff("dsp", auth.RoleDispatcher, "HOT", "110117")
	f.handler = staff("h1", auth.RoleHandler, "S1", "110117001")
	f.dept = staff("h2", auth.RoleHandler, "D-CG", "110117")
	f.me = auth.User{ID: "res", Role: auth.RoleResident, Phone: "13800000009"}
	return f
}

func (f *fixture) create(t *testing.T, ch ticket.Channel) string {
	t.Helper()
	tk, err := f.tickets.Create(context.Background(), &f.agent, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: "0102",
		Description: "小区门口垃圾堆放三天无人清理", AreaCode: community, Address: "承平里1号楼", Channel: ch,
		ReporterName: "王芳", ReporterPhone: "13800138000"})
	must(t, err)
	return tk.Number
}

func (f *fixture) act(t *testing.T, u auth.User, number, action string, in ticket.ActionInput) {
	t.Helper()
	_, err := f.tickets.Act(context.Background(), u, number, action, in)
	must(t, err)
}

func (f *fixture) replyAndClose(t *testing.T, u auth.User, number string) {
	t.Helper()
	yes := true
	f.act(t, u, number, ticket.ActionContact, ticket.ActionInput{Note: "已电话联系"})
	f.act(t, u, number, ticket.ActionReply, ticket.ActionInput{ReplyText: "已安排环卫清运，垃圾已清理完毕", Resolved: &yes})
	f.act(t, f.disp, number, ticket.ActionRate, ticket.ActionInput{Resolved: &yes, Satisfaction: ticket.Satisfied})
	if tk, _ := f.tickets.Get(context.Background(), f.admin, number); tk.Status != ticket.StatusClosed {
		f.act(t, f.disp, number, ticket.ActionClose, ticket.ActionInput{})
	}
}

// month builds March 2026 (see TestMonth for the figures by hand).
func (f *fixture) month(t *testing.T) {
	ctx := context.Background()
	a := f.create(t, ticket.ChannelApp)
	b := f.create(t, ticket.ChannelHotline)
	f.create(t, ticket.ChannelWeb)
	f.create(t, ticket.ChannelHotline)
	e := f.create(t, ticket.ChannelHotline)
	f.clock.Set(at(2, 9, 30))
	f.act(t, f.disp, b, ticket.ActionRedispatch, ticket.ActionInput{OrgCode: "D-CG", Note: "属城管职责"})
	f.clock.Set(at(2, 10, 0))
	f.act(t, f.handler, a, ticket.ActionSign, ticket.ActionInput{})
	f.act(t, f.dept, b, ticket.ActionSign, ticket.ActionInput{})
	f.act(t, f.handler, e, ticket.ActionSign, ticket.ActionInput{})
	f.clock.Set(at(2, 11, 0))
	f.replyAndClose(t, f.handler, a)
	f.clock.Set(at(2, 14, 30))
	f.replyAndClose(t, f.dept, b)
	f.clock.Set(at(10, 9, 0))
	f.replyAndClose(t, f.handler, e)
	// Heartbeats: the first at 23:00 on the 31st, 30 of the last 60 minutes; one in April.
	for i := 0; i < 30; i++ {
		_, err := f.d.W.ExecContext(ctx, `INSERT INTO health_minutes (minute, requests, errors, starts) VALUES ($1, 0, 0, 0)`, at(31, 23, i).UnixMilli())
		must(t, err)
	}
	_, err := f.d.W.ExecContext(ctx, `INSERT INTO health_minutes (minute, requests, errors, starts) VALUES ($1, 0, 0, 0)`, at(32, 0, 5).UnixMilli())
	must(t, err)
	// Deliveries: two delivered in March, one failed, one delivered in April.
	_, err = f.d.W.ExecContext(ctx, `INSERT INTO webhooks (id, org_code, url, secret, secret_prefix, events, created_at, updated_at) VALUES ('w1', 'HOT', 'https://example.org/h', 's', 's', '*', 0, 0)`)
	must(t, err)
	for i, d := range []struct {
		status string
		at     time.Time
	}{{"delivered", at(3, 9, 0)}, {"delivered", at(20, 9, 0)}, {"failed", at(20, 9, 0)}, {"delivered", at(32, 9, 0)}} {
		_, err = f.d.W.ExecContext(ctx, `INSERT INTO webhook_deliveries (id, webhook_id, ticket_number, seq, action, payload, status, next_at, created_at, delivered_at)
VALUES ($1, 'w1', 'x', $2, 'reply', '{}', $3, 0, 0, $4)`, "d"+string(rune('a'+i)), i, d.status, d.at.UnixMilli())
		must(t, err)
	}
	// Four residents on the register; two took part in March (one twice).
	for _, p := range []string{"13800000001", "13800000002", "13800000003", "13800000004"} {
		_, err = f.d.W.ExecContext(ctx, `INSERT INTO area_residents (area_code, phone, verified_by, verified_at, source) VALUES ($1, $2, 'adm', 0, 'test')`, community, p)
		must(t, err)
	}
	f.s.SetActs([]indicator.ActSource{func(_ context.Context, from, to time.Time) ([]string, error) {
		if !from.Equal(at(1, 0, 0)) || !to.Equal(at(32, 0, 0)) {
			return nil, nil
		}
		return []string{"13800000001", "13800000002", "13800000001"}, nil
	}})
}

func values(m indicator.Month) (map[string]float64, map[string]float64) {
	v, s := map[string]float64{}, map[string]float64{}
	for _, it := range m.Items {
		if it.Value != nil {
			v[it.Code] = *it.Value
			s[it.Code] = *it.Score
		}
	}
	return v, s
}

// TestMonth checks each indicator of a month built by hand:
//   - five tickets filed on Monday 2 March at 09:00: app, web and three by
//     hotline → digital share 2/5 = 40 %;
//   - A signed 10:00, replied 11:00 (2 working hours from filing, 1 from
//     signing); B redispatched 09:30, signed 10:00, replied 14:30 (4 hours
//     from filing, 3 from signing: 10–12 and 13:30–14:30); E signed 10:00,
//     replied Tuesday 10 March 09:00, after its due time Monday 9 March 10:00
//     (45 hours from filing: 7 + 4 × 7.5 + 7.5 + 0.5; 44 from signing) →
//     median 4 hours, on time 2/3 = 66.67 %, first contact 2/3 (B was
//     redispatched) = 66.67 %;
//   - cost (48 hours × 50 yuan + 600 fixed) ÷ 3 closed = 1000 yuan;
//   - 30 minutes up of the 60 since the first heartbeat → 50 %;
//   - 2 deliveries; 2 participants ÷ 4 residents × 1000 = 500.
func TestMonth(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		f.month(t)
		f.clock.Set(at(32, 12, 0))
		per, ceil := 50.0, 2000.0
		fixed := 600.0
		_, err := f.s.SetCosts(ctx, f.admin, indicator.CostsInput{PerHour: &per, FixedMonthly: &fixed, Ceiling: &ceil, Reason: "按区财政核定的人力成本"})
		must(t, err)
		m, err := f.s.ParseMonth("2026-03")
		must(t, err)
		got, err := f.s.Compute(ctx, f.super, m)
		must(t, err)
		v, s := values(got)
		want := map[string]float64{indicator.CodeDigital: 40, indicator.CodeHandling: 4, indicator.CodeOnTime: 66.67,
			indicator.CodeFirstContact: 66.67, indicator.CodeCost: 1000, indicator.CodeOnline: 50, indicator.CodeShared: 2,
			indicator.CodeParticipation: 500}
		for code, w := range want {
			if v[code] != w {
				t.Errorf("%s = %v, want %v", code, v[code], w)
			}
		}
		wantScore := map[string]float64{indicator.CodeHandling: 96.67, indicator.CodeCost: 50, indicator.CodeShared: 0.2, indicator.CodeParticipation: 100}
		for code, w := range wantScore {
			if s[code] != w {
				t.Errorf("score %s = %v, want %v", code, s[code], w)
			}
		}
		// (15×40 + 10×100 + 10×50 + 10×0.2 + 15×96.67 + 15×66.67 + 15×66.67 + 10×50) ÷ 100
		if got.Composite == nil || *got.Composite != 60.52 || got.Partial || got.Month != "2026-03" {
			t.Fatalf("composite %v partial %v", got.Composite, got.Partial)
		}
		// The district switches data sharing off and doubles handling time's weight.
		off, w := false, 30.0
		_, err = f.s.SetOverride(ctx, f.admin, indicator.CodeShared, indicator.Override{Enabled: &off, Reason: "本区暂未对接其他系统"})
		must(t, err)
		_, err = f.s.SetOverride(ctx, f.admin, indicator.CodeHandling, indicator.Override{Weight: &w, Reason: "时效是本区重点"})
		must(t, err)
		got, err = f.s.Compute(ctx, f.admin, m)
		must(t, err)
		// (6052.15 − 2 + 15×96.67) ÷ 105
		if got.Composite == nil || *got.Composite != 71.43 {
			t.Fatalf("composite after overrides %v", got.Composite)
		}
		for _, it := range got.Items {
			if it.Code == indicator.CodeHandling && (it.Weight != 30 || it.StandardWeight != 15 || !it.Enabled) ||
				it.Code == indicator.CodeShared && (it.Enabled || it.Weight != 10) {
				t.Fatalf("item %+v", it)
			}
		}
		// An empty month has no values and no composite.
		feb, _ := f.s.ParseMonth("2026-02")
		empty, err := f.s.Compute(ctx, f.admin, feb)
		must(t, err)
		if v, _ := values(empty); len(v) != 2 || v[indicator.CodeShared] != 0 || v[indicator.CodeParticipation] != 0 || empty.Composite == nil {
			t.Fatalf("february: %v", v)
		}
	})
}

func TestOverridesAndPolicy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		m, _ := f.s.ParseMonth("2026-02")
		for _, u := range []auth.User{f.handler, f.agent, f.disp, f.me, {Role: auth.RoleAuditor, ID: "au"}} {
			if _, err := f.s.Compute(ctx, u, m); !errs.Is(err, errs.Forbidden) {
				t.Fatalf("%s reads values: %v", u.Role, err)
			}
		}
		w, on := 20.0, false
		for _, u := range []auth.User{f.super, f.handler, f.me} {
			if _, err := f.s.SetOverride(ctx, u, indicator.CodeOnline, indicator.Override{Weight: &w, Reason: "x"}); !errs.Is(err, errs.Forbidden) {
				t.Fatalf("%s overrides: %v", u.Role, err)
			}
		}
		bad := -1.0
		big := 101.0
		for _, c := range []struct {
			code string
			o    indicator.Override
			want errs.Code
		}{
			{indicator.CodeOnline, indicator.Override{Weight: &w}, errs.Invalid},
			{indicator.CodeOnline, indicator.Override{Reason: "x"}, errs.Invalid},
			{indicator.CodeOnline, indicator.Override{Weight: &bad, Reason: "x"}, errs.Invalid},
			{indicator.CodeOnline, indicator.Override{Weight: &big, Reason: "x"}, errs.Invalid},
			{"ZZ", indicator.Override{Weight: &w, Reason: "x"}, errs.NotFound},
		} {
			if _, err := f.s.SetOverride(ctx, f.admin, c.code, c.o); !errs.Is(err, c.want) {
				t.Fatalf("%+v: %v", c, err)
			}
		}
		st, err := f.s.SetOverride(ctx, f.admin, indicator.CodeOnline, indicator.Override{Weight: &w, Enabled: &on, Reason: "平台由市级统一运维"})
		must(t, err)
		if st.Weight != 20 || st.Enabled || st.StandardWeight != 10 {
			t.Fatalf("setting %+v", st)
		}
		f.clock.Advance(time.Hour)
		_, err = f.s.SetCosts(ctx, f.admin, indicator.CostsInput{PerHour: &w, Reason: "核定"})
		must(t, err)
		if _, err := f.s.SetCosts(ctx, f.super, indicator.CostsInput{PerHour: &w, Reason: "核定"}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("supervisor sets costs: %v", err)
		}
		zero := 0.0
		if _, err := f.s.SetCosts(ctx, f.admin, indicator.CostsInput{Ceiling: &zero, Reason: "x"}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("zero ceiling: %v", err)
		}
		pub, err := f.s.Changes(ctx, false)
		must(t, err)
		if len(pub) != 3 || pub[0].Code != "costs" || pub[0].Field != indicator.CostPerHour || pub[0].To != "20" || pub[0].From != "0" ||
			pub[0].Actor != "" || pub[0].ActorRole != "admin" || pub[0].Reason != "核定" {
			t.Fatalf("public changes %+v", pub)
		}
		if pub[2].Field != "weight" || pub[2].From != "10" || pub[2].To != "20" || pub[1].Field != "enabled" || pub[1].To != "false" {
			t.Fatalf("changes %+v", pub)
		}
		staffView, err := f.s.Changes(ctx, true)
		must(t, err)
		if staffView[0].Actor != "adm" {
			t.Fatalf("staff changes %+v", staffView[0])
		}
		if _, err := f.s.ParseMonth("2027-01"); !errs.Is(err, errs.Invalid) {
			t.Fatalf("future month: %v", err)
		}
		if _, err := f.s.ParseMonth("2026-3"); !errs.Is(err, errs.Invalid) {
			t.Fatalf("bad month: %v", err)
		}
	})
}

func TestYear(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		f.month(t)
		f.clock.Set(at(32, 12, 0)) // 1 April
		if _, err := f.s.Year(ctx, f.handler, 2026); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a handler's year: %v", err)
		}
		if _, err := f.s.Year(ctx, f.admin, 2027); !errs.Is(err, errs.Invalid) {
			t.Fatalf("next year: %v", err)
		}
		months, err := f.s.Year(ctx, f.admin, 2026)
		must(t, err)
		if len(months) != 4 || months[2].Month != "2026-03" || *months[2].Items[0].Value != 40 || !months[3].Partial {
			t.Fatalf("year: %d months", len(months))
		}
		settings, err := f.s.Settings(ctx)
		must(t, err)
		var b strings.Builder
		must(t, indicator.WriteYear(&b, 2026, months, settings))
		x, err := excelize.OpenReader(strings.NewReader(b.String()))
		must(t, err)
		defer x.Close()
		v, _ := x.GetCellValue("年度自评", "B5")
		c, _ := x.GetCellValue("年度自评", "K5") // the composite, after the catalogue's nine columns
		if v != "40" || c == "" {
			t.Fatalf("March: digital %q composite %q", v, c)
		}
	})
}
