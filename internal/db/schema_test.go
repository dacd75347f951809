package db_test

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

// TestSchemaParity migrates a fresh database on each engine and compares what
// the catalogues say: every table's columns (name, kind of type, NOT NULL,
// primary key, default) and every index (table, columns, unique, partial, and the name
// of those made by CREATE INDEX).
func TestSchemaParity(t *testing.T) {
	lite := schemaOf(t, dbtest.Open(t, db.SQLite))
	pg := schemaOf(t, dbtest.Open(t, db.Postgres)) // skips without PostgreSQL
	if len(lite) < 30 || !strings.Contains(strings.Join(lite, "\n"), "default=''") {
		t.Fatalf("only %d schema lines read from SQLite, or no defaults", len(lite))
	}
	lite, pg = withoutTextIndex(t, lite, "column ticket_text.terms "), withoutTextIndex(t, pg, "column tickets.search_terms ")
	for _, l := range missing(lite, pg) {
		t.Errorf("only on SQLite: %s", l)
	}
	for _, l := range missing(pg, lite) {
		t.Errorf("only on PostgreSQL: %s", l)
	}
}

// withoutTextIndex drops the lines of the text index of tickets, which each
// engine keeps its own way (migration 0061: an FTS5 table ticket_text and
// its shadow tables on SQLite, the column tickets.search_terms on
// PostgreSQL, whose GIN index is on an expression of it: migration 0110),
// after checking that the engine has its part (want).
func withoutTextIndex(t *testing.T, lines []string, want string) []string {
	t.Helper()
	var out []string
	found := false
	for _, l := range lines {
		found = found || strings.HasPrefix(l, want)
		if strings.Contains(l, " ticket_text") || strings.Contains(l, "search_terms") || strings.Contains(l, "tickets_search_scoped") {
			continue
		}
		out = append(out, l)
	}
	if !found {
		t.Errorf("no %q in the schema", want)
	}
	return out
}

// missing returns the lines of a not in b.
func missing(a, b []string) []string {
	in := map[string]bool{}
	for _, l := range b {
		in[l] = true
	}
	var out []string
	for _, l := range a {
		if !in[l] {
			out = append(out, l)
		}
	}
	return out
}

// typeClass names the kind of a column's declared type on either engine.
func typeClass(t string) string {
	t = strings.ToLower(t)
	switch {
	case strings.Contains(t, "int"):
		return "integer"
	case strings.Contains(t, "bool"):
		return "bool"
	case strings.Contains(t, "text"), strings.Contains(t, "char"):
		return "text"
	case strings.Contains(t, "real"), strings.Contains(t, "double"), strings.Contains(t, "numeric"):
		return "real"
	case strings.Contains(t, "blob"), strings.Contains(t, "bytea"):
		return "blob"
	}
	return "other:" + t
}

// schemaOf returns the schema as sorted lines, one per column and per index.
func schemaOf(t *testing.T, d *db.DB) []string {
	t.Helper()
	var out []string
	var err error
	if d.Engine == db.SQLite {
		out, err = sqliteSchema(d.R)
	} else {
		out, err = postgresSchema(d.R)
	}
	if err != nil {
		t.Fatalf("%s schema: %v", d.Engine, err)
	}
	sort.Strings(out)
	return out
}

func column(table, name, typ string, notNull, pk bool, dflt sql.NullString) string {
	return fmt.Sprintf("column %s.%s %s notnull=%v pk=%v default=%s", table, name, typeClass(typ), notNull || pk, pk, normDefault(dflt))
}

// normDefault spells a column's default alike on both engines: PostgreSQL
// adds casts ('x'::text) and SQLite keeps the text as written.
func normDefault(d sql.NullString) string {
	if !d.Valid {
		return "none"
	}
	s := strings.ToLower(strings.TrimSpace(d.String))
	if i := strings.Index(s, "::"); i > 0 {
		s = s[:i]
	}
	return strings.Trim(s, "()")
}

// index describes an index; name is empty for one a constraint made.
func index(table, name string, cols []string, unique, partial bool) string {
	return fmt.Sprintf("index %s %s(%s) unique=%v partial=%v", name, table, strings.Join(cols, ","), unique, partial)
}

func sqliteSchema(q *sql.DB) ([]string, error) {
	ctx := context.Background()
	tables, err := strings1(q.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, table := range tables {
		rows, err := q.QueryContext(ctx, `SELECT name, type, "notnull", pk, dflt_value FROM pragma_table_info($1)`, table)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var name, typ string
			var notNull, pk int
			var dflt sql.NullString
			if err := rows.Scan(&name, &typ, &notNull, &pk, &dflt); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, column(table, name, typ, notNull != 0, pk != 0, dflt))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		rows, err = q.QueryContext(ctx, `SELECT name, "unique", origin, partial FROM pragma_index_list($1)`, table)
		if err != nil {
			return nil, err
		}
		type idx struct {
			name, origin    string
			unique, partial bool
		}
		var idxs []idx
		for rows.Next() {
			var i idx
			if err := rows.Scan(&i.name, &i.unique, &i.origin, &i.partial); err != nil {
				rows.Close()
				return nil, err
			}
			idxs = append(idxs, i)
		}
		rows.Close()
		for _, i := range idxs {
			if i.origin == "pk" { // primary keys are compared as columns
				continue
			}
			cols, err := strings1(q.QueryContext(ctx, `SELECT COALESCE(name, '(expression)') FROM pragma_index_info($1) ORDER BY seqno`, i.name))
			if err != nil {
				return nil, err
			}
			name := i.name
			if i.origin != "c" {
				name = ""
			}
			out = append(out, index(table, name, cols, i.unique, i.partial))
		}
	}
	return out, nil
}

// postgresSchema leaves out the partitions of a partitioned table (tickets
// by month): their columns and indexes are the parent's.
func postgresSchema(q *sql.DB) ([]string, error) {
	ctx := context.Background()
	var out []string
	rows, err := q.QueryContext(ctx, `
SELECT c.table_name, c.column_name, c.data_type, c.is_nullable = 'NO', c.column_default,
       EXISTS (SELECT 1 FROM information_schema.table_constraints tc
                 JOIN information_schema.key_column_usage k
                   ON k.constraint_name = tc.constraint_name AND k.table_schema = tc.table_schema AND k.table_name = tc.table_name
                WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = c.table_schema
                  AND tc.table_name = c.table_name AND k.column_name = c.column_name)
  FROM information_schema.columns c
 WHERE c.table_schema = current_schema()
   AND NOT EXISTS (SELECT 1 FROM pg_class p WHERE p.relname = c.table_name
                     AND p.relnamespace = current_schema()::regnamespace AND p.relispartition)`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var table, name, typ string
		var notNull, pk bool
		var dflt sql.NullString
		if err := rows.Scan(&table, &name, &typ, &notNull, &dflt, &pk); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, column(table, name, typ, notNull, pk, dflt))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `
SELECT t.relname, i.relname, x.indisunique, x.indpred IS NOT NULL,
       EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid),
       ARRAY(SELECT COALESCE(a.attname, '(expression)')
               FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)
               LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum AND k.attnum > 0
              ORDER BY k.n)::text
  FROM pg_index x
  JOIN pg_class i ON i.oid = x.indexrelid
  JOIN pg_class t ON t.oid = x.indrelid
 WHERE t.relnamespace = current_schema()::regnamespace AND NOT x.indisprimary AND NOT t.relispartition`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var table, name, cols string
		var unique, partial, constraint bool
		if err := rows.Scan(&table, &name, &unique, &partial, &constraint, &cols); err != nil {
			return nil, err
		}
		if constraint {
			name = ""
		}
		out = append(out, index(table, name, strings.Split(strings.Trim(cols, "{}"), ","), unique, partial))
	}
	return out, rows.Err()
}

// strings1 reads a one-column result of text.
func strings1(rows *sql.Rows, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
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
