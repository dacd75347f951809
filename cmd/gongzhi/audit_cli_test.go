package main_test

import (
	"path/filepath"
	"strings"
	"testing"
)

// An export and a backup asked for at the server are in the audit log, as
// the system acting for the operator named by --by (or $USER).
func TestExportAndBackupAudited(t *testing.T) {
	data := t.TempDir()
	s := start(t, "--demo", "--data", data)
	if out, err := gongzhi(t, "backup", filepath.Join(t.TempDir(), "b.db"), "--by", "zhang.ops", "--data", data); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	if out, err := gongzhi(t, "export", filepath.Join(t.TempDir(), "x"), "--data", data, "--by=li.ops"); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	auditor := s.login("demo-auditor")
	got := s.want(s.call("GET", "/api/v1/audit?actor=system&limit=50", auditor, nil), 200, "the system's entries")
	raw := string(got.raw)
	for _, want := range []string{`"action":"backup"`, `by=zhang.ops`, `"action":"export_data"`, `by=li.ops`} {
		if !strings.Contains(raw, want) {
			t.Fatalf("no %s in %s", want, raw)
		}
	}
	s.stop()
}
