package db_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

// Transactions numbering the same kind on the same day at once, as
// servers on one database do, each get a number of their own: none is
// refused for a number another took meanwhile.
func TestDayNumbersAtOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.W.ExecContext(ctx, `CREATE TABLE day_items (id TEXT PRIMARY KEY)`); err != nil {
			t.Fatal(err)
		}
		day := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
		var wg sync.WaitGroup
		errc := make(chan error, 8)
		for range 8 {
			wg.Go(func() {
				errc <- d.Tx(ctx, func(tx *sql.Tx) error {
					id, err := db.NextDayNumber(ctx, tx, "day_items", "id", "TA", day, [2]string{"提案", "proposals"})
					if err != nil {
						return err
					}
					time.Sleep(20 * time.Millisecond) // the others read meanwhile
					_, err = tx.ExecContext(ctx, `INSERT INTO day_items (id) VALUES ($1)`, id)
					return err
				})
			})
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			if err != nil {
				t.Fatal(err)
			}
		}
		var n int
		var high string
		if err := d.R.QueryRowContext(ctx, `SELECT COUNT(*), MAX(id) FROM day_items`).Scan(&n, &high); err != nil || n != 8 || high != "TA202612030008" {
			t.Fatalf("%d items, highest %q: %v", n, high, err)
		}
	})
}
