package indicator_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/indicator"
	"github.com/gongzhi/gongzhi/internal/kiosk"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

const dongcheng = "110101001001" // a community of the second district

// city adds a second district, 东城区 (110101, under the city 1101), with
// one street office, a hotline centre, one handler and a dispatcher, and a
// terminal in the first district; the indicators read the terminals through
// the kiosks' service, as app wires them.
func (f *fixture) city(t *testing.T) (handler, disp auth.User) {
	ctx := context.Background()
	g := gov.NewService(f.d, f.clock)
	for _, a := range []gov.Area{
		{Code: "1101", Name: "市辖区", Level: gov.LevelCity},
		{Code: "110101", ParentCode: "1101", Name: "东城区", Level: gov.LevelDistrict},
		{Code: "110101001", ParentCode: "110101", Name: "东华门街道", Level: gov.LevelStreet},
		{Code: dongcheng, ParentCode: "110101001", Name: "多福巷社区", Level: gov.LevelCommunity},
	} {
		must(t, g.UpsertArea(ctx, a))
	}
	for _, o := range []gov.Org{
		{Code: "HOT2", Name: "东城区12345分中心", Kind: gov.KindHotlineCenter, AreaCode: "110101"},
		{Code: "S2", Name: "东华门街道办事处", Kind: gov.KindStreetOffice, AreaCode: "110101001"},
	} {
		must(t, g.UpsertOrg(ctx, o))
	}
	must(t, f.tickets.UpsertRule(ctx, ticket.Rule{CategoryCode: "0102", AreaCode: "110101001", OrgCode: "S2"}))
	k := kiosk.NewService(f.d, f.clock)
	f.s.SetTerminals(func(ctx context.Context, month time.Time, area string) (float64, bool, error) {
		share, n, err := k.OnlineShareIn(ctx, month, area)
		return share, n > 0, err
	})
	return staff("h3", auth.RoleHandler, "S2", "110101001"), staff("dsp2", auth.RoleDispatcher, "HOT2", "110101")
}

// TestCompareDistricts computes March 2026 for two districts of one
// installation, by hand:
//
// 平谷区 (110117) has the five tickets of TestMonth; 东城区 (110101) two filed
// Monday 2 March 09:00, one by web and one by hotline, the hotline one
// signed 10:00 and replied 11:00 (2 working hours from filing, 1 from
// signing), on time, closed without a redo.
//
//   - digital: 平谷 2/5 = 40; 东城 1/2 = 50.
//   - handling: 平谷 median of 2, 4, 45 = 4; 东城 2. On time 66.67 / 100;
//     first contact 66.67 / 100. The installation: median of 2, 2, 4, 45 = 3.
//   - cost (50 yuan an hour, 600 fixed, ceiling 2000): the fixed 600 shared
//     by the 4 closed tickets, 150 each. 平谷 48 h × 50 ÷ 3 + 150 = 950
//     (score 52.5); 东城 1 h × 50 ÷ 1 + 150 = 200 (score 90); the
//     installation (49 × 50 + 600) ÷ 4 = 762.5.
//   - participation: 平谷's roster 4, two of them took part → 500 (score
//     100); 东城's roster 20, one took part → 50 (score 50). The
//     installation counts every participant, on a roster or not: 4 (one
//     of them on no roster) of 24 → 166.67.
//   - online: the server 30 of 60 minutes = 50 %. A terminal of 平谷
//     registered 31 March 23:00 (60 terminal-minutes), beats 23:00–23:09,
//     each online for 3 minutes → 12 minutes online, 20 % → 平谷 (50 + 20) ÷
//     2 = 35; 东城 has no terminal → 50; the installation 35.
//   - data shared 2 in both (platform-wide, score 0.2).
//
// Composite 平谷 (15×40 + 10×100 + 10×35 + 10×0.2 + 15×96.67 + 15×66.67 +
// 15×66.67 + 10×52.5) ÷ 100 = 59.27; 东城 (15×50 + 10×50 + 10×50 + 10×0.2 +
// 15×98.33 + 15×100 + 15×100 + 10×90) ÷ 100 = 71.27.
func TestCompareDistricts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		f.month(t)
		h3, dsp2 := f.city(t)
		f.clock.Set(at(2, 9, 0))
		agent2 := staff("ag2", auth.RoleAgent, "HOT2", "110101")
		var dc []string
		for _, ch := range []ticket.Channel{ticket.ChannelWeb, ticket.ChannelHotline} {
			tk, err := f.tickets.Create(ctx, &agent2, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: "0102",
				Description: "胡同口共享单车乱停放影响通行", AreaCode: dongcheng, Address: "多福巷3号", Channel: ch,
				ReporterName: "李明", ReporterPhone: "13800138001"})
			must(t, err)
			dc = append(dc, tk.Number)
		}
		f.clock.Set(at(2, 10, 0))
		f.act(t, h3, dc[1], ticket.ActionSign, ticket.ActionInput{})
		f.clock.Set(at(2, 11, 0))
		yes := true
		f.act(t, h3, dc[1], ticket.ActionContact, ticket.ActionInput{Note: "已电话联系"})
		f.act(t, h3, dc[1], ticket.ActionReply, ticket.ActionInput{ReplyText: "已协调运营企业清理车辆", Resolved: &yes})
		f.act(t, dsp2, dc[1], ticket.ActionRate, ticket.ActionInput{Resolved: &yes, Satisfaction: ticket.Satisfied})
		if tk, _ := f.tickets.Get(ctx, f.admin, dc[1]); tk.Status != ticket.StatusClosed {
			f.act(t, dsp2, dc[1], ticket.ActionClose, ticket.ActionInput{})
		}
		var roster []string
		for i := 1; i <= 20; i++ {
			p := fmt.Sprintf("139000000%02d", i)
			roster = append(roster, p)
			_, err := d.W.ExecContext(ctx, `INSERT INTO area_residents (area_code, phone, verified_by, verified_at, source) VALUES ($1, $2, 'adm', 0, 'test')`, dongcheng, p)
			must(t, err)
		}
		f.s.SetActs([]indicator.ActSource{func(_ context.Context, from, to time.Time) ([]string, error) {
			if !from.Equal(at(1, 0, 0)) {
				return nil, nil
			}
			return []string{"13800000001", "13800000002", "13800000001", roster[0], "13700000000"}, nil
		}})
		_, err := d.W.ExecContext(ctx, `INSERT INTO kiosk_terminals (id, name, area_code, created_by, created_at) VALUES ('k1', '平谷区政务服务大厅', $1, 'adm', $2)`,
			community, at(31, 23, 0).UnixMilli())
		must(t, err)
		for i := 0; i < 10; i++ {
			_, err := d.W.ExecContext(ctx, `INSERT INTO kiosk_beats (terminal_id, minute) VALUES ('k1', $1)`, at(31, 23, i).Unix()/60)
			must(t, err)
		}
		f.clock.Set(at(32, 12, 0))
		per, fixed, ceil := 50.0, 600.0, 2000.0
		_, err = f.s.SetCosts(ctx, f.admin, indicator.CostsInput{PerHour: &per, FixedMonthly: &fixed, Ceiling: &ceil, Reason: "按市财政核定"})
		must(t, err)
		m, _ := f.s.ParseMonth("2026-03")
		cmp, err := f.s.Compare(ctx, f.admin, m)
		must(t, err)
		if len(cmp.Districts) != 2 || cmp.Districts[0].AreaCode != "110101" || cmp.Districts[1].AreaName != "平谷区" || cmp.Partial || cmp.Truncated {
			t.Fatalf("districts %+v", cmp)
		}
		dcv, _ := values(indicator.Month{Items: cmp.Districts[0].Items})
		pgv, pgs := values(indicator.Month{Items: cmp.Districts[1].Items})
		wantPG := map[string]float64{indicator.CodeDigital: 40, indicator.CodeHandling: 4, indicator.CodeOnTime: 66.67, indicator.CodeFirstContact: 66.67,
			indicator.CodeCost: 950, indicator.CodeParticipation: 500, indicator.CodeOnline: 35, indicator.CodeShared: 2}
		wantDC := map[string]float64{indicator.CodeDigital: 50, indicator.CodeHandling: 2, indicator.CodeOnTime: 100, indicator.CodeFirstContact: 100,
			indicator.CodeCost: 200, indicator.CodeParticipation: 50, indicator.CodeOnline: 50, indicator.CodeShared: 2}
		for code, w := range wantPG {
			if pgv[code] != w {
				t.Errorf("平谷 %s = %v, want %v", code, pgv[code], w)
			}
			if dcv[code] != wantDC[code] {
				t.Errorf("东城 %s = %v, want %v", code, dcv[code], wantDC[code])
			}
		}
		if pgs[indicator.CodeCost] != 52.5 {
			t.Errorf("平谷 cost score %v", pgs[indicator.CodeCost])
		}
		if c := cmp.Districts[1].Composite; c == nil || *c != 59.27 {
			t.Errorf("平谷 composite %v", c)
		}
		if c := cmp.Districts[0].Composite; c == nil || *c != 71.27 {
			t.Errorf("东城 composite %v", c)
		}
		whole, err := f.s.Compute(ctx, f.admin, m)
		must(t, err)
		wv, _ := values(whole)
		for code, w := range map[string]float64{indicator.CodeHandling: 3, indicator.CodeCost: 762.5, indicator.CodeParticipation: 166.67, indicator.CodeOnline: 35} {
			if wv[code] != w {
				t.Errorf("the installation's %s = %v, want %v", code, wv[code], w)
			}
		}
		// Who sees which district.
		for _, c := range []struct {
			u    auth.User
			want []string
		}{
			{f.super, []string{"110117"}},
			{staff("sup-street", auth.RoleSupervisor, "S1", "110117001"), []string{"110117"}},
			{staff("sup-city", auth.RoleSupervisor, "", "1101"), []string{"110101", "110117"}},
			{staff("sup-dc", auth.RoleSupervisor, "HOT2", "110101"), []string{"110101"}},
			{staff("sup-none", auth.RoleSupervisor, "", ""), nil},
		} {
			got, err := f.s.Compare(ctx, c.u, m)
			must(t, err)
			var codes []string
			for _, d := range got.Districts {
				codes = append(codes, d.AreaCode)
			}
			if fmt.Sprint(codes) != fmt.Sprint(c.want) {
				t.Errorf("%s sees %v, want %v", c.u.ID, codes, c.want)
			}
		}
		if _, err := f.s.Compare(ctx, f.handler, m); !errs.Is(err, errs.Forbidden) {
			t.Errorf("a handler compares: %v", err)
		}
	})
}

// TestOnlineRateWithTerminals: the platform's online rate is the mean of
// the server's and the terminals'; either alone when the other has nothing.
func TestOnlineRateWithTerminals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		m, _ := f.s.ParseMonth("2026-02")
		online := func() *float64 {
			t.Helper()
			got, err := f.s.Compute(ctx, f.admin, m)
			must(t, err)
			for _, it := range got.Items {
				if it.Code == indicator.CodeOnline {
					return it.Value
				}
			}
			return nil
		}
		f.clock.Set(at(32, 12, 0))
		share, ok := 0.9, true
		f.s.SetTerminals(func(_ context.Context, month time.Time, area string) (float64, bool, error) {
			if area != "" || !month.Equal(m) {
				t.Errorf("asked for %v in %q", month, area)
			}
			return share, ok, nil
		})
		// No server heartbeat at all: the terminals alone, 90 %.
		if v := online(); v == nil || *v != 90 {
			t.Fatalf("terminals only: %v", v)
		}
		// The server up 1 of the last 2 minutes of February (first beat 23:58
		// on the 28th): 50 %; with the terminals (50 + 90) ÷ 2 = 70.
		feb28 := func(min int) int64 { return at(1, 0, 0).Add(-time.Duration(min) * time.Minute).UnixMilli() }
		_, err := d.W.ExecContext(ctx, `INSERT INTO health_minutes (minute, requests, errors, starts) VALUES ($1, 0, 0, 0)`, feb28(2))
		must(t, err)
		if v := online(); v == nil || *v != 70 {
			t.Fatalf("server and terminals: %v", v)
		}
		// No terminal registered: the server alone.
		ok = false
		if v := online(); v == nil || *v != 50 {
			t.Fatalf("server only: %v", v)
		}
	})
}
