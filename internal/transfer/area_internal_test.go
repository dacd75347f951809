package transfer

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

// TestAreaReviewContradicted: an entry of byArea that the catalogue
// contradicts, or a link that leads to a table that does not move, is
// refused like a table in no class.
func TestAreaReviewContradicted(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	ctx := context.Background()
	for table, entry := range map[string]reviewedClass{
		"tickets":          whole("wrongly listed"),
		"mediation_events": link("case_number", "audit_log", "id", "a link to a table that stays"),
		"kb_articles":      {Class: "kept", Reason: "no such class"},
	} {
		saved, had := byArea[table]
		byArea[table] = entry
		err := d.ReadTx(ctx, func(tx *sql.Tx) error {
			tables, err := exportTables(ctx, tx, d.Engine)
			if err != nil {
				return err
			}
			_, err = classify(ctx, tx, d.Engine, tables)
			return err
		})
		if had {
			byArea[table] = saved
		} else {
			delete(byArea, table)
		}
		if err == nil || !strings.Contains(err.Error(), table+" (") {
			t.Fatalf("%s listed as %+v: %v", table, entry, err)
		}
	}
}
