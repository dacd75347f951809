package calendar

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// Limits of a holiday schedule accepted by ParseYear and New.
const (
	MinYear        = 2000    // earliest year accepted
	MaxYear        = 2100    // latest year accepted
	MaxDaysPerYear = 100     // most entries in one year's schedule
	MaxBodyBytes   = 1 << 20 // largest JSON body ParseYear reads
)

const dateLayout = "2006-01-02"

// Day is one entry of a year's schedule: a public holiday (Off) or a make-up
// working day (调休, not Off), named after its festival.
type Day struct {
	Date string // 2006-01-02
	Name string // e.g. 春节
	Off  bool   // true: a day off; false: a make-up working day
}

// Year is the State Council holiday schedule of one year. Days not listed follow
// the plain rule: Monday to Friday work, Saturday and Sunday off.
type Year struct {
	Year int
	Days []Day
}

// yearJSON is the holiday-cn file format. Unknown fields ($schema, $id, papers …)
// are ignored; isOffDay is required, because a missing one would silently turn a
// holiday into a make-up working day.
type yearJSON struct {
	Year *int `json:"year"`
	Days []struct {
		Name     string `json:"name"`
		Date     string `json:"date"`
		IsOffDay *bool  `json:"isOffDay"`
	} `json:"days"`
}

func invalid(zh, en string, cause error) error {
	return &errs.Error{Code: errs.Invalid, Msg: zh, MsgEn: en, Err: cause}
}

// ParseYear parses one year of the holiday-cn JSON format
// ({"year":2026,"papers":[…],"days":[{"name":"元旦","date":"2026-01-01","isOffDay":true},…]}).
// It is strict: the year must be within MinYear..MaxYear, there must be 1 to
// MaxDaysPerYear days, each with a name, a valid YYYY-MM-DD date inside that year,
// no date twice, and isOffDay given; nothing may follow the JSON object. Bodies
// larger than MaxBodyBytes are rejected. Errors are *errs.Error with code invalid
// (too_large for the size, internal if r fails), naming the offending date.
func ParseYear(r io.Reader) (Year, error) {
	body, err := io.ReadAll(io.LimitReader(r, MaxBodyBytes+1))
	if err != nil {
		return Year{}, errs.Wrap(err, "calendar: reading the holiday schedule")
	}
	if len(body) > MaxBodyBytes {
		return Year{}, errs.New(errs.TooLarge, "节假日数据超过 1 MB",
			fmt.Sprintf("holiday schedule larger than %d bytes", MaxBodyBytes))
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var raw yearJSON
	if err := dec.Decode(&raw); err != nil {
		return Year{}, invalid("节假日数据不是有效的 JSON："+err.Error(), "holiday schedule is not valid JSON: "+err.Error(), nil)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Year{}, invalid("节假日数据在 JSON 之后还有多余内容", "holiday schedule has data after the JSON object", nil)
	}
	if raw.Year == nil {
		return Year{}, invalid("节假日数据缺少年份", "holiday schedule has no year", nil)
	}
	y := Year{Year: *raw.Year, Days: make([]Day, 0, len(raw.Days))}
	if err := checkYearNumber(y.Year); err != nil {
		return Year{}, err
	}
	if len(raw.Days) > MaxDaysPerYear {
		return Year{}, tooManyDays(y.Year, len(raw.Days))
	}
	for _, d := range raw.Days {
		if d.IsOffDay == nil {
			return Year{}, invalid("日期 "+d.Date+" 缺少 isOffDay", "date "+strconv.Quote(d.Date)+": isOffDay missing", nil)
		}
		y.Days = append(y.Days, Day{Date: d.Date, Name: d.Name, Off: *d.IsOffDay})
	}
	if err := checkYear(y); err != nil {
		return Year{}, err
	}
	return y, nil
}

func checkYearNumber(year int) error {
	if year < MinYear || year > MaxYear {
		return invalid(fmt.Sprintf("年份 %d 不在 %d–%d 之间", year, MinYear, MaxYear),
			fmt.Sprintf("year %d is outside %d–%d", year, MinYear, MaxYear), nil)
	}
	return nil
}

func tooManyDays(year, n int) error {
	return invalid(fmt.Sprintf("%d 年的节假日安排超过 %d 天", year, MaxDaysPerYear),
		fmt.Sprintf("year %d: %d days, more than %d", year, n, MaxDaysPerYear), nil)
}

// checkYear validates a schedule, whether parsed or built by hand, and returns
// nil or an *errs.Error naming the offending date.
func checkYear(y Year) error {
	if err := checkYearNumber(y.Year); err != nil {
		return err
	}
	if len(y.Days) == 0 {
		return invalid(fmt.Sprintf("%d 年的节假日安排没有任何日期", y.Year),
			fmt.Sprintf("year %d: schedule has no days", y.Year), nil)
	}
	if len(y.Days) > MaxDaysPerYear {
		return tooManyDays(y.Year, len(y.Days))
	}
	seen := make(map[string]bool, len(y.Days))
	for _, d := range y.Days {
		q := strconv.Quote(d.Date)
		t, err := time.Parse(dateLayout, d.Date)
		if err != nil || t.Format(dateLayout) != d.Date {
			return invalid("日期 "+q+" 无效，应为 YYYY-MM-DD", "date "+q+" is not a valid YYYY-MM-DD date", err)
		}
		if t.Year() != y.Year {
			return invalid(fmt.Sprintf("日期 %s 不在 %d 年内", d.Date, y.Year),
				fmt.Sprintf("date %s is not in year %d", d.Date, y.Year), nil)
		}
		if seen[d.Date] {
			return invalid("日期 "+d.Date+" 重复", "date "+d.Date+" appears twice", nil)
		}
		seen[d.Date] = true
		if strings.TrimSpace(d.Name) == "" {
			return invalid("日期 "+d.Date+" 缺少名称", "date "+d.Date+": name missing", nil)
		}
	}
	return nil
}

//go:embed holidays/*.json
var holidayFS embed.FS

// Embedded returns the schedules embedded in the binary (internal/calendar/holidays,
// from holiday-cn; see SOURCE.md there), sorted by year.
func Embedded() ([]Year, error) { return loadYears(holidayFS, "holidays") }

// loadYears parses every dir/*.json of fsys; each file must be named after its year.
func loadYears(fsys fs.FS, dir string) ([]Year, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, errors.New("calendar: no embedded holiday schedules")
	}
	sort.Strings(names)
	years := make([]Year, 0, len(names))
	for _, name := range names {
		f, err := fsys.Open(name)
		if err != nil {
			return nil, fmt.Errorf("calendar: %s: %w", name, err)
		}
		y, err := ParseYear(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("calendar: %s: %w", name, err)
		}
		if want := strings.TrimSuffix(path.Base(name), ".json"); want != strconv.Itoa(y.Year) {
			return nil, fmt.Errorf("calendar: %s holds year %d", name, y.Year)
		}
		years = append(years, y)
	}
	return years, nil
}
