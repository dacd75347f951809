// Package seed fills a database with realistic tickets in bulk, for load
// tests and demonstrations: millions of tickets of every category, area,
// channel and status of the demo district, with the events each would have
// had, written by ticket.ImportBatch (COPY on PostgreSQL, multi-row INSERTs on
// SQLite).
package seed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/calendar"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/demo"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Options say how many tickets to seed and over which period.
type Options struct {
	Tickets  int
	Seed     uint64    // random seed; the same seed gives the same content (not the same numbers)
	Months   int       // tickets are spread over this many months before Now
	Now      time.Time // end of the period; zero means time.Now()
	Progress io.Writer // progress lines every ProgressEvery; nil for none
	// ProgressEvery defaults to 3 seconds.
	ProgressEvery time.Duration
	// BcryptCost is used for the demo accounts when the demo must be loaded.
	BcryptCost int
	Log        *slog.Logger
}

// Stats tell what was written.
type Stats struct {
	Tickets  int64
	Events   int64
	Statuses map[string]int64
	Duration time.Duration
	Prepare  time.Duration // loading the demo and the dispatch map
}

// Services are what the seed reads the demo district through.
type Services struct {
	Gov     *gov.Service
	Auth    *auth.Service
	Tickets *ticket.Service
}

// NewServices builds the services the way the app does.
func NewServices(d *db.DB, log *slog.Logger, bcryptCost int) Services {
	c := systemClock{}
	g := gov.NewService(d, c)
	return Services{Gov: g, Auth: auth.NewService(d, c, g, log, auth.Options{BcryptCost: bcryptCost, Demo: true}), Tickets: ticket.NewService(d, c, g, log)}
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// Run seeds opt.Tickets tickets into d, loading the demo district first when
// it is not there.
func Run(ctx context.Context, d *db.DB, opt Options) (Stats, error) {
	if opt.Tickets <= 0 {
		return Stats{}, errors.New("seed: the number of tickets must be positive")
	}
	opt = withDefaults(opt)
	start := time.Now()
	svc := NewServices(d, opt.Log, opt.BcryptCost)
	g, err := prepare(ctx, d, svc, opt)
	if err != nil {
		return Stats{}, err
	}
	prep := time.Since(start)
	writeStart := time.Now()
	written, events, err := pipe(ctx, g, svc.Tickets, d.Checkpoint, opt)
	if err == nil && d.Engine == db.Postgres {
		// After a bulk load the planner's statistics are stale until
		// autovacuum comes by; refresh them now, as it would.
		_, err = d.W.ExecContext(ctx, `ANALYZE tickets, ticket_events`)
	}
	st := Stats{Tickets: written, Events: events, Statuses: g.statuses, Duration: time.Since(start), Prepare: prep}
	if opt.Progress != nil && err == nil {
		el := time.Since(writeStart).Seconds()
		fmt.Fprintf(opt.Progress, "seed: wrote %d tickets and %d events in %s (%.0f tickets/s, %.0f rows/s; preparing took %s)\n",
			st.Tickets, st.Events, st.Duration.Round(time.Millisecond), float64(st.Tickets)/el, float64(st.Tickets+st.Events)/el, prep.Round(time.Millisecond))
	}
	return st, err
}

func withDefaults(opt Options) Options {
	if opt.Months <= 0 {
		opt.Months = 12
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opt.ProgressEvery <= 0 {
		opt.ProgressEvery = 3 * time.Second
	}
	return opt
}

// prepare loads the demo district if need be, reads its catalogue and
// plans the days.
func prepare(ctx context.Context, d *db.DB, svc Services, opt Options) (*generator, error) {
	loaded, err := demo.Loaded(ctx, d)
	if err != nil {
		return nil, err
	}
	if !loaded {
		if _, err := demo.Load(ctx, d, svc.Gov, svc.Auth, svc.Tickets, opt.Log); err != nil {
			return nil, fmt.Errorf("load demo district: %w", err)
		}
	}
	cat, err := loadCatalogue(ctx, d, svc)
	if err != nil {
		return nil, err
	}
	g := newGenerator(cat, opt)
	if err := checkDays(g.days); err != nil {
		return nil, err
	}
	return g, nil
}

// pipe runs the generator in one goroutine and the writer in this one,
// with a few batches going round between them, and progress lines in a
// third; it returns the tickets and events written.
func pipe(ctx context.Context, g *generator, tickets *ticket.Service, checkpoint func(context.Context) error, opt Options) (int64, int64, error) {
	batches := make(chan *batch, 3)
	free := make(chan *batch, 5)
	for range cap(free) {
		free <- &batch{}
	}
	var written, events atomic.Int64
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var genErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(batches)
		genErr = g.run(ctx, free, batches)
	}()
	stopProgress := make(chan struct{})
	var pwg sync.WaitGroup
	if opt.Progress != nil {
		pwg.Add(1)
		go func() {
			defer pwg.Done()
			progress(opt.Progress, opt.ProgressEvery, int64(opt.Tickets), time.Now(), &written, &events, stopProgress)
		}()
	}
	w := func(b *batch) { written.Add(int64(len(b.tickets))); events.Add(int64(len(b.events))) }
	err := write(ctx, tickets, checkpoint, batches, free, w)
	if err != nil {
		cancel()
	}
	for range batches { // let the generator finish if the writer stopped early
	}
	wg.Wait()
	close(stopProgress)
	pwg.Wait()
	if err == nil && genErr != nil && !errors.Is(genErr, context.Canceled) {
		err = genErr
	}
	return written.Load(), events.Load(), err
}

func progress(w io.Writer, every time.Duration, total int64, start time.Time, written, events *atomic.Int64, stop <-chan struct{}) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case now := <-t.C:
			fmt.Fprintln(w, progressLine(written.Load(), events.Load(), total, now.Sub(start)))
		}
	}
}

// progressLine is one line of the seed's progress after elapsed: its rates
// are averages since the start, as its eta is. Tickets are written in
// batches, so a rate over the few seconds since the last line would be a
// batch's size over the interval or nothing.
func progressLine(n, e, total int64, elapsed time.Duration) string {
	rate, rows, eta := 0.0, 0.0, "?"
	if s := elapsed.Seconds(); s > 0 && n > 0 {
		rate, rows = float64(n)/s, float64(n+e)/s
		eta = (time.Duration(float64(total-n)/rate) * time.Second).Round(time.Second).String()
	}
	return fmt.Sprintf("seed: %d/%d tickets (%.1f%%), %d events, %.0f tickets/s, %.0f rows/s since the start, eta %s",
		n, total, 100*float64(n)/float64(total), e, rate, rows, eta)
}

// checkDays refuses a period with a day of more tickets than the six
// digits of a ticket's sequence hold, before anything is written.
func checkDays(days []day) error {
	for _, dd := range days {
		if dd.count > 999999 {
			return fmt.Errorf("seed: day %s would get %d tickets, beyond the six digits of a ticket number; seed fewer tickets or more months", dd.key, dd.count)
		}
	}
	return nil
}

// catalogue is the demo district as the seed needs it.
type catalogue struct {
	cats    []ticket.Category // leaves
	areas   []gov.Area        // communities
	streets map[string]gov.Area
	// org[i][j] is the organisation the dispatch catalogue names for
	// category i in community j, "" when no rule applies.
	org      [][]string
	orgNames map[string]string
	users    map[string]string // username → id of the demo accounts
	// limits[category][kind] are the time limits of normal-urgency tickets.
	limits  map[string]map[ticket.Kind]ticket.TimeLimit
	cal     *calendar.Calendar
	tickets *ticket.Service
}

// due returns when a limit started at start (Unix ms) ends, in Unix ms.
func (c *catalogue) due(l ticket.Limit, start int64) int64 {
	return l.Due(c.cal, time.UnixMilli(start)).UnixMilli()
}

func loadCatalogue(ctx context.Context, d *db.DB, svc Services) (*catalogue, error) {
	c := &catalogue{streets: map[string]gov.Area{}, orgNames: map[string]string{}, users: map[string]string{},
		limits: map[string]map[ticket.Kind]ticket.TimeLimit{}, cal: svc.Tickets.Calendar(), tickets: svc.Tickets}
	if err := c.loadCategories(ctx, svc); err != nil {
		return nil, err
	}
	if err := c.loadAreas(ctx, svc); err != nil {
		return nil, err
	}
	if len(c.cats) == 0 || len(c.areas) == 0 {
		return nil, errors.New("seed: the demo district has no categories or communities")
	}
	if err := c.loadNames(ctx, d, svc); err != nil {
		return nil, err
	}
	if err := c.loadDispatch(ctx, svc); err != nil {
		return nil, err
	}
	return c, nil
}

// loadCategories takes the active leaf categories and their time limits.
func (c *catalogue) loadCategories(ctx context.Context, svc Services) error {
	all, err := svc.Tickets.Categories(ctx)
	if err != nil {
		return err
	}
	parents := map[string]bool{}
	for _, x := range all {
		parents[x.ParentCode] = true
	}
	for _, x := range all {
		if !x.Active || parents[x.Code] {
			continue
		}
		c.cats = append(c.cats, x)
		c.limits[x.Code] = map[ticket.Kind]ticket.TimeLimit{}
		for _, k := range ticket.Kinds {
			lim, err := svc.Tickets.LimitsFor(ctx, x.Code, k, ticket.UrgencyNormal)
			if err != nil {
				return err
			}
			c.limits[x.Code][k] = lim
		}
	}
	return nil
}

// loadAreas takes the streets of the demo district and their communities.
func (c *catalogue) loadAreas(ctx context.Context, svc Services) error {
	streets, err := svc.Gov.Areas(ctx, demo.DistrictCode)
	if err != nil {
		return err
	}
	for _, s := range streets {
		c.streets[s.Code] = s
		comms, err := svc.Gov.Areas(ctx, s.Code)
		if err != nil {
			return err
		}
		c.areas = append(c.areas, comms...)
	}
	return nil
}

// loadNames takes the organisations' names and the demo accounts' ids.
func (c *catalogue) loadNames(ctx context.Context, d *db.DB, svc Services) error {
	orgs, err := svc.Gov.Orgs(ctx, gov.OrgFilter{})
	if err != nil {
		return err
	}
	for _, o := range orgs {
		c.orgNames[o.Code] = o.Name
	}
	rows, err := d.R.QueryContext(ctx, `SELECT id, username FROM users WHERE username IS NOT NULL`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		c.users[name] = id
	}
	return rows.Err()
}

// loadDispatch asks the dispatch catalogue, through the ticket service,
// once per category × community, in parallel over the reader pool.
func (c *catalogue) loadDispatch(ctx context.Context, svc Services) error {
	c.org = make([][]string, len(c.cats))
	type job struct{ i, j int }
	jobs := make(chan job, 256)
	var firstErr error
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for jb := range jobs {
				org, err := svc.Tickets.SuggestOrg(ctx, c.cats[jb.i].Code, c.areas[jb.j].Code)
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					continue
				}
				c.org[jb.i][jb.j] = org
			}
		}()
	}
	for i := range c.cats {
		c.org[i] = make([]string, len(c.areas))
		for j := range c.areas {
			jobs <- job{i, j}
		}
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return fmt.Errorf("dispatch catalogue: %w", firstErr)
	}
	return nil
}

// streetOffice is the office of the street a community belongs to, where a
// dispatcher sends what the catalogue does not cover.
func (c *catalogue) streetOffice(community gov.Area) string {
	return demo.StreetOfficeCode(community.ParentCode)
}

func isVillage(name string) bool {
	return strings.HasSuffix(name, "村委会") || strings.HasSuffix(name, "村民委员会") || strings.HasSuffix(name, "村")
}

// placeName is how people name a community: 金谷东园社区 for 金谷东园社区居委会,
// 东高村 for 东高村村委会.
func placeName(name string) string {
	for _, suf := range []string{"居委会", "居民委员会"} {
		if strings.HasSuffix(name, suf) {
			return strings.TrimSuffix(name, suf)
		}
	}
	for _, suf := range []string{"村委会", "村民委员会"} {
		if strings.HasSuffix(name, suf) {
			n := strings.TrimSuffix(name, suf)
			if !strings.HasSuffix(n, "村") {
				n += "村"
			}
			return n
		}
	}
	return name
}
