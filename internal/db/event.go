package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// Event is one line of an item's log in a table of the shape the newer
// capabilities share: the item's key, a sequence number within it, the
// time, the actor's id, the kind and a JSON detail, and where the table has
// one, whom the actor acted for.
type Event struct {
	Table, KeyColumn string // the log table and its column of the item's key (code, never input)
	Key              string
	At               time.Time
	Actor            string
	Kind             string
	Detail           any // marshalled to JSON; nil (or a nil map) is {}
	OnBehalf         any // the on_behalf column's value; nil when the table has none
}

// AppendEvent writes e in tx, numbered after the item's last line.
func AppendEvent(ctx context.Context, tx *sql.Tx, e Event) error {
	b, err := json.Marshal(e.Detail)
	if err != nil {
		return errs.Wrap(err, e.Table)
	}
	if string(b) == "null" {
		b = []byte("{}")
	}
	cols, vals := `at, actor, kind, detail`, `$2, $3, $4, $5`
	args := []any{e.Key, Millis(e.At), e.Actor, e.Kind, string(b)}
	if e.OnBehalf != nil {
		cols, vals = cols+`, on_behalf`, vals+`, $6`
		args = append(args, e.OnBehalf)
	}
	seq, err := NextSeq(ctx, tx, e.Table, e.KeyColumn, e.Key)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO `+e.Table+` (`+e.KeyColumn+`, seq, `+cols+`)
VALUES ($1, `+fmt.Sprintf("$%d", len(args)+1)+`, `+vals+`)`, append(args, seq)...)
	return errs.Wrap(err, e.Table)
}

// NextSeq is the next line number of a history: one more than the greatest
// seq of table's rows whose keyColumn is key, or 1. It is read in a
// statement of its own, not as a subquery inside the INSERT, which a
// distributed PostgreSQL (Citus) refuses.
func NextSeq(ctx context.Context, tx *sql.Tx, table, keyColumn string, key any) (int64, error) {
	var seq int64
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM `+table+` WHERE `+keyColumn+` = $1`, key).Scan(&seq)
	return seq, errs.Wrap(err, "next line of "+table)
}
