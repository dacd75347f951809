package warning

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// The baseline's spans (see the package doc).
const (
	trailingWeeks = 12 // weeks of the trailing average
	recentWeeks   = 2  // the current and the previous week: the window's, left out
	seasonYears   = 3  // earlier years of the seasonal average
	seasonSpan    = 2  // weeks either side of the same week of an earlier year
	weeksPerYear  = 52
)

// neededWeeks returns the weeks a baseline of week cur reads, from first
// (the installation's first week) on.
func neededWeeks(cur, first int) []int {
	var out []int
	for w := cur - recentWeeks - trailingWeeks + 1; w <= cur-recentWeeks; w++ {
		if w >= first {
			out = append(out, w)
		}
	}
	for y := 1; y <= seasonYears; y++ {
		c := cur - weeksPerYear*y
		if c-seasonSpan < first {
			break
		}
		for w := c - seasonSpan; w <= c+seasonSpan; w++ {
			out = append(out, w)
		}
	}
	return out
}

// baseline is a cluster's expected tickets per week in week cur, from its
// weekly counts: the larger of the trailing and the seasonal average.
func baseline(counts map[int]int, cur, first int) float64 {
	var sum, n float64
	for w := cur - recentWeeks - trailingWeeks + 1; w <= cur-recentWeeks; w++ {
		if w >= first {
			sum += float64(counts[w])
			n++
		}
	}
	trailing := 0.0
	if n > 0 {
		trailing = sum / n
	}
	var years, season float64
	for y := 1; y <= seasonYears; y++ {
		c := cur - weeksPerYear*y
		if c-seasonSpan < first {
			break
		}
		var ys float64
		for w := c - seasonSpan; w <= c+seasonSpan; w++ {
			ys += float64(counts[w])
		}
		season += ys / (2*seasonSpan + 1)
		years++
	}
	if years > 0 {
		season /= years
	}
	return math.Max(trailing, season)
}

// Score is how far a count stands above its baseline:
// (count − baseline) / √(baseline + 1).
func Score(count int, base float64) float64 {
	return (float64(count) - base) / math.Sqrt(base+1)
}

// firstWeek returns the week of the installation's first ticket, or false
// when there is none.
func (s *Service) firstWeek(ctx context.Context) (int, bool, error) {
	var first sql.NullString
	if err := s.db.R.QueryRowContext(ctx, `SELECT MIN(number) FROM tickets`).Scan(&first); err != nil {
		return 0, false, errs.Wrap(err, "first ticket")
	}
	if !first.Valid {
		return 0, false, nil
	}
	w, ok := weekOfNumber(first.String)
	return w, ok, nil
}

// ensureWeeks rolls up each week that is not rolled up yet, or that has
// gained tickets since (an import), and returns how many it rolled up.
func (s *Service) ensureWeeks(ctx context.Context, weeks []int) (int, error) {
	if len(weeks) == 0 {
		return 0, nil
	}
	have := map[int]string{}
	ph := make([]string, len(weeks))
	args := make([]any, len(weeks))
	for i, w := range weeks {
		ph[i], args[i] = fmt.Sprintf("$%d", i+1), w
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT week, max_number FROM warning_weeks WHERE week IN (`+strings.Join(ph, ",")+`)`, args...)
	if err != nil {
		return 0, errs.Wrap(err, "read rolled weeks")
	}
	for rows.Next() {
		var w int
		var m string
		if err := rows.Scan(&w, &m); err != nil {
			rows.Close()
			return 0, errs.Wrap(err, "scan rolled week")
		}
		have[w] = m
	}
	rows.Close()
	rolled := 0
	for _, w := range weeks {
		var max sql.NullString
		if err := s.db.R.QueryRowContext(ctx, `SELECT MAX(number) FROM tickets WHERE number >= $1 AND number < $2`, weekDay(w), weekDay(w+1)).Scan(&max); err != nil {
			return rolled, errs.Wrap(err, "week's last ticket")
		}
		if m, ok := have[w]; ok && m == max.String {
			continue
		}
		if err := s.rollUp(ctx, w, max.String); err != nil {
			return rolled, err
		}
		rolled++
	}
	return rolled, nil
}

type countKey struct{ place, category string }

// rollUp counts a week's tickets by place and category into warning_counts.
func (s *Service) rollUp(ctx context.Context, week int, maxNumber string) error {
	rows, err := s.db.R.QueryContext(ctx, `SELECT area_code, category_code, lat, lng FROM tickets WHERE number >= $1 AND number < $2 AND category_code <> ''`,
		weekDay(week), weekDay(week+1))
	if err != nil {
		return errs.Wrap(err, "read week's tickets")
	}
	counts := map[countKey]int{}
	for rows.Next() {
		var area, cat string
		var lat, lng sql.NullFloat64
		if err := rows.Scan(&area, &cat, &lat, &lng); err != nil {
			rows.Close()
			return errs.Wrap(err, "scan week's ticket")
		}
		for _, p := range s.placesOf(area, nullable(lat), nullable(lng)) {
			counts[countKey{p.code, cat}]++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "read week's tickets")
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM warning_counts WHERE week = $1`, week); err != nil {
			return errs.Wrap(err, "clear week's counts")
		}
		if err := s.insertCounts(ctx, tx, week, counts); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM warning_weeks WHERE week = $1`, week)
		if err == nil {
			_, err = tx.ExecContext(ctx, `INSERT INTO warning_weeks (week, max_number, rolled_at) VALUES ($1, $2, $3)`, week, maxNumber, s.clock.Now().UnixMilli())
		}
		return errs.Wrap(err, "mark week rolled up")
	})
}

// insertCounts writes a week's counts: on PostgreSQL in multi-row INSERTs,
// on SQLite (no round trips, but a parse that grows with the placeholders)
// row by row with one prepared statement.
func (s *Service) insertCounts(ctx context.Context, tx *sql.Tx, week int, counts map[countKey]int) error {
	if s.db.Engine == db.SQLite {
		for k, n := range counts {
			if _, err := s.db.Exec(ctx, tx, `INSERT INTO warning_counts (place, category_code, week, n) VALUES ($1, $2, $3, $4)`, k.place, k.category, week, n); err != nil {
				return errs.Wrap(err, "write week's counts")
			}
		}
		return nil
	}
	const per = 200
	var sb strings.Builder
	args := make([]any, 0, 4*per)
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO warning_counts (place, category_code, week, n) VALUES `+sb.String(), args...)
		sb.Reset()
		args = args[:0]
		return errs.Wrap(err, "write week's counts")
	}
	for k, n := range counts {
		if len(args) > 0 {
			sb.WriteString(",")
		}
		i := len(args)
		fmt.Fprintf(&sb, "($%d,$%d,$%d,$%d)", i+1, i+2, i+3, i+4)
		args = append(args, k.place, k.category, week, n)
		if len(args) >= 4*per {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// weekCounts returns a cluster's weekly counts from week lo on.
func (s *Service) weekCounts(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, place, category string, lo int) (map[int]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT week, n FROM warning_counts WHERE place = $1 AND category_code = $2 AND week >= $3`, place, category, lo)
	if err != nil {
		return nil, errs.Wrap(err, "read weekly counts")
	}
	defer rows.Close()
	out := map[int]int{}
	for rows.Next() {
		var w, n int
		if err := rows.Scan(&w, &n); err != nil {
			return nil, errs.Wrap(err, "scan weekly count")
		}
		out[w] = n
	}
	return out, errs.Wrap(rows.Err(), "read weekly counts")
}

func nullable(v sql.NullFloat64) *float64 {
	if !v.Valid {
		return nil
	}
	x := v.Float64
	return &x
}
