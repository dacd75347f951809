package clock_test

import (
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/clock"
)

// TestBusinessZone checks that business time is UTC+08:00 all year (China
// has no daylight saving time), with or without the zone database.
func TestBusinessZone(t *testing.T) {
	for _, m := range []time.Month{time.January, time.July} {
		if _, off := time.Date(2026, m, 1, 12, 0, 0, 0, clock.BusinessZone()).Zone(); off != 8*3600 {
			t.Errorf("%s: offset %d s, want 8 h", m, off)
		}
	}
	if clock.BusinessZone() != clock.BusinessZone() {
		t.Error("the zone is loaded again on every call")
	}
}
