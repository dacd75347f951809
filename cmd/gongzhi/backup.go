package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
)

// backupFlags parses FILE and --data/--db (flags before or after FILE).
func backupFlags(name string, args []string, getenv func(string) string, stderr io.Writer, withDSN bool) (file, dataDir, dsn string, err error) {
	dataDir = "./data"
	if v := getenv("GONGZHI_DATA"); v != "" {
		dataDir = v
	}
	dsn = getenv("GONGZHI_DB")
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&dataDir, "data", dataDir, "data folder (GONGZHI_DATA)")
	if withDSN {
		fs.StringVar(&dsn, "db", dsn, "database DSN (GONGZHI_DB)")
	}
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return "", "", "", err
		}
		if fs.NArg() == 0 {
			break
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(rest) != 1 {
		if withDSN {
			return "", "", "", errors.New("usage: gongzhi backup FILE [--by NAME] [--data ./data] [--db DSN]")
		}
		return "", "", "", errors.New("usage: gongzhi restore FILE [--by NAME] [--data ./data]")
	}
	return rest[0], dataDir, dsn, nil
}

// backupCmd writes an online, consistent copy of the SQLite database to FILE;
// the server may keep running. PostgreSQL has its own tools, which it names.
func backupCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	by, args := takeBy(args, getenv)
	file, dataDir, dsn, err := backupFlags("backup", args, getenv, stderr, true)
	if err != nil {
		return err
	}
	if db.IsPostgresDSN(dsn) {
		fmt.Fprint(stderr, db.PostgresBackupHelp(dsn))
		return errors.New("backup: the database is PostgreSQL; use pg_dump as shown above")
	}
	src := db.SQLitePath(dsn, dataDir)
	start := time.Now()
	if err := db.BackupSQLite(ctx, src, file); err != nil {
		return err
	}
	size := int64(0)
	if fi, err := os.Stat(file); err == nil {
		size = fi.Size()
	}
	if err := auditOperator(ctx, dsn, dataDir, auth.AuditBackup, "backup:"+file, by, fmt.Sprintf("bytes=%d", size)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s (%d bytes) in %s\n", src, file, size, time.Since(start).Round(time.Millisecond))
	return nil
}

// auditOperator opens the database to write the entry of an operator's
// command.
func auditOperator(ctx context.Context, dsn, dataDir, action, object, by, detail string) error {
	d, err := db.Open(ctx, dsn, dataDir)
	if err != nil {
		return err
	}
	defer d.Close()
	return auditCLI(ctx, d, action, object, by, detail)
}

// restoreCmd replaces the data folder's SQLite database with the backup FILE,
// keeping the previous database beside it. The server must be stopped.
func restoreCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	by, args := takeBy(args, getenv)
	file, dataDir, dsn, err := backupFlags("restore", args, getenv, stderr, false)
	if err != nil {
		return err
	}
	if db.IsPostgresDSN(dsn) {
		fmt.Fprint(stderr, db.PostgresBackupHelp(dsn))
		return errors.New("restore: GONGZHI_DB names a PostgreSQL database; use pg_restore as shown above")
	}
	target := db.SQLitePath(dsn, dataDir)
	kept, err := db.RestoreSQLite(ctx, file, target, time.Now())
	if err != nil {
		return err
	}
	// The entry goes in the database restored, which is the one kept now.
	if err := auditOperator(ctx, dsn, dataDir, auth.AuditRestore, "backup:"+file, by, ""); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s from %s\n", target, file)
	if kept != "" {
		fmt.Fprintf(stdout, "the previous database is kept as %s\n", kept)
	}
	return nil
}
