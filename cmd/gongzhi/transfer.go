package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
	"github.com/gongzhi/gongzhi/internal/transfer"
)

// exportCmd is `gongzhi export DIR [--data ./data] [--db DSN]`.
func exportCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	by, args := takeBy(args, getenv)
	return withDB(ctx, "export", args, getenv, stderr, func(d *db.DB, rest []string) error {
		if len(rest) != 1 {
			return errors.New("usage: gongzhi export DIR [--by NAME] [--data ./data] [--db DSN]")
		}
		start := time.Now()
		m, err := transfer.Export(ctx, d, rest[0], transfer.ExportOptions{Version: Version, Progress: stdout})
		if err != nil {
			return err
		}
		var rows int64
		for _, t := range m.Tables {
			rows += t.Rows
		}
		if err := auditCLI(ctx, d, auth.AuditExportData, "export:"+rest[0], by, fmt.Sprintf("tables=%d rows=%d", len(m.Tables), rows)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "exported %d tables, %d rows (schema version %d, %s) to %s in %s; see %s\n", len(m.Tables), rows, m.SchemaVersion, m.Engine,
			rest[0], time.Since(start).Round(time.Millisecond), filepath.Join(rest[0], "manifest.json"))
		return nil
	})
}

const importTicketsUsage = "usage: gongzhi import tickets FILE --format open311|nyc311|la311|csv --mapping FILE [--rejects FILE] [--dry-run] [--data ./data] [--db DSN]"

// importTicketsCmd is `gongzhi import tickets FILE --format F --mapping M`;
// args are those after "tickets".
func importTicketsCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	o, err := parseImportFlags(args, stderr)
	if err != nil {
		return err
	}
	format, mappingFile, rejects, dryRun, dbArgs := o.format, o.mapping, o.rejects, o.dryRun, o.dbArgs
	if format == "" || mappingFile == "" {
		return errors.New(importTicketsUsage)
	}
	m, err := transfer.LoadMapping(mappingFile, format)
	if err != nil {
		return err
	}
	return withDB(ctx, "import tickets", dbArgs, getenv, stderr, func(d *db.DB, rest []string) error {
		if len(rest) != 1 {
			return errors.New(importTicketsUsage)
		}
		file := rest[0]
		if _, err := os.Stat(file); err != nil {
			return err
		}
		if rejects == "" {
			rejects = rejectsPath(file)
		}
		c := clock.System{}
		tickets := ticket.NewService(d, c, gov.NewService(d, c), newLogger(stderr))
		st, err := transfer.ImportTickets(ctx, d, tickets, transfer.ImportOptions{File: file, Format: format, Mapping: m, Rejects: rejects,
			DryRun: dryRun, Progress: stdout})
		if err != nil {
			return err
		}
		verb := "imported"
		if dryRun {
			verb = "would import (dry run, nothing written)"
		}
		fmt.Fprintf(stdout, "%s: %d rows read, %d %s, %d already imported, %d rejected, in %s (%.0f rows/s, %s)\n", file, st.Read, st.Imported, verb,
			st.AlreadyImported, st.Rejected, st.Duration.Round(time.Millisecond), st.RowsPerSecond(), d.Engine)
		printCounts(stdout, "  by status", st.Statuses)
		if st.Rejected > 0 {
			printCounts(stdout, "  rejected because", st.Reasons)
			fmt.Fprintf(stdout, "  every rejected row, with its row number and reason: %s\n", st.RejectsFile)
		}
		return nil
	})
}

// importFlags are import tickets' own flags; the rest go to withDB, which
// parses --data and --db.
type importFlags struct {
	format, mapping, rejects string
	dryRun                   bool
	dbArgs                   []string
}

// parseImportFlags takes import tickets' own flags out of args.
func parseImportFlags(args []string, stderr io.Writer) (importFlags, error) {
	var o importFlags
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") {
			o.dbArgs = append(o.dbArgs, a)
			continue
		}
		take := func(dst *string) error {
			if hasVal {
				*dst = val
				return nil
			}
			if i+1 >= len(args) {
				return fmt.Errorf("--%s needs a value\n%s", name, importTicketsUsage)
			}
			i++
			*dst = args[i]
			return nil
		}
		var err error
		switch name {
		case "format":
			err = take(&o.format)
		case "mapping":
			err = take(&o.mapping)
		case "rejects":
			err = take(&o.rejects)
		case "dry-run":
			o.dryRun = !hasVal || val == "true" || val == "1"
		case "h", "help":
			fmt.Fprintln(stderr, importTicketsUsage)
			return o, flag.ErrHelp
		default:
			o.dbArgs = append(o.dbArgs, a)
		}
		if err != nil {
			return o, err
		}
	}
	return o, nil
}

// rejectsPath is FILE.rejects.csv, or the same name in the working folder
// when FILE's folder is read-only (a shared data set: its mode, not only
// the permission of the process, which root would pass, decides).
func rejectsPath(file string) string {
	if fi, err := os.Stat(filepath.Dir(file)); err == nil && fi.Mode().Perm()&0o222 == 0 {
		return filepath.Base(file) + ".rejects.csv"
	}
	return file + ".rejects.csv"
}

func printCounts(w io.Writer, title string, m map[string]int) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] || m[keys[i]] == m[keys[j]] && keys[i] < keys[j] })
	fmt.Fprintf(w, "%s:", title)
	for _, k := range keys {
		fmt.Fprintf(w, " %s %d;", k, m[k])
	}
	fmt.Fprintln(w)
}
