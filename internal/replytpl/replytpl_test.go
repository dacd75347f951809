package replytpl_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/replytpl"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

type fixture struct {
	s                                   *replytpl.Service
	tickets                             *ticket.Service
	admin                               auth.User
	dispatcher, streetDispatcher, agent auth.User
	handler, otherHandler, resident     auth.User
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
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
	} {
		must(t, g.UpsertArea(ctx, a))
	}
	for _, o := range []gov.Org{
		{Code: "HOT", Name: "12345热线中心", Kind: gov.KindHotlineCenter, AreaCode: "110117"},
		{Code: "S1", Name: "滨河街道办事处", Kind: gov.KindStreetOffice, AreaCode: "110117001", Phone: "010-69961234"},
		{Code: "S2", Name: "兴谷街道办事处", Kind: gov.KindStreetOffice, AreaCode: "110117002"},
	} {
		must(t, g.UpsertOrg(ctx, o))
	}
	a := auth.NewService(d, c, g, nil, auth.Options{BcryptCost: 4, Demo: true})
	ts := ticket.NewService(d, c, g, nil)
	for _, cat := range []ticket.Category{
		{Code: "01", Name: "城市管理", Active: true},
		{Code: "0102", ParentCode: "01", Name: "街巷环境", Active: true},
		{Code: "09", Name: "其他", Active: true},
	} {
		must(t, ts.UpsertCategory(ctx, cat))
	}
	must(t, ts.UpsertRule(ctx, ticket.Rule{CategoryCode: "01", AreaCode: "110117001", OrgCode: "S1"}))
	mk := func(nu auth.NewUser) auth.User {
		nu.Password = "password-123"
		_, err := a.CreateUser(ctx, auth.System(), nu)
		must(t, err)
		s, err := a.Login(ctx, nu.Username, nu.Password, auth.KindAPI)
		must(t, err)
		return s.User
	}
	f := &fixture{s: replytpl.NewService(d, c, ts, g), tickets: ts, admin: auth.System()}
	f.dispatcher = mk(auth.NewUser{Username: "disp", Role: auth.RoleDispatcher, OrgCode: "HOT", AreaCode: "110117"})
	f.streetDispatcher = mk(auth.NewUser{Username: "disp2", Role: auth.RoleDispatcher, OrgCode: "S2", AreaCode: "110117002"})
	f.agent = mk(auth.NewUser{Username: "agent", Role: auth.RoleAgent, OrgCode: "HOT", AreaCode: "110117"})
	f.handler = mk(auth.NewUser{Username: "handler1", Role: auth.RoleHandler, OrgCode: "S1", AreaCode: "110117001"})
	f.otherHandler = mk(auth.NewUser{Username: "handler2", Role: auth.RoleHandler, OrgCode: "S2", AreaCode: "110117002"})
	code, err := a.RequestCode(ctx, "13800138000")
	must(t, err)
	s, err := a.LoginWithCode(ctx, "13800138000", code, auth.KindAPI)
	must(t, err)
	f.resident = s.User
	return f
}

// Each role keeps the templates policy.go gives it, and no others: a
// create, a change and a delete are tried for every role and unit.
func TestWhoKeepsWhich(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		for _, c := range []struct {
			who  string
			u    auth.User
			org  string
			want bool
		}{
			{"admin/district", f.admin, "", true},
			{"admin/unit", f.admin, "S2", true},
			{"handler/own unit", f.handler, "S1", true},
			{"handler/other unit", f.handler, "S2", false},
			{"handler/district", f.handler, "", false},
			{"dispatcher/district", f.dispatcher, "", true},
			{"dispatcher/unit", f.dispatcher, "S1", false},
			{"street dispatcher/district", f.streetDispatcher, "", false},
			{"agent/district", f.agent, "", false},
			{"agent/own unit", f.agent, "HOT", false},
			{"resident/district", f.resident, "", false},
		} {
			if got := replytpl.CanEdit(c.u, c.org); got != c.want {
				t.Errorf("%s: CanEdit %v, want %v", c.who, got, c.want)
			}
			tp, err := f.s.Create(ctx, c.u, replytpl.Template{OrgCode: c.org, Name: "模板 " + c.who, Body: "您好，{编号}已办理。"})
			if c.want != (err == nil) {
				t.Fatalf("%s: create: %v", c.who, err)
			}
			if !c.want {
				if !errs.Is(err, errs.Forbidden) {
					t.Errorf("%s: create refused with %v, want 403", c.who, err)
				}
				continue
			}
			// Every other role may change or delete it only if it may create it.
			for _, o := range []auth.User{f.handler, f.otherHandler, f.dispatcher, f.streetDispatcher, f.agent, f.resident} {
				upd := tp
				upd.Body = "改过的"
				_, err := f.s.Update(ctx, o, upd)
				if replytpl.CanEdit(o, c.org) != (err == nil) {
					t.Errorf("%s: update by %s: %v", c.who, o.Username+string(o.Role), err)
				}
				if err == nil {
					continue
				}
				if err := f.s.Delete(ctx, o, tp.ID); err == nil {
					t.Errorf("%s: deleted by %s", c.who, o.Username+string(o.Role))
				}
			}
			must(t, f.s.Delete(ctx, c.u, tp.ID))
			if _, err := f.s.Get(ctx, c.u, tp.ID); !errs.Is(err, errs.NotFound) {
				t.Errorf("%s: after delete: %v", c.who, err)
			}
		}
		// A handler may not move her template to another unit.
		tp, err := f.s.Create(ctx, f.handler, replytpl.Template{OrgCode: "S1", Name: "一", Body: "正文"})
		must(t, err)
		tp.OrgCode = "S2"
		if _, err := f.s.Update(ctx, f.handler, tp); !errs.Is(err, errs.Invalid) {
			t.Errorf("moved to another unit: %v", err)
		}
		// The other unit's handler does not even see it; the list shows the
		// district's and one's own.
		if _, err := f.s.Get(ctx, f.otherHandler, tp.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("other unit reads it: %v", err)
		}
		_, err = f.s.Create(ctx, f.dispatcher, replytpl.Template{Name: "通用", Body: "正文"})
		must(t, err)
		for u, want := range map[*auth.User]string{&f.handler: "通用 一", &f.otherHandler: "通用", &f.admin: "通用 一"} {
			list, err := f.s.List(ctx, *u)
			must(t, err)
			if got := names(list); got != want {
				t.Errorf("%s lists %q, want %q", u.Username, got, want)
			}
		}
		if _, err := f.s.List(ctx, f.resident); !errs.Is(err, errs.Forbidden) {
			t.Errorf("resident lists: %v", err)
		}
	})
}

func names(list []replytpl.Template) string {
	var out []string
	for _, t := range list {
		out = append(out, t.Name)
	}
	return strings.Join(out, " ")
}

// Names, bodies, placeholders, references and the count are checked at
// save, with messages in both languages; nothing is written on a refusal.
func TestValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		ok := replytpl.Template{OrgCode: "S1", Name: "路面修复", Body: "{诉求人称呼}您好：您反映的{地点}问题已处理。"}
		for _, c := range []struct {
			why  string
			edit func(*replytpl.Template)
			code errs.Code
			want string // in both messages
		}{
			{"empty name", func(t *replytpl.Template) { t.Name = "  " }, errs.Invalid, "40"},
			{"long name", func(t *replytpl.Template) { t.Name = strings.Repeat("名", 41) }, errs.Invalid, "40"},
			{"two-line name", func(t *replytpl.Template) { t.Name = "a\nb" }, errs.Invalid, "40"},
			{"long body", func(t *replytpl.Template) { t.Body = strings.Repeat("字", 2001) }, errs.Invalid, "2000"},
			{"unknown placeholder", func(t *replytpl.Template) { t.Body = "{姓名}您好" }, errs.Invalid, "{姓名}"},
			{"phone placeholder", func(t *replytpl.Template) { t.Body = "请拨打{电话}" }, errs.Invalid, "{答复日期}"},
			{"stray brace", func(t *replytpl.Template) { t.Body = "您好} 已办结" }, errs.Invalid, "{编号}"},
			{"unclosed brace", func(t *replytpl.Template) { t.Body = "您好 {编号" }, errs.Invalid, "{编号"},
			{"unknown category", func(t *replytpl.Template) { t.CategoryCode = "77" }, errs.Invalid, "77"},
			{"unknown unit", func(t *replytpl.Template) { t.OrgCode = "NOPE" }, errs.Invalid, "NOPE"},
		} {
			tp := ok
			c.edit(&tp)
			_, err := f.s.Create(ctx, f.admin, tp)
			var e *errs.Error
			if !errs.Is(err, c.code) || !errorsAs(err, &e) {
				t.Errorf("%s: %v, want %s", c.why, err, c.code)
				continue
			}
			if c.want != "" && (!strings.Contains(e.Msg, c.want) || !strings.Contains(e.MsgEn, c.want)) {
				t.Errorf("%s: %q / %q lack %q", c.why, e.Msg, e.MsgEn, c.want)
			}
		}
		if _, err := f.s.Create(ctx, f.handler, replytpl.Template{OrgCode: "S1", Name: "x", Body: "{编号}", CategoryCode: "99"}); !errs.Is(err, errs.Invalid) {
			t.Errorf("handler, unknown category: %v", err)
		}
		list, err := f.s.List(ctx, f.admin)
		must(t, err)
		if len(list) != 0 {
			t.Fatalf("refusals wrote %d templates", len(list))
		}
		// Every placeholder is accepted, and a name is unique in its unit.
		all := ok
		for _, p := range replytpl.Placeholders {
			all.Body += "{" + p.Name + "}"
		}
		_, err = f.s.Create(ctx, f.handler, all)
		must(t, err)
		if _, err := f.s.Create(ctx, f.handler, ok); !errs.Is(err, errs.Conflict) {
			t.Errorf("same name twice: %v", err)
		}
		ok.OrgCode = ""
		_, err = f.s.Create(ctx, f.dispatcher, ok) // the district may have its own of that name
		must(t, err)
		// At most 200 per unit.
		var many []replytpl.Template
		for i := 1; i < replytpl.MaxPerUnit; i++ {
			many = append(many, replytpl.Template{ID: fmt.Sprintf("t%03d", i), OrgCode: "S1", Name: fmt.Sprintf("模板%d", i), Body: "正文"})
		}
		must(t, f.s.Import(ctx, many))
		if _, err := f.s.Create(ctx, f.handler, replytpl.Template{OrgCode: "S1", Name: "第201个", Body: "正文"}); !errs.Is(err, errs.Conflict) {
			t.Errorf("201st template: %v", err)
		}
		if _, err := f.s.Create(ctx, f.otherHandler, replytpl.Template{OrgCode: "S2", Name: "别的单位", Body: "正文"}); err != nil {
			t.Errorf("another unit's first: %v", err)
		}
	})
}

func errorsAs(err error, e **errs.Error) bool {
	x, ok := err.(*errs.Error)
	if ok {
		*e = x
	}
	return ok
}

// A ticket's templates: the unit's for its category first, then the
// category's (the nearer first), then the unit's, then the district's;
// another unit's and another category's never; each rendered for the
// ticket with the reporter addressed without her full name or phone.
func TestTemplatesForATicket(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		tk, err := f.tickets.Create(ctx, &f.resident, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: "0102",
			Description: "楼下垃圾三天没人清运", AreaCode: "110117001001", Address: "承平里3号楼2单元501室 电话13912345678", ReporterName: "王芳"})
		must(t, err)
		tk, err = f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionSign, ticket.ActionInput{})
		must(t, err)
		body := "{诉求人称呼}您好：您于{受理时间}反映的{地点}{诉求分类}问题（{编号}）由{承办单位}办理，电话{单位电话}，时限{办结时限}。{答复日期}"
		for _, tp := range []struct {
			u              auth.User
			org, cat, name string
		}{
			{f.dispatcher, "", "", "G 通用"},
			{f.dispatcher, "", "01", "GC 城市管理"},
			{f.dispatcher, "", "0102", "GCC 街巷环境"},
			{f.dispatcher, "", "09", "其他分类"},
			{f.handler, "S1", "", "U 本单位"},
			{f.handler, "S1", "01", "UC 本单位城市管理"},
			{f.otherHandler, "S2", "", "别的单位"},
		} {
			_, err := f.s.Create(ctx, tp.u, replytpl.Template{OrgCode: tp.org, CategoryCode: tp.cat, Name: tp.name, Body: body})
			must(t, err)
		}
		list, err := f.s.Templates(ctx, f.handler, tk)
		must(t, err)
		var got []string
		for _, r := range list {
			got = append(got, r.Name)
		}
		if want := "UC 本单位城市管理,GCC 街巷环境,GC 城市管理,U 本单位,G 通用"; strings.Join(got, ",") != want {
			t.Fatalf("order %q, want %q", strings.Join(got, ","), want)
		}
		want := "王女士/先生您好：您于2026年12月2日 09:30反映的承平里3号楼2单元***室 电话139****5678街巷环境问题（" + tk.Number +
			"）由滨河街道办事处办理，电话010-69961234，时限" + dateOf(*tk.DueCompleteAt) + "。2026年12月2日"
		if list[0].Text != want || len(list[0].Missing) != 0 {
			t.Errorf("rendered %q (missing %v),\nwant     %q", list[0].Text, list[0].Missing, want)
		}
		if strings.Contains(list[0].Text, "王芳") || strings.Contains(list[0].Text, "13912345678") || strings.Contains(list[0].Text, "13800138000") {
			t.Errorf("personal data in the reply: %q", list[0].Text)
		}
		// The dispatcher, of no unit's templates here, gets the district's;
		// another unit's handler may not read the ticket at all.
		list, err = f.s.Templates(ctx, f.dispatcher, tk)
		must(t, err)
		if len(list) != 3 || list[0].Name != "GCC 街巷环境" {
			t.Errorf("dispatcher's: %+v", list)
		}
		if _, err := f.s.Templates(ctx, f.otherHandler, tk); !errs.Is(err, errs.Forbidden) {
			t.Errorf("other unit: %v", err)
		}
		if _, _, err := f.s.ForTicket(ctx, f.resident, tk.Number); err == nil {
			t.Errorf("a resident reads templates")
		}
		// A confidential reporter is 市民; a consultation with no address is
		// placed by its area, answered in the agent's unit's name, and what
		// it lacks is left empty and named.
		tk2, err := f.tickets.Create(ctx, &f.agent, ticket.NewTicket{Kind: ticket.KindConsultation, CategoryCode: "09", Channel: ticket.ChannelHotline,
			Description: "咨询居住证办理", AreaCode: "110117002", ReporterName: "李四", ReporterPhone: "13700001111", Confidential: true})
		must(t, err)
		_, list, err = f.s.ForTicket(ctx, f.agent, tk2.Number)
		must(t, err)
		if len(list) != 2 || list[0].Name != "其他分类" {
			t.Fatalf("consultation's: %+v", list)
		}
		if !strings.HasPrefix(list[0].Text, "市民您好") || !strings.Contains(list[0].Text, "兴谷街道其他问题") ||
			!strings.Contains(list[0].Text, "由12345热线中心办理") || strings.Join(list[0].Missing, ",") != "单位电话,办结时限" {
			t.Errorf("confidential consultation: %q missing %v", list[0].Text, list[0].Missing)
		}
	})
}

func dateOf(t time.Time) string {
	t = t.In(clock.BusinessZone())
	return fmt.Sprintf("%d年%d月%d日 %02d:%02d", t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute())
}

func TestSalutation(t *testing.T) {
	for name, want := range map[string]string{
		"王芳": "王女士/先生", "王女士": "王女士", "李先生": "李先生", "欧阳娜娜": "欧阳女士/先生", "张": "市民",
		"": "市民", "匿名": "市民", "Anna": "市民", "王*": "市民", "王小明明明": "市民",
	} {
		if got := replytpl.Salutation(name, false); got != want {
			t.Errorf("%q: %q, want %q", name, got, want)
		}
	}
	if got := replytpl.Salutation("王女士", true); got != replytpl.Generic {
		t.Errorf("confidential: %q", got)
	}
}

func TestFill(t *testing.T) {
	text, missing := replytpl.Fill("{编号}：{地点}{地点}。", map[string]string{"编号": "1"})
	if text != "1：。" || strings.Join(missing, ",") != "地点" {
		t.Errorf("%q %v", text, missing)
	}
}
