// Command gongzhi runs the gongzhi governance platform and its tools.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // business time is Asia/Shanghai even where the system has no zone files

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/calendar"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/config"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/status"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		var de *errs.Error
		switch {
		case errors.Is(err, flag.ErrHelp):
		case errors.As(err, &de) && de.Code != errs.Internal:
			fmt.Fprintf(os.Stderr, "gongzhi: %s / %s\n", de.Msg, de.MsgEn)
		default:
			fmt.Fprintln(os.Stderr, "gongzhi:", err)
		}
		os.Exit(1)
	}
}

const usage = `gongzhi (共治) — grassroots governance platform

Usage:
  gongzhi serve [--addr 127.0.0.1:8080] [--data ./data] [--db DSN] [--demo]
  gongzhi migrate [--data ./data] [--db DSN]
  gongzhi import divisions DIR [--data ./data] [--db DSN]
  gongzhi import boundaries FILE [--data ./data] [--db DSN]   (GeoJSON areas, code in properties.adcode or code; replaces)
  gongzhi import holidays FILE [--data ./data] [--db DSN]   (a State Council schedule, holiday-cn JSON)
  gongzhi import tickets FILE --format open311|nyc311|la311|csv --mapping FILE [--rejects FILE] [--dry-run] [--data ./data] [--db DSN]
  gongzhi export DIR [--area CODE] [--with-secrets] [--by NAME] [--data ./data] [--db DSN]   (JSON Lines and CSV of every table, with manifest.json; --area: one district or street, for a move)
  gongzhi import export DIR [--by NAME] [--data ./data] [--db DSN]   (an export into a new, empty installation)
  gongzhi evaluation rebuild [--data ./data] [--db DSN]   (after imports, seeding or changes made by hand)
  gongzhi user create --username NAME --role ROLE [--name N] [--org CODE] [--area CODE]   (password on standard input)
  gongzhi seed --tickets N [--data ./data] [--db DSN]
  gongzhi bench [--url http://127.0.0.1:8080] [--mix submit|read|inbox|ticket|mixed] [--concurrency N | --rate R] [--duration 30s] [--idempotency-keys] [--json FILE]
  gongzhi bench-search [--data ./data] [--db DSN] [--queries 100] [--json FILE]   (searches of ticket lists, in process)
  gongzhi text-index [--data ./data] [--db DSN]   (writes the ticket text index anew to its end now, rather than a step a second in the background)
  gongzhi insight COMMAND ...   (routing, duplicates, warnings, themes, reply quality: gongzhi insight for the list)
  gongzhi backup FILE [--by NAME] [--data ./data] [--db DSN]   (export, backup and restore are audited as the system, by NAME or $USER)
  gongzhi restore FILE [--by NAME] [--data ./data]
  gongzhi upgrade-check [--backup FILE] [--by NAME] [--data ./data] [--db DSN]   (pending migrations and their risk, without migrating; backs up first)
  gongzhi indicators report --year YYYY [--xlsx FILE] [--html FILE] [--pdf FILE] [--lang zh|en] [--data ./data] [--db DSN]   (the yearly self-assessment; --pdf needs chromium)
  gongzhi rules export FILE [AREA [VERSION]] | rules import FILE [--data ./data] [--db DSN]   (rules shared across levels, as files)
  gongzhi partitions enable | list | archive YYYY-MM | restore YYYY-MM [--db DSN]   (tickets by month on PostgreSQL, for many millions; an archived month leaves the live tables)
  gongzhi version

Environment: GONGZHI_ADDR, GONGZHI_DATA, GONGZHI_DB, GONGZHI_DEMO, GONGZHI_ADMIN_PASSWORD, GONGZHI_WORKING_HOURS,
GONGZHI_BOUNDARY_TOLERANCE, GONGZHI_PUBLIC_URL, GONGZHI_TRUSTED_PROXIES, GONGZHI_TLS_CERT, GONGZHI_TLS_KEY, GONGZHI_METRICS_ALLOW,
GONGZHI_METRICS_TOKEN (see gongzhi serve --help).
`

// Version is set at build time with -ldflags "-X main.Version=…".
var Version = "dev"

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], getenv, stdout, stderr)
	case "migrate":
		return migrateCmd(ctx, args[1:], getenv, stdout, stderr)
	case "export":
		return exportCmd(ctx, args[1:], getenv, stdout, stderr)
	case "evaluation":
		if len(args) < 2 || args[1] != "rebuild" {
			return errors.New("usage: gongzhi evaluation rebuild")
		}
		return withDB(ctx, "evaluation rebuild", args[2:], getenv, stderr, func(d *db.DB, _ []string) error {
			c := clock.System{}
			return evaluation.NewService(d, c, gov.NewService(d, c), newLogger(stderr)).Rebuild(ctx, stdout)
		})
	case "import":
		return importCmd(ctx, args, getenv, stdout, stderr)
	case "user":
		return userCmd(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "seed":
		return seedCmd(ctx, args[1:], getenv, stdout, stderr)
	case "bench":
		return benchCmd(ctx, args[1:], getenv, stdout, stderr)
	case "insight":
		return insightMain(ctx, args[1:], getenv, stdout, stderr)
	case "bench-search":
		return searchBenchCmd(ctx, args[1:], getenv, stdout, stderr)
	case "text-index":
		return textIndexCmd(ctx, args[1:], getenv, stdout, stderr)
	case "backup":
		return backupCmd(ctx, args[1:], getenv, stdout, stderr)
	case "restore":
		return restoreCmd(ctx, args[1:], getenv, stdout, stderr)
	case "upgrade-check":
		return upgradeCheckCmd(ctx, args[1:], getenv, stdout, stderr)
	case "indicators":
		return indicatorsCmd(ctx, args[1:], getenv, stdout, stderr)
	case "rules":
		return rulesCmd(ctx, args[1:], getenv, stdout, stderr)
	case "partitions":
		return partitionsCmd(ctx, args[1:], getenv, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "gongzhi", Version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := config.Parse(args, getenv, stderr)
	if err != nil {
		return err
	}
	log := newLogger(stderr)
	start := time.Now()
	status.Version = Version
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if a.AdminPassword != "" {
		fmt.Fprintf(stdout, "Created the admin account. Username: admin  Password: %s  (shown only this once)\n", a.AdminPassword)
	}
	scheme := "http://"
	if cfg.TLSCert != "" {
		scheme = "https://"
	}
	return a.Serve(ctx, func(addr string) {
		log.Info("gongzhi serving", "addr", scheme+addr, "engine", a.DB.Engine, "demo", cfg.Demo, "startup", time.Since(start).Round(time.Millisecond))
	})
}

// withDB parses --data and --db, opens and migrates the database, and runs fn
// with the arguments left over.
func withDB(ctx context.Context, name string, args []string, getenv func(string) string, stderr io.Writer, fn func(d *db.DB, rest []string) error) error {
	cfg := config.Default()
	if v := getenv("GONGZHI_DATA"); v != "" {
		cfg.DataDir = v
	}
	cfg.DB = getenv("GONGZHI_DB")
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data folder (GONGZHI_DATA)")
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database DSN (GONGZHI_DB)")
	// Flags may come before or after the positional arguments.
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
	d, err := db.Open(ctx, cfg.DB, cfg.DataDir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return fn(d, rest)
}

func userCmd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: gongzhi user create --username NAME --role ROLE [--name N] [--org CODE] [--area CODE]")
	}
	var nu auth.NewUser
	var role string
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&nu.Username, "username", "", "username")
	fs.StringVar(&role, "role", "", "role: admin, supervisor, dispatcher, handler, agent, grid_worker, auditor")
	fs.StringVar(&nu.Name, "name", "", "full name")
	fs.StringVar(&nu.OrgCode, "org", "", "organisation code")
	fs.StringVar(&nu.AreaCode, "area", "", "area code of the scope")
	data := fs.String("data", "", "data folder")
	dsn := fs.String("db", "", "database DSN")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	nu.Role = auth.Role(role)
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && line == "" {
		return errors.New("give the password on standard input")
	}
	nu.Password = strings.TrimRight(line, "\r\n")
	var dbArgs []string
	if *data != "" {
		dbArgs = append(dbArgs, "--data", *data)
	}
	if *dsn != "" {
		dbArgs = append(dbArgs, "--db", *dsn)
	}
	return withDB(ctx, "user create", dbArgs, getenv, stderr, func(d *db.DB, _ []string) error {
		c := clock.System{}
		a := auth.NewService(d, c, gov.NewService(d, c), newLogger(stderr), auth.Options{})
		u, err := a.CreateUser(ctx, auth.System(), nu)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created %s (%s)\n", u.Username, u.Role)
		return nil
	})
}

// importBoundaries stores the area boundaries of a GeoJSON file; running
// servers use them from the next request on.
func importBoundaries(ctx context.Context, d *db.DB, args []string, stdout, stderr io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: gongzhi import boundaries FILE [--data ./data] [--db DSN]")
	}
	f, err := os.Open(args[0])
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := gov.NewService(d, clock.System{}).ImportBoundaries(ctx, f, filepath.Base(args[0]))
	for _, p := range st.Problems {
		fmt.Fprintln(stderr, "rejected:", p)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported boundaries from %s: %d features, %d added, %d replaced, %d unchanged, %d rejected\n",
		args[0], st.Features, st.Added, st.Replaced, st.Unchanged, st.Rejected)
	return nil
}

// importHolidays stores a year's holiday schedule; running servers pick it up
// when they start.
func importHolidays(ctx context.Context, d *db.DB, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: gongzhi import holidays FILE")
	}
	f, err := os.Open(args[0])
	if err != nil {
		return err
	}
	defer f.Close()
	y, err := calendar.ParseYear(f)
	if err != nil {
		return err
	}
	if err := calendar.SaveYear(ctx, d, y); err != nil {
		return err
	}
	off, work := 0, 0
	for _, day := range y.Days {
		if day.Off {
			off++
		} else {
			work++
		}
	}
	fmt.Fprintf(stdout, "imported the %d schedule: %d holidays, %d make-up working days; restart running servers to use it\n", y.Year, off, work)
	return nil
}
