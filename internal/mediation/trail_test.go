package mediation_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/calendar"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/mediation"
	"github.com/gongzhi/gongzhi/internal/trail"
)

// A case screened by its committee, mediated by two members, terminated
// with a reason: two steps, the mediators named, the reason kept.
func TestTrailOfACase(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		tr := trail.New(calendar.Default(), f.clock, trail.Names{Org: f.g.Org, User: func(_ context.Context, id string) (auth.User, error) {
			return auth.User{ID: id, Name: "王调解", Role: auth.RoleGridWorker}, nil
		}})
		tr.Add(trail.KindMediation, f.s.TrailOf)
		c := f.open(t, mediation.RiskOrange)
		f.clock.Advance(2 * time.Hour)
		_, err := f.s.SetMediators(ctx, f.mediator, c.Number, []string{f.members[0].ID, f.members[1].ID}, false)
		must(t, err)
		f.clock.Advance(72 * time.Hour)
		_, err = f.s.Terminate(ctx, f.mediator, c.Number, "经三次调解，双方分歧过大")
		must(t, err)
		got, err := tr.Get(ctx, f.mediator, trail.KindMediation, c.Number)
		must(t, err)
		if len(got.Rows) != 2 {
			t.Fatalf("steps: %+v", got.Rows)
		}
		a, b := got.Rows[0], got.Rows[1]
		if a.Stage != "screening" || a.Holder != "承平里社区人民调解委员会" || a.Wall != 7200 || a.EndKind != "mediators" || a.Person != "王调解" {
			t.Fatalf("screening: %+v", a)
		}
		if b.Stage != "mediating" || !strings.Contains(b.Person, "王调解") || b.EndKind != "terminate" || b.Reason != "经三次调解，双方分歧过大" || b.Limit != trail.LimitNone {
			t.Fatalf("mediating: %+v", b)
		}
		// Staff elsewhere read neither the case nor its trail; nor do the parties.
		_, want := f.s.Get(ctx, f.other, c.Number)
		if _, err := tr.Get(ctx, f.other, trail.KindMediation, c.Number); err == nil || errs.CodeOf(err) != errs.CodeOf(want) {
			t.Fatalf("another street: %v (the case: %v)", err, want)
		}
		if _, err := tr.Get(ctx, f.a, trail.KindMediation, c.Number); !errs.Is(err, errs.NotFound) {
			t.Fatalf("a party: %v", err)
		}
	})
}
