package warning

import (
	"math"
	"testing"
)

// TestBaseline: the trailing average leaves out the window's two weeks and
// the weeks before the installation; the seasonal one reads the same weeks
// of earlier years; the baseline is the larger.
func TestBaseline(t *testing.T) {
	const cur = 3000
	counts := map[int]int{}
	for w := cur - 13; w <= cur-2; w++ {
		counts[w] = 2
	}
	counts[cur-1], counts[cur] = 50, 50 // the window: not its own baseline
	if b := baseline(counts, cur, 0); b != 2 {
		t.Fatalf("trailing: %v, want 2", b)
	}
	// Only four weeks of history: their average, not a twelfth of their sum.
	if b := baseline(counts, cur, cur-5); b != 2 {
		t.Fatalf("short history: %v, want 2", b)
	}
	if b := baseline(map[int]int{}, cur, cur); b != 0 {
		t.Fatalf("no history: %v", b)
	}
	// A season: ten a week around this week last year, nothing since.
	season := map[int]int{}
	for w := cur - 54; w <= cur-50; w++ {
		season[w] = 10
	}
	if b := baseline(season, cur, cur-60); b != 10 {
		t.Fatalf("seasonal: %v, want 10", b)
	}
	// Two years: the average of the two seasons.
	for w := cur - 106; w <= cur-102; w++ {
		season[w] = 20
	}
	if b := baseline(season, cur, cur-110); b != 15 {
		t.Fatalf("two seasons: %v, want 15", b)
	}
	// Three years of history, the third quiet: it counts as a quiet season.
	if b := baseline(season, cur, 0); b != 10 {
		t.Fatalf("three seasons: %v, want 10", b)
	}
	// A year not wholly in the history is not a season.
	if b := baseline(season, cur, cur-104); b != 10 {
		t.Fatalf("a partial year: %v, want 10", b)
	}
	if n := len(neededWeeks(cur, 0)); n != 12+3*5 {
		t.Fatalf("needed weeks: %d", n)
	}
}

// TestScoreThresholds: with the defaults, no history warns at the 3rd ticket
// and a baseline under one a week by the 5th.
func TestScoreThresholds(t *testing.T) {
	o := DefaultOptions()
	warns := func(count int, base float64) bool {
		return count >= o.MinCount && Score(count, base) >= o.Threshold
	}
	if warns(2, 0) || !warns(3, 0) {
		t.Fatal("no history: should warn at the 3rd ticket, not the 2nd")
	}
	for base := 0.0; base < 1; base += 0.01 {
		if !warns(5, base) {
			t.Fatalf("baseline %.2f does not warn at the 5th", base)
		}
	}
	if warns(3, 3) || warns(5, 3) {
		t.Fatal("a usual week of 3 warns")
	}
}

// TestCells: points 100 m apart mostly share a cell; 1 km apart never.
func TestCells(t *testing.T) {
	same := 0
	for i := 0; i < 100; i++ {
		lat, lng := 40.1+float64(i)*0.00037, 117.1+float64(i)*0.00051
		if cellOf(lat, lng, 300) == cellOf(lat+0.0009*math.Cos(0), lng, 300) {
			same++
		}
		if cellOf(lat, lng, 300) == cellOf(lat+0.009, lng, 300) {
			t.Fatal("1 km apart in one cell")
		}
	}
	if same < 50 {
		t.Fatalf("100 m apart share a cell %d times in 100", same)
	}
}
