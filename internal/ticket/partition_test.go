package ticket_test

import (
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// The bounds of numbers made in a time range: a business date, or the
// month alone on the first of a month (a partition's edge); the upper
// bound is above every number made before the instant, and numbers of
// other systems (beginning with a letter) pass both.
func TestCreatedBounds(t *testing.T) {
	z := clock.BusinessZone()
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04:05.000", s, z)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		t          string
		from, till string
	}{
		{"2026-06-01 00:00:00.000", "202606", "202606"},
		{"2026-06-15 10:00:00.000", "20260615", "20260616"},
		{"2026-06-15 00:00:00.000", "20260615", "20260615"},
		{"2026-06-15 00:00:00.001", "20260615", "20260616"},
		{"2026-07-01 00:00:00.000", "202607", "202607"},
		{"2026-12-31 23:59:59.999", "20261231", "202701"},
	} {
		if got := ticket.CreatedFrom(at(c.t), z); got != c.from {
			t.Errorf("CreatedFrom(%s) = %s, want %s", c.t, got, c.from)
		}
		if got := ticket.CreatedBefore(at(c.t), z); got != c.till {
			t.Errorf("CreatedBefore(%s) = %s, want %s", c.t, got, c.till)
		}
	}
	// In UTC the business date is already the next day.
	if got := ticket.CreatedFrom(time.Date(2026, 5, 31, 16, 0, 0, 0, time.UTC), z); got != "202606" {
		t.Errorf("CreatedFrom of 16:00 UTC on 31 May = %s", got)
	}
	for n, month := range map[string]string{"20260615000001": "202606", "202606153000042": "202606", "SH-2019-77": "other", "20261": "other", "20261399000001": "other", "00010101000001": "other"} {
		if got := ticket.PartitionOf(n); got != month {
			t.Errorf("PartitionOf(%s) = %s, want %s", n, got, month)
		}
	}
	if ticket.NumberBelow("t.number", "$3") != "(t.number < $3 OR t.number >= 'A')" {
		t.Error(ticket.NumberBelow("t.number", "$3"))
	}
}
