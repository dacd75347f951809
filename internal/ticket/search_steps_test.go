package ticket_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// A search by words on PostgreSQL answers from the newest tickets, month
// by month or from every ticket (search_pg.go), with steps made small here
// and the tickets 9 days apart (over four months): whichever step answers,
// and page by page across them, both engines give every match newest
// first, and Count counts them.
func TestSearchStepsAgree(t *testing.T) {
	defer ticket.SetSearchSteps(6, 8, 2)()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		words := map[string][]int{ // word: which of the 14 tickets (oldest first) hold it
			"甲乙": {0, 1},               // only the oldest: the whole index
			"丙丁": {8, 10},              // the months
			"戊己": {12, 13},             // the newest: the walk for a page of one
			"庚辛": {0, 3, 6, 9, 11, 13}, // across all three
			"壬癸": {},                   // none
		}
		var numbers []string
		for i := range 14 {
			desc := "第" + string(rune('A'+i)) + "件"
			for w, at := range words {
				if slices.Contains(at, i) {
					desc += "，" + w
				}
			}
			area := "110117001001" // S1's
			if i%2 == 1 {
				area = "110117002001"
			}
			tk, err := f.tickets.Create(ctx, &f.agent, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: "0102",
				Description: desc, AreaCode: area, Channel: ticket.ChannelHotline, ReporterName: "张三", ReporterPhone: "13911112222"})
			must(t, err)
			numbers = append(numbers, tk.Number)
			f.clock.Advance(9 * 24 * time.Hour)
		}
		for w, at := range words {
			for _, who := range []struct {
				name string
				u    auth.User
			}{{"dispatcher", f.dispatcher}, {"handler", f.handler}} {
				var want []string
				for i := len(numbers) - 1; i >= 0; i-- {
					if slices.Contains(at, i) && (who.name == "dispatcher" || i%2 == 0) {
						want = append(want, numbers[i])
					}
				}
				for _, limit := range []int{1, 2, 20} {
					got := pageAll(t, f.tickets, who.u, ticket.Filter{Q: w, Limit: limit})
					if !slices.Equal(got, want) {
						t.Fatalf("%s as %s, %d a page: %v, want %v", w, who.name, limit, got, want)
					}
				}
				n, err := f.tickets.Count(ctx, who.u, ticket.Filter{Q: w})
				must(t, err)
				if n != len(want) {
					t.Fatalf("count %s as %s: %d, want %d", w, who.name, n, len(want))
				}
			}
		}
	})
}

// pageAll follows a list's cursor to its end and returns every number.
func pageAll(t *testing.T, s *ticket.Service, u auth.User, f ticket.Filter) []string {
	t.Helper()
	var out []string
	for range 50 {
		p, err := s.List(context.Background(), u, f)
		must(t, err)
		out = append(out, numbersOf(p)...)
		if f.Cursor = p.NextCursor; f.Cursor == "" {
			return out
		}
	}
	t.Fatalf("%q: no end of pages", f.Q)
	return nil
}

// Free text is counted only to TextCountCap: a workbench counts each of
// its tabs and saved filters with the page's q.
func TestCountLimit(t *testing.T) {
	if ticket.CountLimit(ticket.Filter{}) != ticket.CountCap || ticket.CountLimit(ticket.Filter{Status: ticket.StatusReturned}) != ticket.CountCap {
		t.Fatal("a filter without q counts to CountCap")
	}
	if ticket.CountLimit(ticket.Filter{Q: "路灯"}) != ticket.TextCountCap || ticket.TextCountCap >= ticket.CountCap {
		t.Fatal("free text counts to TextCountCap")
	}
	if ticket.CountLimit(ticket.Filter{Q: strings.Repeat(" ", 3)}) != ticket.CountCap {
		t.Fatal("blank q is no q")
	}
}

// An imported ticket keeps the number another system gave it; on SQLite
// its text key is not its number, and the search still finds it among
// tickets numbered here, in number order.
func TestSearchFindsImportedNumbers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		day := time.Date(2026, 2, 10, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
		odd := closedImport(day, "old", "A")
		odd.Number = "BJ-2026-0001"
		short := closedImport(day, "old", "B")
		short.Number = "20260210"
		res, err := f.tickets.ImportBatch(ctx, auth.System(), []ticket.ImportTicket{odd, short})
		must(t, err)
		tk, err := f.tickets.Create(ctx, &f.agent, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: "0102",
			Description: "导入的诉求以后又来一件", AreaCode: "110117001001", Channel: ticket.ChannelHotline, ReporterName: "张三", ReporterPhone: "13911112222"})
		must(t, err)
		want := []string{res.Numbers[0], tk.Number, res.Numbers[1]} // newest first: by number, letters after digits
		if want[0] != "BJ-2026-0001" || want[2] != "20260210" {
			t.Fatalf("imported numbers: %v", res.Numbers)
		}
		for _, limit := range []int{1, 20} {
			if got := pageAll(t, f.tickets, f.dispatcher, ticket.Filter{Q: "导入", Limit: limit}); !slices.Equal(got, want) {
				t.Fatalf("导入, %d a page: %v, want %v", limit, got, want)
			}
		}
		if n, err := f.tickets.Count(ctx, f.dispatcher, ticket.Filter{Q: "诉求"}); err != nil || n != 3 {
			t.Fatalf("count 诉求: %d %v", n, err)
		}
	})
}

// A count of free text stops at TextCountCap, and on PostgreSQL a
// district's count asks the last months first (search_pg.go): matches in
// the last months that reach the cap answer alone; fewer there, and the
// count is of every match, wherever it is.
func TestSearchCountByMonths(t *testing.T) {
	defer ticket.SetSearchSteps(6, 8, 2)()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		// 60 tickets in each of March (outside the two months counted
		// first), May and June; the first 30 of March's and June's also
		// hold 电梯.
		batches := []struct {
			after time.Duration
			words string
		}{
			{0, "，水管"},
			{61 * 24 * time.Hour, "，水管，路灯"},
			{31 * 24 * time.Hour, "，路灯"},
		}
		for bi, b := range batches {
			f.clock.Advance(b.after)
			for i := range 60 {
				words := b.words
				if bi != 1 && i < 30 {
					words += "，电梯"
				}
				area := "110117001001" // S1's
				if i%2 == 1 {
					area = "110117002001"
				}
				_, err := f.tickets.Create(ctx, &f.agent, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: "0102",
					Description: "第" + string(rune('A'+i%26)) + "件" + words, AreaCode: area, Channel: ticket.ChannelHotline,
					ReporterName: "张三", ReporterPhone: "13911112222"})
				must(t, err)
				f.clock.Advance(time.Minute)
			}
		}
		capped := ticket.TextCountCap
		for _, c := range []struct {
			q    string
			u    auth.User
			want int
		}{
			{"路灯", f.dispatcher, capped}, // 120 in May and June
			{"水管", f.dispatcher, capped}, // 60 in March, 60 in May
			{"电梯", f.dispatcher, 60},     // 30 in March, 30 in June
			{"路灯", f.handler, 60},        // S1's half
			{"电梯", f.handler, 30},
		} {
			n, err := f.tickets.Count(ctx, c.u, ticket.Filter{Q: c.q})
			must(t, err)
			if n != c.want {
				t.Fatalf("count %s as %s: %d, want %d", c.q, c.u.Username, n, c.want)
			}
		}
	})
}
