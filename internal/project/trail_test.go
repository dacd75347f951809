package project_test

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
	"github.com/gongzhi/gongzhi/internal/project"
	"github.com/gongzhi/gongzhi/internal/trail"
)

// A project planned for a week, built past its last milestone: two steps
// held by its unit, the works overdue against the milestone's day.
func TestTrailOfAProject(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, monday)
		g := gov.NewService(d, f.clock)
		tr := trail.New(calendar.Default(), f.clock, trail.Names{Org: g.Org, User: func(_ context.Context, id string) (auth.User, error) {
			return auth.User{ID: id, Name: "居委会李主任", Role: auth.RoleHandler}, nil
		}})
		tr.Add(trail.KindProject, f.s.TrailOf)
		p := f.create(t, "")
		f.clock.Advance(7 * 24 * time.Hour) // Monday 2026-12-07
		f.phase(t, p.Number, project.Building)
		_, err := f.s.AddMilestone(ctx, f.committee, p.Number, project.MilestoneIn{Title: "外墙完工", Planned: "2026-12-10"})
		must(t, err)
		f.clock.Advance(5 * 24 * time.Hour) // Saturday 2026-12-12 10:00
		got, err := tr.Get(ctx, f.committee, trail.KindProject, p.Number)
		must(t, err)
		if len(got.Rows) != 2 {
			t.Fatalf("steps: %+v", got.Rows)
		}
		a, b := got.Rows[0], got.Rows[1]
		if a.Stage != "planning" || a.Holder != "承平里社区居委会" || a.Wall != 7*24*3600 || a.EndKind != "phase" || a.EndBy != "居委会李主任" {
			t.Fatalf("planning: %+v", a)
		}
		// Due at the end of Thursday 2026-12-10: a day and ten hours late,
		// Friday's working day of it.
		if b.Stage != "building" || b.To != nil || b.Limit != trail.LimitOverdue || b.Overdue != 34*3600 ||
			b.OverdueW != int64(calendar.Default().DailyWorkingTime()/time.Second) {
			t.Fatalf("building: %+v", b)
		}
		_, want := f.s.Project(ctx, f.other, p.Number)
		if _, err := tr.Get(ctx, f.other, trail.KindProject, p.Number); (err == nil) != (want == nil) || errs.CodeOf(err) != errs.CodeOf(want) {
			t.Fatalf("another street: %v (the project: %v)", err, want)
		}
		if _, err := tr.Get(ctx, f.residents[0], trail.KindProject, p.Number); !errs.Is(err, errs.NotFound) {
			t.Fatalf("a resident: %v", err)
		}
	})
}
