package calendar

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

var sh = Default().Location()

// at parses "2006-01-02 15:04" (or with seconds) in Asia/Shanghai.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	layout := "2006-01-02 15:04"
	if strings.Count(s, ":") == 2 {
		layout = "2006-01-02 15:04:05"
	}
	v, err := time.ParseInLocation(layout, s, sh)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func fmtT(v time.Time) string { return v.In(sh).Format("2006-01-02 15:04:05 Mon") }

func TestDefault(t *testing.T) {
	c := Default()
	if c != Default() {
		t.Error("Default is not shared")
	}
	if name := c.Location().String(); name != "Asia/Shanghai" && name != "CST" {
		t.Errorf("location %q", name)
	}
	if _, off := time.Date(2026, 1, 1, 0, 0, 0, 0, c.Location()).Zone(); off != 8*3600 {
		t.Errorf("offset %d", off)
	}
	if got, want := c.Spans(), DefaultSpans(); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("spans %v", got)
	}
	if c.DailyWorkingTime() != 7*time.Hour+30*time.Minute {
		t.Errorf("daily %v", c.DailyWorkingTime())
	}
	for y, want := range map[int]bool{2023: false, 2024: true, 2025: true, 2026: true, 2027: false} {
		if c.Covers(y) != want {
			t.Errorf("Covers(%d) = %v", y, !want)
		}
	}
}

func TestDefaultPanicsOnBrokenData(t *testing.T) {
	good, err := holidayFS.ReadFile("holidays/2026.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		fsys fstest.MapFS
	}{
		{"empty", fstest.MapFS{}},
		{"malformed", fstest.MapFS{"holidays/2026.json": {Data: []byte(`{"year":2026,"days":[`)}}},
		{"bad date", fstest.MapFS{"holidays/2026.json": {Data: []byte(`{"year":2026,"days":[{"name":"x","date":"2026-02-30","isOffDay":true}]}`)}}},
		{"wrong file name", fstest.MapFS{"holidays/2025.json": {Data: good}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil {
					t.Error("no panic")
				} else if !strings.Contains(r.(string), "embedded holiday data is broken") {
					t.Errorf("panic %v", r)
				}
			}()
			mustLoad(tt.fsys, "holidays")
		})
	}
	// And the good data loads.
	if c := mustLoad(fstest.MapFS{"holidays/2026.json": {Data: good}}, "holidays"); !c.Covers(2026) {
		t.Error("2026 not covered")
	}
}

func TestEmbedded(t *testing.T) {
	years, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if len(years) != 3 || years[0].Year != 2024 || years[1].Year != 2025 || years[2].Year != 2026 {
		t.Fatalf("years %+v", years)
	}
}

// TestEmbeddedAgainstJSON reads the embedded files with plain encoding/json and
// checks every date of each year: listed dates follow isOffDay, others weekends.
func TestEmbeddedAgainstJSON(t *testing.T) {
	c := Default()
	for _, y := range []int{2024, 2025, 2026} {
		data, err := holidayFS.ReadFile("holidays/" + time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006") + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var raw struct {
			Year int
			Days []struct {
				Date     string
				IsOffDay bool
			}
		}
		if err := json.Unmarshal(data, &raw); err != nil {
			t.Fatal(err)
		}
		listed := map[string]bool{}
		for _, d := range raw.Days {
			listed[d.Date] = !d.IsOffDay
		}
		n := 0
		for d := time.Date(y, 1, 1, 12, 0, 0, 0, sh); d.Year() == y; d = d.AddDate(0, 0, 1) {
			want, ok := listed[d.Format("2006-01-02")]
			if ok {
				n++
			} else {
				want = d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
			}
			if got := c.IsWorkingDay(d); got != want {
				t.Errorf("IsWorkingDay(%s) = %v, want %v", fmtT(d), got, want)
			}
		}
		if n != len(raw.Days) {
			t.Errorf("%d: %d listed days seen, %d in file", y, n, len(raw.Days))
		}
	}
}

func TestIsWorkingDay(t *testing.T) {
	c := Default()
	tests := []struct {
		date string
		want bool
		why  string
	}{
		// 2026 Spring Festival per the 2026 JSON: off 02-15 (Sun) … 02-23 (Mon);
		// make-up working Saturdays 02-14 and 02-28.
		{"2026-02-13", true, "Friday before"},
		{"2026-02-14", true, "Saturday, 春节 make-up"},
		{"2026-02-15", false, "春节 (Sunday)"},
		{"2026-02-16", false, "春节 Monday"},
		{"2026-02-17", false, "春节 Tuesday"},
		{"2026-02-20", false, "春节 Friday"},
		{"2026-02-21", false, "春节 Saturday"},
		{"2026-02-23", false, "春节 Monday"},
		{"2026-02-24", true, "Tuesday after"},
		{"2026-02-28", true, "Saturday, 春节 make-up"},
		{"2026-03-01", false, "plain Sunday"},
		// 2026 元旦: 01-01..03 off, Sunday 01-04 worked.
		{"2026-01-01", false, "元旦"},
		{"2026-01-02", false, "元旦 Friday"},
		{"2026-01-04", true, "Sunday, 元旦 make-up"},
		// 2026 Mid-Autumn and National Day.
		{"2026-09-20", true, "Sunday, 国庆 make-up"},
		{"2026-09-25", false, "中秋 Friday"},
		{"2026-10-07", false, "国庆 Wednesday"},
		{"2026-10-08", true, "Thursday after 国庆"},
		{"2026-10-10", true, "Saturday, 国庆 make-up"},
		// 2025 National Day and Mid-Autumn together: 10-01..08 off, 09-28 and 10-11 worked.
		{"2025-09-28", true, "Sunday, make-up"},
		{"2025-10-08", false, "国庆中秋 Wednesday"},
		{"2025-10-09", true, "Thursday after"},
		{"2025-10-11", true, "Saturday, make-up"},
		// 2024 Spring Festival.
		{"2024-02-04", true, "Sunday, make-up"},
		{"2024-02-15", false, "春节 Thursday"},
		// Years not covered: plain weekends.
		{"2027-01-01", true, "2027 not covered: Friday works"},
		{"2027-01-02", false, "2027 Saturday"},
		{"2023-10-02", true, "2023 not covered: Monday works"},
	}
	for _, tt := range tests {
		// Check at the start and end of the local day, also given in UTC.
		for _, clock := range []string{"00:00:00", "23:59:59"} {
			v := at(t, tt.date+" "+clock)
			if got := c.IsWorkingDay(v.UTC()); got != tt.want {
				t.Errorf("IsWorkingDay(%s %s) = %v, want %v (%s)", tt.date, clock, got, tt.want, tt.why)
			}
		}
	}
}

func TestAddWorkingDays(t *testing.T) {
	c := Default()
	tests := []struct {
		start string
		n     int
		want  string
	}{
		{"2026-03-06 10:00", 1, "2026-03-09 10:00"}, // Friday + 1 = Monday
		{"2026-03-07 10:00", 1, "2026-03-09 10:00"}, // Saturday + 1 = Monday
		{"2026-03-08 23:59", 1, "2026-03-09 23:59"}, // Sunday, clock time kept
		{"2026-03-02 10:00", 5, "2026-03-09 10:00"},
		{"2026-03-02 10:00", 0, "2026-03-02 10:00"},
		{"2026-03-02 10:00", -3, "2026-03-02 10:00"},
		// 2026 Spring Festival.
		{"2026-02-12 10:00", 1, "2026-02-13 10:00"},
		{"2026-02-13 10:00", 1, "2026-02-14 10:00"}, // make-up Saturday
		{"2026-02-13 10:00", 2, "2026-02-24 10:00"},
		{"2026-02-14 10:00", 1, "2026-02-24 10:00"},
		{"2026-02-18 09:00", 1, "2026-02-24 09:00"}, // from a holiday
		{"2026-02-27 10:00", 1, "2026-02-28 10:00"}, // make-up Saturday
		{"2026-02-27 10:00", 2, "2026-03-02 10:00"},
		{"2026-02-02 10:00", 10, "2026-02-14 10:00"}, // 02-03..06 (4), 09..13 (9), make-up 14 (10)
		{"2026-02-02 10:00", 11, "2026-02-24 10:00"},
		// 30 working days across the Spring Festival: 02-02 + 11 = 02-24, then
		// 02-25..27 (14), make-up 02-28 (15), 03-02..06 (20), 09..13 (25), 16..20 (30).
		{"2026-02-02 10:00", 30, "2026-03-20 10:00"},
		// 2026 Mid-Autumn and National Day.
		{"2026-09-18 10:00", 1, "2026-09-20 10:00"}, // Friday → make-up Sunday
		{"2026-09-24 10:00", 1, "2026-09-28 10:00"}, // Thursday → over 中秋
		{"2026-09-30 10:00", 1, "2026-10-08 10:00"},
		{"2026-10-09 10:00", 1, "2026-10-10 10:00"}, // make-up Saturday
		{"2026-10-09 10:00", 2, "2026-10-12 10:00"},
		// 2025 National Day with Mid-Autumn.
		{"2025-09-26 10:00", 1, "2025-09-28 10:00"}, // Friday → make-up Sunday
		{"2025-09-28 10:00", 2, "2025-09-30 10:00"},
		{"2025-09-30 15:00", 1, "2025-10-09 15:00"},
		{"2025-09-30 15:00", 3, "2025-10-11 15:00"},
		// Across the year end: 2026-01-01..03 off, Sunday 01-04 worked.
		{"2025-12-31 10:00", 1, "2026-01-04 10:00"},
		{"2025-12-31 10:00", 2, "2026-01-05 10:00"},
		// Not covered: plain weekends.
		{"2026-12-31 10:00", 1, "2027-01-01 10:00"},
		{"2027-01-01 10:00", 1, "2027-01-04 10:00"},
	}
	for _, tt := range tests {
		start := at(t, tt.start)
		for _, in := range []time.Time{start, start.UTC()} {
			got := c.AddWorkingDays(in, tt.n)
			if want := at(t, tt.want); !got.Equal(want) {
				t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tt.start, tt.n, fmtT(got), fmtT(want))
			}
		}
	}
}

func TestAddWorkingHours(t *testing.T) {
	c := Default()
	h, m := time.Hour, time.Minute
	tests := []struct {
		start string
		d     time.Duration
		want  string
	}{
		{"2026-03-06 16:30", 2 * h, "2026-03-09 09:30"},                  // Friday: 1h to 17:30, then 08:30+1h Monday
		{"2026-03-04 11:00", 2 * h, "2026-03-04 14:30"},                  // over lunch
		{"2026-03-04 10:00", 2 * h, "2026-03-04 12:00"},                  // ends exactly at a span end: stays
		{"2026-03-04 16:30", 1 * h, "2026-03-04 17:30"},                  // ends exactly at day end: stays
		{"2026-03-04 08:30", 7*h + 30*m, "2026-03-04 17:30"},             // a full day
		{"2026-03-04 08:30", 7*h + 31*m, "2026-03-05 08:31"},             // a full day and a minute
		{"2026-03-04 12:30", 1 * h, "2026-03-04 14:30"},                  // starting at lunch
		{"2026-03-04 12:00", 1 * m, "2026-03-04 13:31"},                  // starting at a span end
		{"2026-03-04 07:00", 1 * h, "2026-03-04 09:30"},                  // before work
		{"2026-03-04 00:00", 3*h + 30*m, "2026-03-04 12:00"},             // midnight
		{"2026-03-04 17:30", 1 * h, "2026-03-05 09:30"},                  // at 17:30 exactly
		{"2026-03-06 17:30", 30 * m, "2026-03-09 09:00"},                 // Friday 17:30
		{"2026-03-04 17:30", 7*h + 30*m, "2026-03-05 17:30"},             // a full next day
		{"2026-03-04 22:00", 4 * h, "2026-03-05 14:00"},                  // evening
		{"2026-03-07 10:00", 1 * h, "2026-03-09 09:30"},                  // Saturday
		{"2026-03-04 10:00:30", 90 * time.Second, "2026-03-04 10:02:00"}, // seconds kept
		{"2026-03-04 10:00", 0, "2026-03-04 10:00"},
		{"2026-03-04 12:30", 0, "2026-03-04 12:30"}, // d = 0 outside working time
		{"2026-03-04 10:00", -h, "2026-03-04 10:00"},
		// Holidays and make-up days.
		{"2026-02-18 10:00", 1 * h, "2026-02-24 09:30"}, // on a holiday
		{"2026-02-13 16:30", 2 * h, "2026-02-14 09:30"}, // Friday → make-up Saturday
		{"2026-02-14 16:30", 2 * h, "2026-02-24 09:30"}, // make-up Saturday → after the festival
		{"2025-12-31 17:00", 1 * h, "2026-01-04 09:00"}, // year end → make-up Sunday
		{"2025-09-30 17:00", 1 * h, "2025-10-09 09:00"}, // 国庆中秋 2025
		{"2026-09-30 17:00", 1 * h, "2026-10-08 09:00"}, // 国庆 2026
		// 30 working days of hours from Monday 2026-02-02 08:30 end at the 30th
		// working day's 17:30, counting 02-02 itself (see TestAddWorkingDays: 02-02 + 29 = 03-19).
		{"2026-02-02 08:30", 30 * (7*h + 30*m), "2026-03-19 17:30"},
	}
	for _, tt := range tests {
		start := at(t, tt.start)
		for _, in := range []time.Time{start, start.UTC()} {
			got := c.AddWorkingHours(in, tt.d)
			if want := at(t, tt.want); !got.Equal(want) {
				t.Errorf("AddWorkingHours(%s, %v) = %s, want %s", tt.start, tt.d, fmtT(got), fmtT(want))
			}
		}
	}
}

func TestWorkingDuration(t *testing.T) {
	c := Default()
	h, m := time.Hour, time.Minute
	tests := []struct {
		from, to string
		want     time.Duration
	}{
		{"2026-03-06 16:30", "2026-03-09 09:30", 2 * h},
		{"2026-03-04 11:00", "2026-03-04 14:30", 2 * h},
		{"2026-03-04 12:00", "2026-03-04 13:30", 0},
		{"2026-03-04 12:10", "2026-03-04 12:20", 0},
		{"2026-03-04 10:00", "2026-03-04 10:00", 0},
		{"2026-03-04 14:00", "2026-03-04 10:00", 0}, // to before from
		{"2026-03-04 00:00", "2026-03-05 00:00", 7*h + 30*m},
		{"2026-03-02 00:00", "2026-03-09 00:00", 5 * (7*h + 30*m)},
		{"2026-03-04 17:00", "2026-03-05 09:00", 1 * h},
		{"2026-03-07 00:00", "2026-03-08 23:59", 0}, // weekend
		// Spring Festival 2026: working 02-13 (Fri), 02-14 (make-up Sat), 02-24 (Tue).
		{"2026-02-13 00:00", "2026-02-25 00:00", 3 * (7*h + 30*m)},
		{"2026-02-15 00:00", "2026-02-24 00:00", 0},
		// Year end.
		{"2025-12-31 17:00", "2026-01-04 09:00", 1 * h},
	}
	for _, tt := range tests {
		from, to := at(t, tt.from), at(t, tt.to)
		if got := c.WorkingDuration(from.UTC(), to); got != tt.want {
			t.Errorf("WorkingDuration(%s, %s) = %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
}

// inWorkingTime reports whether v lies in a span of a working day, span ends
// included; with startOpen the span start itself is excluded.
func inWorkingTime(c *Calendar, v time.Time, startOpen bool) bool {
	day, pos := c.split(v)
	if !c.isWorking(day) {
		return false
	}
	for _, s := range c.spans {
		if (pos > s.Start || (pos == s.Start && !startOpen)) && pos <= s.End {
			return true
		}
	}
	return false
}

// TestRoundTrip checks, over random starts and durations with a fixed seed, that
// WorkingDuration inverts AddWorkingHours, and that AddWorkingHours(a,
// WorkingDuration(a, b)) is the first instant >= a with that working time, <= b.
func TestRoundTrip(t *testing.T) {
	c := Default()
	rng := rand.New(rand.NewPCG(20260101, 12345))
	lo := time.Date(2023, 12, 1, 0, 0, 0, 0, sh).Unix()
	hi := time.Date(2027, 2, 1, 0, 0, 0, 0, sh).Unix()
	month := 30 * (7*time.Hour + 30*time.Minute)
	for i := 0; i < 20000; i++ {
		s := time.Unix(lo+rng.Int64N(hi-lo), 0).In(sh)
		if i%3 == 0 {
			s = s.Truncate(time.Minute) // hit span boundaries exactly
		}
		d := time.Duration(1+rng.Int64N(int64(month/time.Minute))) * time.Minute
		if i%2 == 0 {
			d = time.Duration(1+rng.Int64N(16*60)) * time.Minute // short ones, near boundaries
		}
		e := c.AddWorkingHours(s, d)
		if got := c.WorkingDuration(s, e); got != d {
			t.Fatalf("WorkingDuration(%s, AddWorkingHours(_, %v) = %s) = %v", fmtT(s), d, fmtT(e), got)
		}
		if !e.After(s) || !inWorkingTime(c, e, false) {
			t.Fatalf("AddWorkingHours(%s, %v) = %s: not a working instant after start", fmtT(s), d, fmtT(e))
		}
		// Any b: x = AddWorkingHours(s, WorkingDuration(s, b)) is <= b and has the
		// same working time; one minute earlier has less (x is the first such).
		b := s.Add(time.Duration(rng.Int64N(int64(60 * 24 * time.Hour))))
		if i%4 == 0 {
			b = b.Truncate(30 * time.Minute) // land on span starts and ends
		}
		if b.Before(s) {
			b = s // the property holds for b >= s
		}
		w := c.WorkingDuration(s, b)
		x := c.AddWorkingHours(s, w)
		if x.After(b) || c.WorkingDuration(s, x) != w {
			t.Fatalf("s=%s b=%s w=%v x=%s", fmtT(s), fmtT(b), w, fmtT(x))
		}
		if w > 0 && c.WorkingDuration(s, x.Add(-time.Second)) >= w {
			t.Fatalf("s=%s b=%s w=%v: x=%s is not the first", fmtT(s), fmtT(b), w, fmtT(x))
		}
		if inWorkingTime(c, b, true) && !x.Equal(b) && w > 0 {
			t.Fatalf("s=%s b=%s in working time, x=%s", fmtT(s), fmtT(b), fmtT(x))
		}
	}
}

// TestAgainstMinuteStepping compares AddWorkingHours with a naive reference that
// walks minute by minute, using IsWorkingDay and the spans only.
func TestAgainstMinuteStepping(t *testing.T) {
	c := Default()
	rng := rand.New(rand.NewPCG(7, 7))
	lo := time.Date(2025, 9, 20, 0, 0, 0, 0, sh).Unix() / 60
	hi := time.Date(2026, 3, 10, 0, 0, 0, 0, sh).Unix() / 60
	for i := 0; i < 300; i++ {
		s := time.Unix((lo+rng.Int64N(hi-lo))*60, 0).In(sh)
		d := time.Duration(1+rng.Int64N(3*450)) * time.Minute
		v, left := s, d
		for left > 0 {
			pos := time.Duration(v.Hour())*time.Hour + time.Duration(v.Minute())*time.Minute
			if c.IsWorkingDay(v) && ((pos >= 8*time.Hour+30*time.Minute && pos < 12*time.Hour) ||
				(pos >= 13*time.Hour+30*time.Minute && pos < 17*time.Hour+30*time.Minute)) {
				left -= time.Minute
			}
			v = v.Add(time.Minute)
		}
		if got := c.AddWorkingHours(s, d); !got.Equal(v) {
			t.Fatalf("AddWorkingHours(%s, %v) = %s, reference %s", fmtT(s), d, fmtT(got), fmtT(v))
		}
	}
}

// TestFixedZone uses a calendar in a fixed UTC+08:00 zone (no DST) with inputs in
// UTC and in another zone: the answers depend on the instant, not the input zone.
func TestFixedZone(t *testing.T) {
	years, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(time.FixedZone("UTC+8", 8*3600), DefaultSpans(), years)
	if err != nil {
		t.Fatal(err)
	}
	ny := time.FixedZone("UTC-5", -5*3600)
	// Friday 2026-03-06 16:30 +08:00 is 08:30 UTC and 03:30 UTC-5.
	start := time.Date(2026, 3, 6, 8, 30, 0, 0, time.UTC)
	want := time.Date(2026, 3, 9, 1, 30, 0, 0, time.UTC) // Monday 09:30 +08:00
	for _, in := range []time.Time{start, start.In(ny)} {
		got := c.AddWorkingHours(in, 2*time.Hour)
		if !got.Equal(want) || got.Location() != c.Location() {
			t.Errorf("AddWorkingHours(%v) = %v, want %v in calendar zone", in, got, want)
		}
		if c.WorkingDuration(in, want.In(ny)) != 2*time.Hour {
			t.Errorf("WorkingDuration from %v", in)
		}
		// The UTC date is Friday too, but 2026-03-06 20:00 UTC is Saturday +08:00.
		if c.IsWorkingDay(time.Date(2026, 3, 6, 20, 0, 0, 0, time.UTC)) {
			t.Error("Saturday 04:00 +08:00 counted as working")
		}
		if got := c.AddWorkingDays(in, 1); !got.Equal(time.Date(2026, 3, 9, 8, 30, 0, 0, time.UTC)) {
			t.Errorf("AddWorkingDays = %v", got)
		}
	}
	// The same instants give the same answers as the Asia/Shanghai default.
	d := Default()
	for i := 0; i < 200; i++ {
		s := start.Add(time.Duration(i) * 97 * time.Minute)
		if !c.AddWorkingHours(s, 11*time.Hour).Equal(d.AddWorkingHours(s, 11*time.Hour)) {
			t.Fatalf("fixed zone and Asia/Shanghai differ at %v", s)
		}
	}
}

func TestFraction(t *testing.T) {
	c := Default()
	start := at(t, "2026-03-02 08:30")            // Monday
	due := c.AddWorkingHours(start, 10*time.Hour) // Tuesday 11:00
	if want := at(t, "2026-03-03 11:00"); !due.Equal(want) {
		t.Fatalf("due %s", fmtT(due))
	}
	tests := []struct {
		name         string
		start, due   time.Time
		now          string
		workingHours bool
		want         float64
	}{
		{"working: three quarters at day end", start, due, "2026-03-02 17:30", true, 0.75},
		{"working: still 0.75 overnight", start, due, "2026-03-03 07:00", true, 0.75},
		{"working: half", start, due, "2026-03-02 15:00", true, 0.5},
		{"working: at due", start, due, "2026-03-03 11:00", true, 1},
		{"working: overdue", start, due, "2026-03-03 16:00", true, 1.35},
		{"working: before start", start, due, "2026-03-01 10:00", true, 0},
		{"clock: three quarters", start, start.Add(4 * time.Hour), "2026-03-02 11:30", false, 0.75},
		{"clock: overdue", start, start.Add(4 * time.Hour), "2026-03-02 16:30", false, 2},
		{"clock: before start", start, start.Add(4 * time.Hour), "2026-03-02 07:30", false, 0},
		{"zero limit: before", start, start, "2026-03-02 08:00", false, 0},
		{"zero limit: at due", start, start, "2026-03-02 08:30", false, 1},
		{"zero limit: after", start, start, "2026-03-05 08:30", true, 1},
		{"zero working limit (weekend): after", at(t, "2026-03-07 09:00"), at(t, "2026-03-08 09:00"), "2026-03-08 10:00", true, 1},
		{"zero working limit (weekend): before", at(t, "2026-03-07 09:00"), at(t, "2026-03-08 09:00"), "2026-03-07 10:00", true, 0},
	}
	for _, tt := range tests {
		got := c.Fraction(tt.start, tt.due, at(t, tt.now), tt.workingHours)
		if math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s: Fraction = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestNew(t *testing.T) {
	h := time.Hour
	good := []Year{{Year: 2026, Days: []Day{{Date: "2026-01-01", Name: "元旦", Off: true}}}}
	tests := []struct {
		name  string
		loc   *time.Location
		spans []Span
		years []Year
		ok    bool
	}{
		{"default", sh, DefaultSpans(), good, true},
		{"one span, no years", time.UTC, []Span{{9 * h, 17 * h}}, nil, true},
		{"touching spans", time.UTC, []Span{{9 * h, 12 * h}, {12 * h, 13 * h}}, nil, true},
		{"whole day", time.UTC, []Span{{0, 24 * h}}, nil, true},
		{"nil location", nil, DefaultSpans(), nil, false},
		{"no spans", time.UTC, nil, nil, false},
		{"empty span", time.UTC, []Span{{9 * h, 9 * h}}, nil, false},
		{"reversed span", time.UTC, []Span{{12 * h, 9 * h}}, nil, false},
		{"negative start", time.UTC, []Span{{-h, 9 * h}}, nil, false},
		{"past midnight", time.UTC, []Span{{20 * h, 25 * h}}, nil, false},
		{"overlapping", time.UTC, []Span{{9 * h, 12 * h}, {11 * h, 13 * h}}, nil, false},
		{"unsorted", time.UTC, []Span{{13 * h, 17 * h}, {9 * h, 12 * h}}, nil, false},
		{"year twice", sh, DefaultSpans(), append(good, good...), false},
		{"bad year", sh, DefaultSpans(), []Year{{Year: 2026, Days: []Day{{Date: "2026-13-01", Name: "x", Off: true}}}}, false},
		{"date outside year", sh, DefaultSpans(), []Year{{Year: 2026, Days: []Day{{Date: "2027-01-01", Name: "x", Off: true}}}}, false},
		{"year out of range", sh, DefaultSpans(), []Year{{Year: 1999, Days: []Day{{Date: "1999-01-01", Name: "x", Off: true}}}}, false},
	}
	for _, tt := range tests {
		c, err := New(tt.loc, tt.spans, tt.years)
		if (err == nil) != tt.ok {
			t.Errorf("%s: err = %v", tt.name, err)
		}
		if err == nil && c == nil {
			t.Errorf("%s: nil calendar", tt.name)
		}
	}
	// New copies the spans.
	spans := []Span{{9 * h, 17 * h}}
	c, _ := New(time.UTC, spans, nil)
	spans[0].End = 10 * h
	if c.Spans()[0].End != 17*h {
		t.Error("New kept the caller's slice")
	}
}

// TestBounds checks that absurd inputs return quickly with saturated results.
func TestBounds(t *testing.T) {
	c := Default()
	start := at(t, "2026-03-04 10:00")
	limit := start.AddDate(0, 0, MaxScanDays)
	if got := c.AddWorkingDays(start, math.MaxInt); !got.Equal(limit) {
		t.Errorf("AddWorkingDays(MaxInt) = %s, want %s", fmtT(got), fmtT(limit))
	}
	if got := c.AddWorkingHours(start, math.MaxInt64); !got.Equal(time.Date(2026, 3, 4, 0, 0, 0, 0, sh).AddDate(0, 0, MaxScanDays)) {
		t.Errorf("AddWorkingHours(MaxInt64) = %s", fmtT(got))
	}
	far := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	if got := c.WorkingDuration(time.Time{}, far); got <= 0 || got > (MaxScanDays+1)*c.DailyWorkingTime() {
		t.Errorf("WorkingDuration(year 1, 9999) = %v", got)
	}
	// A day-long limit of ten years still fits.
	if got := c.AddWorkingDays(start, 2000); got.Year() < 2033 || got.Year() > 2035 {
		t.Errorf("AddWorkingDays(2000) = %s", fmtT(got))
	}
}

func BenchmarkAddWorkingHours30Days(b *testing.B) {
	c := Default()
	start := time.Date(2026, 2, 2, 10, 0, 0, 0, sh)
	for b.Loop() {
		c.AddWorkingHours(start, 30*(7*time.Hour+30*time.Minute))
	}
}

func BenchmarkWorkingDuration30Days(b *testing.B) {
	c := Default()
	start := time.Date(2026, 2, 2, 10, 0, 0, 0, sh)
	end := start.AddDate(0, 0, 45)
	for b.Loop() {
		c.WorkingDuration(start, end)
	}
}

func TestNextWorkingTime(t *testing.T) {
	c := Default()
	for _, tt := range []struct{ in, want string }{
		{"2026-12-04 10:00", "2026-12-04 10:00"}, // inside a span
		{"2026-12-04 08:30", "2026-12-04 08:30"}, // a span's start is inside it
		{"2026-12-04 12:00", "2026-12-04 13:30"}, // a span's end is not
		{"2026-12-04 07:00", "2026-12-04 08:30"}, // before the day's work
		{"2026-12-04 17:30", "2026-12-07 08:30"}, // Friday's end → Monday
		{"2026-12-05 00:30", "2026-12-07 08:30"}, // Saturday night
		{"2026-09-30 18:00", "2026-10-08 08:30"}, // the National Day holiday
		{"2026-10-10 09:00", "2026-10-10 09:00"}, // a make-up working Saturday
	} {
		if got := c.NextWorkingTime(at(t, tt.in)); !got.Equal(at(t, tt.want)) {
			t.Errorf("NextWorkingTime(%s) = %s, want %s", tt.in, fmtT(got), tt.want)
		}
	}
}
