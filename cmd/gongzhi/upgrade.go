package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
)

// An upgrade is undone by restoring the backup taken before it and running
// the previous binary: migrations only go forward. upgrade-check opens the
// database without migrating it, lists the migrations the new binary would
// apply with their risk (db.ClassifyRisk), and takes that backup: of SQLite
// with gongzhi backup's online copy, of PostgreSQL with pg_dump when it is on
// the PATH (else it prints the pg_dump command and fails, so that no upgrade
// goes on without a backup). The backup is audited like gongzhi backup, so
// the status page shows it as the last backup.

type upgradeOpts struct {
	dataDir, dsn, backup string
	to                   int64
}

// upgradeFlags parses --data, --db and --backup, or --to for migrate.
func upgradeFlags(name string, args []string, getenv func(string) string, stderr io.Writer, withTo bool) (upgradeOpts, error) {
	o := upgradeOpts{dataDir: "./data", dsn: getenv("GONGZHI_DB")}
	if v := getenv("GONGZHI_DATA"); v != "" {
		o.dataDir = v
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.dataDir, "data", o.dataDir, "data folder (GONGZHI_DATA)")
	fs.StringVar(&o.dsn, "db", o.dsn, "database DSN (GONGZHI_DB)")
	if withTo {
		fs.Int64Var(&o.to, "to", 0, "apply the migrations up to this number only (rehearsals of an upgrade)")
	} else {
		fs.StringVar(&o.backup, "backup", "", "file of the backup taken first (default: beside the database, named by the time)")
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("%s: unexpected argument %q", name, fs.Arg(0))
	}
	if o.to < 0 {
		return o, errors.New("migrate: --to must be a migration number")
	}
	return o, nil
}

// migrateCmd applies the migrations, all or up to --to.
func migrateCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	o, err := upgradeFlags("migrate", args, getenv, stderr, true)
	if err != nil {
		return err
	}
	d, err := db.Open(ctx, o.dsn, o.dataDir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.MigrateTo(ctx, o.to); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	v, err := d.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "migrations applied; schema version %d\n", v)
	return nil
}

// upgradeCheckCmd lists the pending migrations and backs the database up.
func upgradeCheckCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	by, args := takeBy(args, getenv)
	o, err := upgradeFlags("upgrade-check", args, getenv, stderr, false)
	if err != nil {
		return err
	}
	src := db.SQLitePath(o.dsn, o.dataDir)
	if src != "" {
		if _, err := os.Stat(src); err != nil {
			return fmt.Errorf("upgrade-check: no database at %s; a new installation has nothing to upgrade", src)
		}
	}
	d, err := db.Open(ctx, o.dsn, o.dataDir)
	if err != nil {
		return err
	}
	defer d.Close()
	pending, err := d.Pending(ctx)
	if err != nil {
		return err
	}
	version, err := d.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	latest, _ := db.LatestVersion(d.Engine)
	fmt.Fprintf(stdout, "schema version %d; this binary brings it to %d\n", version, latest)
	writePending(stdout, pending)
	file := o.backup
	if file == "" {
		dir := o.dataDir
		if src != "" {
			dir = filepath.Dir(src)
		}
		ext := ".db"
		if src == "" {
			ext = ".dump"
		}
		file = filepath.Join(dir, "gongzhi-before-upgrade-"+time.Now().UTC().Format("20060102-150405")+ext)
	}
	if src == "" {
		err = pgDump(ctx, o.dsn, file, stdout, stderr)
	} else {
		err = db.BackupSQLite(ctx, src, file)
	}
	if err != nil {
		return err
	}
	if version > 0 {
		if err := auditCLI(ctx, d, auth.AuditBackup, "backup:"+file, by, fmt.Sprintf("before-upgrade schema=%d", version)); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "backup written to %s (schema version %d)\n", file, version)
	fmt.Fprintln(stdout, "to roll back after the upgrade: stop the server, restore this backup and start the previous binary")
	return nil
}

func writePending(w io.Writer, pending []db.PendingMigration) {
	if len(pending) == 0 {
		fmt.Fprintln(w, "no pending migrations")
		return
	}
	counts := map[db.Risk]int{}
	fmt.Fprintf(w, "%d pending migrations:\n", len(pending))
	for _, p := range pending {
		counts[p.Risk]++
		why := ""
		if len(p.Reasons) > 0 {
			why = " (" + strings.Join(p.Reasons, ", ") + ")"
		}
		fmt.Fprintf(w, "  %04d  %-6s  %s%s\n", p.Version, p.Risk, p.File, why)
	}
	fmt.Fprintf(w, "risk: %d high, %d medium, %d low\n", counts[db.RiskHigh], counts[db.RiskMedium], counts[db.RiskLow])
}

// pgDumpArgs gives pg_dump's arguments for dsn: a search_path in the DSN
// (which libpq does not accept there) becomes --schema.
func pgDumpArgs(dsn, file string) []string {
	args := []string{"--format=custom", "--file=" + file}
	if u, err := url.Parse(dsn); err == nil {
		q := u.Query()
		if sp := q.Get("search_path"); sp != "" {
			args = append(args, "--schema="+sp)
			q.Del("search_path")
			u.RawQuery = q.Encode()
			dsn = u.String()
		}
	}
	return append(args, dsn)
}

// pgDump runs pg_dump when it is on the PATH; else it prints the command.
func pgDump(ctx context.Context, dsn, file string, stdout, stderr io.Writer) error {
	if _, err := os.Lstat(file); err == nil {
		return fmt.Errorf("backup: %s already exists; choose a new file name (a backup never overwrites a file)", file)
	}
	path, err := exec.LookPath("pg_dump")
	if err != nil {
		fmt.Fprint(stderr, db.PostgresBackupHelp(dsn))
		return errors.New("upgrade-check: pg_dump is not on the PATH; take the backup with the command above before migrating")
	}
	cmd := exec.CommandContext(ctx, path, pgDumpArgs(dsn, file)...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		os.Remove(file)
		return fmt.Errorf("upgrade-check: pg_dump: %w", err)
	}
	return nil
}
