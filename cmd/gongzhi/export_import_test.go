package main_test

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestExportImportEndToEnd: a district leaves its installation with all of
// its data. The demo district with a ticket is exported with its secrets,
// imported into a new installation, and served from there: the ticket is
// found by number and by a word of its text, and the demo accounts log in.
func TestExportImportEndToEnd(t *testing.T) {
	data := t.TempDir()
	s := start(t, "--demo", "--data", data)
	agent := s.login("demo-agent")
	created := s.want(s.call("POST", "/api/v1/tickets", agent, map[string]any{"kind": "complaint", "category_code": "0101",
		"description": "迁移演练：金谷东园南门路灯不亮", "area_code": "110117001001", "reporter_phone": "13912345679"}), 201, "submit")
	number := created.body["number"].(string)
	s.stop()

	dir := filepath.Join(t.TempDir(), "export")
	if out, err := gongzhi(t, "export", dir, "--with-secrets", "--data", data); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	other := t.TempDir()
	out, err := gongzhi(t, "import", "export", dir, "--data", other)
	if err != nil || !strings.Contains(out, "text index is rebuilt") {
		t.Fatalf("import export: %v\n%s", err, out)
	}
	// A second import into the same installation is refused.
	if out, err := gongzhi(t, "import", "export", dir, "--data", other); err == nil || !strings.Contains(out, "empty installation") {
		t.Fatalf("second import: %v\n%s", err, out)
	}
	s2 := start(t, "--data", other)
	dispatcher := s2.login("demo-dispatcher")
	got := s2.want(s2.call("GET", "/api/v1/tickets/"+number, dispatcher, nil), 200, "imported ticket")
	if got.body["description"] != created.body["description"] {
		t.Fatalf("imported ticket: %s", got.raw)
	}
	found := s2.want(s2.call("GET", "/api/v1/tickets?q=路灯不亮", dispatcher, nil), 200, "search the imported tickets")
	if !strings.Contains(string(found.raw), number) {
		t.Fatalf("the imported ticket is not found by its words: %s", found.raw)
	}
	s2.stop()
}
