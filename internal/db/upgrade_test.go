package db_test

import (
	"context"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

func TestClassifyRisk(t *testing.T) {
	cases := []struct {
		sql  string
		want db.Risk
	}{
		{"CREATE TABLE a (x TEXT);\nCREATE INDEX a_x ON a (x);", db.RiskLow},
		{"ALTER TABLE a ADD COLUMN y BIGINT NOT NULL DEFAULT 0;", db.RiskLow},
		{"ALTER TABLE a ADD COLUMN y BIGINT NOT NULL;", db.RiskMedium},
		{"INSERT INTO settings (key, value) VALUES ('a', 'b');", db.RiskLow},
		{"UPDATE tickets\n   SET x = 1;", db.RiskMedium},
		{"INSERT INTO b (x) SELECT x FROM a;", db.RiskMedium},
		{"CREATE TABLE b (x TEXT);\nDROP TABLE a;", db.RiskHigh},
		{"ALTER TABLE a RENAME COLUMN x TO y;", db.RiskHigh},
		{"ALTER TABLE a ALTER COLUMN x TYPE BIGINT;", db.RiskHigh},
		{"-- DROP TABLE in a comment\ndelete from a where x = 1;", db.RiskHigh},
	}
	for _, c := range cases {
		if got, reasons := db.ClassifyRisk(c.sql); got != c.want {
			t.Errorf("%q: %s (%v), want %s", c.sql, got, reasons, c.want)
		}
	}
}

func TestPendingAndMigrateTo(t *testing.T) {
	ctx := context.Background()
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			d, err := db.Open(ctx, dbtest.DSN(t, engine), t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			all, err := d.Pending(ctx)
			if err != nil || len(all) < 20 || all[0].Version != 1 {
				t.Fatalf("pending on a new database: %d, %v", len(all), err)
			}
			if v, _ := d.SchemaVersion(ctx); v != 0 {
				t.Fatalf("new database at %d", v)
			}
			const at = 100
			if err := d.MigrateTo(ctx, at); err != nil {
				t.Fatal(err)
			}
			if v, _ := d.SchemaVersion(ctx); v > at || v < at-10 {
				t.Fatalf("migrated to %d, want about %d", v, at)
			}
			left, err := d.Pending(ctx)
			if err != nil || len(left) == 0 || left[0].Version <= at {
				t.Fatalf("pending after MigrateTo: %+v %v", left, err)
			}
			for _, p := range left {
				if p.Risk != db.RiskLow && p.Risk != db.RiskMedium && p.Risk != db.RiskHigh || p.File == "" {
					t.Fatalf("pending row: %+v", p)
				}
			}
			if err := d.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			latest, _ := db.LatestVersion(engine)
			if v, _ := d.SchemaVersion(ctx); v != latest {
				t.Fatalf("after Migrate at %d, want %d", v, latest)
			}
			if left, _ := d.Pending(ctx); len(left) != 0 {
				t.Fatalf("still pending: %+v", left)
			}
		})
	}
}
