package db

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// NextDayNumber is the next number of the day in a table whose key column
// holds numbers made of a two-letter prefix, the business date and a
// four-digit sequence of the day (TA202612030001); what names the items in
// the refusal when a day's 9,999 are taken. The caller's transaction makes
// it. It first takes the day's row of the prefix in counters, held to the
// transaction's end, so that transactions numbering the same kind on the
// same day, in any server on the database, take their turns instead of
// reading the same highest number (a unique key would refuse the second).
func NextDayNumber(ctx context.Context, tx *sql.Tx, table, col, prefix string, day time.Time, what [2]string) (string, error) {
	prefix += day.Format("20060102")
	if _, err := tx.ExecContext(ctx, `INSERT INTO counters (name, value) VALUES ($1, 1)
ON CONFLICT (name) DO UPDATE SET value = counters.value + 1`, "day:"+prefix); err != nil {
		return "", errs.Wrap(err, table+" number")
	}
	var high sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT MAX(`+col+`) FROM `+table+` WHERE `+col+` >= $1 AND `+col+` < $2`, prefix, prefix+"~").Scan(&high)
	if err != nil {
		return "", errs.Wrap(err, table+" number")
	}
	seq := 0
	if high.Valid {
		fmt.Sscanf(strings.TrimPrefix(high.String, prefix), "%d", &seq)
	}
	if seq >= 9999 {
		return "", errs.New(errs.Conflict, "今日"+what[0]+"已达上限", "too many "+what[1]+" today")
	}
	return fmt.Sprintf("%s%04d", prefix, seq+1), nil
}

// ValidDayNumber reports whether n is shaped as a day number of the prefix.
func ValidDayNumber(n, prefix string) bool {
	return len(n) == 14 && strings.HasPrefix(n, prefix) && strings.Trim(n[2:], "0123456789") == ""
}
