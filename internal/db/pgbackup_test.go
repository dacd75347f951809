package db_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/config"
)

// pgDatabase makes an empty database on the test server and returns its
// URL, which libpq's tools read too; it is dropped when the test ends.
func pgDatabase(t *testing.T, base string) string {
	t.Helper()
	var b [6]byte
	rand.Read(b[:])
	name := "gz_backup_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		if a, err := sql.Open("pgx", base); err == nil {
			a.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
			a.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	q := u.Query()
	q.Del("search_path")
	u.RawQuery = q.Encode()
	return u.String()
}

// dumpPG renders every table of the database's public schema, as dumpDB does.
func dumpPG(t *testing.T, conn *sql.DB) map[string]string {
	t.Helper()
	return dumpTables(t, conn, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`)
}

// TestPostgresBackupRoundTrip runs the PostgreSQL commands that gongzhi
// backup prints for that engine: pg_dump while the server writes, then
// pg_restore into an empty database, which must hold the source as it was
// at one moment and serve on.
func TestPostgresBackupRoundTrip(t *testing.T) {
	base := os.Getenv("GONGZHI_TEST_POSTGRES")
	if base == "" {
		t.Skip("GONGZHI_TEST_POSTGRES is not set: PostgreSQL backup test skipped")
	}
	pgDump, err1 := exec.LookPath("pg_dump")
	pgRestore, err2 := exec.LookPath("pg_restore")
	if err1 != nil || err2 != nil {
		t.Skip("pg_dump and pg_restore are not installed: PostgreSQL backup test skipped")
	}
	ctx := context.Background()
	srcDSN, dstDSN := pgDatabase(t, base), pgDatabase(t, base)
	open := func(dsn string) *app.App {
		cfg := config.Config{DataDir: t.TempDir(), DB: dsn, Demo: true, BcryptCost: 4, Addr: "127.0.0.1:0", AdminPassword: "lantern-river-42"}
		a, err := app.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatalf("app: %v", err)
		}
		return a
	}
	a := open(srcDSN)
	for i := 0; i < 5; i++ {
		if _, err := submit(ctx, a, i); err != nil {
			t.Fatal(err)
		}
	}

	// A writer keeps submitting while pg_dump runs.
	file := filepath.Join(t.TempDir(), "gongzhi.dump")
	whileWriting(t, a, func() {
		if out, err := exec.Command(pgDump, "--format=custom", "--file="+file, srcDSN).CombinedOutput(); err != nil {
			t.Fatalf("pg_dump: %v\n%s", err, out)
		}
	})
	a.Close()
	if out, err := exec.Command(pgRestore, "--clean", "--if-exists", "--no-owner", "--dbname="+dstDSN, file).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}

	// The restored database is the source as it was when the dump began:
	// the one writer only creates tickets, numbered in commit order, so
	// that is the source's rows up to the restored newest ticket.
	src, err := sql.Open("pgx", srcDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := sql.Open("pgx", dstDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	var maxNumber string
	var nTickets, srcCount int
	if err := dst.QueryRow(`SELECT MAX(number), COUNT(*) FROM tickets`).Scan(&maxNumber, &nTickets); err != nil {
		t.Fatal(err)
	}
	src.QueryRow(`SELECT COUNT(*) FROM tickets`).Scan(&srcCount)
	if nTickets < 25 || srcCount <= nTickets {
		t.Fatalf("restored %d tickets of the source's %d: want at least 25, and writes after the dump", nTickets, srcCount)
	}
	checkEvents(t, dst)
	asItWas := map[string]string{
		"tickets":       dumpTable(t, src, "tickets", fmt.Sprintf("number <= '%s'", maxNumber)),
		"ticket_events": dumpTable(t, src, "ticket_events", fmt.Sprintf("ticket_number <= '%s'", maxNumber)),
	}
	compareDumps(t, "restored vs source as it was", dumpPG(t, dst), dumpPG(t, src), asItWas, map[string]bool{"counters": true}, true)

	// The restored database serves and goes on numbering.
	servesOn(t, open(dstDSN), maxNumber)
	t.Logf("restored %d tickets of %d; the source went on writing during and after the dump", nTickets, srcCount)
}
