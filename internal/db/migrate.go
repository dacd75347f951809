package db

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The migrations are one folder of numbered files in the SQL both engines
// share, spelled as PostgreSQL spells it. For SQLite, sqliteRewrites turns the
// few words where the two differ into SQLite's. A migration that needs SQL of
// one engine that no rewrite expresses gets a file of the same number in
// migrations/sqlite or migrations/postgres, used on that engine instead of
// the shared one. A database records the number of each migration applied,
// not its text, so changing the spelling of an applied one changes nothing.
//
//go:embed migrations
var migrations embed.FS

// sqliteRewrites: SQLite has no "C" collation but compares text bytewise
// (its BINARY collation), which is what "C" gives PostgreSQL, so codes' prefix
// ranges follow the code tree on both; and SQLite's byte string is a BLOB.
var sqliteRewrites = strings.NewReplacer(` COLLATE "C"`, "", "BYTEA", "BLOB")

// migration is one numbered migration and its SQL for an engine.
type migration struct {
	version int64
	name    string
	body    string
}

// migrationsFor returns the migrations of the engine in order of their numbers.
func migrationsFor(fsys fs.FS, engine string) ([]migration, error) {
	if engine != SQLite && engine != Postgres {
		return nil, fmt.Errorf("migrations: unknown engine %q", engine)
	}
	shared, err := readMigrations(fsys, "migrations")
	if err != nil {
		return nil, err
	}
	own, err := readMigrations(fsys, "migrations/"+engine)
	if err != nil {
		return nil, err
	}
	for v, m := range shared {
		if engine == SQLite {
			m.body = sqliteRewrites.Replace(m.body)
		}
		if _, ok := own[v]; !ok {
			own[v] = m
		}
	}
	out := make([]migration, 0, len(own))
	for _, m := range own {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// readMigrations reads the .sql files of a folder by number; a missing folder has none.
func readMigrations(fsys fs.FS, dir string) (map[int64]migration, error) {
	out := map[int64]migration{}
	entries, err := fs.ReadDir(fsys, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".sql") {
			continue
		}
		version, err := strconv.ParseInt(strings.SplitN(name, "_", 2)[0], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("migration %s/%s: name must start with a number", dir, name)
		}
		if other, ok := out[version]; ok {
			return nil, fmt.Errorf("migrations %s and %s in %s have the same number", other.name, name, dir)
		}
		body, err := fs.ReadFile(fsys, dir+"/"+name)
		if err != nil {
			return nil, err
		}
		out[version] = migration{version: version, name: name, body: string(body)}
	}
	return out, nil
}

// Migrate applies, in order, each migration not yet applied.
// Each migration runs in its own transaction with its record in schema_migrations.
func (d *DB) Migrate(ctx context.Context) error { return d.MigrateTo(ctx, 0) }

// MigrateTo applies, in order, each migration numbered up to version not yet
// applied; 0 means all. It makes databases at an older schema, for
// rehearsing an upgrade and its rollback.
func (d *DB) MigrateTo(ctx context.Context, version int64) error {
	ms, err := migrationsFor(migrations, d.Engine)
	if err != nil {
		return err
	}
	w := d.W
	if d.migrator != nil {
		w = d.migrator()
		defer w.Close()
	}
	if _, err := w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	for _, m := range ms {
		if version > 0 && m.version > version {
			break
		}
		if err := d.applyMigration(ctx, w, m.version, m.body); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

func (d *DB) applyMigration(ctx context.Context, w *sql.DB, version int64, body string) error {
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if d.Engine == Postgres {
		// Several processes may start at once; one migrates, the others wait.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7071701)`); err != nil {
			return err
		}
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = $1`, version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if err := execScript(ctx, tx, body); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`, version, time.Now().UnixMilli()); err != nil {
		return err
	}
	return tx.Commit()
}

// execScript runs the statements of a migration one by one; statements are
// separated by a line holding only ";" or by ";" at the end of a line.
func execScript(ctx context.Context, tx *sql.Tx, body string) error {
	for _, stmt := range splitStatements(body) {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%w\n%s", err, stmt)
		}
	}
	return nil
}

func splitStatements(body string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(body, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "--") || trimmed == "" {
			continue
		}
		cur.WriteString(line)
		cur.WriteString("\n")
		if strings.HasSuffix(trimmed, ";") {
			if s := strings.TrimSpace(cur.String()); s != ";" {
				out = append(out, s)
			}
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}
