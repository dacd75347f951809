package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/insight/themes"
)

// `gongzhi insight themes` on a seeded data folder: the month's themes as
// one JSON object, the time taken on stderr; a bad month is refused.
func TestInsightThemesCommand(t *testing.T) {
	dir := t.TempDir()
	env := func(string) string { return "" }
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"seed", "--tickets", "400", "--months", "1", "--data", dir}, env, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("seed: %v\n%s", err, errOut.String())
	}
	month := time.Now().In(clock.BusinessZone()).Format("2006-01")
	out.Reset()
	errOut.Reset()
	if err := run(context.Background(), []string{"insight", "themes", month, "--data", dir}, env, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("themes: %v\n%s", err, errOut.String())
	}
	var m themes.Month
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, out.String())
	}
	if m.Month != month || !m.Partial || m.Tickets == 0 || !strings.Contains(errOut.String(), "themes of "+month) {
		t.Errorf("month %s partial %v tickets %d; stderr %s", m.Month, m.Partial, m.Tickets, errOut.String())
	}
	if err := run(context.Background(), []string{"insight", "themes", "2026-13", "--data", dir}, env, strings.NewReader(""), &out, &errOut); err == nil {
		t.Error("a month that is none: no error")
	}
}
