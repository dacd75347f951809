package ticket_test

import (
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/calendar"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// A clock's yellow point lies between its start and its deadline, counted in
// working time when there is any, and never at the start itself.
func TestLimitWarn(t *testing.T) {
	cal := calendar.Default()
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, cal.Location())
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	day := ticket.Limit{Amount: 1, Unit: ticket.WorkingDays}
	for _, c := range []struct {
		name      string
		lim       ticket.Limit
		start     string
		due, warn string
	}{
		// Friday 10:00 + 1 working day is Monday 10:00, 7h30m of working time;
		// three quarters of it (5h37m30s) from Friday 10:00 is Friday 17:07:30.
		{"working day, from a working morning", day, "2026-12-04 10:00", "2026-12-07 10:00", "2026-12-04 17:07"},
		// Saturday 00:30 + 1 working day is Monday 00:30, before any working
		// time: the yellow point is three quarters of the plain 48 hours, Sunday 12:30.
		{"working day, from a weekend night", day, "2026-12-05 00:30", "2026-12-07 00:30", "2026-12-06 12:30"},
		{"working hours, from a weekend night", ticket.Limit{Amount: 2, Unit: ticket.WorkingHours}, "2026-12-05 00:30", "2026-12-07 10:30", "2026-12-07 10:00"},
		{"plain hours", ticket.Limit{Amount: 4, Unit: ticket.ClockHours}, "2026-12-05 00:30", "2026-12-05 04:30", "2026-12-05 03:30"},
	} {
		start := at(c.start)
		due := c.lim.Due(cal, start)
		if !due.Equal(at(c.due)) {
			t.Errorf("%s: due %v, want %s", c.name, due, c.due)
		}
		warn := c.lim.Warn(cal, start, due)
		if !warn.Truncate(time.Minute).Equal(at(c.warn)) {
			t.Errorf("%s: warn %v, want %s", c.name, warn, c.warn)
		}
		if !warn.After(start) || !warn.Before(due) {
			t.Errorf("%s: warn %v not strictly between %v and %v", c.name, warn, start, due)
		}
	}
}
