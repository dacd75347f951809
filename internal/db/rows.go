package db

import (
	"context"
	"database/sql"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// ScanStrings reads a query's one text column to its end and closes rows.
func ScanStrings(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SweepIDs is a background step over the ids a query returns (a bounded
// one: its own LIMIT): it calls do on each and returns how many it did. An
// id that do answers with a conflict (done meanwhile by another process,
// or by a person) is skipped; another error stops the step.
func SweepIDs(ctx context.Context, q Queryer, query string, args []any, do func(id string) error) (int, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return 0, errs.Wrap(err, "sweep")
	}
	ids, err := ScanStrings(rows)
	if err != nil {
		return 0, errs.Wrap(err, "sweep")
	}
	n := 0
	for _, id := range ids {
		err := do(id)
		if errs.Is(err, errs.Conflict) {
			continue
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
