package auth_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
)

// TestAuditActionsListed checks that every audit action the package
// declares is in AuditActions, which the pages use to name each one.
func TestAuditActionsListed(t *testing.T) {
	decl := regexp.MustCompile(`(?m)^\s+Audit\w+\s*=\s*"([a-z_]+)"`)
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range decl.FindAllStringSubmatch(string(b), -1) {
			n++
			if !slices.Contains(auth.AuditActions, m[1]) {
				t.Errorf("%s: audit action %q is not in AuditActions", name, m[1])
			}
		}
	}
	if n != len(auth.AuditActions) {
		t.Errorf("%d audit actions declared, %d listed", n, len(auth.AuditActions))
	}
}
