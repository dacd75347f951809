package ticket_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

type smsBox struct {
	mu   sync.Mutex
	sent map[string][]string
}

func (b *smsBox) SendSMS(phone, text string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sent[phone] = append(b.sent[phone], text)
	return nil
}

func TestOnSiteCheckAndSMS(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		box := &smsBox{sent: map[string][]string{}}
		f.tickets.SetSMSSender(box)
		tk := newStreetTicket(t, f, "楼道堆物堵塞消防通道")
		for _, a := range []string{ticket.ActionSign, ticket.ActionContact} {
			_, err := f.tickets.Act(ctx, f.handler, tk.Number, a, ticket.ActionInput{})
			must(t, err)
		}
		_, err := f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionReply, ticket.ActionInput{ReplyText: "已清理", Resolved: boolp(true)})
		must(t, err)
		_, err = f.tickets.Act(ctx, f.dispatcher, tk.Number, ticket.ActionRequestCheck, ticket.ActionInput{Note: "请网格员核实"})
		must(t, err)
		if _, err := f.tickets.Act(ctx, f.resident, tk.Number, ticket.ActionRate, ticket.ActionInput{Resolved: boolp(true), Satisfaction: ticket.Satisfied}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("rating before the check: %v", err)
		}
		if _, err := f.tickets.Act(ctx, f.grid, tk.Number, ticket.ActionCheck, ticket.ActionInput{}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("check without a result: %v", err)
		}
		got, err := f.tickets.Act(ctx, f.grid, tk.Number, ticket.ActionCheck, ticket.ActionInput{Passed: boolp(false), Note: "仍有杂物"})
		must(t, err)
		if got.Status != ticket.StatusInProgress || got.CheckStatus != "failed" || got.RepliedAt != nil {
			t.Fatalf("failed check sends it back: %+v", got)
		}
		_, err = f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionReply, ticket.ActionInput{ReplyText: "已彻底清理", Resolved: boolp(true)})
		must(t, err)
		_, err = f.tickets.Act(ctx, f.dispatcher, tk.Number, ticket.ActionRequestCheck, ticket.ActionInput{})
		must(t, err)
		_, err = f.tickets.Act(ctx, f.grid, tk.Number, ticket.ActionCheck, ticket.ActionInput{Passed: boolp(true)})
		must(t, err)
		got, err = f.tickets.Act(ctx, f.resident, tk.Number, ticket.ActionRate, ticket.ActionInput{Resolved: boolp(true), Satisfaction: ticket.Satisfied})
		must(t, err)
		if got.Status != ticket.StatusClosed {
			t.Fatalf("closed: %s", got.Status)
		}
		// The reporter hears of the filing and the replies by SMS, once
		// each, however many sweeps.
		for i := 0; i < 2; i++ {
			_, err := f.tickets.Sweep(ctx)
			must(t, err)
		}
		if n := len(box.sent["13800138000"]); n != 3 {
			t.Fatalf("messages to the reporter: %d %v", n, box.sent)
		}
	})
}

func TestSelfResolveAndProxy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		photos := map[string]int{}
		f.tickets.SetPhotoCounter(func(ctx context.Context, tx *sql.Tx, number, purpose string) (int, error) {
			return photos[number+"/"+purpose], nil
		})
		tk, err := f.tickets.Create(ctx, &f.grid, ticket.NewTicket{CategoryCode: "0102", Description: "垃圾桶倾倒", AreaCode: "110117001001"})
		must(t, err)
		if tk.Channel != ticket.ChannelGrid {
			t.Fatalf("grid worker's channel: %s", tk.Channel)
		}
		if _, err := f.tickets.Act(ctx, f.grid, tk.Number, ticket.ActionSelfResolve, ticket.ActionInput{ReplyText: "已扶正清理"}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("self-resolve without an after photo: %v", err)
		}
		photos[tk.Number+"/after"] = 1
		got, err := f.tickets.Act(ctx, f.grid, tk.Number, ticket.ActionSelfResolve, ticket.ActionInput{ReplyText: "已扶正清理"})
		must(t, err)
		if got.Status != ticket.StatusClosed || got.ReplyText != "已扶正清理" {
			t.Fatalf("self-resolved: %+v", got)
		}
		other := newStreetTicket(t, f, "别人的工单")
		if _, err := f.tickets.Act(ctx, f.grid, other.Number, ticket.ActionSelfResolve, ticket.ActionInput{ReplyText: "x"}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("self-resolve someone else's ticket: %v", err)
		}
		// Community staff register a request for a resident who came in.
		px, err := f.tickets.Create(ctx, &f.handler, ticket.NewTicket{CategoryCode: "0101", Description: "代居民反映：路面破损",
			AreaCode: "110117001001", ReporterName: "赵大爷", ReporterPhone: "13612345678"})
		must(t, err)
		if px.Channel != ticket.ChannelProxy || px.ReporterPhone != "13612345678" {
			t.Fatalf("proxy ticket: %+v", px)
		}
		if _, err := f.tickets.Create(ctx, &f.handler, ticket.NewTicket{CategoryCode: "0101", Description: "别的街道",
			AreaCode: "110117002001", ReporterPhone: "13612345678"}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("proxy outside the area: %v", err)
		}
	})
}
