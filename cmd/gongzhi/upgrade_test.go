package main_test

import (
	"context"
	"fmt"
	"net/url"
	osexec "os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

// snapshot is what the rollback must bring back: the schema version and the
// rows of the tables the rehearsal writes.
func snapshot(t *testing.T, dsn, data string) (int64, string) {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, dsn, data)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	v, err := d.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	rows, err := d.R.QueryContext(ctx, `SELECT key, value FROM settings WHERE key LIKE 'rehearsal.%' ORDER BY key`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, val string
		rows.Scan(&k, &val)
		fmt.Fprintf(&b, "%s=%s\n", k, val)
	}
	return v, b.String()
}

func exec1(t *testing.T, dsn, data, q string, args ...any) {
	t.Helper()
	d, err := db.Open(context.Background(), dsn, data)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.W.Exec(q, args...); err != nil {
		t.Fatal(err)
	}
}

// TestUpgradeRollbackSQLite rehearses an upgrade from an older schema and
// its rollback: upgrade-check lists the pending migrations and writes the
// backup, the upgrade migrates, and restoring the backup brings back the
// older schema and the data as they were.
func TestUpgradeRollbackSQLite(t *testing.T) {
	data := t.TempDir()
	const older = 170
	if out, err := gongzhi(t, "migrate", "--to", fmt.Sprint(older), "--data", data); err != nil || !strings.Contains(out, "schema version 170") {
		t.Fatalf("migrate --to: %v\n%s", err, out)
	}
	exec1(t, "", data, `INSERT INTO settings (key, value) VALUES ('rehearsal.a', '旧版本的数据'), ('rehearsal.b', '2')`)
	v0, rows0 := snapshot(t, "", data)
	if v0 != older || rows0 == "" {
		t.Fatalf("before: version %d rows %q", v0, rows0)
	}

	backup := filepath.Join(t.TempDir(), "before-upgrade.db")
	out, err := gongzhi(t, "upgrade-check", "--data", data, "--backup", backup, "--by", "ops")
	if err != nil {
		t.Fatalf("upgrade-check: %v\n%s", err, out)
	}
	if !regexp.MustCompile(`(?m)^  0171  (low|medium|high) +0171_`).MatchString(out) || strings.Contains(out, "  0170 ") ||
		!strings.Contains(out, "schema version 170") || !strings.Contains(out, "backup written to "+backup) {
		t.Fatalf("upgrade-check output:\n%s", out)
	}
	if v, _ := snapshot(t, "", data); v != older {
		t.Fatalf("upgrade-check migrated the database to %d", v)
	}
	if out, err := gongzhi(t, "upgrade-check", "--data", data, "--backup", backup); err == nil || !strings.Contains(out, "already exists") {
		t.Fatalf("upgrade-check over an existing backup: %v\n%s", err, out)
	}

	// The upgrade, and work done after it.
	if out, err := gongzhi(t, "migrate", "--data", data); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	exec1(t, "", data, `UPDATE settings SET value = '新版本改过' WHERE key = 'rehearsal.a'`)
	if v, _ := snapshot(t, "", data); v <= older {
		t.Fatalf("after the upgrade at %d", v)
	}
	out, _ = gongzhi(t, "upgrade-check", "--data", data, "--backup", filepath.Join(t.TempDir(), "again.db"))
	if !strings.Contains(out, "no pending migrations") {
		t.Fatalf("upgrade-check after the upgrade:\n%s", out)
	}

	// The rollback: restore the backup; the older binary would start on it.
	if out, err := gongzhi(t, "restore", backup, "--data", data, "--by", "ops"); err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	v1, rows1 := snapshot(t, "", data)
	if v1 != older || rows1 != rows0 {
		t.Fatalf("after the rollback: version %d rows %q, want %d %q", v1, rows1, older, rows0)
	}
	out, _ = gongzhi(t, "upgrade-check", "--data", data, "--backup", filepath.Join(t.TempDir(), "third.db"))
	if !strings.Contains(out, "  0171  ") {
		t.Fatalf("after the rollback the migrations are pending again:\n%s", out)
	}
}

func TestUpgradeCheckRefusals(t *testing.T) {
	dir := t.TempDir()
	if out, err := gongzhi(t, "upgrade-check", "--data", filepath.Join(dir, "none")); err == nil || !strings.Contains(out, "nothing to upgrade") {
		t.Fatalf("upgrade-check without a database: %v\n%s", err, out)
	}
	if out, err := gongzhi(t, "upgrade-check", "--data", dir, "extra"); err == nil || !strings.Contains(out, "unexpected argument") {
		t.Fatalf("upgrade-check with an argument: %v\n%s", err, out)
	}
	if out, err := gongzhi(t, "migrate", "--to", "-3", "--data", dir); err == nil {
		t.Fatalf("migrate --to -3: %s", out)
	}
}

// TestUpgradeRollbackPostgres: on PostgreSQL upgrade-check runs pg_dump of
// gongzhi's schema; the rollback drops the schema and restores the dump with
// pg_restore, as the README says.
func TestUpgradeRollbackPostgres(t *testing.T) {
	if _, err := osexec.LookPath("pg_restore"); err != nil {
		t.Skip("pg_restore is not on the PATH")
	}
	dsn := dbtest.DSN(t, db.Postgres)
	const older = 170
	if out, err := gongzhi(t, "migrate", "--to", fmt.Sprint(older), "--db", dsn); err != nil {
		t.Fatalf("migrate --to: %v\n%s", err, out)
	}
	exec1(t, dsn, "", `INSERT INTO settings (key, value) VALUES ('rehearsal.a', '旧版本的数据')`)
	v0, rows0 := snapshot(t, dsn, "")
	backup := filepath.Join(t.TempDir(), "before-upgrade.dump")
	out, err := gongzhi(t, "upgrade-check", "--db", dsn, "--backup", backup)
	if err != nil || !strings.Contains(out, "  0171  ") {
		t.Fatalf("upgrade-check: %v\n%s", err, out)
	}
	if out, err := gongzhi(t, "migrate", "--db", dsn); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	exec1(t, dsn, "", `UPDATE settings SET value = 'x' WHERE key = 'rehearsal.a'`)

	u, _ := url.Parse(dsn)
	q := u.Query()
	schema := q.Get("search_path")
	q.Del("search_path")
	u.RawQuery = q.Encode()
	exec1(t, dsn, "", `DROP SCHEMA `+schema+` CASCADE`)
	if out, err := osexec.Command("pg_restore", "--no-owner", "--dbname="+u.String(), backup).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}
	v1, rows1 := snapshot(t, dsn, "")
	if v1 != v0 || rows1 != rows0 || v0 != older {
		t.Fatalf("after the rollback: %d %q, want %d %q", v1, rows1, v0, rows0)
	}
}
