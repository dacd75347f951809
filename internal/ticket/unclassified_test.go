package ticket_test

import (
	"context"
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// A resident who does not know the category leaves it to the staff: the
// ticket waits in the dispatchers' queue, even where a catch-all rule would
// have sent it on, and is dispatched once a dispatcher has classified it.
// Staff filing for someone choose a category.
func TestUnclassifiedReachesTheDispatcher(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		must(t, f.tickets.UpsertRule(ctx, ticket.Rule{AreaCode: "110117002", OrgCode: "S2"})) // any category in 兴谷街道
		in := ticket.NewTicket{Description: "楼道里有个东西一直响，不知道归谁管", AreaCode: "110117002001"}
		tk, err := f.tickets.Create(ctx, &f.resident, in)
		must(t, err)
		if tk.CategoryCode != "" || tk.Status != ticket.StatusRegistered || tk.AssignedOrgCode != "" {
			t.Fatalf("unclassified: %+v", tk)
		}
		guest := in
		guest.ReporterPhone = "13912345678"
		gt, err := f.tickets.Create(ctx, nil, guest)
		must(t, err)
		if gt.Status != ticket.StatusRegistered {
			t.Fatalf("guest's unclassified ticket: %s", gt.Status)
		}
		if _, err := f.tickets.Create(ctx, &f.agent, guest); !errs.Is(err, errs.Invalid) {
			t.Fatalf("an agent files without a category: %v", err)
		}
		for _, u := range []struct {
			name string
			page func() (ticket.Page, error)
		}{
			{"district", func() (ticket.Page, error) {
				return f.tickets.List(ctx, f.dispatcher, ticket.Filter{Status: ticket.StatusRegistered})
			}},
			{"street", func() (ticket.Page, error) {
				return f.tickets.List(ctx, f.streetDispatcher, ticket.Filter{Status: ticket.StatusRegistered})
			}},
		} {
			page, err := u.page()
			must(t, err)
			if len(page.Items) != 2 {
				t.Fatalf("%s dispatcher's queue holds %d tickets, want 2", u.name, len(page.Items))
			}
		}
		notes, err := f.tickets.Notifications(ctx, f.streetDispatcher, 10)
		must(t, err)
		if len(notes) != 2 || notes[0].Kind != "classify" {
			t.Fatalf("street dispatcher's notifications: %+v", notes)
		}
		if _, err := f.tickets.Act(ctx, f.streetDispatcher, tk.Number, ticket.ActionDispatch, ticket.ActionInput{OrgCode: "S2"}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("dispatch without a category: %v", err)
		}
		_, err = f.tickets.Act(ctx, f.streetDispatcher, tk.Number, ticket.ActionDispatch, ticket.ActionInput{OrgCode: "S2", CategoryCode: "01"})
		must(t, err)
		got, err := f.tickets.Get(ctx, f.streetDispatcher, tk.Number)
		must(t, err)
		if got.Status != ticket.StatusDispatched || got.CategoryCode != "01" || got.AssignedOrgCode != "S2" {
			t.Fatalf("after dispatch: %s %q %s", got.Status, got.CategoryCode, got.AssignedOrgCode)
		}
		if _, err := f.tickets.Act(ctx, f.dispatcher, gt.Number, ticket.ActionDispatch, ticket.ActionInput{OrgCode: "S2", CategoryCode: "7777"}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("dispatch with an unknown category: %v", err)
		}
		cats, err := f.tickets.Categories(ctx)
		must(t, err)
		for _, c := range cats {
			if c.Code == "" {
				t.Fatal("the unclassified row is listed as a category")
			}
		}
	})
}

// Validate reports every problem of a form at once, by field; CheckNew
// (and the API) the first of them.
func TestValidateReportsEveryField(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		fe := f.tickets.Validate(ctx, nil, ticket.NewTicket{ReporterPhone: "123", CategoryCode: "9999"})
		want := []string{ticket.FieldCategory, ticket.FieldText, ticket.FieldPlace, ticket.FieldPhone}
		got := fe.Fields()
		if len(got) != len(want) {
			t.Fatalf("fields %v, want %v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("fields %v, want %v", got, want)
			}
		}
		err := f.tickets.CheckNew(ctx, nil, ticket.NewTicket{ReporterPhone: "123", CategoryCode: "9999"})
		if e := errs.As(err); e.Code != errs.Invalid || e.MsgEn != "unknown category 9999" {
			t.Fatalf("CheckNew: %v", err)
		}
		if fe := f.tickets.Validate(ctx, nil, ticket.NewTicket{Description: "路灯不亮", Address: "平谷大街1号", ReporterPhone: "13912345678"}); len(fe) != 0 {
			t.Fatalf("a good guest form: %v", fe.Fields())
		}
	})
}

// A resident's 待评价 count is her replied tickets; staff have none.
func TestAwaitingRating(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		tk, err := f.tickets.Create(ctx, &f.resident, ticket.NewTicket{CategoryCode: "0101", Description: "路面塌陷", AreaCode: "110117001001"})
		must(t, err)
		count := func() int {
			n, err := f.tickets.AwaitingRating(ctx, f.resident)
			must(t, err)
			return n
		}
		if n := count(); n != 0 {
			t.Fatalf("before the reply: %d", n)
		}
		for _, a := range []struct {
			u      auth.User
			action string
			in     ticket.ActionInput
		}{
			{f.deptHandler, ticket.ActionSign, ticket.ActionInput{}},
			{f.deptHandler, ticket.ActionContact, ticket.ActionInput{}},
			{f.deptHandler, ticket.ActionReply, ticket.ActionInput{ReplyText: "已修复", Resolved: boolp(true)}},
		} {
			_, err := f.tickets.Act(ctx, a.u, tk.Number, a.action, a.in)
			must(t, err)
		}
		if n := count(); n != 1 {
			t.Fatalf("after the reply: %d", n)
		}
		if n, _ := f.tickets.AwaitingRating(ctx, f.dispatcher); n != 0 {
			t.Fatalf("a dispatcher's count: %d", n)
		}
		_, err = f.tickets.Act(ctx, f.resident, tk.Number, ticket.ActionRate, ticket.ActionInput{Resolved: boolp(true), Satisfaction: ticket.Satisfied})
		must(t, err)
		if n := count(); n != 0 {
			t.Fatalf("after the rating: %d", n)
		}
	})
}
