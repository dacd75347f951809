package main_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The fault tests run gongzhi against a PostgreSQL cluster of their own,
// made with initdb in a temporary folder, and take it down under load:
// killed, frozen with SIGSTOP, absent when gongzhi starts. They need the
// PostgreSQL server programs (initdb, pg_ctl), and run as root only
// through su to the postgres user; GONGZHI_TEST_PG_FAULTS=1 turns them on
// (CI sets it), GONGZHI_TEST_PG_BIN names the programs' folder when it is
// not the newest /usr/lib/postgresql/*/bin.

// cluster is a throwaway PostgreSQL server.
type cluster struct {
	t          *testing.T
	bin, dir   string
	port       int
	asPostgres bool // run the programs as the postgres user (the test runs as root)
}

func newCluster(t *testing.T) *cluster {
	t.Helper()
	if os.Getenv("GONGZHI_TEST_PG_FAULTS") != "1" {
		t.Skip("GONGZHI_TEST_PG_FAULTS is not 1: the PostgreSQL fault tests (a cluster of their own, killed and frozen) are skipped")
	}
	bin := os.Getenv("GONGZHI_TEST_PG_BIN")
	if bin == "" {
		dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
		sort.Slice(dirs, func(i, j int) bool {
			a, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
			b, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
			return a < b
		})
		if len(dirs) > 0 {
			bin = dirs[len(dirs)-1]
		}
	}
	if _, err := os.Stat(filepath.Join(bin, "initdb")); err != nil {
		t.Fatalf("no initdb in %q: install PostgreSQL or set GONGZHI_TEST_PG_BIN: %v", bin, err)
	}
	dir, err := os.MkdirTemp("", "gongzhi-faults-pg")
	if err != nil {
		t.Fatal(err)
	}
	c := &cluster{t: t, bin: bin, dir: dir, port: freePort(t), asPostgres: os.Geteuid() == 0}
	if c.asPostgres {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root needs the postgres user: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		c.signal(syscall.SIGCONT)
		c.run("pg_ctl", "-D", c.data(), "-m", "immediate", "stop")
		os.RemoveAll(dir)
	})
	if out, err := c.run("initdb", "-D", c.data(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	return c
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func (c *cluster) data() string { return filepath.Join(c.dir, "data") }

func (c *cluster) dsn() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

// run runs one of the server programs, as the postgres user when root.
func (c *cluster) run(prog string, args ...string) ([]byte, error) {
	argv := append([]string{filepath.Join(c.bin, prog)}, args...)
	var cmd *exec.Cmd
	if c.asPostgres {
		q := make([]string, len(argv))
		for i, a := range argv {
			q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		cmd = exec.Command("su", "postgres", "-s", "/bin/sh", "-c", strings.Join(q, " "))
	} else {
		cmd = exec.Command(argv[0], argv[1:]...)
	}
	return cmd.CombinedOutput()
}

func (c *cluster) start() {
	c.t.Helper()
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c max_connections=100", c.port, c.dir)
	if out, err := c.run("pg_ctl", "-D", c.data(), "-l", filepath.Join(c.dir, "log"), "-w", "-o", opts, "start"); err != nil {
		c.t.Fatalf("pg_ctl start: %v\n%s", err, out)
	}
}

// kill stops the server the way a crash does: every process at once, no
// checkpoint; it recovers from its log at the next start.
func (c *cluster) kill() {
	c.t.Helper()
	if out, err := c.run("pg_ctl", "-D", c.data(), "-m", "immediate", "stop"); err != nil {
		c.t.Fatalf("pg_ctl stop: %v\n%s", err, out)
	}
}

// signal sends sig to the postmaster and each of its processes.
func (c *cluster) signal(sig syscall.Signal) int {
	raw, err := os.ReadFile(filepath.Join(c.data(), "postmaster.pid"))
	if err != nil {
		return 0
	}
	pm, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(raw), "\n", 2)[0]))
	if err != nil {
		return 0
	}
	pids := []int{pm}
	procs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range procs {
		st, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		// pid (comm) state ppid …; comm may hold spaces, so read after ')'.
		s := string(st)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) > 1 && f[1] == strconv.Itoa(pm) {
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(p)))
			pids = append(pids, pid)
		}
	}
	for _, pid := range pids {
		syscall.Kill(pid, sig)
	}
	return len(pids)
}

// gongzhiProcess is a gongzhi serve whose log lines can be waited for.
type gongzhiProcess struct {
	cmd   *exec.Cmd
	mu    sync.Mutex
	logs  bytes.Buffer
	lines chan string
}

func startGongzhi(t *testing.T, args ...string) *gongzhiProcess {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), "GONGZHI_ADMIN_PASSWORD=lantern-river-42")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	g := &gongzhiProcess{cmd: cmd, lines: make(chan string, 1024)}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			g.mu.Lock()
			g.logs.WriteString(sc.Text() + "\n")
			g.mu.Unlock()
			select {
			case g.lines <- sc.Text():
			default:
			}
		}
		close(g.lines)
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	return g
}

func (g *gongzhiProcess) log() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.logs.String()
}

// await returns the first log line holding want, or fails after limit.
func (g *gongzhiProcess) await(t *testing.T, want string, limit time.Duration) string {
	t.Helper()
	timeout := time.After(limit)
	for {
		select {
		case line, ok := <-g.lines:
			if !ok {
				t.Fatalf("gongzhi exited before logging %q:\n%s", want, g.log())
			}
			if strings.Contains(line, want) {
				return line
			}
		case <-timeout:
			t.Fatalf("gongzhi did not log %q within %s:\n%s", want, limit, g.log())
		}
	}
}

// faultTally counts the answers of a load while the database fails.
type faultTally struct {
	mu       sync.Mutex
	status   map[int]int
	noRetry  int           // 503 without Retry-After
	noAnswer int           // no complete answer within the client's timeout
	slowest  time.Duration // the longest wait for an answer
	bad      []string      // answers that are neither success nor 503
}

func (f *faultTally) String() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return fmt.Sprintf("statuses %v, 503 without Retry-After %d, no answer %d, slowest %s", f.status, f.noRetry, f.noAnswer, f.slowest.Round(time.Millisecond))
}

// loadUntil submits tickets with Idempotency-Keys from several clients until
// ctx ends, each retrying an unacknowledged one with its key, and records
// every acknowledged ticket in l and every answer in f.
func loadUntil(ctx context.Context, base, token string, subs []*submitter, l *ledger, f *faultTally) {
	var wg sync.WaitGroup
	for _, sub := range subs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hc := &http.Client{Timeout: 30 * time.Second}
			for ctx.Err() == nil {
				key, body := sub.next()
				j, _ := json.Marshal(body)
				req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/tickets", bytes.NewReader(j))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Idempotency-Key", key)
				t0 := time.Now()
				resp, err := hc.Do(req)
				took := time.Since(t0)
				if err != nil {
					if ctx.Err() == nil {
						f.mu.Lock()
						f.noAnswer++
						f.mu.Unlock()
					}
					continue
				}
				raw, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				f.mu.Lock()
				f.status[resp.StatusCode]++
				f.slowest = max(f.slowest, took)
				switch resp.StatusCode {
				case http.StatusCreated:
				case http.StatusServiceUnavailable:
					if resp.Header.Get("Retry-After") == "" {
						f.noRetry++
					}
				default:
					f.bad = append(f.bad, fmt.Sprintf("%d %s", resp.StatusCode, raw))
				}
				f.mu.Unlock()
				if resp.StatusCode != http.StatusCreated {
					time.Sleep(50 * time.Millisecond)
					continue
				}
				var out map[string]any
				json.Unmarshal(raw, &out)
				if number, status, version, ok := numberOf(out); ok {
					l.record(number, status, version, false)
				}
				sub.pending = ""
			}
		}()
	}
	wg.Wait()
}

// acks is the number of acknowledged tickets so far.
func (l *ledger) acks() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.tickets)
}

// waitAcks waits until the ledger holds at least n tickets, or fails after limit.
func waitAcks(t *testing.T, l *ledger, n int, limit time.Duration, what string) {
	t.Helper()
	end := time.Now().Add(limit)
	for l.acks() < n {
		if time.Now().After(end) {
			t.Fatalf("%s: %d tickets acknowledged after %s, want %d", what, l.acks(), limit, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestPostgresFaults: gongzhi starts before its PostgreSQL and waits for it;
// under load, the server is killed and restarted, then frozen and thawed.
// While it is down or frozen every answer is a 503 with Retry-After (never a
// 500 or 400, never a hang past the timeout), service resumes by itself,
// and nothing acknowledged is lost.
func TestPostgresFaults(t *testing.T) {
	c := newCluster(t)
	t0 := time.Now()
	const dbTimeout = 2 * time.Second

	// Absent at start: gongzhi waits, trying again, and serves once it is up.
	g := startGongzhi(t, "--demo", "--db", c.dsn(), "--db-timeout", dbTimeout.String(), "--no-worker")
	g.await(t, "the database cannot be reached yet", 20*time.Second)
	g.await(t, "the database cannot be reached yet", 20*time.Second)
	c.start()
	m := servingRE.FindStringSubmatch(g.await(t, "gongzhi serving", 90*time.Second))
	base := m[1]
	t.Logf("started after waiting for PostgreSQL: %s", time.Since(t0).Round(time.Millisecond))

	s := &server{t: t, base: base}
	token := s.login("demo-agent")
	l := &ledger{tickets: map[string]ack{}}
	subs := make([]*submitter, 4)
	for i := range subs {
		subs[i] = &submitter{name: fmt.Sprintf("fault-%d", i)}
	}
	phase := func(name string, fault, heal func(), during time.Duration) *faultTally {
		t.Helper()
		f := &faultTally{status: map[int]int{}}
		ctx, stop := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { loadUntil(ctx, base, token, subs, l, f); close(done) }()
		waitAcks(t, l, l.acks()+20, 30*time.Second, name+": before the fault")
		fault()
		time.Sleep(during)
		heal()
		waitAcks(t, l, l.acks()+20, 60*time.Second, name+": after the fault")
		stop()
		<-done
		t.Logf("%s: %s", name, f)
		if len(f.bad) > 0 {
			t.Errorf("%s: %d answers neither 201 nor 503, the first: %s", name, len(f.bad), f.bad[0])
		}
		if f.status[503] == 0 {
			t.Errorf("%s: no 503 while the database was down", name)
		}
		if f.noRetry > 0 || f.noAnswer > 0 {
			t.Errorf("%s: %d 503 without Retry-After, %d requests without an answer in 30 s", name, f.noRetry, f.noAnswer)
		}
		return f
	}

	phase("killed", c.kill, c.start, 3*time.Second)

	// A request that waited for the whole freeze would have hung; each must
	// end with the database timeout (and a connection attempt or two).
	freeze := 5 * dbTimeout
	f := phase("frozen", func() {
		if n := c.signal(syscall.SIGSTOP); n < 2 {
			t.Fatalf("stopped %d processes of the cluster", n)
		}
	}, func() { c.signal(syscall.SIGCONT) }, freeze)
	if f.slowest >= freeze {
		t.Errorf("frozen: a request waited %s, as long as the freeze", f.slowest)
	}

	// A server that refuses the credentials is not waited for.
	bad := exec.Command(binary, "serve", "--addr", "127.0.0.1:0", "--db", strings.Replace(c.dsn(), "postgres@", "nobody@", 1))
	out, err := bad.CombinedOutput()
	if err == nil || strings.Contains(string(out), "cannot be reached yet") || !strings.Contains(string(out), "nobody") {
		t.Errorf("gongzhi with a role the server does not know: %v\n%s", err, out)
	}

	if got := checkStore(t, c.dsn(), "", l); got < l.acks() {
		t.Errorf("%d tickets stored, %d acknowledged", got, l.acks())
	}
	t.Logf("%d tickets acknowledged, none lost; %s in all", l.acks(), time.Since(t0).Round(time.Millisecond))
}
