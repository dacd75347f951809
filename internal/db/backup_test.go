package db_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	_ "time/tzdata" // ticket numbers follow Asia/Shanghai

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/config"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

func newDemoApp(t *testing.T, dir string) *app.App {
	t.Helper()
	cfg := config.Config{DataDir: dir, Demo: true, BcryptCost: 4, Addr: "127.0.0.1:0", AdminPassword: "lantern-river-42"}
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("app: %v", err)
	}
	return a
}

func submit(ctx context.Context, a *app.App, i int) (ticket.Ticket, error) {
	return a.Tickets.Create(ctx, nil, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: "0101",
		Description: fmt.Sprintf("备份测试 %d：小区北门垃圾堆积", i), AreaCode: "110117001001", ReporterPhone: "13912345678"})
}

// dump renders every table of the SQLite database at path, rows sorted, one
// string per table.
func dump(t *testing.T, path string) map[string]string {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	return dumpDB(t, conn)
}

func dumpDB(t *testing.T, conn *sql.DB) map[string]string {
	t.Helper()
	return dumpTables(t, conn, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
}

// dumpTables renders every table that listQuery names, one string per table.
func dumpTables(t *testing.T, conn *sql.DB, listQuery string) map[string]string {
	t.Helper()
	rows, err := conn.Query(listQuery)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	out := map[string]string{}
	for _, table := range tables {
		out[table] = dumpTable(t, conn, table, "")
	}
	return out
}

// dumpTable renders the rows of table (matching where, when given) sorted by
// every column in order, so two equal row sets give equal strings.
func dumpTable(t *testing.T, q interface {
	Query(string, ...any) (*sql.Rows, error)
}, table, where string) string {
	t.Helper()
	rows, err := q.Query(`SELECT * FROM ` + table + ` LIMIT 0`)
	if err != nil {
		t.Fatal(err)
	}
	cols, _ := rows.Columns()
	rows.Close()
	order := make([]string, len(cols))
	for i := range cols {
		order[i] = fmt.Sprint(i + 1)
	}
	query := `SELECT * FROM ` + table
	if where != "" {
		query += ` WHERE ` + where
	}
	rows, err = q.Query(query + ` ORDER BY ` + strings.Join(order, ", "))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if i > 0 {
				b.WriteByte('|')
			}
			if bs, ok := v.([]byte); ok {
				v = string(bs)
			}
			fmt.Fprintf(&b, "%v", v)
		}
		b.WriteByte('\n')
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestBackupRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	srcDir := t.TempDir()
	a := newDemoApp(t, srcDir)
	appOpen := true
	defer func() {
		if appOpen {
			a.Close()
		}
	}()
	for i := 0; i < 5; i++ {
		if _, err := submit(ctx, a, i); err != nil {
			t.Fatalf("submit: %v", err)
		}
	}

	// A writer keeps submitting during the backup.
	backupDir := t.TempDir()
	backup := filepath.Join(backupDir, "gongzhi-backup.db")
	src := db.SQLitePath("", srcDir)
	written := whileWriting(t, a, func() {
		if err := db.BackupSQLite(ctx, src, backup); err != nil {
			t.Fatalf("backup: %v", err)
		}
	})
	t.Logf("%d tickets written while the backup ran and after", written)

	// A backup never overwrites.
	if err := db.BackupSQLite(ctx, src, backup); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("second backup to the same file: %v", err)
	}
	if err := db.BackupSQLite(ctx, filepath.Join(t.TempDir(), "none.db"), filepath.Join(backupDir, "x.db")); err == nil {
		t.Fatal("backup of a missing database succeeded")
	}
	if _, err := os.Stat(filepath.Join(backupDir, "x.db")); err == nil {
		t.Fatal("failed backup left a file behind")
	}
	if leftovers, _ := filepath.Glob(filepath.Join(backupDir, ".*")); len(leftovers) > 0 {
		t.Fatalf("temporary files left: %v", leftovers)
	}
	if err := db.CheckSQLiteBackup(ctx, backup); err != nil {
		t.Fatalf("check backup: %v", err)
	}

	// The backup is a consistent snapshot of the source: every ticket it has
	// has all its events, and every table equals the source's rows as they
	// were at one moment. The one writer only creates tickets, numbered in
	// the order they commit, so the source "as it was" is the source's rows
	// up to the backup's newest ticket. (counters is left out: numbers are
	// reserved in blocks, ahead of the tickets.)
	b := dump(t, backup)
	bconn, err := sql.Open("sqlite", "file:"+backup+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer bconn.Close()
	var maxNumber string
	var nTickets int
	if err := bconn.QueryRow(`SELECT MAX(number), COUNT(*) FROM tickets`).Scan(&maxNumber, &nTickets); err != nil {
		t.Fatal(err)
	}
	if nTickets < 5+20 {
		t.Fatalf("backup has %d tickets, want at least the %d written before it", nTickets, 25)
	}
	checkEvents(t, bconn)
	a.Close()
	appOpen = false
	sconn, err := sql.Open("sqlite", "file:"+src+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	s := dumpDB(t, sconn)
	var srcCount int
	sconn.QueryRow(`SELECT COUNT(*) FROM tickets`).Scan(&srcCount)
	if srcCount <= nTickets {
		t.Fatalf("source has %d tickets, backup %d: the writer did not write after the backup", srcCount, nTickets)
	}
	asItWas := map[string]string{
		"tickets":       dumpTable(t, sconn, "tickets", fmt.Sprintf("number <= '%s'", maxNumber)),
		"ticket_events": dumpTable(t, sconn, "ticket_events", fmt.Sprintf("ticket_number <= '%s'", maxNumber)),
	}
	sconn.Close()
	// The text index's segments (FTS5 shadow tables) are merged as writes go
	// on: the source's later rows need not include the backup's.
	skip := map[string]bool{"counters": true, "ticket_text_data": true, "ticket_text_idx": true}
	compareDumps(t, "backup vs source as it was", b, s, asItWas, skip, true)

	// Restore into a fresh data folder: the same database.
	freshDir := filepath.Join(t.TempDir(), "fresh")
	kept, err := db.RestoreSQLite(ctx, backup, db.SQLitePath("", freshDir), time.Now())
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	if kept != "" {
		t.Fatalf("restore into an empty folder kept %q", kept)
	}
	r := dump(t, db.SQLitePath("", freshDir))
	compareDumps(t, "restored vs backup", r, b, nil, nil, false)

	// The restored folder serves: gongzhi opens it, migrates, and goes on numbering.
	servesOn(t, newDemoApp(t, freshDir), maxNumber)
}

// servesOn submits a ticket to a, opened on a restored database, and checks
// that its number comes after maxNumber, the newest restored one; it closes a.
func servesOn(t *testing.T, a *app.App, maxNumber string) {
	t.Helper()
	nt, err := submit(context.Background(), a, 9999)
	a.Close()
	if err != nil {
		t.Fatalf("submit on the restored database: %v", err)
	}
	if nt.Number <= maxNumber {
		t.Fatalf("new ticket %s after restore reuses a number ≤ %s", nt.Number, maxNumber)
	}
}

// whileWriting runs backup while a writer submits tickets to a: 20 before
// it starts and 20 after it ends, at least. It returns how many the writer
// made.
func whileWriting(t *testing.T, a *app.App, backup func()) int64 {
	t.Helper()
	ctx := context.Background()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var during atomic.Int64
	var writeErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 100; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := submit(ctx, a, i); err != nil {
				writeErr = err
				return
			}
			during.Add(1)
		}
	}()
	for during.Load() < 20 {
		time.Sleep(time.Millisecond)
	}
	backup()
	after := during.Load()
	for during.Load() < after+20 && writeErr == nil {
		time.Sleep(time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if writeErr != nil {
		t.Fatalf("writer: %v", writeErr)
	}
	return during.Load()
}

// compareDumps compares every table of got and want; override replaces
// want's rendering of some tables, skip leaves tables out. With subset, a
// table not overridden need only have its rows in want: other writes (a
// notification per ticket, say) go on in the source after the backup.
func compareDumps(t *testing.T, what string, got, want, override map[string]string, skip map[string]bool, subset bool) {
	t.Helper()
	var names []string
	for n := range want {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(got) != len(want) {
		t.Fatalf("%s: %d tables, want %d", what, len(got), len(want))
	}
	for _, n := range names {
		if skip[n] {
			continue
		}
		w, exact := want[n], !subset
		if o, ok := override[n]; ok {
			w, exact = o, true
		}
		if exact {
			if got[n] != w {
				t.Errorf("%s: table %s differs:\ngot  %d bytes\nwant %d bytes\n%s", what, n, len(got[n]), len(w), firstDiff(got[n], w))
			}
			continue
		}
		have := map[string]int{}
		for _, line := range strings.Split(w, "\n") {
			have[line]++
		}
		for _, line := range strings.Split(got[n], "\n") {
			if have[line] == 0 {
				t.Errorf("%s: table %s has a row the source never had: %q", what, n, line)
				break
			}
			have[line]--
		}
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n got  %q\n want %q", i+1, x, y)
		}
	}
	return ""
}

// checkEvents checks that every ticket's events run 1..version and no event
// is without its ticket.
func checkEvents(t *testing.T, conn *sql.DB) {
	t.Helper()
	var bad int
	err := conn.QueryRow(`SELECT COUNT(*) FROM (SELECT t.number FROM tickets t LEFT JOIN ticket_events e ON e.ticket_number = t.number
GROUP BY t.number, t.version HAVING COUNT(e.seq) != t.version OR COALESCE(MIN(e.seq), 0) != 1 OR COALESCE(MAX(e.seq), 0) != t.version) AS broken`).Scan(&bad)
	if err != nil {
		t.Fatal(err)
	}
	var orphans int
	if err := conn.QueryRow(`SELECT COUNT(*) FROM ticket_events e WHERE NOT EXISTS (SELECT 1 FROM tickets t WHERE t.number = e.ticket_number)`).Scan(&orphans); err != nil {
		t.Fatal(err)
	}
	if bad != 0 || orphans != 0 {
		t.Fatalf("%d tickets whose events do not run 1..version, %d events without a ticket", bad, orphans)
	}
}

func TestRestoreRefuses(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()

	notDB := filepath.Join(dir, "notes.txt")
	os.WriteFile(notDB, []byte("not a database, just notes\n"), 0o644)
	if _, err := db.RestoreSQLite(ctx, notDB, filepath.Join(dir, "data", "gongzhi.db"), time.Now()); err == nil || !strings.Contains(err.Error(), "not an SQLite database") {
		t.Fatalf("restore of a text file: %v", err)
	}

	other := filepath.Join(dir, "other.db")
	c, err := sql.Open("sqlite", "file:"+other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)`); err != nil {
		t.Fatal(err)
	}
	c.Close()
	if _, err := db.RestoreSQLite(ctx, other, filepath.Join(dir, "data", "gongzhi.db"), time.Now()); err == nil || !strings.Contains(err.Error(), "not gongzhi's") {
		t.Fatalf("restore of a foreign SQLite database: %v", err)
	}

	// A truncated backup fails the checks.
	live := filepath.Join(dir, "live")
	a := newDemoApp(t, live)
	if _, err := submit(ctx, a, 1); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "good.db")
	if err := db.BackupSQLite(ctx, db.SQLitePath("", live), good); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(good)
	cut := filepath.Join(dir, "cut.db")
	os.WriteFile(cut, raw[:len(raw)/2], 0o644)
	if _, err := db.RestoreSQLite(ctx, cut, filepath.Join(dir, "data", "gongzhi.db"), time.Now()); err == nil {
		t.Fatal("restore of a truncated backup succeeded")
	}

	// A server holding the database open keeps it from being replaced.
	target := db.SQLitePath("", live)
	before, _ := os.ReadFile(target)
	_, err = db.RestoreSQLite(ctx, good, target, time.Now())
	if !errors.Is(err, db.ErrInUse) {
		a.Close()
		t.Fatalf("restore over a database in use: %v, want ErrInUse", err)
	}
	if after, _ := os.ReadFile(target); string(after) != string(before) {
		t.Fatal("a refused restore changed the database")
	}
	// More tickets, then stop and restore: the newer database is kept aside.
	for i := 2; i < 5; i++ {
		if _, err := submit(ctx, a, i); err != nil {
			t.Fatal(err)
		}
	}
	a.Close()
	now := time.Date(2026, 3, 1, 8, 30, 0, 0, time.UTC)
	kept, err := db.RestoreSQLite(ctx, good, target, now)
	if err != nil {
		t.Fatalf("restore over a stopped database: %v", err)
	}
	if want := target + ".before-restore-20260301T083000Z"; kept != want {
		t.Fatalf("kept %q, want %q", kept, want)
	}
	for _, s := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(target + s); err == nil {
			t.Fatalf("stale %s left beside the restored database", s)
		}
	}
	countTickets := func(path string) int {
		c, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		var n int
		if err := c.QueryRow(`SELECT COUNT(*) FROM tickets`).Scan(&n); err != nil {
			t.Fatalf("count tickets in %s: %v", path, err)
		}
		return n
	}
	if n, k := countTickets(target), countTickets(kept); n != 1 || k != 4 {
		t.Fatalf("restored database has %d tickets (want 1), kept one %d (want 4)", n, k)
	}
	compareDumps(t, "restored vs backup", dump(t, target), dump(t, good), nil, nil, false)
	if leftovers, _ := filepath.Glob(filepath.Join(live, ".*")); len(leftovers) > 0 {
		t.Fatalf("temporary files left: %v", leftovers)
	}
}

func TestPostgresBackupHelp(t *testing.T) {
	h := db.PostgresBackupHelp("postgres://u@h:5432/gz?sslmode=disable")
	for _, want := range []string{"pg_dump --format=custom --file=", "pg_restore --clean --if-exists", "'postgres://u@h:5432/gz?sslmode=disable'"} {
		if !strings.Contains(h, want) {
			t.Errorf("help lacks %q:\n%s", want, h)
		}
	}
	if db.SQLitePath("postgresql://x/y", "d") != "" || db.SQLitePath("", "d") != filepath.Join("d", "gongzhi.db") {
		t.Error("SQLitePath")
	}
}
