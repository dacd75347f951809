package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// gongzhi runs the binary with args and returns its combined output.
func gongzhi(t *testing.T, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(binary, args...).CombinedOutput()
	return string(out), err
}

func TestBackupRestoreEndToEnd(t *testing.T) {
	data := t.TempDir()
	s := start(t, "--demo", "--data", data)
	agent := s.login("demo-agent")
	created := s.want(s.call("POST", "/api/v1/tickets", agent, map[string]any{"kind": "complaint", "category_code": "0101",
		"description": "备份演练：金谷东园北门垃圾堆积", "area_code": "110117001001", "reporter_phone": "13912345678"}), 201, "submit")
	number := created.body["number"].(string)

	// An online backup while the server runs.
	backup := filepath.Join(t.TempDir(), "gongzhi-backup.db")
	if out, err := gongzhi(t, "backup", backup, "--data", data); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	if out, err := gongzhi(t, "backup", "--data", data, backup); err == nil || !strings.Contains(out, "already exists") {
		t.Fatalf("backup over an existing file: %v\n%s", err, out)
	}
	// A restore over the running server's database is refused.
	if out, err := gongzhi(t, "restore", backup, "--data", data); err == nil || !strings.Contains(out, "in use") {
		t.Fatalf("restore while serving: %v\n%s", err, out)
	}
	s.want(s.call("GET", "/api/v1/tickets/"+number, agent, nil), 200, "server unharmed by the refused restore")
	s.stop()

	other := filepath.Join(t.TempDir(), "restored")
	out, err := gongzhi(t, "restore", backup, "--data", other)
	if err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	s2 := start(t, "--data", other)
	dispatcher := s2.login("demo-dispatcher")
	got := s2.want(s2.call("GET", "/api/v1/tickets/"+number, dispatcher, nil), 200, "restored ticket")
	if got.body["description"] != created.body["description"] || got.body["status"] != "dispatched" {
		t.Fatalf("restored ticket: %s", got.raw)
	}
	s2.stop()

	// Restoring over an existing (stopped) database keeps the old one aside.
	out, err = gongzhi(t, "restore", backup, "--data", data)
	if err != nil {
		t.Fatalf("restore over the stopped original: %v\n%s", err, out)
	}
	kept, _ := filepath.Glob(filepath.Join(data, "gongzhi.db.before-restore-*"))
	if len(kept) != 1 || !strings.Contains(out, kept[0]) {
		t.Fatalf("previous database kept as %v; output:\n%s", kept, out)
	}
}

func TestBackupRefusals(t *testing.T) {
	dir := t.TempDir()
	out, err := gongzhi(t, "backup", filepath.Join(dir, "x.dump"), "--db", "postgres://gongzhi@db.example:5432/gongzhi")
	if err == nil || !strings.Contains(out, "pg_dump --format=custom") || !strings.Contains(out, "pg_restore --clean --if-exists") {
		t.Fatalf("backup of PostgreSQL: %v\n%s", err, out)
	}
	if out, err := gongzhi(t, "backup", filepath.Join(dir, "x.db"), "--data", filepath.Join(dir, "nothing")); err == nil {
		t.Fatalf("backup of a missing database succeeded:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "nothing", "gongzhi.db")); err == nil {
		t.Fatal("backup created an empty database")
	}
	notes := filepath.Join(dir, "notes.txt")
	os.WriteFile(notes, []byte("hello"), 0o644)
	if out, err := gongzhi(t, "restore", notes, "--data", filepath.Join(dir, "d")); err == nil || !strings.Contains(out, "not an SQLite database") {
		t.Fatalf("restore of a text file: %v\n%s", err, out)
	}
	if out, err := gongzhi(t, "backup"); err == nil || !strings.Contains(out, "usage") {
		t.Fatalf("backup without FILE: %v\n%s", err, out)
	}
}
