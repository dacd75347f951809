package warning

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/gov"
)

// place is one place a ticket counts in.
type place struct {
	level string
	code  string // an area code, or a cell "g:<row>:<col>"
}

// Lengths of the area codes of a street and of a community (统计用区划代码).
const (
	streetDigits    = 9
	communityDigits = 12
)

// placesOf returns the places a ticket of the area and location counts in.
func (s *Service) placesOf(area string, lat, lng *float64) []place {
	var out []place
	if len(area) >= communityDigits {
		out = append(out, place{LevelCommunity, area[:communityDigits]})
	}
	if len(area) >= streetDigits {
		out = append(out, place{LevelStreet, area[:streetDigits]})
	}
	if lat != nil && lng != nil {
		out = append(out, place{LevelCell, cellOf(*lat, *lng, s.opt.CellMetres)})
	}
	return out
}

// cellOf names the grid cell of a point: rows of side metres of latitude,
// and columns as wide at the row's own latitude.
func cellOf(lat, lng, side float64) string {
	step := side / gov.MetresPerDegree
	row := math.Floor(lat / step)
	mid := (row + 0.5) * step
	col := math.Floor(lng * math.Cos(mid*math.Pi/180) / step)
	return fmt.Sprintf("g:%d:%d", int64(row), int64(col))
}

// levelOf tells a place's level from its code.
func levelOf(code string) string {
	switch {
	case strings.HasPrefix(code, "g:"):
		return LevelCell
	case len(code) == streetDigits:
		return LevelStreet
	}
	return LevelCommunity
}

// epochMonday is the Monday weeks are counted from.
var epochMonday = time.Date(1970, 1, 5, 0, 0, 0, 0, time.UTC)

// weekOf returns the week (since epochMonday) of a time in the business zone.
func (s *Service) weekOf(t time.Time) int {
	l := t.In(s.loc)
	d := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
	return int(math.Floor(d.Sub(epochMonday).Hours() / 24 / 7))
}

// weekDay returns the ticket-number prefix (YYYYMMDD) of the first day of a week.
func weekDay(week int) string {
	return epochMonday.AddDate(0, 0, 7*week).Format("20060102")
}

// weekOfNumber returns the week of a ticket number's day, or false.
func weekOfNumber(number string) (int, bool) {
	if len(number) < 8 {
		return 0, false
	}
	if _, err := strconv.Atoi(number[:8]); err != nil {
		return 0, false
	}
	d, err := time.Parse("20060102", number[:8])
	if err != nil {
		return 0, false
	}
	return int(math.Floor(d.Sub(epochMonday).Hours() / 24 / 7)), true
}
