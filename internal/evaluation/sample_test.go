package evaluation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// seedSample adds, in May 2026, n tickets closed and rated for each unit:
// resolved and satisfied when good, neither otherwise.
func seedSample(t *testing.T, d *db.DB, units map[string]struct {
	n    int
	good bool
}) {
	t.Helper()
	ctx := context.Background()
	i := 0
	for org, u := range units {
		for k := 0; k < u.n; k++ {
			i++
			sat := "unsatisfied"
			if u.good {
				sat = "satisfied"
			}
			day := fmt.Sprintf("05-%02d 09:00", 1+k%28)
			if _, err := d.W.ExecContext(ctx, `INSERT INTO tickets (number, kind, status, category_code, area_code, description, channel, assigned_org_code,
created_at, updated_at, contacted_at, due_contact_at, closed_at, rating_resolved, rating_satisfaction, rated_at)
VALUES ($1, 'complaint', 'closed', '0101', '110117001001', 'x', 'hotline', $2, $3, $3, $3, $3, $3, $4, $5, $3)`,
				fmt.Sprintf("M%04d", i), org, at(day), u.good, sat); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// A unit with one rated ticket in the month is not ranked, has no class and
// is on no list, and no rectification task is set from it; with the minimum
// sample (10 by default) it is ranked like the others.
func TestMinimumSample(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		seed(t, d)
		seedSample(t, d, map[string]struct {
			n    int
			good bool
		}{"S1": {1, false}, "S2": {12, true}, "S3": {10, false}})
		ctx := context.Background()
		c := clock.NewFixed(time.Date(2026, 6, 2, 9, 0, 0, 0, loc))
		s := evaluation.NewService(d, c, gov.NewService(d, c), nil)
		st := evaluation.DefaultSettings()
		st.Classes.BlackPeriods = 1 // one month in 整改 puts a unit on the black list
		if err := s.SaveSettings(ctx, st); err != nil {
			t.Fatal(err)
		}
		rk, err := s.Rank(ctx, "2026-05", evaluation.GroupOrg, "110117")
		if err != nil {
			t.Fatal(err)
		}
		rows := byKey(rk.Rows)
		s1, s2, s3 := rows["S1"], rows["S2"], rows["S3"]
		if s1.Rated != 1 || s1.Score == nil || s1.Rank != nil || s1.Class != "" || len(s1.Classes) != 0 || !s1.SampleTooSmall {
			t.Errorf("S1 (1 rated): rank %v class %q classes %v small %v", s1.Rank, s1.Class, s1.Classes, s1.SampleTooSmall)
		}
		if s2.Rank == nil || *s2.Rank != 1 || s2.SampleTooSmall || !has(s2.Classes, evaluation.ClassAdvanced) {
			t.Errorf("S2 (12 rated): rank %v classes %v small %v", s2.Rank, s2.Classes, s2.SampleTooSmall)
		}
		if s3.Rank == nil || *s3.Rank != 2 || s3.SampleTooSmall || !has(s3.Classes, evaluation.ClassRectify) {
			t.Errorf("S3 (10 rated): rank %v classes %v small %v", s3.Rank, s3.Classes, s3.SampleTooSmall)
		}
		if listed(rk.Red, "S1") || listed(rk.Black, "S1") || !listed(rk.Red, "S2") || !listed(rk.Black, "S3") {
			t.Errorf("lists: red %v black %v", rk.Red, rk.Black)
		}
		// The API's row.
		b, err := json.Marshal(s1)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"rank", "class"} {
			if v, ok := m[k]; !ok || v != nil {
				t.Errorf("S1 JSON %s = %v (present %v), want null", k, v, ok)
			}
		}
		if m["sample_too_small"] != true {
			t.Errorf("S1 JSON sample_too_small = %v", m["sample_too_small"])
		}
		if b, _ := json.Marshal(s3); !json.Valid(b) || !strings.Contains(string(b), `"class":"rectify"`) || !strings.Contains(string(b), `"sample_too_small":false`) {
			t.Errorf("S3 JSON %s", b)
		}
		// Rectification from the ranking: S3, never S1.
		sup := auth.User{ID: "sup", Role: auth.RoleSupervisor, AreaCode: "110117", AreaLevel: gov.LevelDistrict}
		if _, err := d.W.ExecContext(ctx, `INSERT INTO users (id, username, role, area_code, created_at) VALUES ('sup', 'sup', 'supervisor', '110117', 0)`); err != nil {
			t.Fatal(err)
		}
		made, err := s.RectifyFromRanking(ctx, sup, "2026-05", "110117", "2026-06-20")
		if err != nil || len(made) != 1 || made[0].OrgCode != "S3" {
			t.Fatalf("from ranking: %v %+v", err, made)
		}
		// With a minimum of 1 (the server's setting) S1 is ranked, last, in 整改.
		s.SetMinSample(1)
		rk, err = s.Rank(ctx, "2026-05", evaluation.GroupOrg, "110117")
		if err != nil {
			t.Fatal(err)
		}
		s1 = byKey(rk.Rows)["S1"]
		if s1.Rank == nil || *s1.Rank != 2 || s1.SampleTooSmall || !has(s1.Classes, evaluation.ClassRectify) || !listed(rk.Black, "S1") {
			t.Errorf("S1 with a minimum of 1: rank %v classes %v small %v black %v", s1.Rank, s1.Classes, s1.SampleTooSmall, rk.Black)
		}
		// The stored min_rated raises the server's minimum, never lowers it.
		st.Classes.MinRated = 11
		if err := s.SaveSettings(ctx, st); err != nil {
			t.Fatal(err)
		}
		rk, err = s.Rank(ctx, "2026-05", evaluation.GroupOrg, "110117")
		if err != nil {
			t.Fatal(err)
		}
		if r := byKey(rk.Rows); r["S3"].Rank != nil || !r["S3"].SampleTooSmall || r["S2"].Rank == nil {
			t.Errorf("min_rated 11: S3 rank %v small %v, S2 rank %v", r["S3"].Rank, r["S3"].SampleTooSmall, r["S2"].Rank)
		}
	})
}

// With no month asked for, a period is the last complete month; the month
// under way is partial.
func TestDefaultPeriodIsLastCompleteMonth(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 2, 10, 0, 0, 0, loc)
		s := newService(d, clock.NewFixed(now))
		p, err := s.ParsePeriod(ctx, "", "", "")
		if err != nil || p.Month != "2026-11" || p.Partial(now) {
			t.Fatalf("default period %+v partial %v, %v", p, p.Partial(now), err)
		}
		cur, last, err := s.Months(ctx)
		if err != nil || cur.Month != "2026-12" || !cur.Partial(now) || last.Month != "2026-11" {
			t.Fatalf("months %v %v %v", cur.Month, last.Month, err)
		}
		// From the 26th, 2 December is in the month named December (26
		// November to 25 December): the last complete one ended on 26 November.
		st := evaluation.DefaultSettings()
		st.MonthStartDay = 26
		if err := s.SaveSettings(ctx, st); err != nil {
			t.Fatal(err)
		}
		if p, err := s.ParsePeriod(ctx, "", "", ""); err != nil || p.Month != "2026-11" || !p.To.Equal(time.Date(2026, 11, 26, 0, 0, 0, 0, loc)) {
			t.Fatalf("from the 26th: %+v %v", p, err)
		}
	})
}

func listed(l []evaluation.ListEntry, code string) bool {
	for _, e := range l {
		if e.Code == code {
			return true
		}
	}
	return false
}
