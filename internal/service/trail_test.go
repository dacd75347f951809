package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/calendar"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/service"
	"github.com/gongzhi/gongzhi/internal/trail"
)

// A request the provider confirms two hours late and serves before its
// slot ends: two steps, the first overdue by two hours.
func TestTrailOfARequest(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		g := gov.NewService(d, f.clock)
		tr := trail.New(calendar.Default(), f.clock, trail.Names{Org: g.Org, User: func(_ context.Context, id string) (auth.User, error) {
			return auth.User{ID: id, Name: "服务站张师傅", Role: auth.RoleHandler}, nil
		}})
		tr.Add(trail.KindService, f.s.TrailOf)
		elderly, _ := f.providers(t)
		sl := f.slot(t, f.provider, elderly, 2)
		r := f.residents[0]
		q, err := f.s.Create(ctx, r, service.NewRequest{ServiceID: elderly, SlotID: sl.ID})
		must(t, err)
		f.clock.Advance(26 * time.Hour) // Thursday 12:00, due at 10:00
		_, err = f.s.Confirm(ctx, f.provider, q.Number)
		must(t, err)
		f.clock.Advance(time.Hour)
		_, err = f.s.Complete(ctx, f.provider, q.Number)
		must(t, err)
		_, err = f.s.Complete(ctx, r, q.Number)
		must(t, err)
		got, err := tr.Get(ctx, f.provider, trail.KindService, q.Number)
		must(t, err)
		if len(got.Rows) != 2 {
			t.Fatalf("steps: %+v", got.Rows)
		}
		a, b := got.Rows[0], got.Rows[1]
		if a.Stage != "requested" || a.OrgCode != "SP1" || a.Limit != trail.LimitOverdue || a.Overdue != 7200 || a.EndKind != "confirm" || a.Person != "服务站张师傅" {
			t.Fatalf("waiting for the provider: %+v", a)
		}
		if b.Stage != "confirmed" || b.Limit != trail.LimitMet || b.Wall != 3600 || b.EndKind != "complete" {
			t.Fatalf("confirmed: %+v", b)
		}
		// Another provider reads neither the request nor its trail; the resident no trail.
		_, want := f.s.Get(ctx, f.provider2, q.Number)
		if _, err := tr.Get(ctx, f.provider2, trail.KindService, q.Number); err == nil || errs.CodeOf(err) != errs.CodeOf(want) {
			t.Fatalf("another provider: %v (the request: %v)", err, want)
		}
		if _, err := tr.Get(ctx, r, trail.KindService, q.Number); !errs.Is(err, errs.NotFound) {
			t.Fatalf("the resident: %v", err)
		}
	})
}
