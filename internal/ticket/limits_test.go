package ticket_test

import (
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/calendar"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// A working-day clock started outside working time starts at the next
// working time, and a clock's yellow point lies strictly between its start
// and its deadline.
func TestLimitDueAndWarn(t *testing.T) {
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
		// Saturday 00:30 starts at Monday 08:30: a whole working day, as from
		// Friday evening, not Monday 00:30 with no working time at all.
		{"working day, from a weekend night", day, "2026-12-05 00:30", "2026-12-08 08:30", "2026-12-07 15:37"},
		{"working day, from a weekend morning", day, "2026-12-05 10:00", "2026-12-08 08:30", "2026-12-07 15:37"},
		{"working day, from a weekday evening", day, "2026-12-08 18:00", "2026-12-10 08:30", "2026-12-09 15:37"},
		{"working day, from a lunch break", day, "2026-12-08 12:15", "2026-12-09 13:30", "2026-12-09 10:07"},
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
