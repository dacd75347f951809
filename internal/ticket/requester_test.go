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

const goodCode = "91350100M000100Y43"

func enterpriseTicket(kind ticket.RequesterKind, code string) ticket.NewTicket {
	return ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: "0102", Description: "厂区门口道路破损",
		AreaCode: "110117001001", RequesterKind: kind, CreditCode: code}
}

// An enterprise's request: its credit code checked and kept, shown to staff
// and its reporter but not to the public; the list filters by kind; its
// contact rates it as a resident would.
func TestEnterpriseRequester(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		res, err := f.tickets.Create(ctx, &f.resident, enterpriseTicket("", ""))
		must(t, err)
		if res.RequesterKind != ticket.RequesterResident || res.CreditCode != "" {
			t.Fatalf("default: %q %q", res.RequesterKind, res.CreditCode)
		}
		ent, err := f.tickets.Create(ctx, &f.resident, enterpriseTicket(ticket.RequesterEnterprise, " "+strings.ToLower(goodCode)+" "))
		must(t, err)
		if ent.RequesterKind != ticket.RequesterEnterprise || ent.CreditCode != goodCode {
			t.Fatalf("enterprise: %q %q", ent.RequesterKind, ent.CreditCode)
		}
		staff, err := f.tickets.Create(ctx, &f.agent, ticket.NewTicket{Kind: ticket.KindHelp, CategoryCode: "0102", Description: "企业来电",
			AreaCode: "110117001001", ReporterPhone: "13700137000", RequesterKind: ticket.RequesterEnterprise, CreditCode: "91110000600037341L"})
		must(t, err)

		for _, c := range []struct {
			name string
			in   ticket.NewTicket
			want string
		}{
			{"wrong check", enterpriseTicket(ticket.RequesterEnterprise, "91350100M000100Y44"), "校验位"},
			{"no code", enterpriseTicket(ticket.RequesterEnterprise, ""), "须填写统一社会信用代码"},
			{"code for a resident", enterpriseTicket(ticket.RequesterResident, goodCode), "居民诉求不填写"},
			{"code with no kind", enterpriseTicket("", goodCode), "居民诉求不填写"},
			{"unknown kind", enterpriseTicket("company", goodCode), "诉求主体"},
			{"letter O", enterpriseTicket(ticket.RequesterEnterprise, "91350100O000100Y43"), "大写字母"},
		} {
			_, err := f.tickets.Create(ctx, &f.resident, c.in)
			if e := errs.As(err); !errs.Is(err, errs.Invalid) || !strings.Contains(e.Msg, c.want) || e.MsgEn == "" {
				t.Errorf("%s: %v", c.name, err)
			}
			if fe := f.tickets.Validate(ctx, &f.resident, c.in); fe[ticket.FieldRequester] == nil {
				t.Errorf("%s: Validate %v", c.name, fe.Fields())
			}
		}

		got, err := f.tickets.Get(ctx, f.dispatcher, ent.Number)
		must(t, err)
		if got.CreditCode != goodCode || got.RequesterKind != ticket.RequesterEnterprise {
			t.Fatalf("staff read: %q %q", got.RequesterKind, got.CreditCode)
		}
		if got, err := f.tickets.Get(ctx, f.resident, ent.Number); err != nil || got.CreditCode != goodCode {
			t.Fatalf("reporter read: %q %v", got.CreditCode, err)
		}
		pub, err := f.tickets.PublicGet(ctx, ent.Number)
		must(t, err)
		if pub.CreditCode != "" || pub.RequesterKind != ticket.RequesterEnterprise {
			t.Fatalf("public: %q %q", pub.RequesterKind, pub.CreditCode)
		}

		count := func(k ticket.RequesterKind) []string {
			p, err := f.tickets.List(ctx, f.dispatcher, ticket.Filter{RequesterKind: k})
			must(t, err)
			var ns []string
			for _, it := range p.Items {
				ns = append(ns, it.Number)
			}
			return ns
		}
		if ns := count(ticket.RequesterEnterprise); len(ns) != 2 || ns[0] != staff.Number || ns[1] != ent.Number {
			t.Fatalf("enterprises: %v", ns)
		}
		if ns := count(ticket.RequesterResident); len(ns) != 1 || ns[0] != res.Number {
			t.Fatalf("residents: %v", ns)
		}
		if _, err := f.tickets.List(ctx, f.dispatcher, ticket.Filter{RequesterKind: "x"}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("bad filter: %v", err)
		}

		// The enterprise's contact (the reporter) rates it.
		for _, a := range []string{ticket.ActionSign, ticket.ActionContact} {
			_, err := f.tickets.Act(ctx, f.handler, ent.Number, a, ticket.ActionInput{})
			must(t, err)
		}
		_, err = f.tickets.Act(ctx, f.handler, ent.Number, ticket.ActionReply, ticket.ActionInput{ReplyText: "已修复", Resolved: boolp(true)})
		must(t, err)
		rated, err := f.tickets.Act(ctx, f.resident, ent.Number, ticket.ActionRate, ticket.ActionInput{Resolved: boolp(true), Satisfaction: ticket.Satisfied})
		must(t, err)
		if rated.Rating == nil || rated.RequesterKind != ticket.RequesterEnterprise || rated.CreditCode != goodCode {
			t.Fatalf("rated: %+v", rated.Rating)
		}
	})
}

// Imported tickets are residents' unless they say otherwise, and an
// enterprise's needs a valid code.
func TestImportRequester(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		day := time.Date(2026, 2, 2, 9, 0, 0, 0, f.tickets.Location())
		plain := closedImport(day, "src", "A")
		ent := closedImport(day, "src", "B")
		ent.RequesterKind, ent.CreditCode = ticket.RequesterEnterprise, goodCode
		bad := closedImport(day, "src", "C")
		bad.RequesterKind, bad.CreditCode = ticket.RequesterEnterprise, "91350100M000100Y44"
		if _, err := f.tickets.ImportBatch(ctx, auth.System(), []ticket.ImportTicket{bad}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("bad code imported: %v", err)
		}
		_, err := f.tickets.ImportBatch(ctx, auth.System(), []ticket.ImportTicket{plain, ent})
		must(t, err)
		p, err := f.tickets.List(ctx, f.dispatcher, ticket.Filter{RequesterKind: ticket.RequesterEnterprise})
		must(t, err)
		if len(p.Items) != 1 || p.Items[0].CreditCode != goodCode {
			t.Fatalf("imported enterprises: %+v", p.Items)
		}
		p, err = f.tickets.List(ctx, f.dispatcher, ticket.Filter{RequesterKind: ticket.RequesterResident})
		must(t, err)
		if len(p.Items) != 1 {
			t.Fatalf("imported residents: %d", len(p.Items))
		}
	})
}
