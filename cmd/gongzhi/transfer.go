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

// exportUsage is how export is called.
const exportUsage = "usage: gongzhi export DIR [--area CODE] [--with-secrets] [--by NAME] [--data ./data] [--db DSN]"

// exportCmd is `gongzhi export DIR [--area CODE] [--with-secrets] [--data
// ./data] [--db DSN]`; with --area, of one district or street, for a move.
func exportCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	args, secrets := takeSwitch(args, "with-secrets")
	area, args, ok := takeValue(args, "area")
	if !ok {
		return errors.New(exportUsage)
	}
	by, args := takeBy(args, getenv)
	return withDB(ctx, "export", args, getenv, stderr, func(d *db.DB, rest []string) error {
		if len(rest) != 1 {
			return errors.New(exportUsage)
		}
		start := time.Now()
		m, err := transfer.Export(ctx, d, rest[0], transfer.ExportOptions{Version: Version, Progress: stdout, Secrets: secrets, Area: area})
		if err != nil {
			return err
		}
		var rows int64
		for _, t := range m.Tables {
			rows += t.Rows
		}
		if err := auditCLI(ctx, d, auth.AuditExportData, "export:"+rest[0], by, fmt.Sprintf("tables=%d rows=%d secrets=%v area=%s", len(m.Tables), rows, secrets, area)); err != nil {
			return err
		}
		of := ""
		if area != "" {
			of = " of area " + area
		}
		fmt.Fprintf(stdout, "exported %d tables, %d rows%s (schema version %d, %s) to %s in %s; see %s\n", len(m.Tables), rows, of, m.SchemaVersion, m.Engine,
			rest[0], time.Since(start).Round(time.Millisecond), filepath.Join(rest[0], "manifest.json"))
		return nil
	})
}

// takeValue takes --name VALUE (or --name=VALUE, or with one dash) out of
// args; ok is false when the flag is given without a value.
func takeValue(args []string, name string) (value string, rest []string, ok bool) {
	ok = true
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--"+name || a == "-"+name:
			if i+1 >= len(args) {
				return "", rest, false
			}
			value = args[i+1]
			i++
		case strings.HasPrefix(a, "--"+name+"="):
			value = strings.TrimPrefix(a, "--"+name+"=")
		case strings.HasPrefix(a, "-"+name+"="):
			value = strings.TrimPrefix(a, "-"+name+"=")
		default:
			rest = append(rest, a)
		}
	}
	return value, rest, ok
}

// takeSwitch takes --name (or -name) out of args and tells whether it was there.
func takeSwitch(args []string, name string) ([]string, bool) {
	var out []string
	found := false
	for _, a := range args {
		if a == "--"+name || a == "-"+name {
			found = true
			continue
		}
		out = append(out, a)
	}
	return out, found
}

// importExportCmd is `gongzhi import export DIR [--data ./data] [--db DSN]`:
// everything an export wrote, into a new installation, and the ticket text
// index rebuilt.
func importExportCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	by, args := takeBy(args, getenv)
	return withDB(ctx, "import export", args, getenv, stderr, func(d *db.DB, rest []string) error {
		if len(rest) != 1 {
			return errors.New("usage: gongzhi import export DIR [--by NAME] [--data ./data] [--db DSN]")
		}
		st, err := transfer.Load(ctx, d, rest[0], transfer.LoadOptions{Progress: stdout})
		if err != nil {
			return err
		}
		if err := auditCLI(ctx, d, auth.AuditRestore, "import-export:"+rest[0], by, fmt.Sprintf("tables=%d rows=%d", st.Tables, st.Rows)); err != nil {
			return err
		}
		if _, err := indexAllText(ctx, d, stderr); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "imported %d tables, %d rows from %s in %s (%s); the ticket text index is rebuilt\n", st.Tables, st.Rows, rest[0],
			st.Duration.Round(time.Millisecond), d.Engine)
		for table, n := range st.Voided {
			fmt.Fprintf(stdout, "  %s: %d rows came without their secret (the export was made without --with-secrets); issue them anew\n", table, n)
		}
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

// importCmd is `gongzhi import WHAT ...`: args[0] is "import".
func importCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) >= 2 && args[1] == "tickets" {
		return importTicketsCmd(ctx, args[2:], getenv, stdout, stderr)
	}
	if len(args) >= 2 && args[1] == "export" {
		return importExportCmd(ctx, args[2:], getenv, stdout, stderr)
	}
	if len(args) >= 2 && args[1] == "boundaries" {
		return withDB(ctx, "import boundaries", args[2:], getenv, stderr, func(d *db.DB, rest []string) error {
			return importBoundaries(ctx, d, rest, stdout, stderr)
		})
	}
	if len(args) >= 2 && args[1] == "holidays" {
		return withDB(ctx, "import holidays", args[2:], getenv, stderr, func(d *db.DB, rest []string) error {
			return importHolidays(ctx, d, rest, stdout)
		})
	}
	if len(args) < 2 || args[1] != "divisions" {
		return errors.New("usage: gongzhi import divisions DIR | gongzhi import boundaries FILE | gongzhi import holidays FILE | gongzhi import tickets FILE --format F --mapping FILE | gongzhi import export DIR")
	}
	return withDB(ctx, "import divisions", args[2:], getenv, stderr, func(d *db.DB, rest []string) error {
		if len(rest) != 1 {
			return errors.New("usage: gongzhi import divisions DIR")
		}
		stats, err := gov.ImportDivisions(ctx, d, rest[0], stdout)
		if err != nil {
			return err
		}
		for _, p := range stats.Problems {
			fmt.Fprintln(stderr, "rejected:", p)
		}
		fmt.Fprintf(stdout, "imported %d areas (%d provinces, %d cities, %d districts, %d streets, %d communities), %d rejected, in %s\n",
			stats.Total(), stats.Provinces, stats.Cities, stats.Districts, stats.Streets, stats.Communities, stats.Rejected, stats.Duration.Round(time.Millisecond))
		return nil
	})
}
