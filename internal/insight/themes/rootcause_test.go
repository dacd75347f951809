package themes_test

import (
	"context"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/rootcause"
)

// A theme's root-cause record is written by those who may rectify it and
// read by those who see it, kept under the theme's month and label.
func TestThemeRootCause(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		m, err := f.svc.Themes(ctx, f.supervisor, "2026-11")
		must(t, err)
		th := m.Items[0]
		in := rootcause.Input{RootCause: "路灯线路老化", Affected: "夜间出行的老人", Obstacles: "维修经费不足", Departments: []string{"S1", "PS"}}
		if _, err := f.svc.SetRootCause(ctx, f.dispatcher, "2026-11", th.ID, in); !errs.Is(err, errs.Forbidden) {
			t.Errorf("a dispatcher writes: %v", err)
		}
		if _, err := f.svc.SetRootCause(ctx, f.supervisor, "2026-11", "nope", in); !errs.Is(err, errs.NotFound) {
			t.Errorf("no such theme: %v", err)
		}
		rec, err := f.svc.SetRootCause(ctx, f.supervisor, "2026-11", th.ID, in)
		must(t, err)
		if rec.Kind != rootcause.KindTheme || rec.Key != "2026-11|"+th.Label || rec.Version != 1 || len(rec.Departments) != 2 {
			t.Fatalf("record %+v", rec)
		}
		_, h, err := f.svc.RootCause(ctx, f.dispatcher, "2026-11", th.ID)
		if err != nil || len(h) != 1 || h[0].RootCause != "路灯线路老化" || h[0].By != f.supervisor.ID {
			t.Fatalf("a dispatcher reads %+v %v", h, err)
		}
		if _, _, err := f.svc.RootCause(ctx, f.handler, "2026-11", th.ID); !errs.Is(err, errs.Forbidden) {
			t.Errorf("a handler reads: %v", err)
		}
	})
}
