package transfer_test

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/transfer"
)

// TestAreaClasses: every table has a class for an export by area, and a
// new table that is in none stops it until it is decided.
func TestAreaClasses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		classes, err := transfer.AreaClasses(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, c := range classes {
			count[c]++
		}
		t.Logf("%d tables: %v", len(classes), count)
		for _, c := range []string{transfer.ClassArea, transfer.ClassLinked, transfer.ClassWhole, transfer.ClassStays} {
			if count[c] == 0 {
				t.Fatalf("no table of class %s: %v", c, count)
			}
		}
		for table, want := range map[string]string{"tickets": transfer.ClassArea, "ticket_events": transfer.ClassLinked,
			"categories": transfer.ClassWhole, "vote_ballots": transfer.ClassLinked, "audit_log": transfer.ClassStays} {
			if classes[table] != want {
				t.Errorf("%s: class %q, want %q", table, classes[table], want)
			}
		}
		for _, q := range []string{`CREATE TABLE zz_unreviewed (id TEXT PRIMARY KEY, note TEXT)`,
			`CREATE TABLE zz_linked (id TEXT PRIMARY KEY, ticket_number TEXT REFERENCES zz_unreviewed (id))`} {
			if _, err := d.W.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		_, err = transfer.AreaClasses(ctx, d)
		if err == nil || !strings.Contains(err.Error(), "zz_unreviewed (in no class") || !strings.Contains(err.Error(), "zz_linked (in no class") {
			t.Fatalf("an unreviewed table: %v", err)
		}
		if _, err := transfer.Export(ctx, d, filepath.Join(t.TempDir(), "x"), transfer.ExportOptions{Area: "110117001"}); err == nil {
			t.Fatal("an export by area went ahead with an unreviewed table")
		}
	})
}

// TestAreaExport exports one street of the demo district and imports it
// into an empty installation of each engine: its tickets with all their
// events come, no ticket of another street does, and every foreign key of
// what came points at a row that came.
func TestAreaExport(t *testing.T) {
	const street = "110117001"
	dbtest.Each(t, func(t *testing.T, src *db.DB) {
		ctx := context.Background()
		seeded(t, src)
		moreRecords(t, src)
		// Accounts without an area: one in an org of the street goes with
		// it, one in a district department stays.
		for _, q := range []string{
			`INSERT INTO users (id, username, name, role, org_code, area_code, password_hash, created_at) VALUES ('U-street', 'no-area-street', '街道', 'handler', '110117001-SO', NULL, '', 0)`,
			`INSERT INTO users (id, username, name, role, org_code, area_code, password_hash, created_at) VALUES ('U-dept', 'no-area-dept', '部门', 'handler', '110117-D02', NULL, '', 0)`,
		} {
			if _, err := src.W.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		dir := filepath.Join(t.TempDir(), "street")
		m, err := transfer.Export(ctx, src, dir, transfer.ExportOptions{Version: "test", Area: street})
		if err != nil {
			t.Fatal(err)
		}
		if m.Area != street {
			t.Fatalf("manifest area %q", m.Area)
		}
		for _, tm := range m.Tables {
			if tm.Name == "audit_log" || tm.Name == "evaluation_days" {
				t.Fatalf("%s, which stays, is in the export", tm.Name)
			}
		}
		want := srcCounts(t, src, street)
		if want["tickets"] == 0 || want["tickets"] == want["all tickets"] || want["ticket_events"] == 0 {
			t.Fatalf("the test data does not exercise the area: %v", want)
		}
		for _, engine := range dbtest.Engines() {
			t.Run("into "+engine, func(t *testing.T) {
				dst := dbtest.Open(t, engine)
				if _, err := transfer.Load(ctx, dst, dir, transfer.LoadOptions{}); err != nil {
					t.Fatalf("load: %v", err)
				}
				got := map[string]int{}
				for name, q := range map[string]string{
					"tickets":       `SELECT COUNT(*) FROM tickets`,
					"ticket_events": `SELECT COUNT(*) FROM ticket_events`,
					"outside":       `SELECT COUNT(*) FROM tickets WHERE NOT (area_code >= '110117001' AND area_code < '110117001~')`,
					"votes":         `SELECT COUNT(*) FROM votes WHERE id = 'V1'`,
					"parents":       `SELECT COUNT(*) FROM areas WHERE code IN ('11', '1101', '110117')`,
					"other streets": `SELECT COUNT(*) FROM areas WHERE code LIKE '110117002%'`,
					"categories":    `SELECT COUNT(*) FROM categories`,
					"orgs missing": `SELECT COUNT(*) FROM tickets t WHERE t.assigned_org_code <> ''
						AND NOT EXISTS (SELECT 1 FROM orgs o WHERE o.code = t.assigned_org_code)`,
					"event orgs missing": `SELECT COUNT(*) FROM ticket_events e WHERE e.org_code <> ''
						AND NOT EXISTS (SELECT 1 FROM orgs o WHERE o.code = e.org_code)`,
					"district orgs": `SELECT COUNT(*) FROM orgs WHERE code LIKE '110117-%'`,
					"accounts":      `SELECT COUNT(*) FROM users WHERE username IN ('no-area-street', 'demo-handler', 'demo-grid')`,
					"not ours":      `SELECT COUNT(*) FROM users WHERE username IN ('no-area-dept', 'export-admin', 'demo-dispatcher')`,
				} {
					var n int
					if err := dst.R.QueryRow(q).Scan(&n); err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					got[name] = n
				}
				if got["tickets"] != want["tickets"] || got["ticket_events"] != want["ticket_events"] || got["outside"] != 0 ||
					got["votes"] != 1 || got["parents"] != 3 || got["other streets"] != 0 || got["categories"] != want["categories"] ||
					got["orgs missing"] != 0 || got["event orgs missing"] != 0 || got["district orgs"] == 0 || got["accounts"] != 3 || got["not ours"] != 0 {
					t.Fatalf("imported %v, want %v", got, want)
				}
				if engine == db.SQLite {
					noDangling(t, dst)
				}
			})
		}
	})
}

// TestAreaExportDistrict: the export of the whole demo district holds every
// ticket, and a code that names no area is refused.
func TestAreaExportDistrict(t *testing.T) {
	ctx := context.Background()
	src := dbtest.Open(t, db.SQLite)
	seeded(t, src)
	m, err := transfer.Export(ctx, src, filepath.Join(t.TempDir(), "d"), transfer.ExportOptions{Area: "110117"})
	if err != nil {
		t.Fatal(err)
	}
	want := srcCounts(t, src, "110117")
	for _, tm := range m.Tables {
		if tm.Name == "tickets" && int(tm.Rows) != want["all tickets"] {
			t.Fatalf("%d tickets of %d", tm.Rows, want["all tickets"])
		}
	}
	for _, bad := range []string{"110117999", "1101'--"} {
		if _, err := transfer.Export(ctx, src, filepath.Join(t.TempDir(), "x"), transfer.ExportOptions{Area: bad}); err == nil {
			t.Fatalf("area %q accepted", bad)
		}
	}
}

// srcCounts are the source's figures for an area.
func srcCounts(t *testing.T, d *db.DB, code string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for name, q := range map[string]string{
		"tickets":       `SELECT COUNT(*) FROM tickets WHERE area_code >= $1 AND area_code < $1 || '~'`,
		"ticket_events": `SELECT COUNT(*) FROM ticket_events e JOIN tickets t ON t.number = e.ticket_number WHERE t.area_code >= $1 AND t.area_code < $1 || '~'`,
		"all tickets":   `SELECT COUNT(*) FROM tickets WHERE $1 <> ''`,
		"categories":    `SELECT COUNT(*) FROM categories WHERE $1 <> ''`,
	} {
		var n int
		if err := d.R.QueryRow(q, code).Scan(&n); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = n
	}
	return out
}

// noDangling fails when a foreign key of SQLite's points at no row.
func noDangling(t *testing.T, d *db.DB) {
	t.Helper()
	rows, err := d.R.Query(`PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var bad []string
	for rows.Next() {
		var table, parent string
		var rowid, fkid any
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			t.Fatal(err)
		}
		bad = append(bad, table+"→"+parent)
	}
	sort.Strings(bad)
	if len(bad) > 0 {
		t.Fatalf("%d rows point at rows that did not come: %.600v", len(bad), bad)
	}
}
