package evaluation

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// areaTrend is area a's row in each of months (consecutive month periods,
// oldest first), as areaRow gives it. From the aggregates it is one pass
// over the days of all the months, grouped by day and area and summed into
// the months in Go (a month may start on any day, so SQL cannot name it);
// otherwise one evaluation per month.
func (s *Service) areaTrend(ctx context.Context, a gov.Area, months []Period, st Settings, use bool) ([]MonthRow, error) {
	from, _, ok1 := s.dayRange(months[0])
	_, to, ok2 := s.dayRange(months[len(months)-1])
	if !use || !ok1 || !ok2 {
		out := make([]MonthRow, 0, len(months))
		for _, m := range months {
			r, err := s.areaRow(ctx, a, m, st, use)
			if err != nil {
				return nil, err
			}
			out = append(out, MonthRow{Month: m.Month, Row: r})
		}
		return out, nil
	}
	// The keys that count, as areaRow's evaluation reads them: a's children
	// (no parent) or a itself among its parent's children.
	parent := a.Code
	if a.ParentCode != "" {
		parent = a.ParentCode
	}
	kids, err := s.gov.Areas(ctx, parent)
	if err != nil {
		return nil, err
	}
	keys := map[string]bool{}
	keyLen := 0
	if len(kids) > 0 {
		keyLen = len(kids[0].Code)
		for _, k := range kids {
			if a.ParentCode == "" || k.Code == a.Code {
				keys[k.Code] = true
			}
		}
	}
	starts := make([]string, len(months)) // the first day of each month
	for i, m := range months {
		starts[i], _, _ = s.dayRange(m)
	}
	month := func(day string) int { return sort.SearchStrings(starts, day+"\x00") - 1 }
	sums := make([]vec, len(months))
	if keyLen > 0 {
		if err := s.sumTrendDays(ctx, from, to, a.Code, keyLen, keys, month, starts, sums); err != nil {
			return nil, err
		}
	}
	out := make([]MonthRow, len(months))
	for i, m := range months {
		r := Row{AreaCode: a.Code, Name: a.Name, Group: string(a.Level)}
		for j, f := range r.Counts.ticketFields() {
			*f = sums[i][j]
		}
		r.Counts.Returns, r.Counts.Extensions, r.Counts.Redos, r.Counts.Overdue = sums[i][10], sums[i][11], sums[i][12], sums[i][13]
		r.rates(st)
		out[i] = MonthRow{Month: m.Month, Row: r}
	}
	return out, nil
}

// sumTrendDays adds the days [from, to) of the areas under prefix whose key
// (the first keyLen characters) is in keys into sums[month(day)], less the
// overdue days that repeat a pair's earlier day in the same month.
func (s *Service) sumTrendDays(ctx context.Context, from, to, prefix string, keyLen int, keys map[string]bool,
	month func(string) int, starts []string, sums []vec) error {
	cols := make([]string, len(dayCols))
	for i, c := range dayCols {
		cols[i] = "SUM(" + c + ")"
	}
	key := fmt.Sprintf("substr(code, 1, %d)", keyLen)
	filter := fmt.Sprintf(" AND substr(code, 1, %d) = $3", len(prefix))
	return s.db.ReaderTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT day, `+key+`, `+strings.Join(cols, ", ")+` FROM evaluation_days
WHERE kind = 'a' AND day >= $1 AND day < $2`+filter+` GROUP BY 1, 2`, from, to, prefix)
		if err != nil {
			return errs.Wrap(err, "read evaluation days")
		}
		defer rows.Close()
		for rows.Next() {
			var day, code string
			var v vec
			dest := []any{&day, &code}
			for i := range v {
				dest = append(dest, &v[i])
			}
			if err := rows.Scan(dest...); err != nil {
				return errs.Wrap(err, "scan evaluation days")
			}
			if i := month(day); i >= 0 && keys[code] {
				for j := range v {
					sums[i][j] += v[j]
				}
			}
		}
		if err := rows.Err(); err != nil {
			return errs.Wrap(err, "read evaluation days")
		}
		rr, err := tx.QueryContext(ctx, `SELECT day, prev_day, `+key+`, SUM(n) FROM evaluation_overdue_repeats
WHERE kind = 'a' AND day >= $1 AND day < $2`+filter+` GROUP BY 1, 2, 3`, from, to, prefix)
		if err != nil {
			return errs.Wrap(err, "read overdue repeats")
		}
		defer rr.Close()
		for rr.Next() {
			var day, prev, code string
			var n int64
			if err := rr.Scan(&day, &prev, &code, &n); err != nil {
				return errs.Wrap(err, "scan overdue repeats")
			}
			if i := month(day); i >= 0 && keys[code] && prev >= starts[i] {
				sums[i][13] -= n
			}
		}
		return errs.Wrap(rr.Err(), "read overdue repeats")
	})
}
