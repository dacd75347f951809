package main_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// startWith starts c with server settings beyond those of start.
func (c *cluster) startWith(extra string) {
	c.t.Helper()
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c max_connections=100 %s", c.port, c.dir, extra)
	if out, err := c.run("pg_ctl", "-D", c.data(), "-l", filepath.Join(c.dir, "log"), "-w", "-o", opts, "start"); err != nil {
		c.t.Fatalf("pg_ctl start: %v\n%s", err, out)
	}
}

// standbyOf makes a streaming standby of the running primary p with
// pg_basebackup -R, and starts it.
func standbyOf(t *testing.T, p *cluster) *cluster {
	t.Helper()
	dir, err := os.MkdirTemp("", "gongzhi-standby-pg")
	if err != nil {
		t.Fatal(err)
	}
	s := &cluster{t: t, bin: p.bin, dir: dir, port: freePort(t), asPostgres: p.asPostgres}
	if s.asPostgres {
		u, _ := user.Lookup("postgres")
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		s.run("pg_ctl", "-D", s.data(), "-m", "immediate", "stop")
		os.RemoveAll(dir)
	})
	if out, err := s.run("pg_basebackup", "-h", "127.0.0.1", "-p", strconv.Itoa(p.port), "-U", "postgres",
		"-D", s.data(), "-R", "-X", "stream", "-c", "fast"); err != nil {
		t.Fatalf("pg_basebackup: %v\n%s", err, out)
	}
	s.startWith("-c hot_standby=on")
	return s
}

func listNumbers(t *testing.T, s *server, token string) map[string]bool {
	t.Helper()
	rep := s.want(s.call("GET", "/api/v1/tickets?limit=20", token, nil), 200, "list tickets")
	out := map[string]bool{}
	items, _ := rep.body["items"].([]any)
	for _, it := range items {
		if m, ok := it.(map[string]any); ok {
			n, _ := m["number"].(string)
			out[n] = true
		}
	}
	return out
}

func sqlExec(t *testing.T, dsn, q string) {
	t.Helper()
	c, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Exec(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// TestPostgresFailover runs gongzhi on a primary with a synchronous
// standby that is also its read replica, through a DSN naming both servers
// with target_session_attrs=read-write. Lists are read from the replica,
// but a caller sees her own new ticket at once, and a replica lagging past
// --db-read-max-lag is not read. Then, under load, the primary is killed
// and the standby promoted with pg_ctl promote: gongzhi answers 503 with
// Retry-After meanwhile, reconnects by itself, and every ticket number
// acknowledged is in the new primary, and no other.
func TestPostgresFailover(t *testing.T) {
	if os.Getenv("GONGZHI_TEST_PG_REPLICAS") != "1" {
		t.Skip("GONGZHI_TEST_PG_REPLICAS is not 1: the failover test (a primary and a standby of its own) is skipped")
	}
	p := newCluster(t)
	t0 := time.Now()
	p.startWith("-c wal_level=replica -c synchronous_standby_names='*' -c synchronous_commit=on")
	s := standbyOf(t, p)
	dsn := fmt.Sprintf("postgres://postgres@127.0.0.1:%d,127.0.0.1:%d/postgres?sslmode=disable&target_session_attrs=read-write", p.port, s.port)
	g := startGongzhi(t, "--demo", "--db", dsn, "--db-read", s.dsn(), "--db-read-max-lag", "2s", "--db-timeout", "2s", "--no-worker")
	base := servingRE.FindStringSubmatch(g.await(t, "gongzhi serving", 90*time.Second))[1]
	srv := &server{t: t, base: base}
	me, other := srv.login("demo-agent"), srv.login("demo-agent")

	// Replay paused on the replica: the writer sees her ticket at once,
	// another caller reads the replica and does not, until it lags past
	// the bound and the primary answers her too.
	time.Sleep(1500 * time.Millisecond) // a check or two: the replica is healthy
	sqlExec(t, s.dsn(), `SELECT pg_wal_replay_pause()`)
	rep := srv.want(srv.call("POST", "/api/v1/tickets", me, crashTicket), 201, "submit")
	number, _, _, _ := numberOf(rep.body)
	written := time.Now()
	if !listNumbers(t, srv, me)[number] {
		t.Errorf("the caller who submitted %s does not see it in her list", number)
	}
	if time.Since(written) < 2*time.Second && listNumbers(t, srv, other)[number] {
		t.Errorf("another caller sees %s at once though the replica's replay is paused: lists are not read from the replica", number)
	}
	end := time.Now().Add(15 * time.Second)
	for !listNumbers(t, srv, other)[number] {
		if time.Now().After(end) {
			t.Fatalf("another caller does not see %s 15 s after it, with the replica lagging past 2 s", number)
		}
		time.Sleep(200 * time.Millisecond)
	}
	sqlExec(t, s.dsn(), `SELECT pg_wal_replay_resume()`)
	t.Logf("own writes and lag bound: %s", time.Since(t0).Round(time.Millisecond))

	// Failover under load.
	l := &ledger{tickets: map[string]ack{number: {"registered", 1}}}
	subs := make([]*submitter, 4)
	for i := range subs {
		subs[i] = &submitter{name: fmt.Sprintf("failover-%d", i)}
	}
	f := &faultTally{status: map[int]int{}}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { loadUntil(ctx, base, me, subs, l, f); close(done) }()
	waitAcks(t, l, l.acks()+30, 30*time.Second, "before the failover")
	p.kill()
	downAt := time.Now()
	time.Sleep(time.Second)
	if out, err := s.run("pg_ctl", "-D", s.data(), "-w", "promote"); err != nil {
		t.Fatalf("pg_ctl promote: %v\n%s", err, out)
	}
	waitAcks(t, l, l.acks()+30, 30*time.Second, "after the promotion")
	stop()
	<-done
	t.Logf("failover: %s; serving again within %s of the kill", f, time.Since(downAt).Round(time.Millisecond))
	if len(f.bad) > 0 {
		t.Errorf("%d answers neither 201 nor 503, the first: %s", len(f.bad), f.bad[0])
	}
	if f.status[503] == 0 {
		t.Error("no 503 while there was no primary")
	}
	if f.noRetry > 0 || f.noAnswer > 0 {
		t.Errorf("%d 503 without Retry-After, %d requests without an answer", f.noRetry, f.noAnswer)
	}
	// A submission cut off by the stop is sent again with its key, so that
	// every ticket stored is acknowledged.
	for _, sub := range subs {
		if sub.pending == "" {
			continue
		}
		key, body := sub.next()
		j, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", base+"/api/v1/tickets", bytes.NewReader(j))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+me)
		req.Header.Set("Idempotency-Key", key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if n, st, v, ok := numberOf(out); ok && resp.StatusCode < 300 {
			l.record(n, st, v, false)
		} else {
			t.Fatalf("resending %s: status %d", key, resp.StatusCode)
		}
	}
	// The demo's own tickets are there from the start; count the load's.
	got := checkStore(t, s.dsn(), "", l)
	demo := countDemo(t, s.dsn(), l)
	if got-demo != l.acks() {
		t.Errorf("%d tickets stored besides the demo's %d, %d acknowledged", got-demo, demo, l.acks())
	}
	t.Logf("%d tickets acknowledged, all in the promoted standby; %s in all", l.acks(), time.Since(t0).Round(time.Millisecond))
}

// countDemo counts the stored tickets the test did not submit: those
// whose description is not one of its submissions'.
func countDemo(t *testing.T, dsn string, l *ledger) int {
	t.Helper()
	c, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var n int
	prefix := strings.SplitN(crashTicket["description"].(string), "：", 2)[0]
	if err := c.QueryRow(`SELECT COUNT(*) FROM tickets WHERE description NOT LIKE $1`, prefix+"%").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
