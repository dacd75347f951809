package ticket_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// A handler whose unit acts under an agreement (the grant auth fills in)
// reads and acts on the tickets of its scope only, reads in full only the
// fields it grants (and its reads are audited with them), lists only its
// scope; a duty's limit replaces the table's completion limit at signing,
// for tickets of normal urgency only.
func TestGrantScopeMaskingAndDuty(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		mk := func(area string, u ticket.Urgency) ticket.Ticket {
			tk, err := f.tickets.Create(ctx, &f.agent, ticket.NewTicket{Kind: ticket.KindHelp, CategoryCode: "0101", Urgency: u, Description: "路面塌陷一个大坑",
				AreaCode: area, Address: "承平里3号楼2单元501室", ReporterName: "张三", ReporterPhone: "13912345678"})
			must(t, err)
			if tk.AssignedOrgCode != "D-CG" {
				t.Fatalf("routed to %s", tk.AssignedOrgCode)
			}
			return tk
		}
		in, out, urgent := mk("110117001001", ticket.UrgencyNormal), mk("110117002001", ticket.UrgencyNormal), mk("110117001001", ticket.UrgencyUrgent)
		v := f.deptHandler
		v.Grant = &auth.Grant{Agreement: "A1", Areas: []string{"110117001"}, Categories: []string{"01"}, Phone: true}
		if _, err := f.tickets.Get(ctx, v, out.Number); !errs.Is(err, errs.Forbidden) || !strings.Contains(err.Error(), "agreement") {
			t.Fatalf("outside the grant's areas: %v", err)
		}
		if _, err := f.tickets.Act(ctx, v, out.Number, ticket.ActionSign, ticket.ActionInput{}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("act outside the grant: %v", err)
		}
		got, err := f.tickets.Get(ctx, v, in.Number)
		must(t, err)
		if got.ReporterPhone != "13912345678" || got.ReporterName != "张*" || strings.Contains(got.Address, "501") || !got.ReporterMasked {
			t.Fatalf("grant masking: %q %q %q", got.ReporterPhone, got.ReporterName, got.Address)
		}
		entries, err := f.auth.AuditLog(ctx, "ticket:"+in.Number, 10)
		must(t, err)
		if len(entries) != 1 || entries[0].Detail != "org D-CG: phone" {
			t.Fatalf("audit: %+v", entries)
		}
		page, err := f.tickets.List(ctx, v, ticket.Filter{})
		must(t, err)
		for _, it := range page.Items {
			if !strings.HasPrefix(it.AreaCode, "110117001") || it.ReporterName == "张三" || strings.Contains(it.Address, "501") {
				t.Fatalf("list beyond the grant: %+v", it)
			}
		}
		if len(page.Items) != 2 {
			t.Fatalf("list: %d items", len(page.Items))
		}
		// Outside its categories too.
		v.Grant.Categories = []string{"09"}
		if _, err := f.tickets.Get(ctx, v, in.Number); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("outside the grant's categories: %v", err)
		}
		v.Grant.Categories = nil

		f.tickets.SetDutyLimit(func(_ context.Context, org, cat string, _ time.Time) (ticket.Limit, bool, error) {
			return ticket.Limit{Amount: 2, Unit: ticket.WorkingHours}, org == "D-CG" && strings.HasPrefix(cat, "01"), nil
		})
		now := f.clock.Now()
		signed, err := f.tickets.Act(ctx, v, in.Number, ticket.ActionSign, ticket.ActionInput{})
		must(t, err)
		if signed.DueCompleteAt == nil || signed.DueCompleteAt.After(now.Add(4*time.Hour)) {
			t.Fatalf("the duty's 2 working hours: %v from %v", signed.DueCompleteAt, now)
		}
		signed, err = f.tickets.Act(ctx, v, urgent.Number, ticket.ActionSign, ticket.ActionInput{})
		must(t, err)
		lim, err := f.tickets.LimitsFor(ctx, "0101", ticket.KindHelp, ticket.UrgencyUrgent)
		must(t, err)
		if signed.DueCompleteAt == nil || !signed.DueCompleteAt.Equal(lim.Complete.Due(f.tickets.Calendar(), now)) {
			t.Fatalf("an urgent ticket keeps the table's limit: %v", signed.DueCompleteAt)
		}
	})
}
