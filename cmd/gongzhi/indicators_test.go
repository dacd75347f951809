package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestIndicatorsReportCommand writes the yearly workbook and report of an
// empty installation, prints the PDF when chromium is installed, and says
// clearly what is missing when the browser named is not there.
func TestIndicatorsReportCommand(t *testing.T) {
	dir := t.TempDir()
	env := func(k string) string {
		if k == "GONGZHI_DATA" {
			return dir
		}
		return ""
	}
	ctx := context.Background()
	var out, errOut bytes.Buffer
	xlsx, html := filepath.Join(dir, "y.xlsx"), filepath.Join(dir, "y.html")
	if err := run(ctx, []string{"indicators", "report", "--year", "2026", "--xlsx", xlsx, "--html", html}, env, nil, &out, &errOut); err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	if b, _ := os.ReadFile(xlsx); !bytes.HasPrefix(b, []byte("PK")) {
		t.Error("no workbook")
	}
	if b, _ := os.ReadFile(html); !strings.Contains(string(b), "2026年度治理效能自评报告") || !strings.Contains(string(b), "<style>") {
		t.Error("no report")
	}
	if err := run(ctx, []string{"indicators", "report", "--year", "2026"}, env, nil, &out, &errOut); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Errorf("no output named: %v", err)
	}
	missing := func(k string) string {
		if k == "GONGZHI_CHROMIUM" {
			return filepath.Join(dir, "no-such-browser")
		}
		return env(k)
	}
	err := run(ctx, []string{"indicators", "report", "--year", "2026", "--pdf", filepath.Join(dir, "y.pdf")}, missing, nil, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "GONGZHI_CHROMIUM") {
		t.Errorf("a missing browser: %v", err)
	}
	if _, err := exec.LookPath("chromium"); err != nil {
		t.Skip("chromium not installed: the PDF is not printed")
	}
	pdf := filepath.Join(dir, "y.pdf")
	if err := run(ctx, []string{"indicators", "report", "--year", "2026", "--pdf", pdf, "--lang", "en"}, env, nil, &out, &errOut); err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	if b, _ := os.ReadFile(pdf); !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Error("no PDF")
	}
}
