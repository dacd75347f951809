package evaluation_test

import (
	"context"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/evaluation"
)

// TestParticipationSwitches: no participation figure until the district
// switches it on; then each unit's figures come from the sources, residents
// count once per area however often they take part, and an area counts
// those of the areas below it.
func TestParticipationSwitches(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		seed(t, d)
		s := newService(d, clock.NewFixed(time.Date(2026, 4, 2, 9, 0, 0, 0, clock.BusinessZone())))
		var asked time.Time
		s.SetParticipation(evaluation.ParticipationSources{
			Answers: func(ctx context.Context, from, to time.Time) (map[string][2]int64, error) {
				asked = from
				return map[string][2]int64{"S1": {4, 3}}, nil
			},
			Acts: []func(context.Context, time.Time, time.Time) ([]evaluation.Act, error){
				func(ctx context.Context, from, to time.Time) ([]evaluation.Act, error) {
					return []evaluation.Act{{"13900000001", "110117001001"}, {"13900000001", "110117001002"}, {"13900000002", "110117001"}, {"13900000003", "110117002001"}}, nil
				},
				func(ctx context.Context, from, to time.Time) ([]evaluation.Act, error) {
					return []evaluation.Act{{"13900000002", "110117001001"}, {"13900000004", "110117001002"}}, nil
				},
			},
			Projects: func(ctx context.Context, from, to time.Time) (map[string][2]int64, error) {
				return map[string][2]int64{"S2": {3, 1}}, nil
			},
			ProjectScores: func(ctx context.Context, from, to time.Time) (map[string][2]int64, error) {
				return map[string][2]int64{"S2": {3, 13}}, nil
			},
		})
		p := march(t, s)
		res, err := s.Evaluate(ctx, evaluation.Query{Period: p, Group: evaluation.GroupOrg})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res.Rows {
			if r.Participation != nil {
				t.Fatalf("%s has participation figures with every switch off", r.Key())
			}
		}
		st, err := s.Settings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		st.Participation = evaluation.ParticipationSwitches{ProposalsOnTime: true, PerThousand: true}
		if err := s.SaveSettings(ctx, st); err != nil {
			t.Fatal(err)
		}
		res, err = s.Evaluate(ctx, evaluation.Query{Period: p, Group: evaluation.GroupOrg})
		if err != nil {
			t.Fatal(err)
		}
		if !asked.Equal(p.From) {
			t.Errorf("answers asked from %v, want %v", asked, p.From)
		}
		rows := byKey(res.Rows)
		s1, s2, d1 := rows["S1"].Participation, rows["S2"].Participation, rows["D1"].Participation
		if s1 == nil || s1.ProjectsEvaluated != nil || s1.ProjectScore != nil {
			t.Fatalf("S1: %+v", s1)
		}
		if r := s1.ProposalsOnTime; r.Num != 3 || r.Den != 4 || !eqp(r.Rate, f(0.75)) {
			t.Errorf("S1 on time: %+v", r)
		}
		// 街道一 (50,000 residents): phones 1, 2 and 4 — three, however often.
		if r := s1.PerThousand; r.Num != 3 || r.Den != 50000 || !eqp(r.Rate, f(3*1000.0/50000)) {
			t.Errorf("S1 per 1,000: %+v", r)
		}
		if r := s2.PerThousand; r.Num != 1 || r.Den != 20000 {
			t.Errorf("S2 per 1,000: %+v", r)
		}
		if r := s2.ProposalsOnTime; r.Num != 0 || r.Den != 0 || r.Rate != nil {
			t.Errorf("S2 on time with nothing due: %+v", r)
		}
		// A department serves no area: no population to divide by.
		if r := d1.PerThousand; r.Den != 0 || r.Rate != nil {
			t.Errorf("D1 per 1,000: %+v", r)
		}
		res, err = s.Evaluate(ctx, evaluation.Query{Period: p, Group: evaluation.GroupArea, AreaCode: "110117001"})
		if err != nil {
			t.Fatal(err)
		}
		rows = byKey(res.Rows)
		if r := rows["110117001001"].Participation.PerThousand; r.Num != 2 || r.Den != 0 || r.Rate != nil {
			t.Errorf("社区一 (no population): %+v", r)
		}
		// The key projects' figures: the share evaluated and the residents'
		// mean score, by the unit that ran them.
		st.Participation = evaluation.ParticipationSwitches{ProjectsEvaluated: true, ProjectScore: true}
		if err := s.SaveSettings(ctx, st); err != nil {
			t.Fatal(err)
		}
		res, err = s.Evaluate(ctx, evaluation.Query{Period: p, Group: evaluation.GroupOrg})
		if err != nil {
			t.Fatal(err)
		}
		rows = byKey(res.Rows)
		if pt := rows["S2"].Participation; pt.ProposalsOnTime != nil || pt.PerThousand != nil ||
			pt.ProjectsEvaluated.Num != 1 || pt.ProjectsEvaluated.Den != 3 ||
			pt.ProjectScore.Num != 13 || pt.ProjectScore.Den != 3 || !eqp(pt.ProjectScore.Rate, f(13.0/3)) {
			t.Errorf("S2 projects: %+v %+v", pt.ProjectsEvaluated, pt.ProjectScore)
		}
		if r := rows["S1"].Participation.ProjectScore; r.Den != 0 || r.Rate != nil {
			t.Errorf("S1 with no project scored: %+v", r)
		}
	})
}
