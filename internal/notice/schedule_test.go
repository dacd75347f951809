package notice_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/notice"
)

func dues(t *testing.T, f *fixture, u auth.User) map[string]notice.Due {
	t.Helper()
	list, err := f.s.DueDisclosures(context.Background(), u)
	must(t, err)
	out := map[string]notice.Due{}
	for _, d := range list {
		out[d.OrgCode+" "+string(d.Kind)] = d
	}
	return out
}

// Finance is due monthly and village affairs quarterly, each by the 10th
// after its period: due before, overdue from midnight on, done once a
// published item names the period.
func TestScheduleDueAndOverdue(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		zone := clock.BusinessZone()
		due := time.Date(2026, 11, 11, 0, 0, 0, 0, zone)
		f := setup(t, d, due.Add(-time.Millisecond))
		got := dues(t, f, f.village)
		fin, va := got["VC1 finance"], got["VC1 village_affairs"]
		if len(got) != 2 || fin.Period != "2026-10" || fin.Every != notice.Monthly || !fin.DueAt.Equal(due) || fin.State != notice.StateDue {
			t.Fatalf("finance: %+v of %d", fin, len(got))
		}
		if fin.NextPeriod != "2026-11" || !fin.NextDueAt.Equal(time.Date(2026, 12, 11, 0, 0, 0, 0, zone)) {
			t.Errorf("the next finance: %s %v", fin.NextPeriod, fin.NextDueAt)
		}
		if va.Period != "2026-Q3" || va.State != notice.StateOverdue || !va.DueAt.Equal(time.Date(2026, 10, 11, 0, 0, 0, 0, zone)) || va.NextPeriod != "2026-Q4" {
			t.Errorf("village affairs: %+v", va)
		}
		f.clock.Set(due)
		if st := dues(t, f, f.village)["VC1 finance"].State; st != notice.StateOverdue {
			t.Fatalf("at the due time: %s", st)
		}
		// A draft and a withdrawn item do not disclose; a published one does.
		fn := notice.New{Kind: notice.KindFinance, Period: "2026-10", Title: "2026年10月财务公开", Body: "本月收支如下。"}
		draft := fn
		draft.Draft = true
		f.publish(t, f.village, draft)
		gone := f.publish(t, f.village, fn)
		_, err := f.s.Withdraw(ctx, f.village, gone.Number, "数字有误，重新公布")
		must(t, err)
		if st := dues(t, f, f.village)["VC1 finance"].State; st != notice.StateOverdue {
			t.Fatalf("after a draft and a withdrawn item: %s", st)
		}
		done := f.publish(t, f.village, fn)
		fin = dues(t, f, f.village)["VC1 finance"]
		if fin.State != notice.StateDone || fin.Number != done.Number || fin.NextNumber != "" {
			t.Fatalf("after publishing: %+v", fin)
		}
		now := f.publish(t, f.village, notice.New{Kind: notice.KindVillageAffairs, Period: "2026-Q4", Title: "第四季度村务公开", Body: "本季度事项。"})
		if va = dues(t, f, f.village)["VC1 village_affairs"]; va.State != notice.StateOverdue || va.NextNumber != now.Number {
			t.Errorf("the quarter under way disclosed early: %+v", va)
		}
		list, err := f.s.DueDisclosures(ctx, f.village)
		must(t, err)
		if list[0].State != notice.StateOverdue || list[len(list)-1].State != notice.StateDone {
			t.Errorf("order: %s first, %s last", list[0].State, list[len(list)-1].State)
		}
	})
}

func TestScheduleReadersAndRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, monday)
		if got := dues(t, f, f.supervisor); len(got) != 2 || got["VC1 finance"].OrgName != "西樊各庄村委会" {
			t.Errorf("the street's supervisor: %v", got)
		}
		if got := dues(t, f, f.admin); len(got) != 4 {
			t.Errorf("the admin: %d", len(got))
		}
		if got := dues(t, f, f.office); len(got) != 0 {
			t.Errorf("a handler of the street office: %d", len(got))
		}
		_, err := f.s.DueDisclosures(ctx, f.resident)
		wantCode(t, err, errs.Forbidden, "a resident reads schedules")
		_, err = f.s.SetRule(ctx, f.supervisor, notice.Rule{AreaCode: "110117", Kind: notice.KindFinance, Every: notice.Quarterly})
		wantCode(t, err, errs.Forbidden, "a supervisor sets a rule")
		for why, bad := range map[string]notice.Rule{
			"only village affairs and finance": {AreaCode: "110117", Kind: notice.KindTopic, Every: notice.Monthly},
			"every must be":                    {AreaCode: "110117", Kind: notice.KindFinance, Every: "weekly"},
			"the days after a period must be":  {AreaCode: "110117", Kind: notice.KindFinance, Every: notice.Monthly, DueDays: notice.MaxDueDays + 1},
			"malformed area code":              {AreaCode: "!", Kind: notice.KindFinance, Every: notice.Monthly},
		} {
			_, err = f.s.SetRule(ctx, f.admin, bad)
			wantMsg(t, err, why, "rule: "+why)
		}
		_, err = f.s.SetRule(ctx, f.admin, notice.Rule{AreaCode: "110117999", Kind: notice.KindFinance, Every: notice.Monthly})
		wantCode(t, err, errs.NotFound, "a rule of no area")
		for _, r := range []notice.Rule{
			{AreaCode: "110117", Kind: notice.KindVillageAffairs, Every: notice.Never},
			{AreaCode: "110117001", Kind: notice.KindVillageAffairs, Every: notice.Monthly, DueDays: 5},
			{AreaCode: "110117002", Kind: notice.KindFinance, Every: notice.Quarterly},
		} {
			_, err := f.s.SetRule(ctx, f.admin, r)
			must(t, err)
		}
		got := dues(t, f, f.admin)
		if _, ok := got["VC2 village_affairs"]; ok || len(got) != 3 {
			t.Errorf("none in 兴谷街道: %v", got)
		}
		if va := got["VC1 village_affairs"]; va.Every != notice.Monthly || va.Period != "2026-10" || !va.DueAt.Equal(time.Date(2026, 11, 6, 0, 0, 0, 0, clock.BusinessZone())) {
			t.Errorf("the nearer rule: %+v", va)
		}
		if fin := got["VC2 finance"]; fin.Every != notice.Quarterly || fin.Period != "2026-Q3" {
			t.Errorf("quarterly finance: %+v", fin)
		}
		rules, err := f.s.Rules(ctx)
		must(t, err)
		if len(rules) != 3 {
			t.Errorf("rules: %+v", rules)
		}
	})
}

// Amounts are fen in BIGINT, summed exactly and written as yuan with two
// decimals.
func TestFinanceAmounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, monday)
		lines, err := notice.ParseLines("土地承包费,收入,120000.50\n道路维修,支出,35000.05\n\n办公费，支出，0.1\n小额捐赠,收入,0.20\n")
		must(t, err)
		x := f.publish(t, f.village, notice.New{Kind: notice.KindFinance, Period: "2026-10", Title: "10月财务公开", Body: "收支明细如下。", Lines: lines})
		if len(x.Lines) != 4 || x.IncomeFen != 12000070 || x.ExpenseFen != 3500015 || x.Income != "120000.70" || x.Expense != "35000.15" || x.Balance != "85000.55" {
			t.Fatalf("totals: %+v", x)
		}
		if x.Lines[2].AmountFen != 10 || x.Lines[2].Amount != "0.10" || x.Lines[2].Direction != notice.Expense || x.Lines[3].Amount != "0.20" {
			t.Errorf("lines: %+v", x.Lines)
		}
		big := make([]notice.Line, notice.MaxLines)
		for i := range big {
			big[i] = notice.Line{Direction: notice.Income, Item: "大额", AmountFen: notice.MaxAmountFen}
		}
		x = f.publish(t, f.village, notice.New{Kind: notice.KindFinance, Period: "2026-11", Title: "大额", Body: "大额", Lines: big})
		if x.IncomeFen != notice.MaxLines*notice.MaxAmountFen || x.Income != "2000000000000000.00" {
			t.Errorf("the largest table: %d %s", x.IncomeFen, x.Income)
		}
		_, err = f.s.Create(ctx, f.village, notice.New{Kind: notice.KindFinance, AreaCode: villageArea, Period: "2026-11", Title: "过多", Body: "过多", Lines: append(big, big[0])})
		wantMsg(t, err, "at most 200 lines", "one line too many")
		big[0].AmountFen++
		_, err = f.s.Create(ctx, f.village, notice.New{Kind: notice.KindFinance, AreaCode: villageArea, Period: "2026-11", Title: "过大", Body: "过大", Lines: big[:1]})
		wantMsg(t, err, "line 1: the amount must be above 0", "an amount too large")
		for _, bad := range []string{"租金,收入", "租金,借入,1", "租金,收入,1.234", "租金,收入,-1", "租金,收入,1,000"} {
			if _, err := notice.ParseLines(bad); err == nil {
				t.Errorf("ParseLines(%q) passed", bad)
			}
		}
	})
}

func TestYuan(t *testing.T) {
	for fen, want := range map[int64]string{0: "0.00", 5: "0.05", 10: "0.10", 123450: "1234.50", -5: "-0.05", -100: "-1.00",
		math.MaxInt64: "92233720368547758.07", math.MinInt64: "-92233720368547758.08"} {
		if got := notice.Yuan(fen); got != want {
			t.Errorf("Yuan(%d) = %s, want %s", fen, got, want)
		}
	}
	for s, want := range map[string]int64{"1234.5": 123450, "0.05": 5, "12": 1200, " 7.00 ": 700, "9999999999999.99": 999999999999999} {
		if got, err := notice.ParseYuan(s); err != nil || got != want {
			t.Errorf("ParseYuan(%q) = %d %v, want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "1.234", "-1", "1,000", ".5", "5.", "1e3", "10000000000000", "一百", "0x10"} {
		if _, err := notice.ParseYuan(s); err == nil {
			t.Errorf("ParseYuan(%q) passed", s)
		}
	}
}
