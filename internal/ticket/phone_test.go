package ticket_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// loginPhone logs a resident in with a one-time code to phone.
func loginPhone(t *testing.T, f *fixture, phone string) auth.User {
	t.Helper()
	ctx := context.Background()
	code, err := f.auth.RequestCode(ctx, phone)
	must(t, err)
	s, err := f.auth.LoginWithCode(ctx, phone, code, auth.KindAPI)
	must(t, err)
	return s.User
}

func numbers(p ticket.Page) []string {
	var out []string
	for _, t := range p.Items {
		out = append(out, t.Number)
	}
	return out
}

// A ticket the hotline enters for a phone is the resident's the moment she
// logs in with it: in her list, unmasked, hers to read and rate, confidential
// or not; another phone sees none of it.
func TestHotlineTicketIsHersByPhone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		hot, err := f.tickets.Create(ctx, &f.agent, ticket.NewTicket{CategoryCode: "0102", Description: "楼下垃圾没人收",
			AreaCode: "110117001001", ReporterName: "张奶奶", ReporterPhone: "+86 137-0013-7000", Channel: ticket.ChannelHotline})
		must(t, err)
		secret, err := f.tickets.Create(ctx, &f.agent, ticket.NewTicket{CategoryCode: "0102", Description: "举报邻居私搭乱建",
			AreaCode: "110117001001", ReporterName: "张小明", ReporterPhone: "13700137000", Confidential: true, Channel: ticket.ChannelHotline})
		must(t, err)
		_, err = f.tickets.Create(ctx, &f.agent, ticket.NewTicket{CategoryCode: "0102", Description: "别人的事",
			AreaCode: "110117001001", ReporterPhone: "13900139000", Channel: ticket.ChannelHotline})
		must(t, err)

		her := loginPhone(t, f, "137 0013 7000")
		page, err := f.tickets.List(ctx, her, ticket.Filter{})
		must(t, err)
		if got := numbers(page); len(got) != 2 || got[0] != secret.Number || got[1] != hot.Number {
			t.Fatalf("her list: %v, want %s %s", got, secret.Number, hot.Number)
		}
		for _, it := range page.Items {
			if it.ReporterMasked || it.ReporterPhone != "13700137000" {
				t.Fatalf("her own ticket is masked to her: %+v", it)
			}
		}
		got, err := f.tickets.Get(ctx, her, secret.Number)
		must(t, err)
		if got.Description != "举报邻居私搭乱建" {
			t.Fatalf("confidential ticket to its reporter: %+v", got)
		}
		// Another resident sees none of it.
		other, err := f.tickets.List(ctx, f.resident, ticket.Filter{})
		must(t, err)
		if len(other.Items) != 0 {
			t.Fatalf("another phone's list: %v", numbers(other))
		}
		if _, err := f.tickets.Get(ctx, f.resident, secret.Number); !errs.Is(err, errs.NotFound) {
			t.Fatalf("another phone opens her confidential ticket: %v", err)
		}
		// A guest who proved the phone (no account) lists the same.
		guest := auth.User{Role: auth.RoleResident, Phone: "13700137000"}
		gp, err := f.tickets.List(ctx, guest, ticket.Filter{})
		must(t, err)
		if len(gp.Items) != 2 {
			t.Fatalf("guest list: %v", numbers(gp))
		}
		// Family members on one phone: grouped by the reporter's name.
		names, err := f.tickets.ReporterNames(ctx, her)
		must(t, err)
		if strings.Join(names, ",") != "张奶奶,张小明" {
			t.Fatalf("names: %v", names)
		}
		one, err := f.tickets.List(ctx, her, ticket.Filter{ReporterName: "张奶奶"})
		must(t, err)
		if got := numbers(one); len(got) != 1 || got[0] != hot.Number {
			t.Fatalf("grandmother's list: %v", got)
		}
		// She rates the answer of the ticket the hotline entered.
		for _, a := range []string{ticket.ActionSign, ticket.ActionContact} {
			_, err := f.tickets.Act(ctx, f.handler, hot.Number, a, ticket.ActionInput{})
			must(t, err)
		}
		_, err = f.tickets.Act(ctx, f.handler, hot.Number, ticket.ActionReply, ticket.ActionInput{ReplyText: "已清运", Resolved: boolp(true)})
		must(t, err)
		n, err := f.tickets.AwaitingRating(ctx, her)
		must(t, err)
		if n != 1 {
			t.Fatalf("awaiting rating: %d", n)
		}
		if _, err := f.tickets.Act(ctx, f.resident, hot.Number, ticket.ActionRate, ticket.ActionInput{Resolved: boolp(true), Satisfaction: ticket.Satisfied}); err == nil {
			t.Fatal("another phone rated her ticket")
		}
		_, err = f.tickets.Act(ctx, her, hot.Number, ticket.ActionRate, ticket.ActionInput{Resolved: boolp(true), Satisfaction: ticket.Satisfied})
		must(t, err)
		notes, err := f.tickets.Notifications(ctx, her, 10)
		must(t, err)
		if len(notes) != 3 { // two filed, one replied
			t.Fatalf("her notifications: %+v", notes)
		}
	})
}

// Filing and replying send the reporter an SMS with the ticket's number and
// a link; a confidential ticket's says nothing of what it is about.
func TestFilingAndReplySMS(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		box := &smsBox{sent: map[string][]string{}}
		f.tickets.SetSMSSender(box)
		f.tickets.SetPublicURL("https://gz.example.cn/")
		open, err := f.tickets.Create(ctx, &f.agent, ticket.NewTicket{CategoryCode: "0102", Description: "楼道灯坏了",
			AreaCode: "110117001001", ReporterPhone: "13700137000", Channel: ticket.ChannelHotline})
		must(t, err)
		secret, err := f.tickets.Create(ctx, &f.agent, ticket.NewTicket{CategoryCode: "0102", Description: "举报某餐馆油烟",
			AreaCode: "110117001001", ReporterPhone: "13600136000", Confidential: true, Channel: ticket.ChannelHotline})
		must(t, err)
		_, err = f.tickets.Sweep(ctx)
		must(t, err)
		msg := box.sent["13700137000"]
		if len(msg) != 1 || !strings.Contains(msg[0], open.Number) || !strings.Contains(msg[0], "https://gz.example.cn/tickets/"+open.Number) ||
			!strings.Contains(msg[0], "街巷环境") {
			t.Fatalf("filing SMS: %q", msg)
		}
		sm := box.sent["13600136000"]
		if len(sm) != 1 || !strings.Contains(sm[0], "https://gz.example.cn/tickets/"+secret.Number) ||
			strings.Contains(sm[0], "街巷环境") || strings.Contains(sm[0], "油烟") {
			t.Fatalf("confidential filing SMS: %q", sm)
		}
		for _, a := range []string{ticket.ActionSign, ticket.ActionContact} {
			_, err := f.tickets.Act(ctx, f.handler, secret.Number, a, ticket.ActionInput{})
			must(t, err)
		}
		_, err = f.tickets.Act(ctx, f.handler, secret.Number, ticket.ActionReply, ticket.ActionInput{ReplyText: "已责令餐馆整改", Resolved: boolp(true)})
		must(t, err)
		_, err = f.tickets.Sweep(ctx)
		must(t, err)
		sm = box.sent["13600136000"]
		if len(sm) != 2 || !strings.Contains(sm[1], secret.Number) || !strings.Contains(sm[1], "https://gz.example.cn/tickets/"+secret.Number+"#rate") ||
			strings.Contains(sm[1], "整改") {
			t.Fatalf("reply SMS: %q", sm)
		}
	})
}

// Staff register a resident with no phone by her name and the last four of
// her ID card; the first event says it was done for her.
func TestProxyWithoutPhone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		in := ticket.NewTicket{CategoryCode: "0101", Description: "门口路面塌陷", AreaCode: "110117001001",
			ReporterName: "李奶奶", ReporterIDLast4: " 123x ", Channel: ticket.ChannelProxy}
		tk, err := f.tickets.Create(ctx, &f.handler, in)
		must(t, err)
		if tk.ReporterIDLast4 != "123X" || tk.ReporterPhone != "" || tk.Channel != ticket.ChannelProxy {
			t.Fatalf("proxy ticket: %+v", tk)
		}
		evs, err := f.tickets.Events(ctx, f.dispatcher, tk.Number)
		must(t, err)
		if len(evs) == 0 || evs[0].Action != ticket.ActionCreate || !strings.Contains(evs[0].Note, "代办") || evs[0].Actor != "handler1" {
			t.Fatalf("create event: %+v", evs)
		}
		seen, err := f.tickets.Get(ctx, f.dispatcher, tk.Number)
		must(t, err)
		if seen.ReporterIDLast4 != "123X" {
			t.Fatalf("dispatcher sees: %+v", seen)
		}
		page, err := f.tickets.List(ctx, f.dispatcher, ticket.Filter{})
		must(t, err)
		if len(page.Items) != 1 || page.Items[0].ReporterIDLast4 != "****" {
			t.Fatalf("list masks it: %+v", page.Items)
		}
		// The hotline may register her with no phone too, given her ID.
		_, err = f.tickets.Create(ctx, &f.agent, ticket.NewTicket{CategoryCode: "0101", Description: "同上",
			AreaCode: "110117001001", ReporterName: "李奶奶", ReporterIDLast4: "1234"})
		must(t, err)
		for name, bad := range map[string]struct {
			u  *auth.User
			in ticket.NewTicket
		}{
			"letters":  {&f.handler, ticket.NewTicket{ReporterName: "李奶奶", ReporterIDLast4: "12a4"}},
			"short":    {&f.handler, ticket.NewTicket{ReporterName: "李奶奶", ReporterIDLast4: "123"}},
			"no name":  {&f.handler, ticket.NewTicket{ReporterIDLast4: "1234"}},
			"resident": {&f.resident, ticket.NewTicket{ReporterName: "李奶奶", ReporterIDLast4: "1234"}},
			"guest":    {nil, ticket.NewTicket{ReporterName: "李奶奶", ReporterIDLast4: "1234", ReporterPhone: "13700137000"}},
		} {
			bad.in.CategoryCode, bad.in.Description, bad.in.AreaCode = "0101", "x", "110117001001"
			if _, err := f.tickets.Create(ctx, bad.u, bad.in); !errs.Is(err, errs.Invalid) {
				t.Errorf("%s: %v", name, err)
			}
		}
	})
}
