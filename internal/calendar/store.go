package calendar

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"

	"github.com/gongzhi/gongzhi/internal/clock"
)

// SaveYear stores an imported schedule, replacing that year's earlier one.
func SaveYear(ctx context.Context, d *db.DB, y Year) error {
	if err := checkYear(y); err != nil {
		return err
	}
	return d.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM calendar_days WHERE year = $1`, y.Year); err != nil {
			return errs.Wrap(err, "replace year")
		}
		for _, day := range y.Days {
			if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_days (day, year, name, off) VALUES ($1, $2, $3, $4)`, day.Date, y.Year, day.Name, day.Off); err != nil {
				return errs.Wrap(err, "save day")
			}
		}
		return nil
	})
}

// LoadYears returns the imported schedules.
func LoadYears(ctx context.Context, d *db.DB) ([]Year, error) {
	rows, err := d.R.QueryContext(ctx, `SELECT day, year, name, off FROM calendar_days ORDER BY day`)
	if err != nil {
		return nil, errs.Wrap(err, "load calendar")
	}
	defer rows.Close()
	byYear := map[int]*Year{}
	for rows.Next() {
		var day Day
		var year int
		if err := rows.Scan(&day.Date, &year, &day.Name, &day.Off); err != nil {
			return nil, errs.Wrap(err, "load calendar")
		}
		if byYear[year] == nil {
			byYear[year] = &Year{Year: year}
		}
		byYear[year].Days = append(byYear[year].Days, day)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "load calendar")
	}
	out := make([]Year, 0, len(byYear))
	for _, y := range byYear {
		out = append(out, *y)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Year < out[j].Year })
	return out, nil
}

// Load builds the calendar gongzhi runs on: the embedded schedules, overridden
// by imported ones for the same year, with the given working spans.
func Load(ctx context.Context, d *db.DB, spans []Span) (*Calendar, error) {
	years, err := Embedded()
	if err != nil {
		return nil, err
	}
	imported, err := LoadYears(ctx, d)
	if err != nil {
		return nil, err
	}
	byYear := map[int]Year{}
	for _, y := range years {
		byYear[y.Year] = y
	}
	for _, y := range imported {
		byYear[y.Year] = y
	}
	all := make([]Year, 0, len(byYear))
	for _, y := range byYear {
		all = append(all, y)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Year < all[j].Year })
	if spans == nil {
		spans = DefaultSpans()
	}
	return New(clock.BusinessZone(), spans, all)
}

// ParseSpans reads working hours written as "08:30-12:00,13:30-17:30".
func ParseSpans(s string) ([]Span, error) {
	var spans []Span
	for _, part := range strings.Split(s, ",") {
		a, b, ok := strings.Cut(strings.TrimSpace(part), "-")
		if !ok {
			return nil, fmt.Errorf("working hours %q: want HH:MM-HH:MM,…", s)
		}
		start, err1 := clockOffset(a)
		end, err2 := clockOffset(b)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("working hours %q: want HH:MM-HH:MM,…", s)
		}
		spans = append(spans, Span{Start: start, End: end})
	}
	if _, err := New(time.UTC, spans, nil); err != nil {
		return nil, err
	}
	return spans, nil
}

func clockOffset(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		if strings.TrimSpace(s) == "24:00" {
			return 24 * time.Hour, nil
		}
		return 0, err
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}
