// Package dbtest runs storage and service tests on every engine: SQLite
// always, PostgreSQL too when GONGZHI_TEST_POSTGRES holds a DSN.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db"
)

// Engines returns the engine names the tests run on.
func Engines() []string {
	if os.Getenv("GONGZHI_TEST_POSTGRES") != "" {
		return []string{db.SQLite, db.Postgres}
	}
	return []string{db.SQLite}
}

// Each runs fn as a subtest once per engine, each with a fresh migrated database.
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	for _, engine := range Engines() {
		t.Run(engine, func(t *testing.T) {
			fn(t, Open(t, engine))
		})
	}
}

// Open returns a fresh, migrated database of the engine, removed when the test ends.
func Open(t testing.TB, engine string) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), DSN(t, engine), t.TempDir())
	if err != nil {
		t.Fatalf("open %s: %v", engine, err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", engine, err)
	}
	return d
}

// DSN returns a DSN for a fresh, empty database of the engine: an SQLite file
// in a temporary folder, or a new PostgreSQL schema dropped at cleanup.
func DSN(t testing.TB, engine string) string {
	t.Helper()
	if engine == db.SQLite {
		return filepath.Join(t.TempDir(), "test.db")
	}
	base := os.Getenv("GONGZHI_TEST_POSTGRES")
	if base == "" {
		t.Skip("GONGZHI_TEST_POSTGRES is not set: PostgreSQL tests skipped")
	}
	return SchemaDSN(t, base)
}

// Strings runs a query of one text column and returns its rows, failing
// the test on any error.
func Strings(t testing.TB, q db.Queryer, query string, args ...any) []string {
	t.Helper()
	rows, err := q.QueryContext(context.Background(), query, args...)
	if err != nil {
		t.Fatal(err)
	}
	out, err := db.ScanStrings(rows)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// SchemaDSN makes a new schema in the PostgreSQL database of base, dropped
// at cleanup, and returns base with its search_path set to it.
func SchemaDSN(t testing.TB, base string) string {
	t.Helper()
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		a.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("GONGZHI_TEST_POSTGRES is not a URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
