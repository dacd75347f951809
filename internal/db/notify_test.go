package db_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

// TestNotifyPhones: one notification to each distinct phone of the query,
// none to an empty one, the query's own arguments kept in their places.
func TestNotifyPhones(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
		if _, err := d.W.ExecContext(ctx, `CREATE TABLE roll (area_code TEXT NOT NULL, phone TEXT NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		for i, p := range []string{"13800000001", "13800000002", "13800000001", "", "13900000009"} {
			area := "110117001001"
			if i == 4 {
				area = "110117002001"
			}
			if _, err := d.W.ExecContext(ctx, `INSERT INTO roll (area_code, phone) VALUES ($1, $2)`, area, p); err != nil {
				t.Fatal(err)
			}
		}
		var n int64
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			var err error
			n, err = db.NotifyPhones(ctx, tx, now, "election", "投票已开始", `SELECT phone FROM roll WHERE area_code >= $1 AND area_code < $2`, "110117001", "110117002")
			return err
		})
		if err != nil || n != 2 {
			t.Fatalf("notified %d: %v", n, err)
		}
		rows, err := d.R.QueryContext(ctx, `SELECT id, phone, kind, text, at FROM notifications ORDER BY phone`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []string
		for rows.Next() {
			var id, phone, kind, text string
			var at int64
			if err := rows.Scan(&id, &phone, &kind, &text, &at); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(id, phone) {
				t.Errorf("the id %q holds the phone", id)
			}
			if kind != "election" || text != "投票已开始" || at != db.Millis(now) {
				t.Errorf("%s: %s %s %d", phone, kind, text, at)
			}
			got = append(got, phone)
		}
		if len(got) != 2 || got[0] != "13800000001" || got[1] != "13800000002" {
			t.Errorf("phones %v", got)
		}
	})
}
