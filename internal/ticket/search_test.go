package ticket_test

import (
	"context"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// numbersOf lists the numbers of a page.
func numbersOf(p ticket.Page) []string {
	out := make([]string, len(p.Items))
	for i, it := range p.Items {
		out[i] = it.Number
	}
	return out
}

func TestSearchByNumberPhoneAndWords(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		mk := func(desc, area, phone string) ticket.Ticket {
			tk, err := f.tickets.Create(ctx, &f.agent, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: "0102",
				Description: desc, AreaCode: area, Channel: ticket.ChannelHotline, ReporterName: "张三", ReporterPhone: phone})
			must(t, err)
			f.clock.Advance(time.Minute)
			return tk
		}
		lamp := mk("小区东门路灯三天不亮了", "110117001001", "13911112222")        // S1
		noise := mk("夜间施工噪音扰民，Crane 很吵", "110117001001", "13911113333") // S1
		other := mk("兴谷社区路灯不亮，井盖缺失", "110117002001", "13922222222")     // D-CG
		search := func(q string, who string) []string {
			t.Helper()
			u := f.dispatcher
			switch who {
			case "handler":
				u = f.handler
			case "other":
				u = f.otherHandler
			case "dept":
				u = f.deptHandler
			}
			p, err := f.tickets.List(ctx, u, ticket.Filter{Q: q})
			must(t, err)
			return numbersOf(p)
		}
		eq := func(q, who string, want ...ticket.Ticket) {
			t.Helper()
			got := search(q, who)
			if len(got) != len(want) {
				t.Fatalf("q=%q as %s: %v, want %d tickets", q, who, got, len(want))
			}
			for i := range want {
				if got[i] != want[i].Number {
					t.Fatalf("q=%q as %s: %v, want %s at %d (newest first)", q, who, got, want[i].Number, i)
				}
			}
		}
		eq(lamp.Number, "disp", lamp)
		eq("139 1111 2222", "disp", lamp)
		eq("+86 13911113333", "disp", noise)
		eq("2222", "disp", other, lamp) // last four digits of two phones
		eq("路灯", "disp", other, lamp)   // a two-character word
		eq("路灯不亮", "disp", other)
		eq("crane", "disp", noise)
		eq("路灯", "handler", lamp) // never another unit's ticket
		eq("2222", "dept", other)
		eq("2222", "other")
		eq(lamp.Number, "dept")
		eq("井盖", "handler")
		eq("电梯", "disp")
		eq("！？", "disp")

		// Words of a reply are found once it is written.
		_, err := f.tickets.Act(ctx, f.handler, lamp.Number, ticket.ActionSign, ticket.ActionInput{})
		must(t, err)
		_, err = f.tickets.Act(ctx, f.handler, lamp.Number, ticket.ActionContact, ticket.ActionInput{Note: "已联系"})
		must(t, err)
		eq("更换灯泡", "handler")
		_, err = f.tickets.Act(ctx, f.handler, lamp.Number, ticket.ActionReply, ticket.ActionInput{ReplyText: "已更换灯泡并恢复照明", Resolved: boolp(true)})
		must(t, err)
		eq("更换灯泡", "handler", lamp)
		eq("照明", "disp", lamp)
		eq("东门", "handler", lamp) // the description is still found

		// Search combines with the other filters and counts.
		p, err := f.tickets.List(ctx, f.dispatcher, ticket.Filter{Q: "路灯", AreaCode: "110117002"})
		must(t, err)
		if got := numbersOf(p); len(got) != 1 || got[0] != other.Number {
			t.Fatalf("路灯 in 兴谷街道: %v", got)
		}
		// Page by page, one at a time (a full page comes from the newest
		// tickets first on PostgreSQL, the rest from the index).
		var paged []string
		cursor := ""
		for range 5 {
			p, err := f.tickets.List(ctx, f.dispatcher, ticket.Filter{Q: "路灯", Limit: 1, Cursor: cursor})
			must(t, err)
			paged = append(paged, numbersOf(p)...)
			if cursor = p.NextCursor; cursor == "" {
				break
			}
		}
		if len(paged) != 2 || paged[0] != other.Number || paged[1] != lamp.Number {
			t.Fatalf("路灯 page by page: %v", paged)
		}
		n, err := f.tickets.Count(ctx, f.dispatcher, ticket.Filter{Q: "路灯"})
		must(t, err)
		if n != 2 {
			t.Fatalf("count 路灯: %d", n)
		}
		if n, err = f.tickets.Count(ctx, f.handler, ticket.Filter{}); err != nil || n != 2 {
			t.Fatalf("count of S1's tickets: %d %v", n, err)
		}
	})
}

// Tickets written before the text index existed are found once the
// backfill has walked them.
func TestSearchBackfill(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		var want []string
		for _, desc := range []string{"楼道堆放杂物", "楼道灯坏了", "噪音"} {
			tk, err := f.tickets.Create(ctx, &f.resident, ticket.NewTicket{CategoryCode: "0102", Description: desc, AreaCode: "110117001001"})
			must(t, err)
			if desc != "噪音" {
				want = append([]string{tk.Number}, want...)
			}
		}
		// As an older database has them: no index entries, a walk to do.
		wipe := `DELETE FROM ticket_text`
		if d.Engine == db.Postgres {
			wipe = `UPDATE tickets SET search_terms = NULL`
		}
		for _, q := range []string{wipe, `UPDATE search_backfill SET after = '', done = FALSE`} {
			if _, err := d.W.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		p, err := f.tickets.List(ctx, f.dispatcher, ticket.Filter{Q: "楼道"})
		must(t, err)
		if len(p.Items) != 0 {
			t.Fatalf("found before the backfill: %v", numbersOf(p))
		}
		n, done, err := f.tickets.IndexText(ctx)
		must(t, err)
		if n != 3 || !done {
			t.Fatalf("backfill: %d tickets, done %v", n, done)
		}
		p, err = f.tickets.List(ctx, f.dispatcher, ticket.Filter{Q: "楼道"})
		must(t, err)
		if got := numbersOf(p); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
			t.Fatalf("after the backfill: %v, want %v", got, want)
		}
		if n, done, err = f.tickets.IndexText(ctx); err != nil || n != 0 || !done {
			t.Fatalf("a done backfill does nothing: %d %v %v", n, done, err)
		}
	})
}
