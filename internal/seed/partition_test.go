package seed_test

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/seed"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// TestEnablePartitions: `partitions enable` moves a PostgreSQL database's
// tickets and events, of a year and more, into monthly partitions and
// loses nothing: the same rows, the same keys, indexes and foreign keys,
// a partition for each month and the next two; afterwards a ticket of a
// new month gets its partition as it is written. Enabling twice, or as
// anyone but the administrator, is refused.
func TestEnablePartitions(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t, db.Postgres)
	now := time.Now().In(clock.BusinessZone())
	if _, err := seed.Run(ctx, d, seed.Options{Tickets: 1500, Seed: 3, Months: 14, Now: now, BcryptCost: 4, Log: slog.New(slog.DiscardHandler)}); err != nil {
		t.Fatal(err)
	}
	before := shape(t, d.W)
	if before.kind != "r" {
		t.Fatalf("before enabling, tickets is of kind %q", before.kind)
	}
	c := clock.System{}
	tickets := ticket.NewService(d, c, gov.NewService(d, c), slog.New(slog.DiscardHandler))
	if err := tickets.EnablePartitions(ctx, auth.User{ID: "s", Role: auth.RoleSupervisor}); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("a supervisor enabling partitions: %v", err)
	}
	if err := tickets.EnablePartitions(ctx, auth.System()); err != nil {
		t.Fatal(err)
	}
	if err := tickets.EnablePartitions(ctx, auth.System()); !errs.Is(err, errs.Conflict) {
		t.Fatalf("enabling twice: %v", err)
	}
	after := shape(t, d.W)
	if after.kind != "p" {
		t.Fatalf("after enabling, tickets is of kind %q, want p (partitioned)", after.kind)
	}
	if after.tickets != before.tickets || after.events != before.events || after.sum != before.sum {
		t.Fatalf("rows before %+v, after %+v", before, after)
	}
	if !slices.Equal(after.fkeys, before.fkeys) || !slices.Equal(after.indexes, before.indexes) {
		t.Fatalf("foreign keys or indexes changed:\nbefore %v\n%v\nafter %v\n%v", before.fkeys, before.indexes, after.fkeys, after.indexes)
	}
	for _, m := range before.months {
		if !slices.Contains(after.partitions, m) {
			t.Fatalf("no partition for %s: %v", m, after.partitions)
		}
	}
	ahead := now.AddDate(0, 2, 1-now.Day()).Format("200601")
	if !slices.Contains(after.partitions, ahead) {
		t.Fatalf("no partition made ahead for %s: %v", ahead, after.partitions)
	}
	// The foreign keys still hold: an event of no ticket is refused.
	if _, err := d.W.ExecContext(ctx, `INSERT INTO ticket_events (ticket_number, seq, at, action) VALUES ('20260101999999', 1, 0, 'create')`); err == nil {
		t.Fatal("an event of a ticket that does not exist was written")
	}
	// A ticket imported into a month with no partition yet gets one, and
	// one with another system's number goes to the default partition.
	old := time.Date(2019, 5, 20, 10, 0, 0, 0, clock.BusinessZone())
	imp := ticket.ImportTicket{Ticket: ticket.Ticket{Kind: ticket.KindComplaint, Status: ticket.StatusRegistered, CategoryCode: "0101",
		Description: "五年前的一件诉求", Channel: ticket.ChannelHotline, CreatedAt: old, UpdatedAt: old, Version: 1},
		Events: []ticket.ImportEvent{{Event: ticket.Event{Seq: 1, At: old, Action: "create", ToStatus: ticket.StatusRegistered}}}}
	other := imp
	other.Number = "SH-2019-77"
	res, err := tickets.ImportBatch(ctx, auth.System(), []ticket.ImportTicket{imp, other})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"tickets_p201905", "tickets_pother"} {
		var part string
		if err := d.W.QueryRowContext(ctx, `SELECT tableoid::regclass::text FROM tickets WHERE number = $1`, res.Numbers[i]).Scan(&part); err != nil || part != want {
			t.Fatalf("%s is in %q (%v), want %s", res.Numbers[i], part, err, want)
		}
	}
}

type tableShape struct {
	kind                 string
	tickets, events, sum int64
	months, partitions   []string
	fkeys, indexes       []string
}

func shape(t *testing.T, q *sql.DB) tableShape {
	t.Helper()
	var s tableShape
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(q.QueryRow(`SELECT relkind FROM pg_class WHERE oid = 'tickets'::regclass`).Scan(&s.kind))
	must(q.QueryRow(`SELECT COUNT(*), COALESCE(SUM(version), 0) FROM tickets`).Scan(&s.tickets, &s.sum))
	must(q.QueryRow(`SELECT COUNT(*) FROM ticket_events`).Scan(&s.events))
	list := func(query string) []string {
		rows, err := q.Query(query)
		must(err)
		defer rows.Close()
		var out []string
		for rows.Next() {
			var v string
			must(rows.Scan(&v))
			out = append(out, v)
		}
		must(rows.Err())
		return out
	}
	s.months = list(`SELECT DISTINCT substr(number, 1, 6) FROM tickets ORDER BY 1`)
	s.partitions = list(`SELECT substr(relname, 10) FROM pg_class WHERE relname LIKE 'tickets_p%' AND relispartition
		AND relnamespace = current_schema()::regnamespace ORDER BY 1`)
	s.fkeys = list(`SELECT conrelid::regclass::text || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
		WHERE contype = 'f' AND (confrelid IN ('tickets'::regclass, 'ticket_events'::regclass) OR conrelid IN ('tickets'::regclass, 'ticket_events'::regclass))
		AND conparentid = 0 ORDER BY 1`)
	s.indexes = list(`SELECT indexname || ' ' || regexp_replace(indexdef, '^.* USING ', '') FROM pg_indexes
		WHERE schemaname = current_schema() AND tablename IN ('tickets', 'ticket_events') ORDER BY 1`)
	return s
}

// TestArchiveMonth: a month whose tickets have all ended leaves the live
// tables for the archive schema with what names its tickets, in one
// transaction, and comes back whole; a month still in the loop, this month
// and a user who is not the administrator are refused.
func TestArchiveMonth(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t, db.Postgres)
	now := time.Now().In(clock.BusinessZone())
	if _, err := seed.Run(ctx, d, seed.Options{Tickets: 600, Seed: 5, Months: 5, Now: now, BcryptCost: 4, Log: slog.New(slog.DiscardHandler)}); err != nil {
		t.Fatal(err)
	}
	c := clock.System{}
	svc := ticket.NewService(d, c, gov.NewService(d, c), slog.New(slog.DiscardHandler))
	if _, err := svc.ArchiveMonth(ctx, auth.System(), "2020-01"); err == nil {
		t.Fatal("a month archived where tickets are not partitioned")
	}
	if err := svc.EnablePartitions(ctx, auth.System()); err != nil {
		t.Fatal(err)
	}
	var m, one string
	if err := d.W.QueryRowContext(ctx, `SELECT substr(MIN(number), 1, 6), MIN(number) FROM tickets`).Scan(&m, &one); err != nil {
		t.Fatal(err)
	}
	month := m[:4] + "-" + m[4:]
	count := func(q string, args ...any) int64 {
		t.Helper()
		var n int64
		if err := d.W.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := d.W.ExecContext(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`UPDATE tickets SET status = 'dispatched' WHERE number = $1`, one)
	if _, err := svc.ArchiveMonth(ctx, auth.System(), month); !errs.Is(err, errs.Conflict) {
		t.Fatalf("a month with a ticket in the loop: %v", err)
	}
	exec(`UPDATE tickets SET status = 'closed' WHERE number >= $1 AND number < $2 AND status NOT IN ('closed', 'merged', 'invalid', 'withdrawn')`, m, m+"~")
	exec(`INSERT INTO ticket_coreporters (ticket_number, phone, created_at) VALUES ($1, '13900001111', 1)`, one)
	tickets, events := count(`SELECT COUNT(*) FROM tickets`), count(`SELECT COUNT(*) FROM ticket_events`)
	inMonth := count(`SELECT COUNT(*) FROM tickets WHERE number >= $1 AND number < $2`, m, m+"~")
	for _, refused := range []struct {
		u     auth.User
		month string
	}{{auth.User{ID: "u1", Role: auth.RoleSupervisor}, month}, {auth.System(), now.Format("2006-01")}, {auth.System(), "2026-13"}} {
		if _, err := svc.ArchiveMonth(ctx, refused.u, refused.month); err == nil {
			t.Fatalf("archive %s as %s was not refused", refused.month, refused.u.Role)
		}
	}
	n, err := svc.ArchiveMonth(ctx, auth.System(), month)
	if err != nil || n != inMonth {
		t.Fatalf("archive %s: %d tickets, %v; want %d", month, n, err, inMonth)
	}
	if _, err := svc.Get(ctx, auth.System(), one); !errs.Is(err, errs.NotFound) {
		t.Fatalf("an archived ticket is read: %v", err)
	}
	if got := count(`SELECT COUNT(*) FROM tickets`); got != tickets-inMonth {
		t.Fatalf("live tickets after archiving: %d, want %d", got, tickets-inMonth)
	}
	if count(`SELECT COUNT(*) FROM ticket_coreporters WHERE ticket_number = $1`, one) != 0 {
		t.Fatal("the archived ticket's co-reporter stayed live")
	}
	ps, err := svc.Partitions(ctx, auth.System())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(ps, func(p ticket.PartitionMonth) bool { return p.Month == m && p.Archived && p.Tickets == inMonth }) {
		t.Fatalf("partitions after archiving: %+v", ps)
	}
	if _, err := svc.ArchiveMonth(ctx, auth.System(), month); !errs.Is(err, errs.NotFound) {
		t.Fatalf("archiving twice: %v", err)
	}
	if n, err := svc.RestoreMonth(ctx, auth.System(), month); err != nil || n != inMonth {
		t.Fatalf("restore %s: %d, %v", month, n, err)
	}
	if count(`SELECT COUNT(*) FROM tickets`) != tickets || count(`SELECT COUNT(*) FROM ticket_events`) != events ||
		count(`SELECT COUNT(*) FROM ticket_coreporters WHERE ticket_number = $1`, one) != 1 {
		t.Fatal("the month did not come back whole")
	}
	if _, err := svc.Get(ctx, auth.System(), one); err != nil {
		t.Fatalf("a restored ticket: %v", err)
	}
	if _, err := d.W.ExecContext(ctx, `INSERT INTO ticket_events (ticket_number, seq, at, action) VALUES ($1, 1, 0, 'create')`, m+"01999999"); err == nil {
		t.Fatal("the restored month's events accept an event of no ticket")
	}
	if _, err := svc.RestoreMonth(ctx, auth.System(), month); !errs.Is(err, errs.NotFound) {
		t.Fatalf("restoring twice: %v", err)
	}
}

// TestRestoreAfterMigration: a month archived before migrations changed
// tickets, their events and a table that names them comes back with the
// live tables' columns (new ones at their defaults, a dropped one gone).
// While archived, its tickets are said to be in an archived month, not
// missing; a number of a live month is still not found.
func TestRestoreAfterMigration(t *testing.T) {
	f := archiveSetup(t, 300, 7)
	ctx, d, svc, m, one := f.ctx, f.d, f.svc, f.m, f.one
	exec := func(q string, args ...any) { f.exec(t, q, args...) }
	exec(`INSERT INTO ticket_coreporters (ticket_number, phone, created_at) VALUES ($1, '13900002222', 1)`, one)
	var inMonth int64
	if err := d.W.QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets WHERE number >= $1 AND number < $2`, m, m+"~").Scan(&inMonth); err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(clock.BusinessZone())
	exec(`ALTER TABLE tickets ADD COLUMN gone_probe TEXT`)
	month := m[:4] + "-" + m[4:]
	if _, err := svc.ArchiveMonth(ctx, auth.System(), month); err != nil {
		t.Fatal(err)
	}
	_, err := svc.Get(ctx, auth.System(), one)
	var e *errs.Error
	if !errs.Is(err, errs.NotFound) || !errors.As(err, &e) || !strings.Contains(e.MsgEn, "archived") || !strings.Contains(e.Msg, month) {
		t.Fatalf("an archived ticket asked for: %v", err)
	}
	if _, err := svc.Get(ctx, auth.System(), now.Format("20060102")+"999999"); !errs.Is(err, errs.NotFound) || strings.Contains(err.Error(), "archived") {
		t.Fatalf("a missing ticket of a live month: %v", err)
	}
	exec(`ALTER TABLE tickets DROP COLUMN gone_probe`)
	exec(`ALTER TABLE tickets ADD COLUMN new_probe TEXT NOT NULL DEFAULT 'p'`)
	exec(`ALTER TABLE ticket_events ADD COLUMN event_probe INTEGER`)
	exec(`ALTER TABLE ticket_coreporters ADD COLUMN co_probe TEXT NOT NULL DEFAULT 'c'`)
	if n, err := svc.RestoreMonth(ctx, auth.System(), month); err != nil || n != inMonth {
		t.Fatalf("restore %s after migrations: %d, %v; want %d", month, n, err, inMonth)
	}
	var probed, coProbed int64
	if err := d.W.QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets WHERE number >= $1 AND number < $2 AND new_probe = 'p'`, m, m+"~").Scan(&probed); err != nil {
		t.Fatal(err)
	}
	if err := d.W.QueryRowContext(ctx, `SELECT COUNT(*) FROM ticket_coreporters WHERE ticket_number = $1 AND co_probe = 'c'`, one).Scan(&coProbed); err != nil {
		t.Fatal(err)
	}
	if probed != inMonth || coProbed != 1 {
		t.Fatalf("restored rows with the new columns: %d tickets of %d, %d co-reporters of 1", probed, inMonth, coProbed)
	}
	if _, err := svc.Get(ctx, auth.System(), one); err != nil {
		t.Fatalf("a restored ticket: %v", err)
	}
}

// TestArchivedMonthKeepsCounting: rebuilding the evaluation's daily
// figures after a month went to the archive gives the figures it gave
// before (the archived tickets' contributions are kept, not lost), and so
// does a rebuild after the month came back.
func TestArchivedMonthKeepsCounting(t *testing.T) {
	f := archiveSetup(t, 400, 9)
	ctx, d, svc, m := f.ctx, f.d, f.svc, f.m
	ev := evaluation.NewService(d, clock.System{}, f.g, slog.New(slog.DiscardHandler))
	figures := func() string {
		t.Helper()
		if err := ev.Rebuild(ctx, nil); err != nil {
			t.Fatal(err)
		}
		var days, reps string
		if err := d.W.QueryRowContext(ctx, `SELECT COALESCE(md5(string_agg(e::text, ';' ORDER BY kind, day, code)), '') FROM evaluation_days e`).Scan(&days); err != nil {
			t.Fatal(err)
		}
		if err := d.W.QueryRowContext(ctx, `SELECT COALESCE(md5(string_agg(r::text, ';' ORDER BY kind, day, code, prev_day)), '') FROM evaluation_overdue_repeats r`).Scan(&reps); err != nil {
			t.Fatal(err)
		}
		return days + reps
	}
	before := figures()
	var inMonth int64
	if err := d.W.QueryRowContext(ctx, `SELECT COALESCE(SUM(tickets), 0) FROM evaluation_days WHERE kind = 'a' AND day >= $1 AND day < $2`,
		m[:4]+"-"+m[4:], ticket.MonthAfter(m)[:4]+"-"+ticket.MonthAfter(m)[4:]).Scan(&inMonth); err != nil {
		t.Fatal(err)
	}
	if inMonth == 0 {
		t.Fatalf("no figures of %s to keep", m)
	}
	month := m[:4] + "-" + m[4:]
	if _, err := svc.ArchiveMonth(ctx, auth.System(), month); err != nil {
		t.Fatal(err)
	}
	if got := figures(); got != before {
		t.Fatalf("the evaluation's figures changed when %s was archived and the figures rebuilt", month)
	}
	if _, err := svc.RestoreMonth(ctx, auth.System(), month); err != nil {
		t.Fatal(err)
	}
	if got := figures(); got != before {
		t.Fatalf("the evaluation's figures changed when %s came back", month)
	}
}

// archiveFixture is a partitioned PostgreSQL database of seeded tickets
// whose oldest month (m, YYYYMM, its first ticket one) has all ended.
type archiveFixture struct {
	ctx    context.Context
	d      *db.DB
	g      *gov.Service
	svc    *ticket.Service
	m, one string
}

func archiveSetup(t *testing.T, tickets int, seedNo uint64) archiveFixture {
	t.Helper()
	f := archiveFixture{ctx: context.Background(), d: dbtest.Open(t, db.Postgres)}
	now := time.Now().In(clock.BusinessZone())
	if _, err := seed.Run(f.ctx, f.d, seed.Options{Tickets: tickets, Seed: seedNo, Months: 4, Now: now, BcryptCost: 4, Log: slog.New(slog.DiscardHandler)}); err != nil {
		t.Fatal(err)
	}
	c := clock.System{}
	f.g = gov.NewService(f.d, c)
	f.svc = ticket.NewService(f.d, c, f.g, slog.New(slog.DiscardHandler))
	if err := f.svc.EnablePartitions(f.ctx, auth.System()); err != nil {
		t.Fatal(err)
	}
	if err := f.d.W.QueryRowContext(f.ctx, `SELECT substr(MIN(number), 1, 6), MIN(number) FROM tickets`).Scan(&f.m, &f.one); err != nil {
		t.Fatal(err)
	}
	f.exec(t, `UPDATE tickets SET status = 'closed' WHERE number >= $1 AND number < $2 AND status NOT IN ('closed', 'merged', 'invalid', 'withdrawn')`, f.m, f.m+"~")
	return f
}

func (f archiveFixture) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := f.d.W.ExecContext(f.ctx, q, args...); err != nil {
		t.Fatal(err)
	}
}
