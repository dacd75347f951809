package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/config"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

// clusterApps starts n apps on one fresh PostgreSQL database, as n
// servers would be; skipped without GONGZHI_TEST_POSTGRES.
func clusterApps(t *testing.T, n int, demo bool) []*App {
	t.Helper()
	dsn := dbtest.DSN(t, db.Postgres)
	apps := make([]*App, n)
	for i := range apps {
		apps[i] = newTestApp(t, func(c *config.Config) { c.DB, c.Demo = dsn, demo })
	}
	return apps
}

// TestClusterJobsOncePerPeriod: three servers' background work on one
// database, with every period a hundredth of the real one, runs each job
// once in each of its periods, counted across the three.
func TestClusterJobsOncePerPeriod(t *testing.T) {
	apps := clusterApps(t, 3, false)
	type run struct {
		job    string
		period time.Time
	}
	var mu sync.Mutex
	runs := map[run][]int{}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for i, a := range apps {
		a.jobScale = 100
		a.ranJob = func(name string, period time.Time) {
			mu.Lock()
			runs[run{name, period}] = append(runs[run{name, period}], i)
			mu.Unlock()
		}
		wg.Go(func() { a.runJobs(ctx) })
	}
	began := time.Now()
	time.Sleep(4 * time.Second)
	cancel()
	wg.Wait()
	elapsed := time.Since(began)
	mu.Lock()
	defer mu.Unlock()
	perJob := map[string]int{}
	servers := map[int]bool{}
	for r, by := range runs {
		if len(by) != 1 {
			t.Errorf("%s ran %d times in the period from %s, by servers %v", r.job, len(by), r.period.Format("15:04:05.000"), by)
		}
		perJob[r.job]++
		servers[by[0]] = true
	}
	for _, j := range apps[0].jobs() {
		if perJob[j.Name] == 0 {
			t.Errorf("%s never ran", j.Name)
		}
		// Each period a server was up in had a run, but for the edges
		// and periods a longer run of the job held.
		if periods := int(elapsed / j.Every); j.Every < time.Second && perJob[j.Name] < periods/2 {
			t.Errorf("%s ran in %d periods of about %d", j.Name, perJob[j.Name], periods)
		}
	}
	t.Logf("runs per job in %s: %v; by %d servers", elapsed.Round(time.Millisecond), perJob, len(servers))
}

// roundRobin is a reverse proxy that sends each request to the next
// server in turn, and remembers which one took each.
type roundRobin struct {
	targets []*url.URL
	n       atomic.Int64
	mu      sync.Mutex
	took    []int
}

func (p *roundRobin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	i := int(p.n.Add(1)-1) % len(p.targets)
	p.mu.Lock()
	p.took = append(p.took, i)
	p.mu.Unlock()
	(&httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(p.targets[i]) }}).ServeHTTP(w, r)
}

// last is the server that took the last request.
func (p *roundRobin) last() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.took[len(p.took)-1]
}

type clusterClient struct {
	t    *testing.T
	base string
}

func (c clusterClient) call(method, path, token, key string, body any) (int, map[string]any, http.Header) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out map[string]any
	json.Unmarshal(raw, &out)
	return res.StatusCode, out, res.Header
}

func (c clusterClient) want(status int, method, path, token string, body any) map[string]any {
	c.t.Helper()
	got, out, _ := c.call(method, path, token, "", body)
	if got != status {
		c.t.Fatalf("%s %s: %d, want %d: %v", method, path, got, status, out)
	}
	return out
}

// TestClusterBehindProxy: two servers on one database behind a round-robin
// proxy walk the ticket loop (file, dispatch, sign, reply, rate and close)
// with sessions taken on one and used on the other; an Idempotency-Key
// repeated on the other server gets the first answer and files nothing
// more; and the limit of login codes per address holds across both, not
// twice over.
func TestClusterBehindProxy(t *testing.T) {
	apps := clusterApps(t, 2, true)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := &roundRobin{}
	for _, a := range apps {
		a.Log = slog.New(slog.DiscardHandler)
		ready := make(chan string, 1)
		go a.Serve(ctx, func(addr string) { ready <- addr })
		u, _ := url.Parse("http://" + <-ready)
		p.targets = append(p.targets, u)
	}
	if apps[0].Node == apps[1].Node {
		t.Fatalf("both servers are node %d", apps[0].Node)
	}
	proxy := httptest.NewServer(p)
	defer proxy.Close()
	c := clusterClient{t, proxy.URL}
	login := func(user string) string {
		return c.want(200, "POST", "/api/v1/auth/token", "", map[string]string{"username": user, "password": "gongzhi-demo"})["token"].(string)
	}
	code := c.want(202, "POST", "/api/v1/auth/code", "", map[string]string{"phone": "13800138000"})["dev_code"].(string)
	resident := c.want(200, "POST", "/api/v1/auth/token", "", map[string]string{"phone": "13800138000", "code": code})["token"].(string)
	dispatcher, handler := login("demo-dispatcher"), login("demo-handler")

	// Filed with a key on one server, sent again on the other.
	body := map[string]any{"kind": "help", "category_code": "0405", "description": "楼道照明线路老化，夜间整栋楼停电",
		"area_code": "110117001001", "reporter_name": "王芳", "confidential": false}
	st1, first, _ := c.call("POST", "/api/v1/tickets", resident, "cluster-file-1", body)
	by1 := p.last()
	st2, again, h := c.call("POST", "/api/v1/tickets", resident, "cluster-file-1", body)
	if by2 := p.last(); by1 == by2 {
		t.Fatalf("both tries went to server %d", by1)
	}
	number, _ := first["number"].(string)
	if st1 != 201 || st2 != 201 || again["number"] != number || h.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("the key repeated on the other server: %d %v / %d %v %v", st1, first, st2, again, h)
	}
	if len(number) != 15 || !strings.HasPrefix(number, time.Now().In(time.FixedZone("CST", 8*3600)).Format("20060102")) {
		t.Fatalf("number %q: want the business date, the node and six digits", number)
	}
	mine := c.want(200, "GET", "/api/v1/tickets", resident, nil)
	if n := len(mine["items"].([]any)); n != 1 {
		t.Fatalf("the resident has %d tickets, want 1", n)
	}
	path := "/api/v1/tickets/" + number
	for _, step := range []struct {
		token, action string
		body          map[string]any
	}{
		{dispatcher, "dispatch", map[string]any{"org_code": "110117001-SO", "note": "请街道核查线路"}},
		{handler, "sign", map[string]any{}},
		{handler, "contact", map[string]any{"note": "已电话联系"}},
		{handler, "reply", map[string]any{"reply_text": "已请电工更换老化线路，照明恢复", "resolved": true}},
		{resident, "rate", map[string]any{"resolved": true, "satisfaction": "satisfied", "comment": "很快"}},
	} {
		out := c.want(200, "POST", path+"/actions/"+step.action, step.token, step.body)
		if step.action == "rate" && out["status"] != "closed" {
			t.Fatalf("rated ticket: %v", out)
		}
	}
	events := c.want(200, "GET", path+"/events", resident, nil)
	var actions []string
	for _, e := range events["items"].([]any) {
		actions = append(actions, e.(map[string]any)["action"].(string))
	}
	if got := strings.Join(actions, " "); got != "create dispatch sign contact reply rate" {
		t.Fatalf("timeline: %s", got)
	}

	// Login codes: 20 a minute per address, the first taken above; the
	// proxy is every caller's address, on both servers.
	allowed := 1
	for i := range 40 {
		st, _, _ := c.call("POST", "/api/v1/auth/code", "", "", map[string]string{"phone": fmt.Sprintf("139%08d", i)})
		if st == 429 {
			break
		}
		if st != 202 {
			t.Fatalf("code request %d: %d", i, st)
		}
		allowed++
	}
	if allowed != 20 {
		t.Fatalf("%d code requests allowed across two servers, want 20", allowed)
	}
}
