package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/config"
)

const indicatorsUsage = "usage: gongzhi indicators report --year YYYY [--xlsx FILE] [--html FILE] [--pdf FILE] [--lang zh|en] [--data ./data] [--db DSN]"

// indicatorsCmd writes the yearly self-assessment of the indicators for an
// operator: the workbook, the report as an HTML document of its own, and
// that document printed to PDF by chromium when it is installed (the same
// print page staff save as PDF from the browser; the server has no PDF
// writer). Figures are computed as the system.
func indicatorsCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "report" {
		return errors.New(indicatorsUsage)
	}
	cfg := config.Default()
	if v := getenv("GONGZHI_DATA"); v != "" {
		cfg.DataDir = v
	}
	cfg.DB = getenv("GONGZHI_DB")
	if v := getenv("GONGZHI_WORKING_HOURS"); v != "" {
		cfg.WorkingHours = v
	}
	fs := flag.NewFlagSet("indicators report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	year := fs.Int("year", 0, "the year")
	xlsx := fs.String("xlsx", "", "write the workbook here")
	html := fs.String("html", "", "write the report (HTML) here")
	pdf := fs.String("pdf", "", "print the report to PDF here (needs chromium; GONGZHI_CHROMIUM names it)")
	lang := fs.String("lang", "zh", "the report's language: zh or en")
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data folder (GONGZHI_DATA)")
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database DSN (GONGZHI_DB)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *year == 0 || fs.NArg() > 0 || (*xlsx == "" && *html == "" && *pdf == "") {
		return errors.New(indicatorsUsage)
	}
	if *lang != "zh" && *lang != "en" {
		return errors.New("--lang must be zh or en")
	}
	var browser string
	if *pdf != "" {
		var err error
		if browser, err = findChromium(getenv); err != nil {
			return err
		}
	}
	a, err := app.New(ctx, cfg, newLogger(stderr))
	if err != nil {
		return err
	}
	defer a.Close()
	if a.AdminPassword != "" { // an installation never started: as serve does
		fmt.Fprintf(stdout, "Created the admin account. Username: admin  Password: %s  (shown only this once)\n", a.AdminPassword)
	}
	if *xlsx != "" {
		var buf bytes.Buffer
		if err := a.IndicatorYearXLSX(ctx, &buf, *year); err != nil {
			return err
		}
		if err := os.WriteFile(*xlsx, buf.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "wrote", *xlsx)
	}
	if *html == "" && *pdf == "" {
		return nil
	}
	doc, err := a.IndicatorReportHTML(ctx, *year, *lang)
	if err != nil {
		return err
	}
	if *html != "" {
		if err := os.WriteFile(*html, doc, 0o644); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "wrote", *html)
	}
	if *pdf != "" {
		if err := printPDF(ctx, browser, doc, *pdf); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "wrote", *pdf)
	}
	return nil
}

// findChromium finds the browser that prints the PDF: GONGZHI_CHROMIUM, or
// chromium or Chrome on the PATH.
func findChromium(getenv func(string) string) (string, error) {
	if p := getenv("GONGZHI_CHROMIUM"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			return "", fmt.Errorf("GONGZHI_CHROMIUM=%s: %w", p, err)
		}
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("--pdf needs chromium or Chrome (apt install chromium, or set GONGZHI_CHROMIUM); " +
		"without it, write --html and print it to PDF from a browser")
}

// printPDF has the browser, headless, print the document to a PDF file.
func printPDF(ctx context.Context, browser string, doc []byte, out string) error {
	dir, err := os.MkdirTemp("", "gongzhi-report-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, doc, 0o600); err != nil {
		return err
	}
	abs, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	args := []string{"--headless", "--disable-gpu", "--no-first-run", "--no-pdf-header-footer", "--user-data-dir=" + filepath.Join(dir, "profile"),
		"--print-to-pdf=" + abs, "file://" + page}
	if os.Geteuid() == 0 {
		args = append([]string{"--no-sandbox"}, args...) // chromium refuses to run as root with its sandbox
	}
	cmd := exec.CommandContext(ctx, browser, args...)
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s could not print the PDF: %w\n%s", browser, err, errOut.Bytes())
	}
	if b, err := os.ReadFile(abs); err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		return fmt.Errorf("%s wrote no PDF to %s", browser, abs)
	}
	return nil
}
