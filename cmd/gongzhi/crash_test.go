package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

// statusRank orders the statuses a crash-test ticket goes through.
var statusRank = map[string]int{"registered": 0, "dispatched": 1, "signed": 2, "in_progress": 3, "replied": 4, "closed": 5}

// ack is what the server acknowledged about a ticket: the latest 2xx.
type ack struct {
	status  string
	version int
}

// ledger records every acknowledged response, from many clients.
type ledger struct {
	mu      sync.Mutex
	tickets map[string]ack
	actions int
	// retries counts submissions acknowledged on a retry with their key
	// after a send that got no answer.
	retries int
}

func (l *ledger) retried(n int) {
	l.mu.Lock()
	l.retries += n
	l.mu.Unlock()
}

func (l *ledger) record(number, status string, version int, action bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if a, ok := l.tickets[number]; !ok || version > a.version {
		l.tickets[number] = ack{status, version}
	}
	if action {
		l.actions++
	}
}

// client is an HTTP client for the load goroutines, which must not call
// t.Fatal: every error is just a request that was not acknowledged.
type client struct {
	http *http.Client
	base string
}

// post returns the status and decoded body, or an error when no complete
// response arrived.
func (c client) post(ctx context.Context, path, token string, body any) (int, map[string]any, error) {
	return c.postKeyed(ctx, path, token, "", body)
}

// postKeyed is post with an Idempotency-Key, when key is not empty.
func (c client) postKeyed(ctx context.Context, path, token, key string, body any) (int, map[string]any, error) {
	j, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, "POST", c.base+path, bytes.NewReader(j))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, nil, fmt.Errorf("incomplete response (status %d, %d bytes): %w", resp.StatusCode, len(raw), err)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		return resp.StatusCode, nil, fmt.Errorf("response is not JSON (status %d): %q", resp.StatusCode, raw)
	}
	return resp.StatusCode, out, nil
}

func numberOf(body map[string]any) (string, string, int, bool) {
	n, _ := body["number"].(string)
	st, _ := body["status"].(string)
	v, _ := body["version"].(float64)
	return n, st, int(v), n != "" && st != "" && v >= 1
}

var crashTicket = map[string]any{"kind": "complaint", "category_code": "0101", "description": "崩溃测试：金谷东园北门垃圾堆积",
	"area_code": "110117001001", "reporter_phone": "13912345678"}

// submitter makes the Idempotency-Keys of one client's submissions and
// keeps the key of a submission that got no answer, across restarts, so
// that it is sent again with the same key, as a client retries.
type submitter struct {
	name    string
	n       int
	pending string
	failed  bool // the pending submission was sent and got no answer
}

// next returns the key and body of the next submission: the pending one
// again, or a new one. The key is in the description, so a duplicate shows
// as two tickets with one description.
func (s *submitter) next() (string, map[string]any) {
	if s.pending == "" {
		s.n++
		s.pending = fmt.Sprintf("%s-%d", s.name, s.n)
	}
	body := map[string]any{}
	for k, v := range crashTicket {
		body[k] = v
	}
	body["description"] = fmt.Sprintf("%s（%s）", crashTicket["description"], s.pending)
	return s.pending, body
}

// work submits tickets as the agent and takes each through sign, contact and
// reply as the handler, recording every acknowledged response, until ctx ends
// or the server goes away. Every submission carries an Idempotency-Key and
// is retried with it until it is answered. It returns the first response
// that was not whole or not what the API promises.
func work(ctx context.Context, c client, agent, handler string, sub *submitter, l *ledger) error {
	steps := []struct {
		action string
		body   map[string]any
		status string
	}{
		{"sign", map[string]any{}, "signed"},
		{"contact", map[string]any{"note": "已电话联系"}, "in_progress"},
		{"reply", map[string]any{"reply_text": "已协调清运", "resolved": true}, "replied"},
	}
	for ctx.Err() == nil {
		key, ticket := sub.next()
		code, body, err := c.postKeyed(ctx, "/api/v1/tickets", agent, key, ticket)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			sub.failed = true
			time.Sleep(5 * time.Millisecond)
			continue // the server died: not acknowledged, sent again with its key
		}
		if code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable {
			time.Sleep(10 * time.Millisecond) // refused, not acknowledged: try again
			continue
		}
		if code != http.StatusCreated {
			return fmt.Errorf("submit %s: status %d: %v", key, code, body)
		}
		if sub.failed {
			l.retried(1)
		}
		sub.pending, sub.failed = "", false
		number, status, version, ok := numberOf(body)
		if !ok || status != "dispatched" {
			return fmt.Errorf("submit acknowledged without a dispatched ticket: %v", body)
		}
		l.record(number, status, version, false)
		for _, s := range steps {
			code, body, err := c.post(ctx, "/api/v1/tickets/"+number+"/actions/"+s.action, handler, s.body)
			if err != nil {
				break
			}
			if code != http.StatusOK {
				return fmt.Errorf("%s %s: status %d: %v", s.action, number, code, body)
			}
			n, st, v, ok := numberOf(body)
			if !ok || n != number || st != s.status {
				return fmt.Errorf("%s %s acknowledged with %v", s.action, number, body)
			}
			l.record(number, st, v, true)
		}
	}
	return nil
}

// checkStore opens the database directly, with no server running, and checks
// the invariants: every acknowledged ticket is there with at least its
// acknowledged version and status; every ticket's events run 1..version with
// no hole; no event is without its ticket. It returns the number of tickets.
func checkStore(t *testing.T, dsn, data string, l *ledger) int {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, dsn, data)
	if err != nil {
		t.Fatalf("open the database after the crash: %v", err)
	}
	defer d.Close()
	rows, err := d.R.QueryContext(ctx, `SELECT t.number, t.version, t.status, COUNT(e.seq), COALESCE(MIN(e.seq), 0), COALESCE(MAX(e.seq), 0)
FROM tickets t LEFT JOIN ticket_events e ON e.ticket_number = t.number GROUP BY t.number, t.version, t.status`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type stored struct {
		version int
		status  string
	}
	have := map[string]stored{}
	for rows.Next() {
		var n, st string
		var v, count, lo, hi int
		if err := rows.Scan(&n, &v, &st, &count, &lo, &hi); err != nil {
			t.Fatal(err)
		}
		if count != v || lo != 1 || hi != v {
			t.Errorf("ticket %s: version %d but %d events with seq %d..%d", n, v, count, lo, hi)
		}
		have[n] = stored{v, st}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var orphans int
	if err := d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM ticket_events e LEFT JOIN tickets t ON t.number = e.ticket_number WHERE t.number IS NULL`).Scan(&orphans); err != nil {
		t.Fatal(err)
	}
	if orphans > 0 {
		t.Errorf("%d events without their ticket", orphans)
	}
	var duplicated int
	if err := d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT description FROM tickets GROUP BY description HAVING COUNT(*) > 1) d`).Scan(&duplicated); err != nil {
		t.Fatal(err)
	}
	if duplicated > 0 {
		t.Errorf("%d submissions retried with their Idempotency-Key made more than one ticket", duplicated)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for n, a := range l.tickets {
		got, ok := have[n]
		switch {
		case !ok:
			t.Errorf("acknowledged ticket %s (%s, version %d) is lost", n, a.status, a.version)
		case got.version < a.version || statusRank[got.status] < statusRank[a.status]:
			t.Errorf("ticket %s went back: stored %s v%d, acknowledged %s v%d", n, got.status, got.version, a.status, a.version)
		}
	}
	return len(have)
}

func crashKills(t *testing.T) int {
	if v := os.Getenv("GONGZHI_CRASH_KILLS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("GONGZHI_CRASH_KILLS=%q: want a positive number", v)
		}
		return n
	}
	return 5
}

// TestCrashSafety kills the server with SIGKILL at random moments while
// clients submit tickets and act on them, restarts it on the same data, and
// checks that nothing acknowledged was lost and that every ticket's event
// log matches its version. GONGZHI_CRASH_KILLS sets the number of kills.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	kills := crashKills(t)
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			data := t.TempDir()
			dsn := ""
			args := []string{"--demo", "--data", data}
			if engine == db.Postgres {
				dsn = dbtest.DSN(t, engine)
				args = append(args, "--db", dsn)
			}
			l := &ledger{tickets: map[string]ack{}}
			rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
			const clients = 6
			subs := make([]*submitter, clients)
			for i := range subs {
				subs[i] = &submitter{name: fmt.Sprintf("crash-%d", i)}
			}
			for round := 1; round <= kills; round++ {
				s := start(t, args...)
				agent, handler := s.login("demo-agent"), s.login("demo-handler")
				tr := &http.Transport{MaxIdleConnsPerHost: clients}
				c := client{http: &http.Client{Transport: tr, Timeout: 20 * time.Second}, base: s.base}
				ctx, cancel := context.WithCancel(context.Background())
				var wg sync.WaitGroup
				errc := make(chan error, clients)
				for i := 0; i < clients; i++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						if err := work(ctx, c, agent, handler, subs[i], l); err != nil {
							errc <- err
						}
					}()
				}
				time.Sleep(time.Duration(100+rng.IntN(301)) * time.Millisecond)
				if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatalf("kill: %v", err)
				}
				s.cmd.Wait()
				cancel()
				wg.Wait()
				tr.CloseIdleConnections()
				close(errc)
				for err := range errc {
					t.Errorf("round %d: %v", round, err)
				}
				n := checkStore(t, dsn, data, l)
				if t.Failed() {
					t.Fatalf("round %d: invariants broken; server log:\n%s", round, s.logs)
				}
				if round == kills || round%10 == 0 {
					l.mu.Lock()
					t.Logf("after %d kills: %d tickets stored, %d acknowledged (%d on a keyed retry after a kill), %d acknowledged actions",
						round, n, len(l.tickets), l.retries, l.actions)
					l.mu.Unlock()
				}
			}
			// The server starts on the crashed data and serves what it acknowledged.
			s := start(t, args...)
			dispatcher := s.login("demo-dispatcher")
			checked := 0
			l.mu.Lock()
			sample := make(map[string]ack)
			for n, a := range l.tickets {
				if checked == 20 {
					break
				}
				sample[n] = a
				checked++
			}
			l.mu.Unlock()
			if len(sample) == 0 {
				t.Fatal("no ticket was acknowledged in any round: the test did not test anything")
			}
			for n, a := range sample {
				got := s.want(s.call("GET", "/api/v1/tickets/"+n, dispatcher, nil), 200, "acknowledged ticket "+n)
				v := int(got.body["version"].(float64))
				if v < a.version {
					t.Errorf("ticket %s: version %d, acknowledged %d", n, v, a.version)
				}
				ev := s.want(s.call("GET", "/api/v1/tickets/"+n+"/events", dispatcher, nil), 200, "events "+n)
				if k := len(ev.body["items"].([]any)); k != v {
					t.Errorf("ticket %s: version %d, %d events", n, v, k)
				}
			}
			s.stop()
		})
	}
}

// TestGracefulShutdown sends SIGTERM while requests are in flight: every
// request that got a response got a whole one, the process exits 0, and
// every acknowledged ticket is stored.
func TestGracefulShutdown(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			data := t.TempDir()
			dsn := ""
			args := []string{"--demo", "--data", data}
			if engine == db.Postgres {
				dsn = dbtest.DSN(t, engine)
				args = append(args, "--db", dsn)
			}
			s := start(t, args...)
			agent, handler := s.login("demo-agent"), s.login("demo-handler")
			l := &ledger{tickets: map[string]ack{}}
			const clients = 8
			tr := &http.Transport{MaxIdleConnsPerHost: clients}
			c := client{http: &http.Client{Transport: tr, Timeout: 30 * time.Second}, base: s.base}
			var wg sync.WaitGroup
			errc := make(chan error, clients)
			for i := 0; i < clients; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					// No cancellation: the clients run until the server stops
					// answering, so requests are in flight at SIGTERM.
					deadline, cancel := context.WithTimeout(context.Background(), 30*time.Second)
					defer cancel()
					sub := &submitter{name: fmt.Sprintf("shutdown-%d", i)}
					if err := workUntilRefused(deadline, c, agent, handler, sub, l); err != nil {
						errc <- err
					}
				}()
			}
			time.Sleep(300 * time.Millisecond)
			l.mu.Lock()
			before := len(l.tickets)
			l.mu.Unlock()
			if before == 0 {
				t.Fatal("no ticket acknowledged before SIGTERM")
			}
			s.cmd.Process.Signal(syscall.SIGTERM)
			done := make(chan error, 1)
			go func() { done <- s.cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("exit after SIGTERM: %v\n%s", err, s.logs)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("gongzhi did not stop on SIGTERM")
			}
			wg.Wait()
			close(errc)
			for err := range errc {
				t.Error(err)
			}
			n := checkStore(t, dsn, data, l)
			t.Logf("%d tickets stored, %d acknowledged (%d before SIGTERM), %d acknowledged actions", n, len(l.tickets), before, l.actions)
		})
	}
}

// workUntilRefused is work that stops at the first request the server does
// not take, and fails on any response that came but was not whole.
func workUntilRefused(ctx context.Context, c client, agent, handler string, sub *submitter, l *ledger) error {
	for ctx.Err() == nil {
		key, ticket := sub.next()
		code, body, err := c.postKeyed(ctx, "/api/v1/tickets", agent, key, ticket)
		if err != nil {
			if code != 0 {
				return fmt.Errorf("submit: %v", err) // a response that was cut short
			}
			return nil // connection refused or closed before a response: shut down
		}
		if code != http.StatusCreated {
			return fmt.Errorf("submit: status %d: %v", code, body)
		}
		sub.pending = ""
		number, status, version, ok := numberOf(body)
		if !ok {
			return fmt.Errorf("submit acknowledged without a ticket: %v", body)
		}
		l.record(number, status, version, false)
		code, body, err = c.post(ctx, "/api/v1/tickets/"+number+"/actions/sign", handler, map[string]any{})
		if err != nil {
			if code != 0 {
				return fmt.Errorf("sign: %v", err)
			}
			return nil
		}
		if code != http.StatusOK {
			return fmt.Errorf("sign %s: status %d: %v", number, code, body)
		}
		if n, st, v, ok := numberOf(body); ok && n == number {
			l.record(n, st, v, true)
		} else {
			return fmt.Errorf("sign %s acknowledged with %v", number, body)
		}
	}
	return nil
}
