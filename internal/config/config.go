// Package config reads gongzhi's settings from flags and GONGZHI_*
// environment variables. A flag wins over the environment.
package config

import (
	"flag"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/calendar"
)

// Config is what `gongzhi serve` needs.
type Config struct {
	Addr          string        // listen address
	DataDir       string        // data folder: SQLite file, uploads
	DB            string        // postgres://… DSN, or empty for SQLite in DataDir
	Demo          bool          // load the demo district; show one-time codes
	AdminPassword string        // password of the first admin account; random when empty
	BcryptCost    int           // password hash cost (tests lower it)
	WorkingHours  string        // working spans of a working day, "08:30-12:00,13:30-17:30"
	NoWorker      bool          // do not run the background work in this process
	Jurisdiction  string        // Open311 jurisdiction_id; checked on requests when set
	BaseURL       string        // public address of this server, for links in Open311 answers
	Durability    string        // SQLite: "full" (sync every commit) or "normal"
	DBTimeout     time.Duration // PostgreSQL: connect and statement timeout; 0 for none
}

// Default returns the defaults.
func Default() Config {
	return Config{Addr: "127.0.0.1:8080", DataDir: "./data", WorkingHours: "08:30-12:00,13:30-17:30",
		Durability: "full", DBTimeout: 10 * time.Second}
}

// Parse reads flags of the serve command and the environment.
func Parse(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	c := Default()
	if v := getenv("GONGZHI_ADDR"); v != "" {
		c.Addr = v
	}
	if v := getenv("GONGZHI_DATA"); v != "" {
		c.DataDir = v
	}
	c.DB = getenv("GONGZHI_DB")
	switch strings.ToLower(getenv("GONGZHI_DEMO")) {
	case "1", "true", "yes":
		c.Demo = true
	}
	c.AdminPassword = getenv("GONGZHI_ADMIN_PASSWORD")
	c.Jurisdiction = getenv("GONGZHI_JURISDICTION")
	c.BaseURL = getenv("GONGZHI_BASE_URL")
	if v := getenv("GONGZHI_WORKING_HOURS"); v != "" {
		c.WorkingHours = v
	}
	if v := getenv("GONGZHI_DURABILITY"); v != "" {
		c.Durability = v
	}
	if v := getenv("GONGZHI_DB_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return c, fmt.Errorf("GONGZHI_DB_TIMEOUT %q: want a duration such as 10s", v)
		}
		c.DBTimeout = d
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address (GONGZHI_ADDR)")
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data folder (GONGZHI_DATA)")
	fs.StringVar(&c.DB, "db", c.DB, "database: postgres://… or empty for SQLite in the data folder (GONGZHI_DB)")
	fs.BoolVar(&c.Demo, "demo", c.Demo, "load the demo district once and show one-time codes (GONGZHI_DEMO)")
	fs.StringVar(&c.WorkingHours, "working-hours", c.WorkingHours, "working hours of a working day (GONGZHI_WORKING_HOURS)")
	fs.BoolVar(&c.NoWorker, "no-worker", c.NoWorker, "do not run reminders and overdue marking in this process")
	fs.StringVar(&c.Jurisdiction, "jurisdiction", c.Jurisdiction, "Open311 jurisdiction_id (GONGZHI_JURISDICTION)")
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "public address of this server (GONGZHI_BASE_URL)")
	fs.StringVar(&c.Durability, "durability", c.Durability, "SQLite: full syncs every commit to disk, normal may lose the last commits at a power cut (GONGZHI_DURABILITY)")
	fs.DurationVar(&c.DBTimeout, "db-timeout", c.DBTimeout, "PostgreSQL: connect and statement timeout; 0 for none (GONGZHI_DB_TIMEOUT)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	return c, c.Validate()
}

// Validate checks the settings.
func (c Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("addr %q: want host:port: %w", c.Addr, err)
	}
	if c.DB != "" && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") && !strings.HasPrefix(c.DB, "sqlite://") {
		return fmt.Errorf("db %q: want postgres://…, postgresql://… or sqlite://PATH", c.DB)
	}
	if c.Durability != "full" && c.Durability != "normal" {
		return fmt.Errorf("durability %q: want full or normal", c.Durability)
	}
	if c.DBTimeout < 0 {
		return fmt.Errorf("db-timeout %s: want 0 or more", c.DBTimeout)
	}
	if _, err := calendar.ParseSpans(c.WorkingHours); err != nil {
		return err
	}
	if c.AdminPassword != "" && (len(c.AdminPassword) < 8 || len(c.AdminPassword) > 72) {
		return fmt.Errorf("GONGZHI_ADMIN_PASSWORD must be 8 to 72 characters")
	}
	return nil
}
