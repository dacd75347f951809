package db_test

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
)

// The replica test makes a primary and a streaming replica of its own
// (initdb, pg_basebackup -R, pg_ctl) on loopback. GONGZHI_TEST_PG_REPLICAS=1
// turns it on (CI sets it); GONGZHI_TEST_PG_BIN names the programs' folder
// when it is not the newest /usr/lib/postgresql/*/bin. Run as root, the
// programs run as the postgres user.

type pgServer struct {
	t        *testing.T
	bin, dir string
	port     int
	asPG     bool
}

func pgPrograms(t *testing.T) (string, bool) {
	t.Helper()
	if os.Getenv("GONGZHI_TEST_PG_REPLICAS") != "1" {
		t.Skip("GONGZHI_TEST_PG_REPLICAS is not 1: the read replica test (a primary and a replica of its own) is skipped")
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
	if _, err := os.Stat(filepath.Join(bin, "pg_basebackup")); err != nil {
		t.Skipf("no PostgreSQL programs in %q (set GONGZHI_TEST_PG_BIN): %v", bin, err)
	}
	asPG := os.Geteuid() == 0
	if asPG {
		if _, err := user.Lookup("postgres"); err != nil {
			t.Skipf("running as root needs the postgres user: %v", err)
		}
	}
	return bin, asPG
}

// newPGServer makes an empty folder for a server, owned by postgres.
func newPGServer(t *testing.T, bin string, asPG bool) *pgServer {
	t.Helper()
	dir, err := os.MkdirTemp("", "gongzhi-replica-pg")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	s := &pgServer{t: t, bin: bin, dir: dir, port: port, asPG: asPG}
	if asPG {
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
	return s
}

func (s *pgServer) data() string { return filepath.Join(s.dir, "data") }

func (s *pgServer) dsn() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", s.port)
}

func (s *pgServer) run(prog string, args ...string) ([]byte, error) {
	argv := append([]string{filepath.Join(s.bin, prog)}, args...)
	var cmd *exec.Cmd
	if s.asPG {
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

func (s *pgServer) must(prog string, args ...string) {
	s.t.Helper()
	if out, err := s.run(prog, args...); err != nil {
		s.t.Fatalf("%s %v: %v\n%s", prog, args, err, out)
	}
}

func (s *pgServer) start(extra string) {
	s.t.Helper()
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c max_connections=100 %s", s.port, s.dir, extra)
	s.must("pg_ctl", "-D", s.data(), "-l", filepath.Join(s.dir, "log"), "-w", "-o", opts, "start")
}

// newReplicaPair starts a primary and a streaming replica of it.
func newReplicaPair(t *testing.T) (primary, standby *pgServer) {
	bin, asPG := pgPrograms(t)
	primary = newPGServer(t, bin, asPG)
	primary.must("initdb", "-D", primary.data(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8")
	primary.start("-c wal_level=replica")
	standby = newPGServer(t, bin, asPG)
	standby.must("pg_basebackup", "-h", "127.0.0.1", "-p", strconv.Itoa(primary.port), "-U", "postgres",
		"-D", standby.data(), "-R", "-X", "stream", "-c", "fast")
	standby.start("-c hot_standby=on")
	return primary, standby
}

func inRecovery(t *testing.T, q *sql.DB) bool {
	t.Helper()
	var r bool
	if err := q.QueryRow(`SELECT pg_is_in_recovery()`).Scan(&r); err != nil {
		t.Fatal(err)
	}
	return r
}

// waitFor polls cond every 50 ms, failing after limit.
func waitFor(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	end := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("%s: not within %s", what, limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func healthy(d *db.DB) bool {
	st, _ := d.Replicas()
	return len(st) == 1 && st[0].Healthy
}

// TestReadReplica: reads go to a replica that is up and close behind; a
// caller who has just written reads from the primary until the replica has
// replayed her write; a replica that lags past the bound, or is stopped,
// is not read.
func TestReadReplica(t *testing.T) {
	primary, standby := newReplicaPair(t)
	ctx := context.Background()
	const maxLag, every = time.Second, 100 * time.Millisecond
	d, err := db.OpenWith(ctx, db.Options{DSN: primary.dsn(), Timeout: 5 * time.Second,
		Read: db.ReadOptions{DSNs: db.SplitDSNs(standby.dsn()), MaxLag: maxLag, Every: every}})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.W.Exec(`CREATE TABLE replica_probe (n int PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "replica healthy", 20*time.Second, func() bool { return healthy(d) })

	// A reader who has not written reads from the replica.
	if !inRecovery(t, d.Reader(ctx)) {
		t.Fatal("a read without own writes went to the primary while the replica is healthy")
	}

	// Her own write: seen at once, from the primary, then from the replica
	// once it has replayed it.
	if _, err := d.W.Exec(`INSERT INTO replica_probe VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	mine := db.WithWrote(ctx, time.Now())
	q := d.Reader(mine)
	if inRecovery(t, q) {
		t.Fatal("a caller who has just written read from the replica")
	}
	var n int
	if err := q.QueryRow(`SELECT COUNT(*) FROM replica_probe WHERE n = 1`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("own write: %d rows, %v", n, err)
	}
	waitFor(t, "own write replayed", 10*time.Second, func() bool { return inRecovery(t, d.Reader(mine)) })
	if err := d.Reader(mine).QueryRow(`SELECT COUNT(*) FROM replica_probe WHERE n = 1`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("own write on the replica: %d rows, %v", n, err)
	}

	// Replay paused: an idle primary leaves it healthy, a write makes it
	// lag, and past the bound reads go to the primary.
	sb, err := sql.Open("pgx", standby.dsn())
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	if _, err := sb.Exec(`SELECT pg_wal_replay_pause()`); err != nil {
		t.Fatal(err)
	}
	if _, err := d.W.Exec(`INSERT INTO replica_probe VALUES (2)`); err != nil {
		t.Fatal(err)
	}
	paused := time.Now()
	waitFor(t, "lagging replica left", 10*time.Second, func() bool { return !healthy(d) })
	// Its lag counts from the last position of the primary it replayed,
	// sampled up to one check before the write.
	if lagged := time.Since(paused); lagged < maxLag-every {
		t.Errorf("the replica was left %s after the write, before it lagged by the bound %s", lagged, maxLag)
	}
	if inRecovery(t, d.Reader(ctx)) {
		t.Error("a read went to a replica lagging past the bound")
	}
	if err := d.Reader(ctx).QueryRow(`SELECT COUNT(*) FROM replica_probe`).Scan(&n); err != nil || n != 2 {
		t.Errorf("read while the replica lags: %d rows, %v", n, err)
	}
	if _, err := sb.Exec(`SELECT pg_wal_replay_resume()`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "caught-up replica read again", 10*time.Second, func() bool { return healthy(d) && inRecovery(t, d.Reader(ctx)) })

	// Stopped: reads go to the primary.
	standby.must("pg_ctl", "-D", standby.data(), "-m", "immediate", "stop")
	waitFor(t, "stopped replica left", 10*time.Second, func() bool { return !healthy(d) })
	if inRecovery(t, d.Reader(ctx)) {
		t.Error("a read went to a stopped replica")
	}
	if err := d.Reader(ctx).QueryRow(`SELECT COUNT(*) FROM replica_probe`).Scan(&n); err != nil || n != 2 {
		t.Errorf("read with the replica stopped: %d rows, %v", n, err)
	}
	st, fallback := d.Replicas()
	t.Logf("replica %s: %d reads; %d reads fell back to the primary", st[0].Name, st[0].Reads, fallback)
}

func TestSplitDSNs(t *testing.T) {
	got := db.SplitDSNs("postgres://a@h1:5432/x?sslmode=disable, postgresql://b@h2:1,h3:2/y?target_session_attrs=any,")
	want := []string{"postgres://a@h1:5432/x?sslmode=disable", "postgresql://b@h2:1,h3:2/y?target_session_attrs=any"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("SplitDSNs = %q, want %q", got, want)
	}
}
