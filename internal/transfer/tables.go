package transfer

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/gongzhi/gongzhi/internal/db"
)

// Left out of every export: what lives only as long as a login or a request
// (sessions, one-time codes, stored answers to Idempotency-Keys, which may
// hold tokens, failed logins), the migrator's own record, the write probe,
// and the text index of tickets, which is rebuilt from the tickets after an
// import (SQLite's ticket_text and its shadow tables; PostgreSQL keeps it in
// the tickets' search_terms column, see skippedColumn), with the state of
// that rebuild. Also what lives only as long as a running server or a
// rate's period: the leases of jobs and node ids, the shared rate buckets.
var notExported = map[string]bool{
	"sessions": true, "otp_codes": true, "idempotency_keys": true, "login_failures": true,
	"schema_migrations": true, "write_probe": true, "search_backfill": true,
	"job_leases": true, "rate_buckets": true,
}

func skippedTable(name string) bool {
	return notExported[name] || name == "ticket_text" || strings.HasPrefix(name, "ticket_text_") || strings.HasPrefix(name, "sqlite_")
}

// skippedColumn is a column an export never writes whatever its options:
// the text index, which an import rebuilds.
func skippedColumn(table, col string) bool { return table == "tickets" && col == "search_terms" }

// secretRows is the condition on a table's rows that keeps the secrets out
// when secrets are not asked for: the installation's keys in settings.
func secretRows(table string) string {
	if table == "settings" {
		return `key NOT LIKE 'secret.%'`
	}
	return ""
}

// exportTables lists the tables of the database as it is now, every table
// but those never exported, parents before the tables whose foreign keys
// point at them (by name where nothing orders them), each ordered by its
// primary key so an export of the same data is the same bytes.
func exportTables(ctx context.Context, tx *sql.Tx, engine string) ([]Table, error) {
	names, err := listTables(ctx, tx, engine)
	if err != nil {
		return nil, err
	}
	parents := map[string][]string{}
	keys := map[string]string{}
	for _, n := range names {
		if parents[n], err = foreignParents(ctx, tx, engine, n); err != nil {
			return nil, err
		}
		if keys[n], err = primaryKey(ctx, tx, engine, n); err != nil {
			return nil, err
		}
	}
	var out []Table
	done := map[string]bool{}
	var visit func(n string, depth int)
	visit = func(n string, depth int) {
		if done[n] || depth > len(names) {
			return
		}
		for _, p := range parents[n] {
			if p != n {
				visit(p, depth+1)
			}
		}
		if !done[n] {
			done[n] = true
			out = append(out, Table{Name: n, OrderBy: keys[n]})
		}
	}
	for _, n := range names {
		visit(n, 0)
	}
	return out, nil
}

func listTables(ctx context.Context, tx *sql.Tx, engine string) ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if engine == db.Postgres {
		// Tables and partitioned tables, not their partitions: an export
		// holds tickets as one table whatever the months it is kept in.
		q = `SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace
			AND relkind IN ('r', 'p') AND NOT relispartition`
	}
	all, err := scanNames(ctx, tx, q)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, n := range all {
		if !skippedTable(n) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names, nil
}

// foreignParents are the tables a table's foreign keys point at (on
// PostgreSQL, not the partitions a key to a partitioned table points at
// too).
func foreignParents(ctx context.Context, tx *sql.Tx, engine, table string) ([]string, error) {
	q := `SELECT DISTINCT "table" FROM pragma_foreign_key_list($1)`
	if engine == db.Postgres {
		q = `SELECT DISTINCT c.confrelid::regclass::text FROM pg_constraint c
			WHERE c.contype = 'f' AND c.conparentid = 0
			AND c.conrelid = (quote_ident(current_schema()) || '.' || quote_ident($1))::regclass`
	}
	ps, err := scanNames(ctx, tx, q, table)
	for i, p := range ps {
		ps[i] = strings.Trim(p[strings.LastIndex(p, ".")+1:], `"`)
	}
	sort.Strings(ps)
	return ps, err
}

// primaryKey is a table's primary key columns joined by commas, or all of
// its columns where it has none.
func primaryKey(ctx context.Context, tx *sql.Tx, engine, table string) (string, error) {
	q := `SELECT name FROM pragma_table_info($1) WHERE pk > 0 ORDER BY pk`
	if engine == db.Postgres {
		q = `SELECT a.attname FROM pg_index i
			JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
			WHERE i.indisprimary AND i.indrelid = (quote_ident(current_schema()) || '.' || quote_ident($1))::regclass
			ORDER BY array_position(i.indkey::int2[], a.attnum)`
	}
	cols, err := scanNames(ctx, tx, q, table)
	if err != nil || len(cols) > 0 {
		return strings.Join(cols, ", "), err
	}
	q = `SELECT name FROM pragma_table_info($1) ORDER BY cid`
	if engine == db.Postgres {
		q = `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1
			AND column_name <> 'search_terms' ORDER BY ordinal_position`
	}
	cols, err = scanNames(ctx, tx, q, table)
	return strings.Join(cols, ", "), err
}

func scanNames(ctx context.Context, tx *sql.Tx, q string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return db.ScanStrings(rows)
}

// foreignKeys are a table's foreign keys, each of one column (a key of
// several columns is an error: an export by area follows only single ones).
func foreignKeys(ctx context.Context, tx *sql.Tx, engine, table string) ([]foreignKey, error) {
	q := `SELECT CAST(id AS TEXT), "table", "from", COALESCE("to", '') FROM pragma_foreign_key_list($1) ORDER BY id, seq`
	if engine == db.Postgres {
		q = `SELECT c.conname, c.confrelid::regclass::text, a.attname, af.attname FROM pg_constraint c
			CROSS JOIN LATERAL unnest(c.conkey, c.confkey) AS k(col, fcol)
			JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.col
			JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = k.fcol
			WHERE c.contype = 'f' AND c.conparentid = 0
			AND c.conrelid = (quote_ident(current_schema()) || '.' || quote_ident($1))::regclass
			ORDER BY c.conname`
	}
	rows, err := tx.QueryContext(ctx, q, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []foreignKey
	seen := map[string]bool{}
	for rows.Next() {
		var id string
		var fk foreignKey
		if err := rows.Scan(&id, &fk.Parent, &fk.Column, &fk.ParentColumn); err != nil {
			return nil, err
		}
		if seen[id] {
			return nil, fmt.Errorf("table %s has a foreign key of several columns to %s", table, fk.Parent)
		}
		seen[id] = true
		fk.Parent = strings.Trim(fk.Parent[strings.LastIndex(fk.Parent, ".")+1:], `"`)
		out = append(out, fk)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	for i, fk := range out {
		if fk.ParentColumn == "" { // SQLite: the parent's primary key
			if out[i].ParentColumn, err = primaryKey(ctx, tx, engine, fk.Parent); err != nil {
				return nil, err
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Column < out[j].Column })
	return out, nil
}
