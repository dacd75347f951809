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

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/calendar"
)

// Config is what `gongzhi serve` needs.
type Config struct {
	Addr          string // listen address
	DataDir       string // data folder: SQLite file, uploads
	DB            string // postgres://… DSN, or empty for SQLite in DataDir
	Demo          bool   // load the demo district; show one-time codes
	AdminPassword string // password of the first admin account; random when empty
	BcryptCost    int    // password hash cost (tests lower it)
	WorkingHours  string // working spans of a working day, "08:30-12:00,13:30-17:30"
	NoWorker      bool   // do not run the background work in this process
	Jurisdiction  string // Open311 jurisdiction_id; checked on requests when set
	BaseURL       string // public address of this server, for links in Open311 answers

	// Account controls.
	IdleTimeout time.Duration // a staff web session unused this long ends; 0 never
	AdminTOTP   bool          // administrators must log in with a second factor (TOTP)
}

// DefaultIdleTimeout ends staff web sessions after half an hour unused.
const DefaultIdleTimeout = 30 * time.Minute

// Default returns the defaults.
func Default() Config {
	return Config{Addr: "127.0.0.1:8080", DataDir: "./data", WorkingHours: "08:30-12:00,13:30-17:30"}
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
	c.IdleTimeout = DefaultIdleTimeout
	if v := getenv("GONGZHI_IDLE_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return c, fmt.Errorf("GONGZHI_IDLE_TIMEOUT %q: want a duration such as 30m", v)
		}
		c.IdleTimeout = d
	}
	switch strings.ToLower(getenv("GONGZHI_ADMIN_TOTP")) {
	case "1", "true", "yes":
		c.AdminTOTP = true
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
	fs.DurationVar(&c.IdleTimeout, "idle-timeout", c.IdleTimeout, "end a staff web session unused this long; 0 never (GONGZHI_IDLE_TIMEOUT)")
	fs.BoolVar(&c.AdminTOTP, "admin-totp", c.AdminTOTP, "administrators must log in with an authenticator code (GONGZHI_ADMIN_TOTP)")
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
	if _, err := calendar.ParseSpans(c.WorkingHours); err != nil {
		return err
	}
	if c.IdleTimeout < 0 {
		return fmt.Errorf("idle-timeout %s: want 0 or more", c.IdleTimeout)
	}
	if c.AdminPassword != "" {
		if err := auth.CheckPassword("admin", c.AdminPassword); err != nil {
			return fmt.Errorf("GONGZHI_ADMIN_PASSWORD: %w", err)
		}
	}
	return nil
}
