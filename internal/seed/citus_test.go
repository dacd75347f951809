package seed_test

import (
	"context"
	"database/sql"
	"log/slog"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/seed"
)

// TestCitusDistricts (opt-in: GONGZHI_TEST_CITUS holds the DSN of a Citus
// coordinator with citus.enable_schema_based_sharding on, two workers and
// wal_level = logical): two districts, each in a schema of its own, migrate
// and take tickets with gongzhi's schema unchanged; each district's tables
// are one co-located group on one worker, and a district moves to another
// worker (citus_schema_move) with its tickets whole.
func TestCitusDistricts(t *testing.T) {
	base := os.Getenv("GONGZHI_TEST_CITUS")
	if base == "" {
		t.Skip("GONGZHI_TEST_CITUS is not set: no Citus coordinator to test on")
	}
	ctx := context.Background()
	coord, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer coord.Close()
	var schemas []string
	for i := range 2 {
		dsn := dbtest.SchemaDSN(t, base)
		u, _ := url.Parse(dsn)
		schemas = append(schemas, u.Query().Get("search_path"))
		d, err := db.Open(ctx, dsn, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		if err := d.Migrate(ctx); err != nil {
			t.Fatalf("migrate a district's schema on Citus: %v", err)
		}
		now := time.Now().In(clock.BusinessZone())
		if _, err := seed.Run(ctx, d, seed.Options{Tickets: 300, Seed: uint64(i + 1), Months: 2, Now: now, BcryptCost: 4, Log: slog.New(slog.DiscardHandler)}); err != nil {
			t.Fatalf("tickets into a district on Citus: %v", err)
		}
	}
	for _, s := range schemas {
		var tables, distributed, groups, nodes int
		if err := coord.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_tables WHERE schemaname = $1`, s).Scan(&tables); err != nil {
			t.Fatal(err)
		}
		if err := coord.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT colocation_id) FROM citus_tables
WHERE citus_table_type = 'schema' AND table_name::text LIKE $1 || '.%'`, s).Scan(&distributed, &groups); err != nil {
			t.Fatal(err)
		}
		if err := coord.QueryRowContext(ctx, `SELECT COUNT(DISTINCT nodeport) FROM citus_shards WHERE table_name::text LIKE $1 || '.%'`, s).Scan(&nodes); err != nil {
			t.Fatal(err)
		}
		if tables == 0 || distributed != tables || groups != 1 || nodes != 1 {
			t.Fatalf("district %s: %d tables, %d distributed by schema in %d groups on %d nodes; want all, in one group on one node", s, tables, distributed, groups, nodes)
		}
	}
	s := schemas[0]
	count := func() (n int64) {
		t.Helper()
		if err := coord.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+s+`.tickets`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	var host string
	var port int
	err = coord.QueryRowContext(ctx, `SELECT nodename, nodeport FROM pg_dist_node WHERE groupid <> 0 AND noderole = 'primary'
  AND nodeport NOT IN (SELECT nodeport FROM citus_shards WHERE table_name::text LIKE $1 || '.%') LIMIT 1`, s).Scan(&host, &port)
	if err != nil {
		t.Fatalf("another worker to move district %s to: %v", s, err)
	}
	if _, err := coord.ExecContext(ctx, `SELECT citus_schema_move($1::regnamespace, $2::text, $3::integer)`, s, host, port); err != nil {
		t.Fatalf("move district %s to %s:%d: %v", s, host, port, err)
	}
	var at int
	if err := coord.QueryRowContext(ctx, `SELECT MIN(nodeport) FROM citus_shards WHERE table_name::text LIKE $1 || '.%'`, s).Scan(&at); err != nil || at != port {
		t.Fatalf("district %s after the move is on %d (%v), want %d", s, at, err, port)
	}
	if after := count(); after != before || before < 300 {
		t.Fatalf("district %s had %d tickets before the move and %d after", s, before, after)
	}
}
