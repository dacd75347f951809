package api_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/config"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

// TestWarningBySurge: tickets posted through the API in one community and
// category raise a warning by the 5th (not at the 1st), within the step the
// background work runs every 15 s, shown by GET /api/v1/insight/warnings
// in its documented shape, to the responsible unit and not to another.
func TestWarningBySurge(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			cfg := config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Demo: true, BcryptCost: 4, AdminPassword: "lantern-river-42"}
			if engine != "sqlite" {
				cfg.DB = dbtest.DSN(t, engine)
			}
			a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { a.Close() })
			srv := httptest.NewServer(a.Handler)
			t.Cleanup(srv.Close)
			agent, handler := login(t, srv, "demo-agent"), login(t, srv, "demo-handler")
			dept, supervisor := login(t, srv, "demo-handler-dept"), login(t, srv, "demo-supervisor")
			var items []any
			opened := 0
			for i := 1; i <= 5; i++ {
				body := map[string]any{"kind": "complaint", "category_code": "0101", "description": fmt.Sprintf("小区北门垃圾堆积 %d", i),
					"area_code": "110117001001", "reporter_phone": fmt.Sprintf("1391234%04d", i)}
				if code, _, m := post(t, srv, "/api/v1/tickets", agent, "", body); code != 201 {
					t.Fatalf("ticket %d: %d %v", i, code, m)
				}
				if _, err := a.Warnings.Detect(context.Background()); err != nil {
					t.Fatal(err)
				}
				items, _ = get(t, srv, "/api/v1/insight/warnings?status=open", handler)["items"].([]any)
				if i == 1 && len(items) != 0 {
					t.Fatalf("a warning at the first ticket: %v", items)
				}
				if len(items) > 0 && opened == 0 {
					opened = i
				}
			}
			if opened == 0 || len(items) != 1 {
				t.Fatalf("no single warning by the 5th ticket: %v", items)
			}
			w := items[0].(map[string]any)
			for _, k := range []string{"id", "area_code", "category_code", "count", "baseline", "score", "first_at", "last_at", "status"} {
				if _, ok := w[k]; !ok {
					t.Fatalf("warning without %q: %v", k, w)
				}
			}
			if w["area_code"] != "110117001001" || w["category_code"] != "0101" || w["count"] != 5.0 || w["baseline"] != 0.0 ||
				w["status"] != "open" || w["score"].(float64) < 2.5 {
				t.Fatalf("warning %v", w)
			}
			t.Logf("opened at ticket %d", opened)
			if l, _ := get(t, srv, "/api/v1/insight/warnings?status=open", supervisor)["items"].([]any); len(l) != 1 {
				t.Fatalf("the supervisor sees %d", len(l))
			}
			if l, _ := get(t, srv, "/api/v1/insight/warnings?status=open", dept)["items"].([]any); len(l) != 0 {
				t.Fatalf("another unit sees %v", l)
			}
			notes, _ := get(t, srv, "/api/v1/notifications", handler)["items"].([]any)
			told := false
			for _, n := range notes {
				told = told || n.(map[string]any)["kind"] == "warning"
			}
			if !told {
				t.Fatalf("the unit was not told: %v", notes)
			}
		})
	}
}
