package main_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ruleset"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// The city's installation exports its rule set with `gongzhi rules
// export`, the district's imports it with `gongzhi rules import`, and the
// district's export of it is the same bytes; a changed file is refused.
func TestRulesFileCLI(t *testing.T) {
	ctx := context.Background()
	city := t.TempDir()
	d, err := db.Open(ctx, "", city)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	c := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, clock.BusinessZone()))
	g := gov.NewService(d, c)
	if err := g.UpsertArea(ctx, gov.Area{Code: "110000", Name: "北京市", Level: gov.LevelCity}); err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.DiscardHandler)
	svc := ruleset.NewService(d, c, g, ticket.NewService(d, c, g, quiet), evaluation.NewService(d, c, g, quiet))
	if _, err := svc.Publish(ctx, auth.System(), ruleset.PublishInput{Entries: []ruleset.Entry{
		{Section: ruleset.Categories, Key: "01", Value: "城市管理"},
		{Section: ruleset.TimeLimits, Key: "01", Value: "2h,24h,5d", Overridable: true},
	}}); err != nil {
		t.Fatal(err)
	}
	d.Close()

	files := t.TempDir()
	f1, f2, bad := filepath.Join(files, "city.json"), filepath.Join(files, "again.json"), filepath.Join(files, "bad.json")
	if out, err := gongzhi(t, "rules", "export", f1, "--data", city); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	district := t.TempDir()
	b, _ := os.ReadFile(f1)
	os.WriteFile(bad, bytes.Replace(b, []byte("5d"), []byte("3d"), 1), 0o644)
	if out, err := gongzhi(t, "rules", "import", bad, "--data", district); err == nil || !strings.Contains(out, "checksum") {
		t.Fatalf("a changed file was imported: %v\n%s", err, out)
	}
	if out, err := gongzhi(t, "rules", "import", f1, "--data", district); err != nil || !strings.Contains(out, "version 1") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if out, err := gongzhi(t, "rules", "export", f2, "110000", "1", "--data", district); err != nil {
		t.Fatalf("export again: %v\n%s", err, out)
	}
	again, _ := os.ReadFile(f2)
	if len(b) == 0 || !bytes.Equal(b, again) {
		t.Fatalf("the round trip changed the file:\n%s\n%s", b, again)
	}
}
