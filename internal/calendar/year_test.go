package calendar

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/errs"

	"github.com/gongzhi/gongzhi/internal/clock"
)

func TestParseYearEmbedded(t *testing.T) {
	data, err := holidayFS.ReadFile("holidays/2026.json")
	if err != nil {
		t.Fatal(err)
	}
	y, err := ParseYear(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if y.Year != 2026 || len(y.Days) != 39 {
		t.Fatalf("year %d with %d days", y.Year, len(y.Days))
	}
	if d := y.Days[0]; d != (Day{Date: "2026-01-01", Name: "元旦", Off: true}) {
		t.Errorf("first day %+v", d)
	}
	if d := y.Days[4]; d != (Day{Date: "2026-02-14", Name: "春节", Off: false}) {
		t.Errorf("fifth day %+v", d)
	}
}

// yearJSONText builds a holiday-cn body for year with the given day objects.
func yearJSONText(year string, days ...string) string {
	return `{"year":` + year + `,"papers":[],"days":[` + strings.Join(days, ",") + `]}`
}

func dayJSON(date string, off bool) string {
	return fmt.Sprintf(`{"name":"节","date":%q,"isOffDay":%v}`, date, off)
}

func TestParseYear(t *testing.T) {
	many := make([]string, 101)
	for i := range many {
		many[i] = dayJSON(fmt.Sprintf("2026-%02d-%02d", 1+i/28, 1+i%28), true)
	}
	valid := yearJSONText("2026", dayJSON("2026-01-01", true))
	tests := []struct {
		name    string
		body    string
		code    errs.Code // "" = accepted
		mention string    // the error must contain this
	}{
		{"valid", valid, "", ""},
		{"unknown fields ignored", `{"$schema":"x","$id":"y","year":2026,"papers":["p"],"days":[{"name":"元旦","date":"2026-01-01","isOffDay":true,"extra":1}]}`, "", ""},
		{"100 days", yearJSONText("2026", many[:100]...), "", ""},
		{"padded to the limit", valid + strings.Repeat(" ", MaxBodyBytes-len(valid)), "", ""},
		{"bad date: Feb 30", yearJSONText("2026", dayJSON("2026-02-30", true)), errs.Invalid, "2026-02-30"},
		{"bad date: month 13", yearJSONText("2026", dayJSON("2026-13-01", true)), errs.Invalid, "2026-13-01"},
		{"bad date: no zero padding", yearJSONText("2026", dayJSON("2026-2-01", true)), errs.Invalid, "2026-2-01"},
		{"bad date: with time", yearJSONText("2026", dayJSON("2026-02-01T00:00:00Z", true)), errs.Invalid, "2026-02-01T00:00:00Z"},
		{"bad date: slashes", yearJSONText("2026", dayJSON("2026/02/01", true)), errs.Invalid, "2026/02/01"},
		{"bad date: empty", yearJSONText("2026", dayJSON("", true)), errs.Invalid, `""`},
		{"date outside year", yearJSONText("2026", dayJSON("2026-01-01", true), dayJSON("2025-12-31", false)), errs.Invalid, "2025-12-31"},
		{"duplicate", yearJSONText("2026", dayJSON("2026-10-01", true), dayJSON("2026-10-02", true), dayJSON("2026-10-01", false)), errs.Invalid, "2026-10-01"},
		{"year too early", yearJSONText("1999", dayJSON("1999-01-01", true)), errs.Invalid, "1999"},
		{"year too late", yearJSONText("2101", dayJSON("2101-01-01", true)), errs.Invalid, "2101"},
		{"year missing", `{"days":[` + dayJSON("2026-01-01", true) + `]}`, errs.Invalid, "no year"},
		{"year a string", `{"year":"2026","days":[]}`, errs.Invalid, "JSON"},
		{"year fractional", `{"year":2026.5,"days":[]}`, errs.Invalid, "JSON"},
		{"no days", yearJSONText("2026"), errs.Invalid, "no days"},
		{"days null", `{"year":2026,"days":null}`, errs.Invalid, "no days"},
		{"101 days", yearJSONText("2026", many...), errs.Invalid, "101"},
		{"isOffDay missing", yearJSONText("2026", `{"name":"元旦","date":"2026-01-01"}`), errs.Invalid, "2026-01-01"},
		{"isOffDay a string", yearJSONText("2026", `{"name":"元旦","date":"2026-01-01","isOffDay":"true"}`), errs.Invalid, "JSON"},
		{"name missing", yearJSONText("2026", `{"date":"2026-01-01","isOffDay":true}`), errs.Invalid, "2026-01-01"},
		{"malformed: truncated", `{"year":2026,"days":[`, errs.Invalid, "JSON"},
		{"malformed: empty", ``, errs.Invalid, "JSON"},
		{"malformed: array", `[]`, errs.Invalid, "JSON"},
		{"malformed: null", `null`, errs.Invalid, "no year"},
		{"trailing data", valid + valid, errs.Invalid, "after the JSON"},
		{"trailing garbage", valid + " x", errs.Invalid, "after the JSON"},
		{"huge body", valid + strings.Repeat(" ", MaxBodyBytes-len(valid)+1), errs.TooLarge, "larger than"},
		{"huge array", `{"year":2026,"days":[` + strings.Repeat(dayJSON("2026-01-01", true)+",", 30000), errs.TooLarge, "larger than"},
	}
	for _, tt := range tests {
		y, err := ParseYear(strings.NewReader(tt.body))
		if tt.code == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			} else if y.Year != 2026 || len(y.Days) == 0 {
				t.Errorf("%s: %+v", tt.name, y)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: accepted", tt.name)
			continue
		}
		if code := errs.CodeOf(err); code != tt.code {
			t.Errorf("%s: code %s, want %s (%v)", tt.name, code, tt.code, err)
		}
		if !strings.Contains(err.Error(), tt.mention) {
			t.Errorf("%s: error %q does not mention %q", tt.name, err, tt.mention)
		}
	}
}

// FuzzParseYear checks that ParseYear never panics, and that what it accepts is
// a valid schedule that New accepts and that survives a round trip.
func FuzzParseYear(f *testing.F) {
	for _, name := range []string{"2024", "2025", "2026"} {
		data, err := holidayFS.ReadFile("holidays/" + name + ".json")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(yearJSONText("2026", dayJSON("2026-02-30", true))))
	f.Add([]byte(yearJSONText("2026", dayJSON("2026-01-01", true), dayJSON("2026-01-01", false))))
	f.Add([]byte(`{"year":2026,"days":[`))
	f.Add([]byte(`{"year":-1,"days":[{"date":"-001-01-01"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		y, err := ParseYear(bytes.NewReader(data))
		if err != nil {
			if errs.CodeOf(err) == errs.Internal {
				t.Fatalf("error without a domain code: %v", err)
			}
			return
		}
		if err := checkYear(y); err != nil {
			t.Fatalf("accepted an invalid year: %v", err)
		}
		if _, err := New(clock.BusinessZone(), DefaultSpans(), []Year{y}); err != nil {
			t.Fatalf("New rejected a parsed year: %v", err)
		}
		type dayOut struct {
			Name     string `json:"name"`
			Date     string `json:"date"`
			IsOffDay bool   `json:"isOffDay"`
		}
		out := struct {
			Year int      `json:"year"`
			Days []dayOut `json:"days"`
		}{Year: y.Year}
		for _, d := range y.Days {
			out.Days = append(out.Days, dayOut{d.Name, d.Date, d.Off})
		}
		text, err := json.Marshal(out)
		if err != nil {
			t.Fatal(err)
		}
		y2, err := ParseYear(bytes.NewReader(text))
		if err != nil {
			t.Fatalf("round trip rejected: %v", err)
		}
		if y2.Year != y.Year || len(y2.Days) != len(y.Days) {
			t.Fatalf("round trip changed the year")
		}
		for i := range y.Days {
			if y.Days[i] != y2.Days[i] {
				t.Fatalf("round trip changed day %d: %+v → %+v", i, y.Days[i], y2.Days[i])
			}
		}
	})
}
