// Package bench is gongzhi's load generator: it logs in through the JSON API
// with the demo accounts, runs a mix of submissions, ticket pages, inboxes
// and actions against a running server for a fixed time, closed-loop (as
// fast as the workers go) or open-loop (at a fixed rate, latency measured
// from the intended send time), and reports throughput and exact latency
// percentiles per kind of request.
package bench

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config says what to run.
type Config struct {
	// URL is the base URL of the server, e.g. http://127.0.0.1:8080, or
	// several servers' of one database separated by commas, which the
	// requests take in turn (a client's round-robin balancing).
	URL         string
	Mix         string        // a key of Mixes
	Concurrency int           // workers (and connections)
	Rate        float64       // requests per second, open-loop; 0 runs closed-loop as fast as possible
	Duration    time.Duration // measured period
	Warmup      time.Duration // run before measuring, not counted
	Password    string        // of the demo accounts; default gongzhi-demo
	Progress    io.Writer     // a line every ProgressEvery; nil for none
	// ProgressEvery defaults to 5 seconds.
	ProgressEvery time.Duration
	Seed          uint64
	// IdempotencyKeys sends a fresh Idempotency-Key with every POST, as a
	// client that retries safely does.
	IdempotencyKeys bool
}

// Result is what a run measured.
type Result struct {
	URL         string    `json:"url"`
	Mix         string    `json:"mix"`
	Concurrency int       `json:"concurrency"`
	Rate        float64   `json:"rate"`
	DurationS   float64   `json:"duration_s"`
	WarmupS     float64   `json:"warmup_s"`
	Started     time.Time `json:"started"`
	Kinds       []Stat    `json:"kinds"`
	Total       Stat      `json:"total"`
}

// Demo accounts the bench logs in as.
const (
	userAgent      = "demo-agent"
	userHandler    = "demo-handler"
	userDispatcher = "demo-dispatcher"
	// Tickets of category 0101 in a community of 滨河街道 go by the catalogue
	// to 滨河街道办事处, the demo handler's office.
	binheStreet   = "110117001"
	binheCategory = "0101"
	district      = "110117"
)

type runner struct {
	cfg      Config
	bases    []string      // the servers, taken in turn
	turn     atomic.Uint64 // the next request's server
	client   *http.Client
	tokens   map[string]string
	binhe    []string // communities of 滨河街道
	areas    []string // communities of a few more streets
	cats     []string // leaf categories
	numMu    sync.Mutex
	numbers  []string // tickets the dispatcher may read
	actions  chan work
	sched    []string
	kinds    mixKinds
	interval time.Duration
	keys     atomic.Int64 // Idempotency-Keys sent
	keyBase  string
}

// work is a ticket of the handler's and the next action it needs.
type work struct {
	number string
	action string
}

var nextAction = map[string]string{"dispatched": "sign", "signed": "contact", "in_progress": "reply"}

// Run runs the benchmark and returns its figures. It stops by itself after
// Warmup + Duration, or earlier when ctx ends.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	mix, ok := Mixes[cfg.Mix]
	if !ok {
		return nil, fmt.Errorf("unknown mix %q (one of %s)", cfg.Mix, MixNames())
	}
	sched, err := Schedule(mix)
	if err != nil {
		return nil, err
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 16
	}
	if cfg.Duration <= 0 {
		cfg.Duration = 30 * time.Second
	}
	if cfg.Password == "" {
		cfg.Password = "gongzhi-demo"
	}
	if cfg.ProgressEvery <= 0 {
		cfg.ProgressEvery = 5 * time.Second
	}
	var bases []string
	for _, one := range strings.Split(cfg.URL, ",") {
		u, err := url.Parse(one)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("--url must be http(s) URLs separated by commas, got %q", cfg.URL)
		}
		bases = append(bases, strings.TrimRight(one, "/"))
	}
	r := &runner{cfg: cfg, bases: bases, tokens: map[string]string{}, sched: sched, kinds: mixKinds(sched),
		keyBase: fmt.Sprintf("bench-%d", time.Now().UnixNano()),
		actions: make(chan work, 100_000)}
	// One connection per worker, kept alive: the bench measures the server,
	// not TCP handshakes.
	r.client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: cfg.Concurrency * 2 * len(bases), MaxIdleConnsPerHost: cfg.Concurrency, IdleConnTimeout: 90 * time.Second,
		DisableCompression: true, ForceAttemptHTTP2: false,
	}}
	defer r.client.CloseIdleConnections()
	if err := r.setup(ctx); err != nil {
		return nil, fmt.Errorf("setup: %w", err)
	}
	if cfg.Rate > 0 {
		r.interval = time.Duration(float64(time.Second) / cfg.Rate)
	}
	return r.run(ctx)
}

func (r *runner) run(ctx context.Context) (*Result, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	c := clocks{start: time.Now()}
	c.measureFrom = c.start.Add(r.cfg.Warmup)
	c.end = c.measureFrom.Add(r.cfg.Duration)
	var seq atomic.Int64 // the schedule position, and in open loop the send slot
	var done atomic.Int64
	recs := make([]*recorder, r.cfg.Concurrency)
	var wg sync.WaitGroup
	for w := range r.cfg.Concurrency {
		recs[w] = newRecorder()
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.work(ctx, c, uint64(w), &seq, &done, recs[w])
		}()
	}
	stop := make(chan struct{})
	var pwg sync.WaitGroup
	if r.cfg.Progress != nil {
		pwg.Add(1)
		go func() {
			defer pwg.Done()
			r.progress(c, &done, stop)
		}()
	}
	wg.Wait()
	close(stop)
	pwg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	period := r.cfg.Duration
	if actual := time.Since(c.measureFrom); r.interval == 0 && actual > period {
		// Closed loop: the last requests finish after the end.
		period = actual
	}
	return r.result(c.start, period, recs), nil
}

// clocks are a run's moments: its start, the end of the warm-up, its end.
type clocks struct{ start, measureFrom, end time.Time }

// work is one worker: it sends the schedule's requests until the end and
// records those sent after the warm-up.
func (r *runner) work(ctx context.Context, c clocks, w uint64, seq, done *atomic.Int64, rec *recorder) {
	rng := rand.New(rand.NewPCG(r.cfg.Seed, w+1))
	for ctx.Err() == nil {
		i := seq.Add(1) - 1
		var sent time.Time
		if r.interval > 0 {
			// Open loop: the request was due at its slot whether or not a
			// worker was free, so latency counts from the slot (no
			// coordinated omission).
			sent = c.start.Add(time.Duration(i) * r.interval)
			if !sent.Before(c.end) {
				return
			}
			if wait := time.Until(sent); wait > 0 {
				t := time.NewTimer(wait)
				select {
				case <-t.C:
				case <-ctx.Done():
					t.Stop()
					return
				}
			}
		} else {
			sent = time.Now()
			if !sent.Before(c.end) {
				return
			}
		}
		kind, err := r.do(ctx, rng, r.sched[i%int64(len(r.sched))])
		if ctx.Err() != nil {
			return
		}
		lat := time.Since(sent)
		done.Add(1)
		if !sent.Before(c.measureFrom) {
			rec.add(kind, lat, err)
		}
	}
}

// progress writes the rate every ProgressEvery until stop is closed.
func (r *runner) progress(c clocks, done *atomic.Int64, stop <-chan struct{}) {
	t := time.NewTicker(r.cfg.ProgressEvery)
	defer t.Stop()
	last, lastT := int64(0), c.start
	for {
		select {
		case <-stop:
			return
		case now := <-t.C:
			n := done.Load()
			phase := "measuring"
			if now.Before(c.measureFrom) {
				phase = "warming up"
			}
			fmt.Fprintf(r.cfg.Progress, "bench: %s, %d requests, %.0f req/s\n", phase, n, float64(n-last)/now.Sub(lastT).Seconds())
			last, lastT = n, now
		}
	}
}

// do sends one request of the kind and returns the kind it measured (an
// action with no ticket to act on becomes a submission that makes one).
func (r *runner) do(ctx context.Context, rng *rand.Rand, kind string) (string, error) {
	switch kind {
	case KindSubmit:
		_, err := r.submit(ctx, rng)
		return kind, err
	case KindTicket:
		r.numMu.Lock()
		n := r.numbers[rng.IntN(len(r.numbers))]
		r.numMu.Unlock()
		return kind, r.get(ctx, userDispatcher, "/api/v1/tickets/"+n, nil)
	case KindInbox:
		q := "/api/v1/tickets?limit=20"
		if rng.IntN(2) == 0 {
			q += "&status=dispatched"
		}
		return kind, r.get(ctx, userHandler, q, nil)
	case KindAction:
		select {
		case w := <-r.actions:
			return kind, r.act(ctx, w)
		default:
			_, err := r.submitBinhe(ctx, rng)
			return KindSubmit, err
		}
	}
	return kind, fmt.Errorf("unknown kind %q", kind)
}

type ticketJSON struct {
	Number          string `json:"number"`
	Status          string `json:"status"`
	AssignedOrgCode string `json:"assigned_org_code"`
}

// submit registers a call as the hotline agent: half are street cleanliness
// in 滨河街道 (they reach the demo handler, who acts on them), half any
// category anywhere in a few streets.
func (r *runner) submit(ctx context.Context, rng *rand.Rand) (ticketJSON, error) {
	if rng.IntN(2) == 0 || len(r.areas) == 0 {
		return r.submitBinhe(ctx, rng)
	}
	return r.submitTicket(ctx, rng, r.cats[rng.IntN(len(r.cats))], r.areas[rng.IntN(len(r.areas))])
}

func (r *runner) submitBinhe(ctx context.Context, rng *rand.Rand) (ticketJSON, error) {
	return r.submitTicket(ctx, rng, binheCategory, r.binhe[rng.IntN(len(r.binhe))])
}

var benchTexts = []string{"楼下垃圾堆放多日无人清理，希望尽快处理。", "路面破损有积水，请相关部门核实处理。", "夜间施工噪音扰民，请给予答复。", "小区门口车辆乱停，影响通行。"}

func (r *runner) submitTicket(ctx context.Context, rng *rand.Rand, cat, area string) (ticketJSON, error) {
	body := map[string]any{
		"kind": "complaint", "category_code": cat, "area_code": area, "channel": "hotline",
		"description":    "压力测试：" + benchTexts[rng.IntN(len(benchTexts))],
		"reporter_name":  "测试来电人",
		"reporter_phone": fmt.Sprintf("139%08d", rng.IntN(100_000_000)),
	}
	var t ticketJSON
	if err := r.call(ctx, userAgent, http.MethodPost, "/api/v1/tickets", body, &t); err != nil {
		return t, err
	}
	if next, ok := nextAction[t.Status]; ok && t.AssignedOrgCode == binheStreet+"-SO" {
		select {
		case r.actions <- work{t.Number, next}:
		default:
		}
	}
	if rng.IntN(8) == 0 {
		r.numMu.Lock()
		if len(r.numbers) < 100_000 {
			r.numbers = append(r.numbers, t.Number)
		}
		r.numMu.Unlock()
	}
	return t, nil
}

// act takes the next step on one of the handler's tickets; one worker holds
// a ticket at a time, so steps never race.
func (r *runner) act(ctx context.Context, w work) error {
	var body map[string]any
	switch w.action {
	case "contact":
		body = map[string]any{"note": "已电话联系诉求人"}
	case "reply":
		body = map[string]any{"reply_text": "已安排人员清理完毕。", "resolved": true}
	default:
		body = map[string]any{}
	}
	var t ticketJSON
	err := r.call(ctx, userHandler, http.MethodPost, "/api/v1/tickets/"+w.number+"/actions/"+w.action, body, &t)
	var he *httpError
	if errors.As(err, &he) && he.status == http.StatusConflict {
		// The step was already taken: a request abandoned by the client when
		// an earlier run ended may still have committed on the server. The
		// server answered correctly; the ticket simply leaves the queue.
		return nil
	}
	if err != nil {
		return err
	}
	if next, ok := nextAction[t.Status]; ok {
		select {
		case r.actions <- work{t.Number, next}:
		default:
		}
	}
	return nil
}

// httpError is a response with an unexpected status.
type httpError struct {
	status int
	code   string
}

func (e *httpError) Error() string { return fmt.Sprintf("HTTP %d %s", e.status, e.code) }

func errClass(err error) string {
	var he *httpError
	if errors.As(err, &he) {
		return fmt.Sprintf("%d %s", he.status, he.code)
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue.Timeout() {
		return "timeout"
	}
	return "transport"
}

func (r *runner) get(ctx context.Context, user, path string, out any) error {
	return r.call(ctx, user, http.MethodGet, path, nil, out)
}

// call sends a request as user (empty for none) and decodes a 2xx answer
// into out; the body is always read to the end so the connection is reused.
func (r *runner) call(ctx context.Context, user, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	base := r.bases[(r.turn.Add(1)-1)%uint64(len(r.bases))]
	req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if tok := r.tokens[user]; tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if r.cfg.IdempotencyKeys && method == http.MethodPost {
		req.Header.Set("Idempotency-Key", fmt.Sprintf("%s-%d", r.keyBase, r.keys.Add(1)))
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		var e struct {
			Error struct {
				Code string `json:"code"`
			} `json:"error"`
		}
		json.Unmarshal(data, &e)
		return &httpError{status: resp.StatusCode, code: e.Error.Code}
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// setup logs in, learns the places and categories, collects ticket numbers
// for the ticket pages and the handler's open tickets for the actions.
func (r *runner) setup(ctx context.Context) error {
	for _, u := range []string{userAgent, userHandler, userDispatcher} {
		var tok struct {
			Token string `json:"token"`
		}
		if err := r.call(ctx, "", http.MethodPost, "/api/v1/auth/token", map[string]string{"username": u, "password": r.cfg.Password}, &tok); err != nil {
			return fmt.Errorf("log in as %s (is the server running with --demo?): %w", u, err)
		}
		r.tokens[u] = tok.Token
	}
	type item struct {
		Code       string `json:"code"`
		ParentCode string `json:"parent_code"`
	}
	var list struct {
		Items []item `json:"items"`
	}
	if err := r.get(ctx, "", "/api/v1/categories", &list); err != nil {
		return err
	}
	for _, c := range list.Items {
		if c.ParentCode != "" {
			r.cats = append(r.cats, c.Code)
		}
	}
	if err := r.get(ctx, "", "/api/v1/areas?parent="+district, &list); err != nil {
		return err
	}
	streets := list.Items
	for i, s := range streets {
		if i >= 4 && s.Code != binheStreet {
			continue
		}
		var comm struct {
			Items []item `json:"items"`
		}
		if err := r.get(ctx, "", "/api/v1/areas?parent="+s.Code, &comm); err != nil {
			return err
		}
		for _, c := range comm.Items {
			r.areas = append(r.areas, c.Code)
			if s.Code == binheStreet {
				r.binhe = append(r.binhe, c.Code)
			}
		}
	}
	if len(r.binhe) == 0 || len(r.cats) == 0 {
		return errors.New("the demo district is not loaded (no communities in 滨河街道 or no categories)")
	}
	rng := rand.New(rand.NewPCG(r.cfg.Seed, 99))
	if r.kinds.has(KindTicket) {
		if err := r.collectNumbers(ctx, rng); err != nil {
			return err
		}
	}
	if r.kinds.has(KindAction) {
		for _, st := range []string{"dispatched", "signed", "in_progress"} {
			var page struct {
				Items []ticketJSON `json:"items"`
			}
			if err := r.get(ctx, userHandler, "/api/v1/tickets?limit=100&status="+st, &page); err != nil {
				return err
			}
			for _, t := range page.Items {
				select {
				case r.actions <- work{t.Number, nextAction[t.Status]}:
				default:
				}
			}
		}
	}
	return nil
}

// collectNumbers lists tickets as the dispatcher: the newest page, then
// pages that start at random days of the past year (a keyset cursor is a
// ticket number), so the ticket pages read old and new tickets alike. With
// too few tickets it submits some first.
func (r *runner) collectNumbers(ctx context.Context, rng *rand.Rand) error {
	seen := map[string]bool{}
	page := func(cursor string) error {
		q := "/api/v1/tickets?limit=100"
		if cursor != "" {
			q += "&cursor=" + base64.RawURLEncoding.EncodeToString([]byte(cursor))
		}
		var p struct {
			Items []ticketJSON `json:"items"`
		}
		if err := r.get(ctx, userDispatcher, q, &p); err != nil {
			return err
		}
		for _, t := range p.Items {
			if !seen[t.Number] {
				seen[t.Number] = true
				r.numbers = append(r.numbers, t.Number)
			}
		}
		return nil
	}
	if err := page(""); err != nil {
		return err
	}
	if len(r.numbers) == 100 {
		now := time.Now()
		for range 30 {
			d := now.AddDate(0, 0, -rng.IntN(365))
			if err := page(d.Format("20060102") + "999999"); err != nil {
				return err
			}
		}
	}
	for len(r.numbers) < 20 {
		t, err := r.submitBinhe(ctx, rng)
		if err != nil {
			return err
		}
		r.numbers = append(r.numbers, t.Number)
	}
	return nil
}
