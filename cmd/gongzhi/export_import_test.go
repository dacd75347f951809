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

// TestExportAreaEndToEnd: one street leaves the demo district for an
// installation of its own. Its ticket comes and is served there to the
// street's grid worker, who came with it; another street's ticket does not.
func TestExportAreaEndToEnd(t *testing.T) {
	data := t.TempDir()
	s := start(t, "--demo", "--data", data)
	agent := s.login("demo-agent")
	var numbers []string
	for _, area := range []string{"110117001001", "110117002001"} {
		created := s.want(s.call("POST", "/api/v1/tickets", agent, map[string]any{"kind": "complaint", "category_code": "0101",
			"description": "迁移演练：路灯不亮 " + area, "area_code": area, "reporter_phone": "13912345679"}), 201, "submit")
		numbers = append(numbers, created.body["number"].(string))
	}
	s.stop()

	dir := filepath.Join(t.TempDir(), "street")
	out, err := gongzhi(t, "export", dir, "--area", "110117001", "--with-secrets", "--data", data)
	if err != nil || !strings.Contains(out, "of area 110117001") {
		t.Fatalf("export: %v\n%s", err, out)
	}
	other := t.TempDir()
	if out, err := gongzhi(t, "import", "export", dir, "--data", other); err != nil {
		t.Fatalf("import export: %v\n%s", err, out)
	}
	s2 := start(t, "--data", other)
	grid := s2.login("demo-grid")
	s2.want(s2.call("GET", "/api/v1/tickets/"+numbers[0], grid, nil), 200, "the street's ticket")
	if rep := s2.call("GET", "/api/v1/tickets/"+numbers[1], grid, nil); rep.status != 404 {
		t.Fatalf("another street's ticket: %d %s", rep.status, rep.raw)
	}
	s2.stop()
}
