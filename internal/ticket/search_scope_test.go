package ticket_test

import (
	"context"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/textsearch"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// A unit's search finds its tickets by the words and the unit's key in the
// text index; a ticket dispatched elsewhere moves with it. On SQLite the
// keys are words of the entry: an index written before they were (as
// migration 0256 finds it) is searched without them until the walk has
// written every entry anew, and merged after, also by a later run of the
// walk's job if the server stopped before the merge.
func TestSearchScopeKeys(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		tk, err := f.tickets.Create(ctx, &f.agent, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: "0102",
			Description: "小区东门路灯三天不亮了", AreaCode: "110117001001", ReporterName: "张三", ReporterPhone: "13911112222"})
		must(t, err)
		finds := func(who string, want bool) {
			t.Helper()
			u := f.handler
			if who == "S2" {
				u = f.otherHandler
			}
			p, err := f.tickets.List(ctx, u, ticket.Filter{Q: "路灯"})
			must(t, err)
			n, err := f.tickets.Count(ctx, u, ticket.Filter{Q: "路灯"})
			must(t, err)
			if got := len(p.Items) == 1 && p.Items[0].Number == tk.Number; got != want || n != len(p.Items) {
				t.Fatalf("路灯 as %s: %v (count %d), want found %v", who, numbersOf(p), n, want)
			}
		}
		// entries counts the index entries holding a unit's key word.
		entries := func(org string) int {
			t.Helper()
			var n int
			q := `SELECT COUNT(*) FROM ticket_text WHERE ticket_text MATCH $1`
			must(t, d.R.QueryRowContext(ctx, q, `"zqo`+hex.EncodeToString([]byte(org))+`"`).Scan(&n))
			return n
		}
		finds("S1", true)
		finds("S2", false)
		if d.Engine == db.SQLite && (entries("S1") != 1 || entries("S2") != 0) {
			t.Fatalf("keys at S1: S1 %d, S2 %d", entries("S1"), entries("S2"))
		}
		_, err = f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionReturn, ticket.ActionInput{Reason: "not_our_duty", Note: "属兴谷街道"})
		must(t, err)
		_, err = f.tickets.Act(ctx, f.dispatcher, tk.Number, ticket.ActionApproveReturn, ticket.ActionInput{OrgCode: "S2"})
		must(t, err)
		finds("S1", false)
		finds("S2", true)
		if d.Engine != db.SQLite {
			return
		}
		if entries("S1") != 0 || entries("S2") != 1 {
			t.Fatalf("keys after the dispatch to S2: S1 %d, S2 %d", entries("S1"), entries("S2"))
		}

		// The entry as written before the keys, and the state 0256 leaves.
		for _, q := range []string{`DELETE FROM ticket_text`, `UPDATE search_backfill SET after = '', done = FALSE, scoped = FALSE`} {
			_, err := d.W.ExecContext(ctx, q)
			must(t, err)
		}
		_, err = d.W.ExecContext(ctx, `INSERT INTO ticket_text (rowid, terms, ticket_number) VALUES ($1, $2, $3)`,
			tk.Number, strings.Join(textsearch.Terms(tk.Description), " "), tk.Number)
		must(t, err)
		fresh := ticket.NewService(d, f.clock, gov.NewService(d, f.clock), nil) // a server started after the upgrade
		p, err := fresh.List(ctx, f.otherHandler, ticket.Filter{Q: "路灯"})
		must(t, err)
		if len(p.Items) != 1 || entries("S2") != 0 {
			t.Fatalf("before the walk: %v found, %d entries with S2's key", numbersOf(p), entries("S2"))
		}
		n, done, err := fresh.IndexText(ctx)
		must(t, err)
		var scoped bool
		must(t, d.R.QueryRowContext(ctx, `SELECT scoped FROM search_backfill`).Scan(&scoped))
		if n != 1 || !done || !scoped || entries("S2") != 1 {
			t.Fatalf("walk: %d written, done %v, scoped %v, %d entries with S2's key", n, done, scoped, entries("S2"))
		}
		p, err = fresh.List(ctx, f.otherHandler, ticket.Filter{Q: "路灯"})
		must(t, err)
		if len(p.Items) != 1 {
			t.Fatalf("after the walk: %v", numbersOf(p))
		}
		// A server that stops before the merge leaves it to the next run
		// of the walk's job, which finds the walk at its end.
		var unmerged bool
		must(t, d.R.QueryRowContext(ctx, `SELECT unmerged FROM search_backfill`).Scan(&unmerged))
		if !unmerged {
			t.Fatal("the walk's end left nothing to merge")
		}
		mctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		merged := false
		fresh.BackfillText(mctx, 0, func(msg string, _ ...any) { merged = merged || msg == "text index merged" })
		must(t, d.R.QueryRowContext(ctx, `SELECT unmerged FROM search_backfill`).Scan(&unmerged))
		if !merged || unmerged {
			t.Fatalf("the next run: merged %v, still to merge %v", merged, unmerged)
		}
		finds("S2", true)
	})
}
