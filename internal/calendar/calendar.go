// Package calendar computes business time on the Chinese working-day calendar,
// for ticket time limits (时限).
//
// A day is a working day when it is Monday to Friday and not a public holiday, or
// when it is a make-up working day (调休上班, a Saturday or Sunday that is worked).
// Holidays and make-up days come from the State Council schedules, one Year each,
// embedded from holiday-cn (see holidays/SOURCE.md). For a year whose schedule is
// not loaded (see Calendar.Covers) the calendar falls back to plain weekends:
// Monday to Friday work, Saturday and Sunday off, no holidays. Add a year's file
// as soon as the State Council publishes it; until then deadlines in that year
// ignore its holidays.
//
// Working time is the time inside the working spans (e.g. 08:30–12:00 and
// 13:30–17:30) of working days, read on the wall clock of the calendar's
// location; all instants are first converted to that location. In a zone with
// daylight saving time a transition inside a span is not accounted for (China
// has none since 1991).
//
// Every loop walks day by day and stops after MaxScanDays days, so no input can
// make a call run long; results that would need more days saturate (see each
// method).
package calendar

import (
	"fmt"
	"io/fs"
	"sync"
	"time"

	"github.com/gongzhi/gongzhi/internal/clock"
)

// MaxScanDays bounds every day-by-day walk (about ten years).
const MaxScanDays = 3660

const day24 = 24 * time.Hour

// Span is one working period of a day, as offsets from midnight on the wall
// clock: Span{8*time.Hour + 30*time.Minute, 12 * time.Hour} is 08:30–12:00.
// Start is inclusive; End is where the period ends.
type Span struct{ Start, End time.Duration }

// Calendar answers working-day and working-time questions. Make one with New or
// Default (the zero value is not usable); it is immutable and safe for concurrent
// use.
type Calendar struct {
	loc   *time.Location
	spans []Span
	daily time.Duration  // working time of a full working day
	days  map[int64]bool // day number (days since 1970-01-01) → off; listed days only
	years map[int]bool   // years whose schedule is loaded
}

// New makes a calendar in loc with the given working spans and holiday schedules.
// Spans must be non-empty, each within 00:00–24:00 with Start < End, sorted and
// non-overlapping (one may start where the previous ends). Each year is checked
// as by ParseYear, and no year may be given twice.
func New(loc *time.Location, spans []Span, years []Year) (*Calendar, error) {
	if loc == nil {
		return nil, fmt.Errorf("calendar: nil location")
	}
	if len(spans) == 0 {
		return nil, fmt.Errorf("calendar: no working spans")
	}
	c := &Calendar{
		loc:   loc,
		spans: append([]Span(nil), spans...),
		days:  make(map[int64]bool),
		years: make(map[int]bool, len(years)),
	}
	for i, s := range c.spans {
		if s.Start < 0 || s.End > day24 || s.Start >= s.End {
			return nil, fmt.Errorf("calendar: span %d (%v–%v) must lie within 0–24h and end after it starts", i, s.Start, s.End)
		}
		if i > 0 && s.Start < c.spans[i-1].End {
			return nil, fmt.Errorf("calendar: span %d (%v–%v) overlaps or precedes span %d (%v–%v)",
				i, s.Start, s.End, i-1, c.spans[i-1].Start, c.spans[i-1].End)
		}
		c.daily += s.End - s.Start
	}
	for _, y := range years {
		if err := checkYear(y); err != nil {
			return nil, fmt.Errorf("calendar: %w", err)
		}
		if c.years[y.Year] {
			return nil, fmt.Errorf("calendar: year %d given twice", y.Year)
		}
		c.years[y.Year] = true
		for _, d := range y.Days {
			t, _ := time.Parse(dateLayout, d.Date) // checked by checkYear
			c.days[dayNumber(t.Date())] = d.Off
		}
	}
	return c, nil
}

// DefaultSpans are the default working hours, 08:30–12:00 and 13:30–17:30.
func DefaultSpans() []Span {
	return []Span{
		{8*time.Hour + 30*time.Minute, 12 * time.Hour},
		{13*time.Hour + 30*time.Minute, 17*time.Hour + 30*time.Minute},
	}
}

var defaultCalendar = sync.OnceValue(func() *Calendar { return mustLoad(holidayFS, "holidays") })

// Default returns the shared calendar in Asia/Shanghai with DefaultSpans and the
// embedded schedules. It panics only if the embedded data is broken, which the
// package tests rule out.
func Default() *Calendar { return defaultCalendar() }

// mustLoad builds the default calendar from the schedules in fsys/dir and panics
// if they are broken.
func mustLoad(fsys fs.FS, dir string) *Calendar {
	years, err := loadYears(fsys, dir)
	if err != nil {
		panic(fmt.Sprintf("calendar: embedded holiday data is broken: %v", err))
	}
	c, err := New(clock.BusinessZone(), DefaultSpans(), years)
	if err != nil {
		panic(fmt.Sprintf("calendar: embedded holiday data is broken: %v", err))
	}
	return c
}

// Location returns the calendar's time zone; results are in it.
func (c *Calendar) Location() *time.Location { return c.loc }

// Spans returns a copy of the working spans.
func (c *Calendar) Spans() []Span { return append([]Span(nil), c.spans...) }

// DailyWorkingTime is the working time of one full working day (7h30m by default).
func (c *Calendar) DailyWorkingTime() time.Duration { return c.daily }

// Covers reports whether the holiday schedule of year is loaded. Dates in other
// years follow plain weekends: Monday to Friday work, Saturday and Sunday off.
func (c *Calendar) Covers(year int) bool { return c.years[year] }

// IsWorkingDay reports whether the date of t, in the calendar's location, is a
// working day.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	day, _ := c.split(t)
	return c.isWorking(day)
}

// AddWorkingDays returns the same wall-clock time, in the calendar's location, on
// the nth working day after the date of start; start's own date does not count,
// whether or not it is a working day (Friday 10:00 + 1 = Monday 10:00, Saturday
// 10:00 + 1 = Monday 10:00). n <= 0 returns start unchanged. When n working days
// do not fit in MaxScanDays days the result saturates at start's clock time
// MaxScanDays days after start's date.
func (c *Calendar) AddWorkingDays(start time.Time, n int) time.Time {
	if n <= 0 {
		return start
	}
	day, clock := c.split(start)
	for i := 0; i < MaxScanDays && n > 0; i++ {
		day++
		if c.isWorking(day) {
			n--
		}
	}
	return c.instant(day, clock)
}

// NextWorkingTime returns t when it lies inside a span of a working day, and
// otherwise the start of the next such span (Saturday 00:30 → Monday 08:30,
// 12:15 on a working day → 13:30; a span's end is outside it). When no working
// span starts within MaxScanDays days it saturates as AddWorkingHours does.
func (c *Calendar) NextWorkingTime(t time.Time) time.Time {
	day, pos := c.split(t)
	for i := 0; i < MaxScanDays; i++ {
		if c.isWorking(day) {
			for _, s := range c.spans {
				if pos < s.End {
					return c.instant(day, max(pos, s.Start))
				}
			}
		}
		day++
		pos = 0
	}
	return c.instant(day, 0)
}

// AddWorkingHours returns the instant at which d of working time has passed since
// start, counting only time inside the spans of working days. A start outside
// working time begins counting at the next span start. A result that falls exactly
// on a span's end stays there (10:00 + 2h = 12:00, not 13:30). d <= 0 returns
// start unchanged. When d does not fit in MaxScanDays days the result saturates
// at midnight after the last day scanned.
func (c *Calendar) AddWorkingHours(start time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return start
	}
	day, pos := c.split(start)
	for i := 0; i < MaxScanDays; i++ {
		if c.isWorking(day) {
			if pos == 0 && d > c.daily {
				d -= c.daily // a whole working day
			} else {
				for _, s := range c.spans {
					if pos >= s.End {
						continue
					}
					from := max(pos, s.Start)
					avail := s.End - from
					if d <= avail {
						return c.instant(day, from+d)
					}
					d -= avail
				}
			}
		}
		day++
		pos = 0
	}
	return c.instant(day, 0)
}

// WorkingDuration returns the working time between from and to: the part of
// [from, to) inside the spans of working days; 0 when to <= from. It is the
// inverse of AddWorkingHours: for from <= to and w = WorkingDuration(from, to),
// AddWorkingHours(from, w) is the first instant x >= from with
// WorkingDuration(from, x) == w, so it is <= to (equal when w > 0 and to lies
// after a span's start and no later than its end, on a working day); and WorkingDuration(s, AddWorkingHours(s, d)) == d
// for every d > 0 within the scan bound. Only the first MaxScanDays+1 dates from
// from's date are counted.
func (c *Calendar) WorkingDuration(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	d0, lo0 := c.split(from)
	d1, hi1 := c.split(to)
	var total time.Duration
	for day, i := d0, 0; day <= d1 && i <= MaxScanDays; day, i = day+1, i+1 {
		if !c.isWorking(day) {
			continue
		}
		lo, hi := time.Duration(0), day24
		if day == d0 {
			lo = lo0
		}
		if day == d1 {
			hi = hi1
		}
		if lo == 0 && hi == day24 {
			total += c.daily
			continue
		}
		for _, s := range c.spans {
			if a, b := max(lo, s.Start), min(hi, s.End); b > a {
				total += b - a
			}
		}
	}
	return total
}

// Fraction returns the share of the time limit from start to due that has been
// used at now, for the yellow light at 0.75. With workingHours it is
// WorkingDuration(start, now) / WorkingDuration(start, due), otherwise the same
// with clock time. It is 0 at or before start, 1 at due, and above 1 when overdue.
// A limit of zero length gives 0 before due and 1 from due on.
func (c *Calendar) Fraction(start, due, now time.Time, workingHours bool) float64 {
	var used, total time.Duration
	if workingHours {
		used, total = c.WorkingDuration(start, now), c.WorkingDuration(start, due)
	} else {
		used, total = now.Sub(start), due.Sub(start)
	}
	if total <= 0 {
		if now.Before(due) {
			return 0
		}
		return 1
	}
	if used <= 0 {
		return 0
	}
	return float64(used) / float64(total)
}

// split returns the day number of t's date in the calendar's location and the
// wall-clock offset of t from that date's midnight.
func (c *Calendar) split(t time.Time) (int64, time.Duration) {
	t = t.In(c.loc)
	h, m, s := t.Clock()
	return dayNumber(t.Date()), time.Duration(h)*time.Hour + time.Duration(m)*time.Minute +
		time.Duration(s)*time.Second + time.Duration(t.Nanosecond())
}

// instant is the time at wall-clock offset clock on the given day, in the
// calendar's location (24:00 is the next midnight).
func (c *Calendar) instant(day int64, clock time.Duration) time.Time {
	y, mo, d := time.Unix(day*86400, 0).UTC().Date()
	h := int(clock / time.Hour)
	clock -= time.Duration(h) * time.Hour
	m := int(clock / time.Minute)
	clock -= time.Duration(m) * time.Minute
	s := int(clock / time.Second)
	ns := int(clock - time.Duration(s)*time.Second)
	return time.Date(y, mo, d, h, m, s, ns, c.loc)
}

func (c *Calendar) isWorking(day int64) bool {
	if off, ok := c.days[day]; ok {
		return !off
	}
	wd := weekday(day)
	return wd != time.Saturday && wd != time.Sunday
}

// dayNumber counts days from 1970-01-01 to the given civil date.
func dayNumber(y int, m time.Month, d int) int64 {
	secs := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()
	n := secs / 86400
	if secs%86400 != 0 && secs < 0 {
		n--
	}
	return n
}

// weekday of a day number; 1970-01-01 was a Thursday.
func weekday(day int64) time.Weekday {
	return time.Weekday(((day % 7) + 7 + 4) % 7)
}
