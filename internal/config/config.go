// Package config reads gongzhi's settings from flags and GONGZHI_*
// environment variables. A flag wins over the environment.
package config

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/calendar"
	"github.com/gongzhi/gongzhi/internal/limit"
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
	// BaseURL is the public address of this server (--public-url), for
	// links in Open311 answers; when it is https, cookies are Secure and
	// answers carry HSTS. --base-url and GONGZHI_BASE_URL are its older names.
	BaseURL string
	// TrustedProxies are the networks of reverse proxies whose
	// X-Forwarded-For or X-Real-IP names the client ("10.0.0.0/8,::1").
	TrustedProxies string
	// TLSCert and TLSKey are PEM files: when set the listener speaks TLS.
	TLSCert, TLSKey string
	// MetricsAllow are the networks that may read /metrics without a
	// token; MetricsToken (environment only, never a flag that ps shows)
	// lets any other caller in with "Authorization: Bearer <token>".
	MetricsAllow string
	MetricsToken string
	// BoundaryTolerance is how far, in metres, a location staff give may lie
	// outside their area's boundary (GCJ-02 maps against WGS-84 phones);
	// 0 keeps the default of 1000.
	BoundaryTolerance float64
	// PublicPrecisionM is how coarse, in metres, locations are in public
	// outputs (Open311); 0 shows them exactly.
	PublicPrecisionM int
	// TileURL is a district's own map tile server, "https://host/{z}/{x}/{y}.png",
	// drawn beneath the residents' map; empty draws the map from the
	// district's own area boundaries alone, asking no outside service.
	TileURL string
	// Open311SandboxURL is a test endpoint listed in Open311 discovery.
	Open311SandboxURL string
	// EvaluationAggregates is whether the evaluation reads its per-day
	// aggregates: "auto" (once built), "on" or "off"; empty means auto.
	EvaluationAggregates string
	// EvaluationMinSample is the fewest rated tickets in a period with which
	// a unit is ranked, classed (整改 included) or put on the red or black
	// list; below it the unit is shown as "sample too small" (样本不足).
	// 0 keeps the default of 10.
	EvaluationMinSample int
	// InsightTrainAt is when the router is trained each day, "HH:MM" in
	// business time, or "off".
	InsightTrainAt string
	// ProposalRules changes the proposals' thresholds and periods
	// (proposal.ParseRules); empty keeps the defaults.
	ProposalRules string
	// ElectionRules changes the elections' participation and the share a
	// candidate needs, per kind (election.ParseRules); empty keeps the
	// defaults.
	ElectionRules string
	// VisitIntervals changes the days between grid workers' visits to
	// residents with registered needs, per category (needs.SetIntervals);
	// empty keeps the defaults.
	VisitIntervals string
	// ServiceConfirmDays is the working days a service provider has to
	// confirm or decline a resident's request; 0 keeps the default of 1.
	ServiceConfirmDays int
	// PointsRules changes the volunteers' points (volunteer.ParseRules) and
	// switches redemption at partner shops on (shops=on); empty keeps the
	// defaults, shops off.
	PointsRules string
	// InsightAutoDispatch is the confidence (of both the category and the
	// unit) at which the router dispatches a new ticket by itself; 0, the
	// default, never.
	InsightAutoDispatch float64
	// Durability is SQLite's: "full" syncs every commit, "normal" may lose
	// the last ones at a power cut.
	Durability string
	// DBTimeout bounds, on PostgreSQL, connecting and each statement; 0 for none.
	DBTimeout time.Duration

	// OpenDataMinCell is how many tickets a cell of the open data's ticket
	// statistics needs to be shown; 0 keeps the default of 5.
	OpenDataMinCell int

	// Account controls.
	IdleTimeout time.Duration // a staff web session unused this long ends; 0 never
	AdminTOTP   bool          // administrators must log in with a second factor (TOTP)
	// CitylinkAllowPrivate lets linked 12345 platforms (internal/citylink)
	// live on loopback and private addresses, as on a government network.
	CitylinkAllowPrivate bool

	// DBRead lists PostgreSQL read replicas (postgres:// URLs, comma
	// separated) for lists, dashboards, Open311 reads and exports;
	// DBReadMaxLag is how far behind the primary one may be and still be read.
	DBRead       string
	DBReadMaxLag time.Duration
	// NodeID is this server's digit (0 to 9) in the ticket numbers it
	// gives, when several servers share one PostgreSQL database; empty
	// takes a free one from the database at start (PostgreSQL) or keeps
	// the one counter of the day (SQLite, one process).
	NodeID string
}

// DefaultIdleTimeout ends staff web sessions after half an hour unused.
const DefaultIdleTimeout = 30 * time.Minute

// Default returns the defaults.
func Default() Config {
	return Config{Addr: "127.0.0.1:8080", DataDir: "./data", WorkingHours: "08:30-12:00,13:30-17:30",
		MetricsAllow: "127.0.0.0/8,::1/128", BoundaryTolerance: 1000, PublicPrecisionM: 100,
		Durability: "full", DBTimeout: 10 * time.Second, DBReadMaxLag: 5 * time.Second, EvaluationMinSample: 10, InsightTrainAt: "02:00"}
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
	if v := getenv("GONGZHI_PUBLIC_URL"); v != "" {
		c.BaseURL = v
	}
	c.TrustedProxies = getenv("GONGZHI_TRUSTED_PROXIES")
	c.TLSCert, c.TLSKey = getenv("GONGZHI_TLS_CERT"), getenv("GONGZHI_TLS_KEY")
	if v := getenv("GONGZHI_METRICS_ALLOW"); v != "" {
		c.MetricsAllow = v
	}
	c.MetricsToken = getenv("GONGZHI_METRICS_TOKEN")
	if v := getenv("GONGZHI_WORKING_HOURS"); v != "" {
		c.WorkingHours = v
	}
	if v := getenv("GONGZHI_BOUNDARY_TOLERANCE"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return c, fmt.Errorf("GONGZHI_BOUNDARY_TOLERANCE %q: want metres", v)
		}
		c.BoundaryTolerance = f
	}
	if v := getenv("GONGZHI_PUBLIC_PRECISION_M"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return c, fmt.Errorf("GONGZHI_PUBLIC_PRECISION_M %q: want whole metres", v)
		}
		c.PublicPrecisionM = n
	}
	c.Open311SandboxURL = getenv("GONGZHI_OPEN311_SANDBOX_URL")
	c.TileURL = getenv("GONGZHI_TILE_URL")
	c.EvaluationAggregates = getenv("GONGZHI_EVALUATION_AGGREGATES")
	if v := getenv("GONGZHI_EVALUATION_MIN_SAMPLE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return c, fmt.Errorf("GONGZHI_EVALUATION_MIN_SAMPLE %q: want a whole number of rated tickets", v)
		}
		c.EvaluationMinSample = n
	}
	if v := getenv("GONGZHI_INSIGHT_TRAIN_AT"); v != "" {
		c.InsightTrainAt = v
	}
	if v := getenv("GONGZHI_PROPOSAL_RULES"); v != "" {
		c.ProposalRules = v
	}
	if v := getenv("GONGZHI_ELECTION_RULES"); v != "" {
		c.ElectionRules = v
	}
	if v := getenv("GONGZHI_VISIT_INTERVALS"); v != "" {
		c.VisitIntervals = v
	}
	if v := getenv("GONGZHI_SERVICE_CONFIRM_DAYS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return c, fmt.Errorf("GONGZHI_SERVICE_CONFIRM_DAYS %q: want a whole number of working days", v)
		}
		c.ServiceConfirmDays = n
	}
	if v := getenv("GONGZHI_OPENDATA_MIN_CELL"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return c, fmt.Errorf("GONGZHI_OPENDATA_MIN_CELL %q: want a whole number of tickets", v)
		}
		c.OpenDataMinCell = n
	}
	if v := getenv("GONGZHI_POINTS_RULES"); v != "" {
		c.PointsRules = v
	}
	if v := getenv("GONGZHI_INSIGHT_AUTO_DISPATCH"); v != "" {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return c, fmt.Errorf("GONGZHI_INSIGHT_AUTO_DISPATCH %q: want a confidence from 0 to 1", v)
		}
		c.InsightAutoDispatch = x
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
	c.DBRead = getenv("GONGZHI_DB_READ")
	if v := getenv("GONGZHI_DB_READ_MAX_LAG"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return c, fmt.Errorf("GONGZHI_DB_READ_MAX_LAG %q: want a duration such as 5s", v)
		}
		c.DBReadMaxLag = d
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
	switch strings.ToLower(getenv("GONGZHI_CITYLINK_ALLOW_PRIVATE")) {
	case "1", "true", "yes":
		c.CitylinkAllowPrivate = true
	}
	c.NodeID = getenv("GONGZHI_NODE_ID")
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address (GONGZHI_ADDR)")
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data folder (GONGZHI_DATA)")
	fs.StringVar(&c.DB, "db", c.DB, "database: postgres://… or empty for SQLite in the data folder (GONGZHI_DB)")
	fs.BoolVar(&c.Demo, "demo", c.Demo, "load the demo district once and show one-time codes (GONGZHI_DEMO)")
	fs.StringVar(&c.WorkingHours, "working-hours", c.WorkingHours, "working hours of a working day (GONGZHI_WORKING_HOURS)")
	fs.BoolVar(&c.NoWorker, "no-worker", c.NoWorker, "do not run reminders and overdue marking in this process")
	fs.StringVar(&c.Jurisdiction, "jurisdiction", c.Jurisdiction, "Open311 jurisdiction_id (GONGZHI_JURISDICTION)")
	fs.StringVar(&c.BaseURL, "public-url", c.BaseURL, "public address of this server, https://… turns on Secure cookies and HSTS (GONGZHI_PUBLIC_URL)")
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "older name of --public-url (GONGZHI_BASE_URL)")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", c.TrustedProxies, "networks of reverse proxies whose X-Forwarded-For is believed, CIDR,… (GONGZHI_TRUSTED_PROXIES)")
	fs.StringVar(&c.TLSCert, "tls-cert", c.TLSCert, "certificate file (PEM): serve TLS (GONGZHI_TLS_CERT)")
	fs.StringVar(&c.TLSKey, "tls-key", c.TLSKey, "key file (PEM) of --tls-cert (GONGZHI_TLS_KEY)")
	fs.StringVar(&c.MetricsAllow, "metrics-allow", c.MetricsAllow, "networks that may read /metrics without GONGZHI_METRICS_TOKEN, CIDR,… (GONGZHI_METRICS_ALLOW)")
	fs.Float64Var(&c.BoundaryTolerance, "boundary-tolerance", c.BoundaryTolerance, "metres a location staff give may lie outside their area's boundary (GONGZHI_BOUNDARY_TOLERANCE)")
	fs.IntVar(&c.PublicPrecisionM, "public-precision-m", c.PublicPrecisionM, "metres to which locations are rounded in public outputs; 0 for exact (GONGZHI_PUBLIC_PRECISION_M)")
	fs.StringVar(&c.TileURL, "tile-url", c.TileURL, "the district's own map tile server, https://host/{z}/{x}/{y}.png, beneath the residents' map (GONGZHI_TILE_URL)")
	fs.StringVar(&c.Open311SandboxURL, "open311-sandbox-url", c.Open311SandboxURL, "an Open311 test endpoint to list in discovery (GONGZHI_OPEN311_SANDBOX_URL)")
	fs.StringVar(&c.InsightTrainAt, "insight-train-at", c.InsightTrainAt, "when the router is trained each day, HH:MM business time, or off (GONGZHI_INSIGHT_TRAIN_AT)")
	fs.Float64Var(&c.InsightAutoDispatch, "insight-auto-dispatch", c.InsightAutoDispatch, "confidence, 0 to 1, at which the router dispatches a new ticket by itself; 0 never (GONGZHI_INSIGHT_AUTO_DISPATCH)")
	fs.StringVar(&c.ProposalRules, "proposal-rules", c.ProposalRules, "proposals' thresholds (floor/rate in ten-thousandths of the population) and periods (days), e.g. courtyard=5/100,community=20/50,street=100/10,district=500/5,collect=30,answer=10 (GONGZHI_PROPOSAL_RULES)")
	fs.StringVar(&c.VisitIntervals, "visit-intervals", c.VisitIntervals, "days between visits to residents with registered needs, per category, e.g. alone=7,care=7,disability=14,elderly=14,other=30 (GONGZHI_VISIT_INTERVALS)")
	fs.StringVar(&c.ElectionRules, "election-rules", c.ElectionRules, "elections' participation and the share to be elected, per kind, n/d (at least) or >n/d (more than), e.g. owners_committee.quorum=2/3,owners_committee.elect=>1/2,residents_representatives.quorum=>1/2,residents_representatives.elect=>1/2 (GONGZHI_ELECTION_RULES)")
	fs.IntVar(&c.ServiceConfirmDays, "service-confirm-days", c.ServiceConfirmDays, "working days a service provider has to confirm or decline a request, 1 to 10; 0 keeps 1 (GONGZHI_SERVICE_CONFIRM_DAYS)")
	fs.StringVar(&c.PointsRules, "points-rules", c.PointsRules, "volunteers' points per confirmed hour and per act of taking part, redemption at partner shops (off unless shops=on) and how long a code lasts (minutes), e.g. hour=10,cosign=2,meeting=5,survey=2,shops=on,code=120 (GONGZHI_POINTS_RULES)")
	fs.IntVar(&c.EvaluationMinSample, "evaluation-min-sample", c.EvaluationMinSample, "fewest rated tickets in a month with which a unit is ranked, classed or listed; 0 for the default of 10 (GONGZHI_EVALUATION_MIN_SAMPLE)")
	fs.StringVar(&c.Durability, "durability", c.Durability, "SQLite: full syncs every commit to disk, normal may lose the last commits at a power cut (GONGZHI_DURABILITY)")
	fs.DurationVar(&c.DBTimeout, "db-timeout", c.DBTimeout, "PostgreSQL: connect and statement timeout; 0 for none (GONGZHI_DB_TIMEOUT)")
	fs.DurationVar(&c.IdleTimeout, "idle-timeout", c.IdleTimeout, "end a staff web session unused this long; 0 never (GONGZHI_IDLE_TIMEOUT)")
	fs.BoolVar(&c.AdminTOTP, "admin-totp", c.AdminTOTP, "administrators must log in with an authenticator code (GONGZHI_ADMIN_TOTP)")
	fs.IntVar(&c.OpenDataMinCell, "opendata-min-cell", c.OpenDataMinCell, "fewest tickets a cell of the open data's ticket statistics needs to be shown, 2 to 1000; 0 for the default of 5 (GONGZHI_OPENDATA_MIN_CELL)")
	fs.BoolVar(&c.CitylinkAllowPrivate, "citylink-allow-private", c.CitylinkAllowPrivate, "linked 12345 platforms may be on loopback or private addresses, as on a government network (GONGZHI_CITYLINK_ALLOW_PRIVATE)")
	fs.StringVar(&c.DBRead, "db-read", c.DBRead, "PostgreSQL read replicas, postgres:// URLs separated by commas, for lists, dashboards, Open311 reads and exports (GONGZHI_DB_READ)")
	fs.DurationVar(&c.DBReadMaxLag, "db-read-max-lag", c.DBReadMaxLag, "a read replica further behind the primary than this is not read (GONGZHI_DB_READ_MAX_LAG)")
	fs.StringVar(&c.NodeID, "node-id", c.NodeID, "this server's digit, 0 to 9, in the ticket numbers it gives; empty takes a free one from the database (GONGZHI_NODE_ID)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	return c, c.Validate()
}

// Secure reports whether browsers reach the server over HTTPS only: its
// public address is https, or it serves TLS itself. Cookies are then Secure
// and answers carry HSTS.
func (c Config) Secure() bool {
	return strings.HasPrefix(strings.ToLower(c.BaseURL), "https://") || c.TLSCert != ""
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
	if err := c.validateRead(); err != nil {
		return err
	}
	if c.DBTimeout < 0 {
		return fmt.Errorf("db-timeout %s: want 0 or more", c.DBTimeout)
	}
	if _, err := calendar.ParseSpans(c.WorkingHours); err != nil {
		return err
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("public-url %q: want http://host or https://host", c.BaseURL)
		}
	}
	if _, err := limit.ParseNets(c.TrustedProxies); err != nil {
		return fmt.Errorf("trusted-proxies: %w", err)
	}
	if _, err := limit.ParseNets(c.MetricsAllow); err != nil {
		return fmt.Errorf("metrics-allow: %w", err)
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return fmt.Errorf("tls-cert and tls-key go together")
	}
	if !(c.BoundaryTolerance >= 0 && c.BoundaryTolerance <= 50000) { // also refuses NaN
		return fmt.Errorf("boundary tolerance %v: want up to 50000 metres", c.BoundaryTolerance)
	}
	if c.PublicPrecisionM < 0 || c.PublicPrecisionM > 100000 {
		return fmt.Errorf("public-precision-m %d: want 0 to 100000 metres", c.PublicPrecisionM)
	}
	if err := checkTileURL(c.TileURL); err != nil {
		return err
	}
	if c.OpenDataMinCell != 0 && (c.OpenDataMinCell < 2 || c.OpenDataMinCell > 1000) {
		return fmt.Errorf("opendata-min-cell %d: want 0 (the default of 5) or 2 to 1000 tickets", c.OpenDataMinCell)
	}
	if c.EvaluationMinSample < 0 || c.EvaluationMinSample > 10000 {
		return fmt.Errorf("evaluation-min-sample %d: want 0 to 10000 rated tickets", c.EvaluationMinSample)
	}
	if c.InsightAutoDispatch < 0 || c.InsightAutoDispatch > 1 || c.InsightAutoDispatch > 0 && c.InsightAutoDispatch < 0.5 {
		return fmt.Errorf("insight-auto-dispatch %v: want 0 (off) or a confidence from 0.5 to 1", c.InsightAutoDispatch)
	}
	if c.IdleTimeout < 0 {
		return fmt.Errorf("idle-timeout %s: want 0 or more", c.IdleTimeout)
	}
	if c.NodeID != "" && (len(c.NodeID) != 1 || c.NodeID[0] < '0' || c.NodeID[0] > '9') {
		return fmt.Errorf("node-id %q: want a digit, 0 to 9", c.NodeID)
	}
	if c.AdminPassword != "" {
		if err := auth.CheckPassword("admin", c.AdminPassword); err != nil {
			return fmt.Errorf("GONGZHI_ADMIN_PASSWORD: %w", err)
		}
	}
	return nil
}

// checkTileURL checks a tile server's address: http or https, with {z},
// {x} and {y} in it.
func checkTileURL(t string) error {
	if t == "" {
		return nil
	}
	u, err := url.Parse(strings.NewReplacer("{z}", "0", "{x}", "0", "{y}", "0").Replace(t))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		!strings.Contains(t, "{z}") || !strings.Contains(t, "{x}") || !strings.Contains(t, "{y}") {
		return fmt.Errorf("tile-url %q: want http(s)://host/…{z}/{x}/{y}…", t)
	}
	return nil
}

// validateRead checks the read replicas: PostgreSQL URLs, beside a
// PostgreSQL primary.
func (c Config) validateRead() error {
	if c.DBReadMaxLag <= 0 {
		return fmt.Errorf("db-read-max-lag %s: want more than 0", c.DBReadMaxLag)
	}
	if strings.TrimSpace(c.DBRead) == "" {
		return nil
	}
	if !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") {
		return fmt.Errorf("db-read: read replicas need a PostgreSQL primary (--db postgres://…)")
	}
	for _, part := range strings.Split(c.DBRead, ",") {
		part = strings.TrimSpace(part)
		if strings.Contains(part, "://") && !strings.HasPrefix(part, "postgres://") && !strings.HasPrefix(part, "postgresql://") {
			return fmt.Errorf("db-read %q: want postgres://… URLs", part)
		}
	}
	if !strings.HasPrefix(strings.TrimSpace(c.DBRead), "postgres") {
		return fmt.Errorf("db-read %q: want postgres://… URLs", c.DBRead)
	}
	return nil
}
