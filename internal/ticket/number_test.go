package ticket_test

import (
	"context"
	"regexp"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Servers of one database numbering as nodes: each number is the business
// date, the node's digit and the node's own sequence; no two servers give
// the same (two given one node id by mistake share its row), and numbers
// of the older form, without a node, are read and looked up as before.
func TestNodeNumbers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		file := func(s *ticket.Service) string {
			t.Helper()
			tk, err := s.Create(ctx, &f.dispatcher, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: "0102",
				Description: "楼道灯不亮已经一周了", AreaCode: "110117001001", ReporterName: "李", ReporterPhone: "13900139000", Channel: ticket.ChannelHotline})
			must(t, err)
			return tk.Number
		}
		old := file(f.tickets) // before any node: the one counter of the day
		if !regexp.MustCompile(`^20260302\d{6}$`).MatchString(old) {
			t.Fatalf("number without a node %q", old)
		}
		servers := []*ticket.Service{f.tickets, ticket.NewService(d, f.clock, nil, nil), ticket.NewService(d, f.clock, nil, nil)}
		servers[0].SetNode(1)
		servers[1].SetNode(2)
		servers[2].SetNode(2) // the same node id given twice by mistake
		seen := map[string]bool{old: true}
		for round := range 40 {
			for i, s := range servers {
				n := file(s)
				want := []string{"1", "2", "2"}[i]
				if !regexp.MustCompile(`^20260302` + want + `\d{6}$`).MatchString(n) {
					t.Fatalf("server %d round %d: number %q", i, round, n)
				}
				if seen[n] {
					t.Fatalf("number %q given twice", n)
				}
				seen[n] = true
				if !ticket.ValidNumber(n) {
					t.Fatalf("%q not valid", n)
				}
			}
		}
		for _, n := range []string{old, "202603021000001", "202603022000001"} {
			if tk, err := f.tickets.Get(ctx, f.dispatcher, n); err != nil || tk.Number != n {
				t.Fatalf("get %q: %v", n, err)
			}
		}
		// The node's sequence counts on its own row, the older one on its own.
		var one, two, none int64
		must(t, d.R.QueryRowContext(ctx, `SELECT value FROM counters WHERE name = 'ticket:20260302:1'`).Scan(&one))
		must(t, d.R.QueryRowContext(ctx, `SELECT value FROM counters WHERE name = 'ticket:20260302:2'`).Scan(&two))
		must(t, d.R.QueryRowContext(ctx, `SELECT value FROM counters WHERE name = 'ticket:20260302'`).Scan(&none))
		if one < 40 || two < 80 || none < 1 {
			t.Fatalf("counters %d %d %d", one, two, none)
		}
	})
}
