package project_test

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/project"
)

// TestDisclosure: each level read as internal/disclosure says, the list
// agreeing with the one item, and the comments' target following both.
func TestDisclosure(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, monday)
		byLevel := map[disclosure.Level]string{}
		for _, l := range disclosure.Levels {
			byLevel[l] = f.create(t, l).Number
		}
		users := map[string]auth.User{
			"guest": {}, "resident": f.residents[0], "outsider": f.outsider, "committee": f.committee,
			"office": f.office, "other": f.other, "admin": f.admin,
		}
		want := map[string]string{
			"guest":     "public",
			"resident":  "public residents",
			"outsider":  "public",
			"committee": "public residents members internal",
			"office":    "public residents internal",
			"other":     "public",
			"admin":     "public residents members internal",
		}
		for name, u := range users {
			page, err := f.s.List(ctx, u, project.Filter{})
			must(t, err)
			var listed []string
			for _, p := range page.Items {
				listed = append(listed, string(p.Level))
			}
			var got []string
			for _, l := range disclosure.Levels {
				_, err := f.s.Get(ctx, u, byLevel[l])
				switch {
				case err == nil:
					got = append(got, string(l))
				case !errs.Is(err, errs.NotFound):
					t.Fatalf("%s reads %s: %v", name, l, err)
				}
			}
			if strings.Join(got, " ") != want[name] {
				t.Errorf("%s reads %v, want %s", name, got, want[name])
			}
			sort.Slice(listed, func(i, j int) bool { return levelIndex(listed[i]) < levelIndex(listed[j]) })
			if strings.Join(listed, " ") != want[name] {
				t.Errorf("%s lists %v, want %s", name, listed, want[name])
			}
		}
		_, err := f.s.Submit(ctx, f.outsider, byLevel[disclosure.Internal], project.InputIn{Kind: project.KindNeed, Text: "x"})
		wantCode(t, err, errs.NotFound, "a need to what she may not read")
		_, err = f.s.Submit(ctx, f.residents[0], byLevel[disclosure.Members], project.InputIn{Kind: project.KindNeed, Text: "x"})
		wantCode(t, err, errs.NotFound, "a resident to a members' project")
		_, err = f.s.Submit(ctx, f.residents[0], byLevel[disclosure.Residents], project.InputIn{Kind: project.KindNeed, Text: "需求"})
		must(t, err)

		tg, err := f.s.CommentTarget(ctx, f.committee, byLevel[disclosure.Residents])
		must(t, err)
		if tg.Kind != "project" || !tg.Official || !tg.Open || tg.Level != disclosure.Residents || tg.URL != "/projects/"+byLevel[disclosure.Residents] || tg.OrgCode != "CC1" {
			t.Errorf("the unit's target: %+v", tg)
		}
		if tg, err := f.s.CommentTarget(ctx, f.office, byLevel[disclosure.Residents]); err != nil || tg.Official {
			t.Errorf("the street office's target: %+v %v", tg, err)
		}
		if tg, err := f.s.CommentTarget(ctx, f.admin, byLevel[disclosure.Public]); err != nil || tg.Official {
			t.Errorf("the administrator's target: %+v %v", tg, err)
		}
		_, err = f.s.CommentTarget(ctx, f.outsider, byLevel[disclosure.Residents])
		wantCode(t, err, errs.NotFound, "an outsider's target")
		f.phase(t, byLevel[disclosure.Public], project.Building)
		f.phase(t, byLevel[disclosure.Public], project.Evaluating)
		f.phase(t, byLevel[disclosure.Public], project.Closed)
		if tg, err := f.s.CommentTarget(ctx, auth.User{}, byLevel[disclosure.Public]); err != nil || tg.Open {
			t.Errorf("a closed project's target: %+v %v", tg, err)
		}
	})
}

func levelIndex(l string) int {
	for i, x := range disclosure.Levels {
		if string(x) == l {
			return i
		}
	}
	return -1
}

func TestListPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, monday)
		var numbers []string
		for range 3 {
			numbers = append(numbers, f.create(t, "").Number)
		}
		f.phase(t, numbers[1], project.Building)
		page, err := f.s.List(ctx, auth.User{}, project.Filter{Limit: 2})
		must(t, err)
		if len(page.Items) != 2 || page.Items[0].Number != numbers[2] || page.Next != numbers[1] {
			t.Fatalf("first page: %+v next %q", page.Items, page.Next)
		}
		page, err = f.s.List(ctx, auth.User{}, project.Filter{Limit: 2, Cursor: page.Next})
		must(t, err)
		if len(page.Items) != 1 || page.Items[0].Number != numbers[0] || page.Next != "" {
			t.Fatalf("second page: %+v next %q", page.Items, page.Next)
		}
		page, err = f.s.List(ctx, f.residents[0], project.Filter{Phase: project.Building, AreaCode: "110117001"})
		must(t, err)
		if len(page.Items) != 1 || page.Items[0].Number != numbers[1] {
			t.Errorf("building: %+v", page.Items)
		}
		if page, err := f.s.List(ctx, f.other, project.Filter{Mine: true}); err != nil || len(page.Items) != 0 {
			t.Errorf("another unit's own: %+v %v", page.Items, err)
		}
		if page, err := f.s.List(ctx, f.committee, project.Filter{Mine: true}); err != nil || len(page.Items) != 3 {
			t.Errorf("the unit's own: %+v %v", page.Items, err)
		}
		for _, bad := range []project.Filter{{Limit: 101}, {Phase: "done"}, {Cursor: "x"}, {AreaCode: "a b"}} {
			_, err := f.s.List(ctx, f.admin, bad)
			wantCode(t, err, errs.Invalid, "a bad filter")
		}
		_, err = f.s.List(ctx, f.residents[0], project.Filter{Mine: true})
		wantCode(t, err, errs.Forbidden, "a resident's unit's projects")
	})
}

// TestScoreStats: the scores of a unit's projects closed in a period, and
// the share of those evaluated, by area or by unit.
func TestScoreStats(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, time.Date(2026, 11, 2, 9, 0, 0, 0, clock.BusinessZone()))
		run := func(scores ...int64) string {
			p := f.create(t, "")
			f.phase(t, p.Number, project.Building)
			f.phase(t, p.Number, project.Evaluating)
			for i, s := range scores {
				_, _, err := f.s.Evaluate(ctx, f.residents[i], p.Number, project.EvaluationIn{Score: s})
				must(t, err)
			}
			return p.Number
		}
		a, b, c := run(4, 5), run(3), run()
		open := run(1) // evaluated, not closed
		for _, n := range []string{a, b, c} {
			f.phase(t, n, project.Closed)
		}
		f.clock.Set(time.Date(2026, 12, 1, 9, 0, 0, 0, clock.BusinessZone()))
		f.phase(t, run(2), project.Closed) // closed in December
		_ = open
		nov, dec := time.Date(2026, 11, 1, 0, 0, 0, 0, clock.BusinessZone()), time.Date(2026, 12, 1, 0, 0, 0, 0, clock.BusinessZone())
		st, err := f.s.ScoreStatsOf(ctx, "CC1", nov, dec)
		must(t, err)
		if st != (project.ScoreStats{Evaluations: 3, Sum: 12, Projects: 2, Closed: 3}) || st.Mean() != "4.0" {
			t.Errorf("November: %+v", st)
		}
		st, err = f.s.ScoreStatsOf(ctx, "CC1", dec, dec.AddDate(0, 1, 0))
		must(t, err)
		if st != (project.ScoreStats{Evaluations: 1, Sum: 2, Projects: 1, Closed: 1}) {
			t.Errorf("December: %+v", st)
		}
		if st, err := f.s.ScoreStatsOf(ctx, "S2", nov, dec); err != nil || st != (project.ScoreStats{}) {
			t.Errorf("another unit: %+v %v", st, err)
		}
		for _, code := range []string{community, "110117001", "110117", "CC1"} {
			sh, err := f.s.EvaluatedShare(ctx, code, nov, dec)
			must(t, err)
			if sh != (project.Share{Evaluated: 2, Closed: 3}) || sh.Ratio() < 0.66 || sh.Ratio() > 0.67 {
				t.Errorf("share of %s: %+v", code, sh)
			}
		}
		for _, code := range []string{"110117002", "S2"} {
			if sh, err := f.s.EvaluatedShare(ctx, code, nov, dec); err != nil || sh != (project.Share{}) || sh.Ratio() != 0 {
				t.Errorf("share of %s: %+v %v", code, sh, err)
			}
		}
		counts, err := f.s.EvaluatedCounts(ctx, nov, dec)
		must(t, err)
		if len(counts) != 1 || counts["CC1"] != [2]int64{3, 2} {
			t.Errorf("evaluated counts: %v", counts)
		}
		scores, err := f.s.ScoreCounts(ctx, nov, dec)
		must(t, err)
		if len(scores) != 1 || scores["CC1"] != [2]int64{3, 12} {
			t.Errorf("score counts: %v", scores)
		}
		if _, err := f.s.ScoreCounts(ctx, dec, nov); !errs.Is(err, errs.Invalid) {
			t.Errorf("score counts over a backwards period: %v", err)
		}
		_, err = f.s.EvaluatedShare(ctx, "NOPE", nov, dec)
		wantCode(t, err, errs.NotFound, "neither area nor unit")
		_, err = f.s.EvaluatedShare(ctx, community, dec, nov)
		wantCode(t, err, errs.Invalid, "a period backwards")
		_, err = f.s.ScoreStatsOf(ctx, "CC1", dec, dec)
		wantCode(t, err, errs.Invalid, "an empty period")
	})
}
