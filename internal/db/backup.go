package db

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// SQLitePath returns the file of the SQLite database that Open would use for
// dsn and dataDir, or "" when dsn names a PostgreSQL database.
func SQLitePath(dsn, dataDir string) string {
	if IsPostgresDSN(dsn) {
		return ""
	}
	path := strings.TrimPrefix(dsn, "sqlite://")
	if path == "" {
		if dataDir == "" {
			dataDir = "data"
		}
		path = filepath.Join(dataDir, "gongzhi.db")
	}
	return path
}

// IsPostgresDSN reports whether dsn names a PostgreSQL database.
func IsPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// PostgresBackupHelp explains how a PostgreSQL database is backed up and
// restored: with PostgreSQL's own tools, not gongzhi's.
func PostgresBackupHelp(dsn string) string {
	q := shellQuote(dsn)
	return "gongzhi backup and restore cover the embedded SQLite engine only.\n" +
		"A PostgreSQL database is backed up and restored with PostgreSQL's own tools:\n\n" +
		"  pg_dump --format=custom --file=gongzhi.dump " + q + "\n" +
		"  pg_restore --clean --if-exists --no-owner --dbname=" + q + " gongzhi.dump\n\n" +
		"(or continuous archiving with pg_basebackup and WAL archiving for point-in-time recovery).\n"
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// sqliteHeader starts every SQLite database file.
var sqliteHeader = []byte("SQLite format 3\x00")

// BackupSQLite writes a consistent copy of the SQLite database at src to dst
// while others may go on reading and writing it. VACUUM INTO reads the whole
// database in one read transaction, so the copy is the database as of one
// commit; in WAL mode that read blocks no writer. The copy is written next to
// dst under a temporary name, synced, and then linked into place, so dst is
// either absent or complete, and an existing dst is never overwritten.
func BackupSQLite(ctx context.Context, src, dst string) error {
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("backup: no database at %s: %w", src, err)
	}
	if _, err := os.Lstat(dst); err == nil {
		return fmt.Errorf("backup: %s already exists; choose a new file name (a backup never overwrites a file)", dst)
	}
	dir := filepath.Dir(dst)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(dst)+".partial-*")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	tmpName := tmp.Name()
	tmp.Close()
	// VACUUM INTO wants a file that does not exist or is empty; an empty one is
	// fine, and keeping it reserves the name.
	defer os.Remove(tmpName)

	// mode=rw: a backup must never create an empty database where there was none.
	conn, err := sql.Open("sqlite", "file:"+src+"?mode=rw&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)")
	if err != nil {
		return fmt.Errorf("backup: open %s: %w", src, err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	if _, err := conn.ExecContext(ctx, `VACUUM INTO $1`, tmpName); err != nil {
		return fmt.Errorf("backup: copy %s: %w", src, err)
	}
	if err := syncFile(tmpName); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	// A hard link fails when dst exists, so even a file made meanwhile is kept.
	if err := os.Link(tmpName, dst); err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("backup: %s already exists; choose a new file name (a backup never overwrites a file)", dst)
		}
		// File systems without hard links: check and rename.
		if _, serr := os.Lstat(dst); serr == nil {
			return fmt.Errorf("backup: %s already exists; choose a new file name (a backup never overwrites a file)", dst)
		}
		if rerr := os.Rename(tmpName, dst); rerr != nil {
			return fmt.Errorf("backup: %w", rerr)
		}
	}
	return syncDir(dir)
}

// CheckSQLiteBackup checks that path is a complete gongzhi SQLite database:
// an SQLite file without a pending write-ahead log, passing integrity_check,
// with gongzhi's schema_migrations recorded.
func CheckSQLiteBackup(ctx context.Context, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	head := make([]byte, len(sqliteHeader))
	_, err = io.ReadFull(f, head)
	f.Close()
	if err != nil || !bytes.Equal(head, sqliteHeader) {
		return fmt.Errorf("restore: %s is not an SQLite database", path)
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		return fmt.Errorf("restore: %s has a write-ahead log (%s-wal), so it looks like a live database, not a backup; make one with `gongzhi backup`", path, path)
	}
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		return fmt.Errorf("restore: open %s: %w", path, err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	rows, err := conn.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("restore: %s is not a readable SQLite database: %w", path, err)
	}
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return fmt.Errorf("restore: integrity check of %s: %w", path, err)
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return fmt.Errorf("restore: integrity check of %s: %w", path, err)
	}
	rows.Close()
	if len(problems) > 0 {
		if len(problems) > 5 {
			problems = append(problems[:5], "…")
		}
		return fmt.Errorf("restore: %s fails the integrity check: %s", path, strings.Join(problems, "; "))
	}
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil || n == 0 {
		return fmt.Errorf("restore: %s is an SQLite database but not gongzhi's (no schema_migrations)", path)
	}
	for _, table := range []string{"tickets", "ticket_events", "users", "areas"} {
		var c int
		if err := conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = $1`, table).Scan(&c); err != nil || c != 1 {
			return fmt.Errorf("restore: %s is not a gongzhi database (no %s table)", path, table)
		}
	}
	return nil
}

// ErrInUse is returned by RestoreSQLite when the database is open elsewhere.
var ErrInUse = errors.New("database in use")

// RestoreSQLite replaces the database at target with a copy of the backup at
// src. The backup is checked first. The database at target, when there is
// one, must not be open anywhere else (a running server holds it open, and
// then RestoreSQLite refuses with ErrInUse); it is kept beside it as
// target.before-restore-<timestamp>, which RestoreSQLite returns. The new
// file is copied under a temporary name in target's folder, synced, and
// renamed over target, so target is at every moment either the old database
// or the whole new one.
func RestoreSQLite(ctx context.Context, src, target string, now time.Time) (kept string, err error) {
	if err := CheckSQLiteBackup(ctx, src); err != nil {
		return "", err
	}
	if as, err := filepath.Abs(src); err == nil {
		if at, err := filepath.Abs(target); err == nil && as == at {
			return "", fmt.Errorf("restore: %s is the database itself", src)
		}
	}
	dir := filepath.Dir(target)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", fmt.Errorf("restore: create data folder: %w", err)
	}

	if _, err := os.Stat(target); err == nil {
		release, err := lockForRestore(ctx, target)
		if err != nil {
			return "", err
		}
		defer release()
		kept = target + ".before-restore-" + now.UTC().Format("20060102T150405Z")
		if err := os.Link(target, kept); err != nil {
			if err := copyFile(target, kept); err != nil {
				return "", fmt.Errorf("restore: keep the current database: %w", err)
			}
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("restore: %w", err)
	}

	tmp, err := os.CreateTemp(dir, "."+filepath.Base(target)+".restore-*")
	if err != nil {
		return kept, fmt.Errorf("restore: %w", err)
	}
	tmpName := tmp.Name()
	tmp.Close()
	defer os.Remove(tmpName)
	if err := copyFile(src, tmpName); err != nil {
		return kept, fmt.Errorf("restore: copy %s: %w", src, err)
	}
	// A -wal or -shm left from the old database would be applied to the new
	// one at the next open and corrupt it.
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if err := os.Remove(target + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return kept, fmt.Errorf("restore: remove stale %s%s: %w", target, suffix, err)
		}
	}
	if err := os.Rename(tmpName, target); err != nil {
		return kept, fmt.Errorf("restore: %w", err)
	}
	return kept, syncDir(dir)
}

// lockForRestore makes sure nobody else has the database at path open and
// keeps it so until release. Leaving WAL mode needs every other connection
// closed (a running server keeps its connections open), and it also folds
// the write-ahead log into the main file, so the database kept aside is
// complete by itself. An exclusive transaction then holds everyone off.
func lockForRestore(ctx context.Context, path string) (release func(), err error) {
	inUse := fmt.Errorf("restore: %s is in use (is a gongzhi server running on this data folder?); stop it first: %w", path, ErrInUse)
	pool, err := sql.Open("sqlite", "file:"+path+"?mode=rw&_pragma=busy_timeout(2000)")
	if err != nil {
		return nil, fmt.Errorf("restore: open %s: %w", path, err)
	}
	pool.SetMaxOpenConns(1)
	conn, err := pool.Conn(ctx)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("restore: open %s: %w", path, err)
	}
	fail := func(e error) (func(), error) {
		conn.Close()
		pool.Close()
		return nil, e
	}
	var mode string
	if err := conn.QueryRowContext(ctx, `PRAGMA journal_mode=DELETE`).Scan(&mode); err != nil {
		if isBusy(err) {
			return fail(inUse)
		}
		return fail(fmt.Errorf("restore: %s: %w", path, err))
	}
	if !strings.EqualFold(mode, "delete") {
		return fail(inUse)
	}
	if _, err := conn.ExecContext(ctx, `BEGIN EXCLUSIVE`); err != nil {
		if isBusy(err) {
			return fail(inUse)
		}
		return fail(fmt.Errorf("restore: lock %s: %w", path, err))
	}
	return func() {
		conn.ExecContext(context.Background(), `ROLLBACK`)
		conn.Close()
		pool.Close()
	}, nil
}

func isBusy(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked")
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir makes a rename or link in dir durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
