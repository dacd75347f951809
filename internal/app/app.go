// Package app wires gongzhi together: configuration → database → services →
// HTTP handlers, and runs the server with a graceful shutdown.
package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/agenda"
	"github.com/gongzhi/gongzhi/internal/agreement"
	"github.com/gongzhi/gongzhi/internal/api"
	"github.com/gongzhi/gongzhi/internal/attachment"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/calendar"
	"github.com/gongzhi/gongzhi/internal/citylink"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/config"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/deliberation"
	"github.com/gongzhi/gongzhi/internal/election"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/idem"
	"github.com/gongzhi/gongzhi/internal/indicator"
	"github.com/gongzhi/gongzhi/internal/insight"
	"github.com/gongzhi/gongzhi/internal/insight/themes"
	"github.com/gongzhi/gongzhi/internal/insight/warning"
	"github.com/gongzhi/gongzhi/internal/kb"
	"github.com/gongzhi/gongzhi/internal/kiosk"
	"github.com/gongzhi/gongzhi/internal/limit"
	"github.com/gongzhi/gongzhi/internal/mediation"
	"github.com/gongzhi/gongzhi/internal/meeting"
	"github.com/gongzhi/gongzhi/internal/natcode"
	"github.com/gongzhi/gongzhi/internal/needs"
	"github.com/gongzhi/gongzhi/internal/notice"
	"github.com/gongzhi/gongzhi/internal/open311"
	"github.com/gongzhi/gongzhi/internal/opendata"
	"github.com/gongzhi/gongzhi/internal/project"
	"github.com/gongzhi/gongzhi/internal/proposal"
	"github.com/gongzhi/gongzhi/internal/replytpl"
	"github.com/gongzhi/gongzhi/internal/ruleset"
	"github.com/gongzhi/gongzhi/internal/screening"
	"github.com/gongzhi/gongzhi/internal/service"
	"github.com/gongzhi/gongzhi/internal/status"
	"github.com/gongzhi/gongzhi/internal/survey"
	"github.com/gongzhi/gongzhi/internal/ticket"
	"github.com/gongzhi/gongzhi/internal/trail"
	"github.com/gongzhi/gongzhi/internal/training"
	"github.com/gongzhi/gongzhi/internal/volunteer"
	"github.com/gongzhi/gongzhi/internal/vote"
	"github.com/gongzhi/gongzhi/internal/web"
	"github.com/gongzhi/gongzhi/internal/webhook"
)

// App is a running gongzhi: its database, services and HTTP handler.
type App struct {
	Config      config.Config
	Log         *slog.Logger
	Clock       clock.Clock
	DB          *db.DB
	Gov         *gov.Service
	Auth        *auth.Service
	Tickets     *ticket.Service
	KB          *kb.Service
	Attachments *attachment.Service
	Evaluation  *evaluation.Service
	Health      *evaluation.Health
	Webhooks    *webhook.Service
	Replies     *replytpl.Service
	Insight     *insight.Service
	Themes      *themes.Service
	Warnings    *warning.Service
	Votes       *vote.Service
	Proposals   *proposal.Service
	Agenda      *agenda.Service
	Elections   *election.Service
	Surveys     *survey.Service
	Notices     *notice.Service
	Projects    *project.Service
	// Deliberation keeps the comments on proposals and other items.
	Deliberation *deliberation.Service
	Meetings     *meeting.Service
	Screening    *screening.Service
	Needs        *needs.Service
	Services     *service.Service
	Volunteers   *volunteer.Service
	Mediation    *mediation.Service
	OpenData     *opendata.Service
	Citylink     *citylink.Service
	Agreements   *agreement.Service
	Status       *status.Service
	Indicators   *indicator.Service
	Kiosk        *kiosk.Service
	NatCodes     *natcode.Service
	Training     *training.Service
	Rules        *ruleset.Service
	Handler      http.Handler
	idem         *idem.Store
	// AdminPassword is set when the admin account was made on this start
	// with a generated password, to be printed once.
	AdminPassword string
	Trail         *trail.Service
	web           *web.Server
	clusterState  // the leases of the background jobs and of the node id (cluster.go)
	practiceState // practice mode and its sandbox (practice.go)
}

// New opens the database, migrates it, creates the admin account on first
// start, loads the demo district when asked, and builds the handler.
func New(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	d, err := openDB(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	a, err := build(ctx, cfg, log, d)
	if err != nil {
		d.Close()
		return nil, err
	}
	return a, nil
}

// openDB opens the database. A PostgreSQL server that cannot be reached yet
// (starting with the machine, restarting, or its network not up) is waited
// for, trying again with a growing pause, until it answers or ctx ends; any
// other failure (a wrong password, a missing database) ends the start.
func openDB(ctx context.Context, cfg config.Config, log *slog.Logger) (*db.DB, error) {
	o := db.Options{DSN: cfg.DB, DataDir: cfg.DataDir, Durability: cfg.Durability, Timeout: cfg.DBTimeout, Read: readOptions(cfg)}
	wait := 500 * time.Millisecond
	for try := 1; ; try++ {
		d, err := db.OpenWith(ctx, o)
		if err == nil || !db.IsPostgres(cfg.DB) || !errs.Is(errs.Wrap(err, "open"), errs.Unavailable) || ctx.Err() != nil {
			return d, err
		}
		log.Warn("the database cannot be reached yet; trying again", "try", try, "in", wait.String(), "err", err)
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for the database: %w", err)
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}

func build(ctx context.Context, cfg config.Config, log *slog.Logger, d *db.DB) (*App, error) {
	if err := d.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	c := clock.System{}
	a := &App{Config: cfg, Log: log, Clock: c, DB: d}
	a.Gov = gov.NewService(d, c)
	a.Auth = auth.NewService(d, c, a.Gov, log, auth.Options{BcryptCost: cfg.BcryptCost, Demo: cfg.Demo,
		IdleTimeout: cfg.IdleTimeout, AdminTOTP: cfg.AdminTOTP})
	a.Tickets = ticket.NewService(d, c, a.Gov, log)
	spans := calendar.DefaultSpans()
	if cfg.WorkingHours != "" {
		var err error
		if spans, err = calendar.ParseSpans(cfg.WorkingHours); err != nil {
			return nil, err
		}
	}
	cal, err := calendar.Load(ctx, d, spans)
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	a.Tickets.SetCalendar(cal)
	if cfg.BoundaryTolerance > 0 { // a Config built without Default keeps the service's 1 km
		a.Tickets.SetBoundaryTolerance(cfg.BoundaryTolerance)
	}
	a.Tickets.SetSMSSender(ticket.LogSender{Log: log})
	a.Tickets.SetPublicURL(cfg.BaseURL)
	a.Tickets.SetAuditor(a.Auth.Audit)
	a.Tickets.SetPublicPrecision(float64(cfg.PublicPrecisionM))
	a.Attachments = attachment.New(d, c, a.Tickets, cfg.DataDir, log)
	a.Tickets.SetPhotoCounter(a.Attachments.CountPurpose)
	a.idem = idem.NewStore(d)
	a.KB = kb.NewService(d, c)
	a.Replies = replytpl.NewService(d, c, a.Tickets, a.Gov)
	a.Webhooks = webhook.New(d, c, log, webhook.Options{})
	a.Insight = insight.NewService(d, c, a.Tickets, a.Gov, log)
	trainAt, trainOn, err := insight.ParseTrainAt(cfg.InsightTrainAt)
	if err != nil {
		return nil, err
	}
	a.Insight.SetTrainAt(trainAt, trainOn)
	a.Insight.SetAutoDispatch(cfg.InsightAutoDispatch)
	if err := a.Insight.Reload(ctx); err != nil {
		return nil, err
	}
	a.Evaluation = evaluation.NewService(d, c, a.Gov, log)
	mode, err := evaluation.ParseAggregateMode(cfg.EvaluationAggregates)
	if err != nil {
		return nil, err
	}
	a.Evaluation.SetAggregates(mode)
	if cfg.EvaluationMinSample > 0 { // 0 keeps evaluation.DefaultMinSample
		a.Evaluation.SetMinSample(cfg.EvaluationMinSample)
	}
	a.Themes = themes.NewService(d, c, a.Gov, a.Tickets, a.Evaluation)
	a.Health = evaluation.NewHealth(d, c, log)
	a.Warnings = warning.NewService(d, c, a.Gov, a.Tickets, a.Evaluation, log)
	a.Votes = vote.NewService(d, c, a.Gov)
	if a.Proposals, err = newProposals(d, c, a.Gov, a.Tickets, cfg.ProposalRules); err != nil {
		return nil, err
	}
	a.Themes.SetProposals(a.Proposals)
	a.Elections = election.NewService(d, c, a.Gov)
	rules, err := election.ParseRules(cfg.ElectionRules)
	if err == nil {
		err = a.Elections.SetRules(rules)
	}
	if err != nil {
		return nil, fmt.Errorf("election-rules: %w", err)
	}
	a.Surveys = survey.NewService(d, c, a.Gov)
	a.Notices = notice.NewService(d, c, a.Gov)
	a.Projects = project.NewService(d, c, a.Gov)
	a.Projects.SetCalendar(a.Tickets.Calendar())
	a.Projects.SetPhotos(a.Attachments)
	a.Attachments.KeptBy(a.Projects.PhotosKeeping)
	a.Votes.SetScans(a.Attachments)
	a.Attachments.KeptBy(a.Votes.ScansKeeping)
	a.Meetings = meeting.NewService(d, c, a.Gov)
	a.Meetings.SetCalendar(a.Tickets.Calendar())
	a.Screening = screening.NewService(d, c, a.Gov, a.Tickets)
	a.Needs = needs.NewService(d, c, a.Gov)
	if err := a.Needs.SetIntervals(cfg.VisitIntervals); err != nil {
		return nil, fmt.Errorf("visit-intervals: %w", err)
	}
	a.Services = service.NewService(d, c, a.Gov)
	a.Services.SetCalendar(a.Tickets.Calendar())
	a.Services.SetTickets(serviceTickets{a.Tickets})
	a.Services.SetNeeds(a.Needs.NeedsOf)
	if cfg.ServiceConfirmDays != 0 {
		if err := a.Services.SetConfirmDays(cfg.ServiceConfirmDays); err != nil {
			return nil, fmt.Errorf("service-confirm-days: %w", err)
		}
	}
	if a.Volunteers, err = newVolunteers(d, c, a.Gov, cfg.PointsRules); err != nil {
		return nil, err
	}
	a.Mediation = mediation.NewService(d, c, a.Gov)
	a.Mediation.SetCalendar(a.Tickets.Calendar())
	a.Mediation.SetTickets(a.Tickets)
	a.Mediation.SetSignatures(a.Attachments)
	a.Attachments.KeptBy(a.Mediation.SignaturesKeeping)
	registerFindings(a)
	a.OpenData = opendata.NewService(d, c, a.Gov)
	a.OpenData.SetSources(a.Evaluation, a.Proposals, a.Services)
	a.OpenData.SetMinCell(cfg.OpenDataMinCell)
	a.OpenData.SetBaseURL(cfg.BaseURL)
	a.Citylink = citylink.NewService(d, c, a.Gov, a.Tickets, log, citylink.Options{AllowPrivate: cfg.CitylinkAllowPrivate})
	a.KB.SetApplications(a.Tickets, a.Attachments)
	a.Attachments.KeptBy(a.KB.FilesKeeping)
	// The agreements of organisations outside the government: the gate of
	// their staff's every request, and the time limits of their duties.
	a.Agreements = agreement.NewService(d, c, a.Gov, a.Tickets, a.Auth)
	a.Auth.SetGate(a.Agreements)
	a.Tickets.SetDutyLimit(a.Agreements.DutyLimit)
	a.Status = status.NewService(d, c, a.Evaluation)
	a.Kiosk = kiosk.NewService(d, c)
	// After every capability: the comments on their items, and the lists
	// and counts that join them.
	a.Deliberation = deliberation.NewService(d, c)
	a.Deliberation.Register(proposal.CommentKind, a.Proposals.CommentTarget)
	a.Deliberation.Register("notice", a.Notices.CommentTarget)
	a.Deliberation.Register("project", a.Projects.CommentTarget)
	// A survey about an item finds it as its reader may see it.
	a.Surveys.SetResolver(proposal.CommentKind, a.Proposals.CommentTarget)
	a.Surveys.SetResolver("notice", a.Notices.CommentTarget)
	a.Surveys.SetResolver("project", a.Projects.CommentTarget)
	a.Agenda = newAgenda(a)
	a.Trail = newTrail(a)
	a.Evaluation.SetParticipation(participationSources(a))
	a.Indicators = newIndicators(a)
	a.NatCodes = natcode.NewService(d, c, a.Tickets, a.Gov)
	wireWorkload(a) // workload.go
	wireTraining(a)
	a.Rules = newRules(a)
	wirePractice(ctx, a) // practice.go
	created, generated, err := a.Auth.EnsureAdmin(ctx, cfg.AdminPassword)
	if err != nil {
		return nil, fmt.Errorf("create admin: %w", err)
	}
	if created {
		a.AdminPassword = generated
	}
	if cfg.Demo {
		if err := loadDemo(ctx, a); err != nil {
			return nil, err
		}
	}
	limits := limit.Defaults()
	limits.Share(d) // the limits guarding secrets and costs hold across servers
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	// Ready means the database can be read and written: a full disk or a
	// database that went away takes the process out of a load balancer.
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if err := d.Ready(r.Context(), false); err != nil {
			log.Warn("not ready", "err", err)
			errs.SetRetryAfter(w.Header(), err)
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n"))
	})
	api.New(api.Deps{Auth: a.Auth, Tickets: a.Tickets, Gov: a.Gov, KB: a.KB, Attachments: a.Attachments, Evaluation: a.Evaluation, Webhooks: a.Webhooks, Replies: a.Replies, Insight: a.Insight, Themes: a.Themes, Warnings: a.Warnings, Votes: a.Votes, Proposals: a.Proposals, Agenda: a.Agenda, Elections: a.Elections, Surveys: a.Surveys, Notices: a.Notices, Projects: a.Projects, Deliberation: a.Deliberation, Meetings: a.Meetings, Screening: a.Screening, Needs: a.Needs, Idem: a.idem, Limits: limits, Log: log, Demo: cfg.Demo, Services: a.Services, Volunteers: a.Volunteers, Mediation: a.Mediation, OpenData: a.OpenData, Trail: a.Trail, Citylink: a.Citylink, Agreements: a.Agreements, Status: a.Status, Indicators: a.Indicators, Kiosk: a.Kiosk, NatCodes: a.NatCodes, Training: a.Training, Rules: a.Rules, Practice: a.Practice}).Routes(mux)
	open311.New(open311.Deps{Tickets: a.Tickets, Auth: a.Auth, Gov: a.Gov, Idem: a.idem, Log: log, Jurisdiction: cfg.Jurisdiction, BaseURL: cfg.BaseURL,
		SandboxURL: cfg.Open311SandboxURL, Citylink: a.Citylink, NatCodes: a.NatCodes}).Routes(mux)
	lookupKey, err := d.Secret(ctx, "web.lookup", 32)
	if err != nil {
		return nil, err
	}
	csrfKey, err := d.Secret(ctx, "web.csrf", 32)
	if err != nil {
		return nil, err
	}
	w, err := web.New(web.Deps{Auth: a.Auth, Tickets: a.Tickets, Gov: a.Gov, KB: a.KB, Replies: a.Replies, Insight: a.Insight, Evaluation: a.Evaluation, Themes: a.Themes, Attachments: a.Attachments, Idem: a.idem, Limits: limits, Log: log, Demo: cfg.Demo, LookupKey: lookupKey, CSRFKey: csrfKey, Secure: cfg.Secure(), TileURL: cfg.TileURL, Warnings: a.Warnings, Votes: a.Votes, Proposals: a.Proposals, Agenda: a.Agenda, Elections: a.Elections, Surveys: a.Surveys, Notices: a.Notices, Projects: a.Projects, Deliberation: a.Deliberation, Meetings: a.Meetings, Screening: a.Screening, Needs: a.Needs, Services: a.Services, Volunteers: a.Volunteers, Mediation: a.Mediation, OpenData: a.OpenData, Trail: a.Trail, Citylink: a.Citylink, Agreements: a.Agreements, Status: a.Status, Indicators: a.Indicators, Kiosk: a.Kiosk, NatCodes: a.NatCodes, Training: a.Training, Rules: a.Rules, Practice: a.Practice, PracticeSandbox: a.inSandbox})
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	w.Routes(mux)
	a.web = w // the yearly report's document for the command line (indicators.go)
	m := newMetrics()
	metricsAllow, err := limit.ParseNets(cfg.MetricsAllow)
	if err != nil {
		return nil, fmt.Errorf("metrics-allow: %w", err)
	}
	mux.Handle("GET /metrics", metricsGuard(metricsAllow, cfg.MetricsToken, m.handler()))
	proxies, err := limit.ParseNets(cfg.TrustedProxies)
	if err != nil {
		return nil, fmt.Errorf("trusted-proxies: %w", err)
	}
	own, err := readOwnWrites(ctx, d, cfg.Secure(), m.registry, mux)
	if err != nil {
		return nil, err
	}
	own = routePractice(a, own)
	a.Handler = limit.TrustProxies(proxies, hsts(cfg.Secure(), m.measure(recoverPanics(log, dbDeadline(cfg.DBTimeout, own), w.InternalError), a.Health.Observe)))
	return a, nil
}

// hsts tells browsers, when the server is reached over HTTPS only, to use
// nothing else for a year.
func hsts(on bool, next http.Handler) http.Handler {
	if !on {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Strict-Transport-Security", "max-age=31536000")
		next.ServeHTTP(w, r)
	})
}

// Close releases the database.
func (a *App) Close() error { a.closeSandbox(); return a.DB.Close() }

// recoverPanics turns a panic in a handler into a 500 and a log line, so one
// bad request cannot take the server down. A browser asking for a page of
// the site gets it as page (the site's error page) when nothing has been
// written yet; the API, Open311 and other callers get plain text.
func recoverPanics(log *slog.Logger, next http.Handler, page http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("panic in handler", "method", r.Method, "path", r.URL.Path, "panic", v)
				if sw, ok := w.(*statusWriter); ok && sw.code == 0 && page != nil && wantsPage(r) {
					page(w, r)
					return
				}
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// wantsPage reports whether r is a browser's request for a page of the
// site, not a call of the API or Open311.
func wantsPage(r *http.Request) bool {
	p := r.URL.Path
	if strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, open311.Prefix+"/") || p == "/metrics" {
		return false
	}
	return strings.Contains(r.Header.Get("Accept"), "text/html")
}

// Serve listens on the configured address until ctx ends, then finishes the
// requests in flight (up to 15 seconds) and returns. ready, when not nil,
// gets the bound address once listening.
func (a *App) Serve(ctx context.Context, ready func(addr string)) error {
	keepNode, err := a.takeNode(ctx) // before the first ticket is numbered
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{
		Handler:           a.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}
	if a.Config.TLSCert != "" {
		// Loaded before the address is announced: a wrong file stops the
		// start instead of failing the first handshake.
		cert, err := tls.LoadX509KeyPair(a.Config.TLSCert, a.Config.TLSKey)
		if err != nil {
			ln.Close()
			return fmt.Errorf("tls: %w", err)
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() {
		if srv.TLSConfig != nil {
			errc <- srv.ServeTLS(ln, "", "")
			return
		}
		errc <- srv.Serve(ln)
	}()
	workCtx, stopWork := context.WithCancel(ctx)
	defer stopWork()
	nodeKept := make(chan struct{})
	go func() { keepNode(workCtx); close(nodeKept) }()
	// The node id is released before Serve returns.
	defer func() { stopWork(); <-nodeKept }()
	go a.Health.Run(workCtx) // every serving process records that it is up
	if !a.Config.NoWorker {
		go a.work(workCtx)
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// work runs the background work until ctx ends: the deliveries of
// webhooks and to 12345 platforms (safe by their claims: each delivery is
// leased) and the router's loading of its model (each process's own; its
// training claims its day) in every process, and the periodic jobs
// (jobs) once a period across all the servers on the database.
func (a *App) work(ctx context.Context) {
	go a.Webhooks.Run(ctx)
	go a.Citylink.Run(ctx)
	go a.Insight.Run(ctx)
	a.runJobs(ctx)
}

// dbDeadline bounds how long a request that writes waits for a database
// that does not answer: four times the database timeout, after which its
// wait ends as the database's (503 with Retry-After). Each statement and
// connection is bounded already, but a request takes several in turn, and
// against a frozen server their bounds added up to as long as the freeze.
// Imports and training are long by nature and keep the caller's context.
func dbDeadline(timeout time.Duration, next http.Handler) http.Handler {
	if timeout <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead || strings.Contains(r.URL.Path, "import") || strings.HasSuffix(r.URL.Path, "/train") {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 4*timeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
