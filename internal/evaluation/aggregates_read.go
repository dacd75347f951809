package evaluation

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// ---- reading ----

// dayRange gives the days [from, to) of a period of whole business days.
func (s *Service) dayRange(p Period) (string, string, bool) {
	f, t := p.From.In(s.loc), p.To.In(s.loc)
	whole := func(x time.Time) bool {
		return x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0
	}
	if !whole(f) || !whole(t) || !t.After(f) {
		return "", "", false
	}
	return f.Format("2006-01-02"), t.Format("2006-01-02"), true
}

// sumDays reads the period's counts from the aggregates: ticket counts by
// unit and by area prefix (keyLen), and event counts likewise, as the direct
// aggregate and events give them. areaPrefix, when not empty, limits the
// areas read (group area).
func (s *Service) sumDays(ctx context.Context, p Period, keyLen int, orgs bool, areaPrefix string) (byOrg, byArea, evOrg, evArea map[string]Counts, err error) {
	from, to, ok := s.dayRange(p)
	if !ok {
		return nil, nil, nil, nil, errs.Invalidf("时间范围须为整日", "the period must be whole days")
	}
	byOrg, byArea, evOrg, evArea = map[string]Counts{}, map[string]Counts{}, map[string]Counts{}, map[string]Counts{}
	err = s.db.ReaderTx(ctx, func(tx *sql.Tx) error {
		if orgs {
			if err := s.readDays(ctx, tx, "u", "code", "", []any{from, to}, byOrg, evOrg); err != nil {
				return err
			}
		}
		key := fmt.Sprintf("substr(code, 1, %d)", keyLen)
		filter, args := "", []any{from, to}
		if areaPrefix != "" {
			filter = fmt.Sprintf(" AND substr(code, 1, %d) = $3", len(areaPrefix))
			args = append(args, areaPrefix)
		}
		return s.readDays(ctx, tx, "a", key, filter, args, byArea, evArea)
	})
	if err != nil {
		return nil, nil, nil, nil, err
	}
	return byOrg, byArea, evOrg, evArea, nil
}

// readDays adds the sums of one kind's days (kind u by unit, a by area),
// grouped by key, to tk (the ticket counts) and ev (the event counts).
func (s *Service) readDays(ctx context.Context, tx *sql.Tx, kind, key, filter string, args []any, tk, ev map[string]Counts) error {
	sums := make([]string, len(dayCols))
	for i, c := range dayCols {
		sums[i] = "SUM(" + c + ")"
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+key+`, `+strings.Join(sums, ", ")+` FROM evaluation_days
WHERE kind = '`+kind+`' AND day >= $1 AND day < $2`+filter+` GROUP BY 1`, args...)
	if err != nil {
		return errs.Wrap(err, "read evaluation days")
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var v vec
		dest := []any{&code}
		for i := range v {
			dest = append(dest, &v[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return errs.Wrap(err, "scan evaluation days")
		}
		if v[0] > 0 {
			var c Counts
			for i, f := range c.ticketFields() {
				*f = v[i]
			}
			tk[code] = c
		}
		if v[10] != 0 || v[11] != 0 || v[12] != 0 || v[13] != 0 {
			ev[code] = Counts{Returns: v[10], Extensions: v[11], Redos: v[12], Overdue: v[13]}
		}
	}
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "read evaluation days")
	}
	// Overdue days that repeat a pair's earlier day in the period.
	rr, err := tx.QueryContext(ctx, `SELECT `+key+`, SUM(n) FROM evaluation_overdue_repeats
WHERE kind = '`+kind+`' AND day >= $1 AND day < $2 AND prev_day >= $1`+filter+` GROUP BY 1`, args...)
	if err != nil {
		return errs.Wrap(err, "read overdue repeats")
	}
	defer rr.Close()
	for rr.Next() {
		var code string
		var n int64
		if err := rr.Scan(&code, &n); err != nil {
			return errs.Wrap(err, "scan overdue repeats")
		}
		if n != 0 {
			c := ev[code]
			c.Overdue -= n
			ev[code] = c
		}
	}
	return errs.Wrap(rr.Err(), "read overdue repeats")
}
