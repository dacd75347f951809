package themes_test

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
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/insight/themes"
	"github.com/gongzhi/gongzhi/internal/proposal"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// November's requests: eight about street lights that do not light, in
// two communities of two streets (one resident twice), five about noise in
// two others, and singles about anything else.
var lights = []string{
	"小区门口的路灯不亮了，晚上很黑", "路灯坏了不亮，夜里走路看不见", "街上路灯一直不亮，请尽快修理",
	"楼下路灯不亮已经一周了", "路灯不亮，晚上出行不安全", "我们这里的路灯晚上不亮",
	"路灯又不亮了，上次修好没几天", "东门路灯不亮，老人晚上摔倒了",
}

var noise = []string{
	"楼下饭馆夜里噪音扰民，吵得睡不着", "邻居装修噪音扰民，周末一早就开始", "广场舞音响噪音扰民，影响休息",
	"工地夜间施工噪音扰民", "酒吧噪音扰民到凌晨",
}

var singles = []string{
	"小区垃圾桶满了没人清运", "自来水水压太低", "公交站牌被撞倒了",
	"孩子入学政策咨询", "暖气不热，室温只有十五度", "井盖丢失，有安全隐患",
}

type fixture struct {
	svc                           *themes.Service
	eval                          *evaluation.Service
	admin, supervisor, dispatcher auth.User
	streetDispatcher, handler     auth.User
	d                             *db.DB
	g                             *gov.Service
	ts                            *ticket.Service
	c                             *clock.Fixed
}

func setup(t *testing.T, d *db.DB) *fixture {
	ctx := context.Background()
	c := clock.NewFixed(time.Date(2026, 12, 2, 9, 30, 0, 0, clock.BusinessZone()))
	g := gov.NewService(d, c)
	for _, a := range []gov.Area{
		{Code: "110117", Name: "平谷区", Level: gov.LevelDistrict},
		{Code: "110117001", ParentCode: "110117", Name: "滨河街道", Level: gov.LevelStreet},
		{Code: "110117001001", ParentCode: "110117001", Name: "承平里社区", Level: gov.LevelCommunity},
		{Code: "110117001002", ParentCode: "110117001", Name: "西寺渠社区", Level: gov.LevelCommunity},
		{Code: "110117002", ParentCode: "110117", Name: "兴谷街道", Level: gov.LevelStreet},
		{Code: "110117002001", ParentCode: "110117002", Name: "新谷社区", Level: gov.LevelCommunity},
		{Code: "110117002002", ParentCode: "110117002", Name: "平翔社区", Level: gov.LevelCommunity},
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
		{Code: "03", Name: "其他", Active: true},
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
	ev := evaluation.NewService(d, c, g, log)
	f := &fixture{svc: themes.NewService(d, c, g, ts, ev), eval: ev, d: d, g: g, ts: ts, c: c}
	f.admin = mk(auth.NewUser{Username: "root", Role: auth.RoleAdmin})
	f.supervisor = mk(auth.NewUser{Username: "sup", Role: auth.RoleSupervisor, OrgCode: "HOT", AreaCode: "110117"})
	f.dispatcher = mk(auth.NewUser{Username: "disp", Role: auth.RoleDispatcher, OrgCode: "HOT", AreaCode: "110117"})
	f.streetDispatcher = mk(auth.NewUser{Username: "disp1", Role: auth.RoleDispatcher, OrgCode: "S1", AreaCode: "110117001"})
	f.handler = mk(auth.NewUser{Username: "handler1", Role: auth.RoleHandler, OrgCode: "S1", AreaCode: "110117001"})
	f.seed(t)
	return f
}

func (f *fixture) seed(t *testing.T) {
	var batch []ticket.ImportTicket
	add := func(at time.Time, text, cat, area, org, phone string) {
		tk := ticket.Ticket{Kind: ticket.KindHelp, Status: ticket.StatusDispatched, CategoryCode: cat, AreaCode: area,
			Description: text, Channel: ticket.ChannelHotline, AssignedOrgCode: org, ReporterPhone: phone,
			CreatedAt: at, UpdatedAt: at, Version: 2}
		batch = append(batch, ticket.ImportTicket{Ticket: tk, Events: []ticket.ImportEvent{
			{Event: ticket.Event{Seq: 1, At: at, Action: ticket.ActionCreate, ToStatus: ticket.StatusRegistered}},
			{Event: ticket.Event{Seq: 2, At: at, Action: ticket.ActionDispatch, FromStatus: ticket.StatusRegistered, ToStatus: ticket.StatusDispatched}},
		}})
	}
	nov := time.Date(2026, 11, 1, 8, 0, 0, 0, clock.BusinessZone())
	for i, text := range lights {
		area, org := "110117001001", "S1"
		if i%2 == 1 {
			area, org = "110117002001", "S2"
		}
		phone := fmt.Sprintf("1390000%04d", i)
		if i == 7 {
			phone = "13900000000" // the first resident again
		}
		add(nov.Add(time.Duration(i)*50*time.Hour), text, "0101", area, org, phone)
	}
	for i, text := range noise {
		area := "110117001002"
		if i >= 2 {
			area = "110117002002"
		}
		add(nov.Add(time.Duration(i)*70*time.Hour+time.Hour), text, "0201", area, "PS", fmt.Sprintf("1370000%04d", i))
	}
	for i, text := range singles {
		add(nov.Add(time.Duration(i)*90*time.Hour+2*time.Hour), text, "03", "110117002002", "S2", fmt.Sprintf("1360000%04d", i))
	}
	// October's lights are October's.
	add(nov.Add(-72*time.Hour), "路灯不亮，晚上很黑", "0101", "110117001001", "S1", "13500000000")
	_, err := f.ts.ImportBatch(context.Background(), auth.System(), batch)
	must(t, err)
}

// The month's two recurring problems come first with their counts,
// residents and areas; the singles make no theme; the month asked for
// defaults to the last complete one.
func TestMonthThemes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		m, err := f.svc.Themes(ctx, f.supervisor, "")
		must(t, err)
		if m.Month != "2026-11" || m.Partial || m.Tickets != len(lights)+len(noise)+len(singles) {
			t.Fatalf("month %s partial %v tickets %d", m.Month, m.Partial, m.Tickets)
		}
		checkTwo(t, m)
		l := m.Items[0]
		if l.Residents != 7 || l.RepeatRate != 0.25 {
			t.Errorf("lights: residents %d, repeat rate %v; want 7, 0.25", l.Residents, l.RepeatRate)
		}
		if len(l.Areas) != 2 || l.Areas[0].Count != 4 || l.Areas[1].Count != 4 || l.Areas[0].Name != "承平里社区" {
			t.Errorf("lights' areas %+v", l.Areas)
		}
		if len(l.Units) != 2 || l.Units[0].Code != "S1" || len(l.Categories) != 1 || l.Categories[0].Name != "路灯" {
			t.Errorf("lights' units %+v categories %+v", l.Units, l.Categories)
		}
		if len(l.Sample) != 8 || !strings.HasPrefix(l.Sample[0], "202611") || l.FirstAt.After(l.LastAt) {
			t.Errorf("lights' sample %v, %v–%v", l.Sample, l.FirstAt, l.LastAt)
		}
		if n := m.Items[1]; n.Residents != 5 || n.RepeatRate != 0 || len(n.Units) != 1 || n.Units[0].Code != "PS" {
			t.Errorf("noise %+v", n)
		}
		again, err := f.svc.Themes(ctx, f.admin, "2026-11")
		must(t, err)
		if len(again.Items) == 0 || again.Items[0].ID != l.ID {
			t.Errorf("the id changed: %+v", again.Items)
		}

		// A street's dispatcher sees her street's half.
		st, err := f.svc.Themes(ctx, f.streetDispatcher, "2026-11")
		must(t, err)
		if len(st.Items) == 0 || st.Items[0].Tickets != 4 || !strings.Contains(st.Items[0].Label, "路灯") {
			t.Errorf("the street's themes %+v", st.Items)
		}
		if _, err := f.svc.Themes(ctx, f.handler, "2026-11"); !errs.Is(err, errs.Forbidden) {
			t.Errorf("a handler read themes: %v", err)
		}
		if _, err := f.svc.Themes(ctx, f.supervisor, "2026-13"); !errs.Is(err, errs.Invalid) {
			t.Errorf("a bad month: %v", err)
		}
		if m, err := f.svc.Themes(ctx, f.supervisor, "2026-12"); err != nil || !m.Partial || len(m.Items) != 0 {
			t.Errorf("December: %+v %v", m, err)
		}
	})
}

// checkTwo: the lights first, then the noise, and nothing else.
func checkTwo(t *testing.T, m themes.Month) {
	t.Helper()
	if len(m.Items) != 2 {
		t.Fatalf("themes %+v", m.Items)
	}
	if l := m.Items[0]; l.Tickets != len(lights) || !strings.Contains(strings.Join(l.Words, " "), "路灯") {
		t.Errorf("first theme %s: %d tickets %v", l.Label, l.Tickets, l.Words)
	}
	if n := m.Items[1]; n.Tickets != len(noise) || !strings.Contains(strings.Join(n.Words, " "), "噪音") {
		t.Errorf("second theme %s: %d tickets %v", n.Label, n.Tickets, n.Words)
	}
}

// A month larger than the sample: the sample finds the themes, and the
// other tickets join them by their words.
func TestSampledMonth(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		defer func(n int) { themes.SampleSize = n }(themes.SampleSize)
		themes.SampleSize = 12
		m, err := f.svc.Themes(context.Background(), f.supervisor, "2026-11")
		must(t, err)
		if m.Sampled != 12 {
			t.Errorf("sampled %d", m.Sampled)
		}
		checkTwo(t, m)
	})
}

// A supervisor turns a theme into a task for the unit that handled most
// of it; a dispatcher may not.
func TestRectify(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		m, err := f.svc.Themes(ctx, f.supervisor, "2026-11")
		must(t, err)
		id := m.Items[0].ID
		if _, err := f.svc.Rectify(ctx, f.dispatcher, id, themes.ToRect{Month: "2026-11", Due: "2026-12-31"}); !errs.Is(err, errs.Forbidden) {
			t.Errorf("a dispatcher set a task: %v", err)
		}
		if _, err := f.svc.Rectify(ctx, f.supervisor, "nope", themes.ToRect{Month: "2026-11", Due: "2026-12-31"}); !errs.Is(err, errs.NotFound) {
			t.Errorf("no such theme: %v", err)
		}
		r, err := f.svc.Rectify(ctx, f.supervisor, id, themes.ToRect{Month: "2026-11", Due: "2026-12-31"})
		must(t, err)
		if r.OrgCode != "S1" || !strings.Contains(r.Title, "每月一题") || !strings.Contains(r.Reason, "8 件工单") {
			t.Errorf("task %+v", r)
		}
		list, _, err := f.eval.Rectifications(ctx, f.supervisor, evaluation.RectFilter{})
		must(t, err)
		if len(list) != 1 || list[0].ID != r.ID {
			t.Errorf("tasks %+v", list)
		}
	})
}

// Three who ask for the same month at once get the one answer.
func TestConcurrentAsks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		out := make(chan themes.Month, 3)
		for i := 0; i < 3; i++ {
			go func() {
				m, err := f.svc.Themes(context.Background(), f.supervisor, "2026-11")
				if err != nil {
					t.Error(err)
				}
				out <- m
			}()
		}
		for i := 0; i < 3; i++ {
			checkTwo(t, <-out)
		}
	})
}

// A supervisor puts a theme to the residents as a proposal raised for a
// resident of its area: the proposal records the theme and links its
// tickets; a handler sees no themes, and a proposal is always a resident's.
func TestPropose(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		m, err := f.svc.Themes(ctx, f.supervisor, "2026-11")
		must(t, err)
		th := m.Items[0]
		in := themes.ToProposal{Month: "2026-11", OnBehalfOf: "13911112222"}
		if _, err := f.svc.Propose(ctx, f.supervisor, th.ID, in); !errs.Is(err, errs.Forbidden) {
			t.Errorf("proposed with proposals not running: %v", err)
		}
		ps := proposal.NewService(d, f.c, f.g)
		ps.SetTicketReader(func(ctx context.Context, u auth.User, number string) (string, error) {
			x, err := f.ts.Get(ctx, u, number)
			return x.ReporterPhone, err
		})
		f.svc.SetProposals(ps)
		if _, err := f.svc.Propose(ctx, f.handler, th.ID, in); !errs.Is(err, errs.Forbidden) {
			t.Errorf("a handler proposed: %v", err)
		}
		if _, err := f.svc.Propose(ctx, f.supervisor, th.ID, themes.ToProposal{Month: "2026-11"}); !errs.Is(err, errs.Forbidden) {
			t.Errorf("proposed for nobody: %v", err)
		}
		if _, err := f.svc.Propose(ctx, f.supervisor, th.ID, in); !errs.Is(err, errs.Forbidden) {
			t.Errorf("proposed for someone who does not live there: %v", err)
		}
		area := th.Areas[0].Code
		_, err = ps.VerifyResident(ctx, f.supervisor, area, in.OnBehalfOf)
		must(t, err)
		p, err := f.svc.Propose(ctx, f.supervisor, th.ID, in)
		must(t, err)
		want := len(th.Sample)
		if want > proposal.MaxTickets {
			want = proposal.MaxTickets
		}
		if p.Theme != "2026-11 "+th.Label || p.AreaCode != area || p.Level != gov.LevelCommunity ||
			!strings.HasPrefix(p.Title, "每月一题：") || len(p.Tickets) != want || want == 0 || p.Status != proposal.StatusCollecting {
			t.Errorf("proposal %+v", p)
		}
		got, err := ps.Get(ctx, f.supervisor, p.Number)
		must(t, err)
		if got.Theme != p.Theme || strings.Join(got.Tickets, ",") != strings.Join(th.Sample[:want], ",") {
			t.Errorf("read back %+v", got)
		}
	})
}
