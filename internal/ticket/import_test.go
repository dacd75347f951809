package ticket_test

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
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// closedImport is a ticket closed in another system, created at, with its
// two events.
func closedImport(at time.Time, source, id string) ticket.ImportTicket {
	closed := at.Add(2 * time.Hour)
	lat, lng := 40.14, 117.12
	return ticket.ImportTicket{
		Ticket: ticket.Ticket{Kind: ticket.KindComplaint, Status: ticket.StatusClosed, CategoryCode: "0102", AreaCode: "110117001001",
			Description: "导入的诉求 " + id, Channel: ticket.ChannelHotline, AssignedOrgCode: "S1", CreatedAt: at, UpdatedAt: closed,
			DispatchedAt: &at, ClosedAt: &closed, ReplyText: "已处理", Version: 2, Lat: &lat, Lng: &lng},
		Events: []ticket.ImportEvent{
			{Event: ticket.Event{Seq: 1, At: at, Actor: "import", ActorRole: "system", Action: ticket.ActionImport, ToStatus: ticket.StatusDispatched, OrgCode: "S1"}},
			{Event: ticket.Event{Seq: 2, At: closed, Actor: "import", ActorRole: "system", Action: ticket.ActionClose,
				FromStatus: ticket.StatusDispatched, ToStatus: ticket.StatusClosed, OrgCode: "S1"}},
		},
		Source: source, ExternalID: id,
	}
}

func TestImportBatch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		day := time.Date(2026, 2, 10, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
		// Built aggregates must be marked stale by the import.
		_, err := d.W.ExecContext(ctx, `UPDATE evaluation_state SET status = 'built' WHERE id = 1`)
		must(t, err)

		if _, err := f.tickets.ImportBatch(ctx, f.dispatcher, []ticket.ImportTicket{closedImport(day, "old", "A")}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a dispatcher imported: %v", err)
		}
		bad := closedImport(day, "old", "A")
		bad.Status = "done"
		if _, err := f.tickets.ImportBatch(ctx, auth.System(), []ticket.ImportTicket{closedImport(day, "old", "A"), bad}); !errs.Is(err, errs.Invalid) ||
			!strings.Contains(err.Error(), `ticket 2 of the batch to import: status "done"`) {
			t.Fatalf("bad status: %v", err)
		}

		bad = closedImport(day, "old", "A")
		bad.Version = 1
		if _, err := f.tickets.ImportBatch(ctx, auth.System(), []ticket.ImportTicket{bad}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("version 1 with two events: %v", err)
		}

		var batch []ticket.ImportTicket
		for i := range 1200 { // more than one multi-row INSERT on SQLite
			batch = append(batch, closedImport(day.Add(time.Duration(i)*time.Minute), "old", fmt.Sprint("R", i)))
		}
		batch = append(batch, closedImport(day, "old", "R7")) // twice in one batch: written once
		res, err := f.tickets.ImportBatch(ctx, auth.System(), batch)
		must(t, err)
		if res.Tickets != 1200 || res.Events != 2400 || res.Numbers[1200] != "" || res.Numbers[0] != "20260210000001" || res.Numbers[1199] != "20260211000330" {
			t.Fatalf("first import: %d tickets, %d events, numbers %q … %q, %q", res.Tickets, res.Events, res.Numbers[0], res.Numbers[1199], res.Numbers[1200])
		}
		var status string
		must(t, d.R.QueryRowContext(ctx, `SELECT status FROM evaluation_state WHERE id = 1`).Scan(&status))
		if status != "stale" {
			t.Fatalf("evaluation state after an import: %q", status)
		}

		// The ticket reads back as written, through the service.
		tk, err := f.tickets.Get(ctx, f.dispatcher, res.Numbers[0])
		must(t, err)
		if tk.Status != ticket.StatusClosed || tk.AssignedOrgCode != "S1" || tk.Version != 2 || tk.Urgency != ticket.UrgencyNormal ||
			tk.Lat == nil || *tk.Lat != 40.14 || !tk.ClosedAt.Equal(day.Add(2*time.Hour)) || tk.ReplyText != "已处理" {
			t.Fatalf("imported ticket: %+v", tk)
		}
		evs, err := f.tickets.Events(ctx, f.dispatcher, res.Numbers[0])
		must(t, err)
		if len(evs) != 2 || evs[0].Action != ticket.ActionImport || evs[1].Action != ticket.ActionClose || evs[1].FromStatus != ticket.StatusDispatched {
			t.Fatalf("imported events: %+v", evs)
		}

		// Again, with one new record: only that one is written, and a
		// number the service hands out later does not collide.
		batch = append(batch[:3], closedImport(day, "old", "new"), closedImport(day, "other", "R1"))
		res, err = f.tickets.ImportBatch(ctx, auth.System(), batch)
		must(t, err)
		if res.Tickets != 2 || res.Numbers[0] != "" || res.Numbers[3] != "20260210000871" || res.Numbers[4] != "20260210000872" {
			t.Fatalf("second import: %+v", res)
		}
		got, err := f.tickets.Imported(ctx, "old", []string{"R0", "R1199", "new", "nope"})
		must(t, err)
		if len(got) != 3 || got["nope"] {
			t.Fatalf("imported ids: %v", got)
		}
		var n int
		must(t, d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets`).Scan(&n))
		if n != 1202 {
			t.Fatalf("%d tickets", n)
		}
		// A failure writes nothing: a category that does not exist.
		broken := closedImport(day, "old", "broken")
		broken.CategoryCode = "nope"
		if _, err := f.tickets.ImportBatch(ctx, auth.System(), []ticket.ImportTicket{closedImport(day, "old", "fine"), broken}); err == nil {
			t.Fatal("a ticket of an unknown category was imported")
		}
		must(t, d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets`).Scan(&n))
		if n != 1202 {
			t.Fatalf("a failed import left %d tickets", n-1202)
		}
	})
}

// BenchmarkImportBatch writes batches of 10,000 closed tickets (two events
// each, with their sources) on each engine:
// go test ./internal/ticket -run '^$' -bench ImportBatch -benchtime 3x
func BenchmarkImportBatch(b *testing.B) {
	const n = 10_000
	for _, engine := range dbtest.Engines() {
		b.Run(engine, func(b *testing.B) {
			ctx := context.Background()
			d := dbtest.Open(b, engine)
			ts := ticket.NewService(d, clock.System{}, gov.NewService(d, clock.System{}), nil)
			for _, c := range []ticket.Category{{Code: "01", Name: "城市管理", Active: true}, {Code: "0102", ParentCode: "01", Name: "街巷环境", Active: true}} {
				if err := ts.UpsertCategory(ctx, c); err != nil {
					b.Fatal(err)
				}
			}
			day := time.Date(2026, 1, 5, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
			batch := make([]ticket.ImportTicket, n)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for k := range batch {
					batch[k] = closedImport(day.Add(time.Duration(k)*time.Second), "bench", fmt.Sprint(i, "-", k))
				}
				res, err := ts.ImportBatch(ctx, auth.System(), batch)
				if err != nil || res.Tickets != n {
					b.Fatalf("%d written: %v", res.Tickets, err)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "tickets/s")
		})
	}
}
