package db

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// Risk is how much a migration may cost an upgrade: the time it holds the
// tables and whether its change is undone only by restoring a backup.
type Risk string

// The risk levels, from the SQL of a migration (ClassifyRisk).
const (
	RiskLow    Risk = "low"    // new tables, indexes, columns with a default
	RiskMedium Risk = "medium" // rewrites rows (UPDATE, INSERT … SELECT) or adds a constraint
	RiskHigh   Risk = "high"   // drops, renames or retypes what exists, or DELETEs rows
)

// riskRules are checked in order on each statement, upper-cased with its
// spaces squeezed; the highest level met is the migration's.
var riskRules = []struct {
	re     *regexp.Regexp
	risk   Risk
	reason string
}{
	{regexp.MustCompile(`^DROP `), RiskHigh, "DROP"},
	{regexp.MustCompile(`^ALTER TABLE .* DROP `), RiskHigh, "ALTER TABLE … DROP"},
	{regexp.MustCompile(`^ALTER TABLE .* RENAME `), RiskHigh, "RENAME"},
	{regexp.MustCompile(`^ALTER TABLE .* ALTER COLUMN .* TYPE `), RiskHigh, "ALTER COLUMN … TYPE"},
	{regexp.MustCompile(`^ALTER TABLE .* TYPE `), RiskHigh, "ALTER … TYPE"},
	{regexp.MustCompile(`^DELETE `), RiskHigh, "DELETE"},
	{regexp.MustCompile(`^TRUNCATE `), RiskHigh, "TRUNCATE"},
	{regexp.MustCompile(`^UPDATE `), RiskMedium, "UPDATE"},
	{regexp.MustCompile(`^INSERT .* SELECT `), RiskMedium, "INSERT … SELECT"},
	{regexp.MustCompile(`^ALTER TABLE .* ADD COLUMN .* NOT NULL`), RiskMedium, "ADD COLUMN NOT NULL"},
	{regexp.MustCompile(`^ALTER TABLE .* ADD CONSTRAINT `), RiskMedium, "ADD CONSTRAINT"},
	{regexp.MustCompile(`^ALTER TABLE .* ALTER COLUMN .* SET NOT NULL`), RiskMedium, "SET NOT NULL"},
}

var spaces = regexp.MustCompile(`\s+`)

// ClassifyRisk gives the risk of a migration's SQL and the statements' kinds
// that made it so. CREATE TABLE, CREATE INDEX, INSERT of fixed rows and
// ADD COLUMN with a default are low; rewriting rows is medium; dropping,
// renaming, retyping or deleting is high. A NOT NULL column with a DEFAULT
// is low: both engines fill it without a rewrite the risk would notice.
func ClassifyRisk(body string) (Risk, []string) {
	risk := RiskLow
	reasons := []string{}
	seen := map[string]bool{}
	for _, stmt := range splitStatements(body) {
		s := strings.ToUpper(spaces.ReplaceAllString(stmt, " "))
		for _, r := range riskRules {
			if !r.re.MatchString(s) {
				continue
			}
			if r.reason == "ADD COLUMN NOT NULL" && strings.Contains(s, " DEFAULT ") {
				continue
			}
			if !seen[r.reason] {
				seen[r.reason] = true
				reasons = append(reasons, r.reason)
			}
			if rank(r.risk) > rank(risk) {
				risk = r.risk
			}
			break
		}
	}
	return risk, reasons
}

func rank(r Risk) int {
	switch r {
	case RiskHigh:
		return 2
	case RiskMedium:
		return 1
	}
	return 0
}

// PendingMigration is a migration the database has not applied yet.
type PendingMigration struct {
	Version int64    `json:"version"`
	File    string   `json:"file"`
	Risk    Risk     `json:"risk"`
	Reasons []string `json:"reasons"`
}

// appliedVersions reads schema_migrations; a database never migrated has none.
func (d *DB) appliedVersions(ctx context.Context) (map[int64]bool, error) {
	out := map[int64]bool{}
	var n int
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`
	if d.Engine == Postgres {
		q = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'`
	}
	if err := d.R.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return nil, fmt.Errorf("schema_migrations: %w", err)
	}
	if n == 0 {
		return out, nil
	}
	rows, err := d.R.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("schema_migrations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out[v] = true
	}
	return out, rows.Err()
}

// Pending lists, in order, the migrations Migrate would apply, with their
// risk, without applying any or changing the database.
func (d *DB) Pending(ctx context.Context) ([]PendingMigration, error) {
	ms, err := migrationsFor(migrations, d.Engine)
	if err != nil {
		return nil, err
	}
	applied, err := d.appliedVersions(ctx)
	if err != nil {
		return nil, err
	}
	out := []PendingMigration{}
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		risk, reasons := ClassifyRisk(m.body)
		out = append(out, PendingMigration{Version: m.version, File: m.name, Risk: risk, Reasons: reasons})
	}
	return out, nil
}

// SchemaVersion is the highest migration applied, 0 for a new database.
func (d *DB) SchemaVersion(ctx context.Context) (int64, error) {
	applied, err := d.appliedVersions(ctx)
	if err != nil {
		return 0, err
	}
	var top int64
	for v := range applied {
		if v > top {
			top = v
		}
	}
	return top, nil
}

// LatestVersion is the number of the last migration this binary carries.
func LatestVersion(engine string) (int64, error) {
	ms, err := migrationsFor(migrations, engine)
	if err != nil || len(ms) == 0 {
		return 0, err
	}
	return ms[len(ms)-1].version, nil
}
