package main_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gongzhi-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "gongzhi")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build gongzhi: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is a running gongzhi binary.
type server struct {
	t    *testing.T
	cmd  *exec.Cmd
	base string
	logs *bytes.Buffer
}

var servingRE = regexp.MustCompile(`msg="gongzhi serving" addr=(http://[0-9.:]+)`)

func start(t *testing.T, args ...string) *server {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), "GONGZHI_ADMIN_PASSWORD=lantern-river-42")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	cmd.Stdout = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{t: t, cmd: cmd, logs: logs}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			logs.WriteString(line + "\n")
			if m := servingRE.FindStringSubmatch(line); m != nil && !sent {
				found <- m[1]
				sent = true
			}
		}
		if !sent {
			close(found)
		}
	}()
	select {
	case base, ok := <-found:
		if !ok {
			t.Fatalf("gongzhi exited before serving:\n%s", logs)
		}
		s.base = base
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("gongzhi did not start:\n%s", logs)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return s
}

// stop sends SIGTERM and expects a clean exit.
func (s *server) stop() {
	s.t.Helper()
	s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			s.t.Fatalf("gongzhi did not exit cleanly on SIGTERM: %v\n%s", err, s.logs)
		}
	case <-time.After(20 * time.Second):
		s.t.Fatal("gongzhi did not stop on SIGTERM")
	}
}

type reply struct {
	status int
	body   map[string]any
	raw    []byte
}

func (s *server) call(method, path, token string, body any) reply {
	s.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		r = bytes.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		r = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, s.base+path, r)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := reply{status: resp.StatusCode, raw: raw}
	json.Unmarshal(raw, &out.body)
	return out
}

func (s *server) want(rep reply, status int, what string) reply {
	s.t.Helper()
	if rep.status != status {
		s.t.Fatalf("%s: status %d, want %d: %s", what, rep.status, status, rep.raw)
	}
	return rep
}

// wantError checks the status and the error body of a refused call.
func (s *server) wantError(rep reply, status int, code, what string) {
	s.t.Helper()
	s.want(rep, status, what)
	e, _ := rep.body["error"].(map[string]any)
	if e == nil || e["code"] != code || e["message"] == "" || e["message_en"] == "" {
		s.t.Fatalf("%s: error body %s, want code %s with both messages", what, rep.raw, code)
	}
}

func (s *server) login(username string) string {
	s.t.Helper()
	rep := s.want(s.call("POST", "/api/v1/auth/token", "", map[string]string{"username": username, "password": "gongzhi-demo"}), 200, "login "+username)
	return rep.body["token"].(string)
}

func TestEndToEnd(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			args := []string{"--demo", "--data", t.TempDir()}
			if engine == "postgres" {
				args = append(args, "--db", dbtest.DSN(t, engine))
			}
			s := start(t, args...)
			walkLoop(t, s)
			s.stop()
			// A second start finds the demo loaded and the data kept.
			s2 := start(t, args...)
			s2.want(s2.call("GET", "/healthz", "", nil), 200, "healthz after restart")
			s2.stop()
		})
	}
}

func walkLoop(t *testing.T, s *server) {
	s.want(s.call("GET", "/healthz", "", nil), 200, "healthz")
	areas := s.want(s.call("GET", "/api/v1/areas?parent=110117", "", nil), 200, "areas")
	if n := len(areas.body["items"].([]any)); n != 18 {
		t.Fatalf("平谷区 has %d streets, want 18", n)
	}

	// The resident logs in with a one-time code, shown in demo mode.
	code := s.want(s.call("POST", "/api/v1/auth/code", "", map[string]string{"phone": "13800138000"}), 202, "code")
	devCode, _ := code.body["dev_code"].(string)
	if len(devCode) != 6 {
		t.Fatalf("dev_code in demo mode: %s", code.raw)
	}
	s.wantError(s.call("POST", "/api/v1/auth/token", "", map[string]string{"phone": "13800138000", "code": "000000x"}), 401, "unauthorized", "wrong code")
	tok := s.want(s.call("POST", "/api/v1/auth/token", "", map[string]string{"phone": "13800138000", "code": devCode}), 200, "code login")
	resident := tok.body["token"].(string)
	if u := tok.body["user"].(map[string]any); u["role"] != "resident" {
		t.Fatalf("resident token user: %v", u)
	}

	good := map[string]any{"kind": "complaint", "category_code": "0101", "description": "金谷东园小区北门垃圾堆积多日，气味很大",
		"area_code": "110117001001", "address": "金谷东园北门", "reporter_name": "王芳", "confidential": false}
	// Bad input gets a clear error and leaves nothing behind.
	bad := []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"empty description", with(good, "description", ""), 400, "invalid"},
		{"10,000-character description", with(good, "description", strings.Repeat("脏", 10000)), 400, "invalid"},
		{"unknown category", with(good, "category_code", "9999"), 400, "invalid"},
		{"unknown area", with(good, "area_code", "110117999999"), 400, "invalid"},
		{"malformed JSON", []byte(`{"kind": "complaint",`), 400, "invalid"},
		{"wrong type", []byte(`{"lat": "north"}`), 400, "invalid"},
		{"2 MB body", []byte(`{"description":"` + strings.Repeat("a", 2<<20) + `"}`), 413, "too_large"},
	}
	for _, b := range bad {
		s.wantError(s.call("POST", "/api/v1/tickets", resident, b.body), b.status, b.code, b.name)
	}
	mine := s.want(s.call("GET", "/api/v1/tickets", resident, nil), 200, "my tickets")
	if n := len(mine.body["items"].([]any)); n != 0 {
		t.Fatalf("bad submissions left %d tickets", n)
	}

	created := s.want(s.call("POST", "/api/v1/tickets", resident, good), 201, "submit")
	number := created.body["number"].(string)
	if created.body["status"] != "dispatched" || created.body["assigned_org_code"] != "110117001-SO" {
		t.Fatalf("automatic dispatch to 滨河街道办事处: %s", created.raw)
	}
	path := "/api/v1/tickets/" + number

	handler := s.login("demo-handler")
	otherUnit := s.login("demo-handler-dept")
	dispatcher := s.login("demo-dispatcher")

	s.wantError(s.call("POST", path+"/actions/sign", resident, nil), 403, "forbidden", "resident signs")
	s.wantError(s.call("POST", path+"/actions/sign", otherUnit, nil), 403, "forbidden", "other unit signs")
	s.wantError(s.call("POST", path+"/actions/reply", handler, map[string]any{"reply_text": "好", "resolved": true}), 409, "conflict", "reply before sign")
	s.wantError(s.call("POST", path+"/actions/sign", "", nil), 401, "unauthorized", "no token")
	s.wantError(s.call("POST", path+"/actions/fly", handler, nil), 404, "not_found", "unknown action")

	s.want(s.call("POST", path+"/actions/sign", handler, map[string]any{}), 200, "sign")
	s.want(s.call("POST", path+"/actions/contact", handler, map[string]any{"note": "已电话联系王女士"}), 200, "contact")
	s.wantError(s.call("POST", path+"/actions/reply", handler, map[string]any{"reply_text": "已清运"}), 400, "invalid", "reply without resolved")
	s.want(s.call("POST", path+"/actions/reply", handler, map[string]any{"reply_text": "已协调环卫所清运，并增加清运频次", "resolved": true}), 200, "reply")
	seen := s.want(s.call("GET", path, dispatcher, nil), 200, "dispatcher reads")
	if seen.body["reporter_phone"] != "13800138000" {
		t.Fatalf("dispatcher sees a non-confidential reporter in full: %v", seen.body["reporter_phone"])
	}
	s.wantError(s.call("POST", path+"/actions/rate", resident, map[string]any{"resolved": true, "satisfaction": "delighted"}), 400, "invalid", "bad satisfaction")
	rated := s.want(s.call("POST", path+"/actions/rate", resident, map[string]any{"resolved": true, "satisfaction": "satisfied", "comment": "处理及时"}), 200, "rate")
	if rated.body["status"] != "closed" {
		t.Fatalf("rated ticket is closed: %s", rated.raw)
	}
	rating := rated.body["rating"].(map[string]any)
	if rating["satisfaction"] != "satisfied" || rating["resolved"] != true {
		t.Fatalf("rating: %v", rating)
	}
	for _, k := range []string{"created_at", "dispatched_at", "signed_at", "contacted_at", "replied_at", "closed_at", "due_sign_at", "due_contact_at", "due_complete_at"} {
		v, _ := rated.body[k].(string)
		if _, err := time.Parse(time.RFC3339, v); err != nil || !strings.HasSuffix(v, "+08:00") {
			t.Fatalf("%s = %q, want RFC 3339 in +08:00", k, v)
		}
	}
	s.wantError(s.call("POST", path+"/actions/close", dispatcher, nil), 409, "conflict", "close a closed ticket")

	events := s.want(s.call("GET", path+"/events", resident, nil), 200, "events")
	var actions []string
	for _, e := range events.body["items"].([]any) {
		actions = append(actions, e.(map[string]any)["action"].(string))
	}
	if got := strings.Join(actions, " "); got != "create dispatch sign contact reply rate" {
		t.Fatalf("timeline: %s", got)
	}

	// A ticket with no catalogue rule waits in the queue; the dispatcher sends it.
	queued := s.want(s.call("POST", "/api/v1/tickets", "", map[string]any{"kind": "help", "category_code": "0405",
		"description": "整栋楼停电两小时", "area_code": "110117002001", "reporter_phone": "13912345678", "confidential": true}), 201, "guest submit")
	qn := queued.body["number"].(string)
	if queued.body["status"] != "registered" {
		t.Fatalf("no rule: queue: %s", queued.raw)
	}
	queue := s.want(s.call("GET", "/api/v1/tickets?status=registered&limit=10", dispatcher, nil), 200, "queue")
	if items := queue.body["items"].([]any); len(items) != 1 || items[0].(map[string]any)["reporter_phone"] != "139****5678" {
		t.Fatalf("queue with masked phone: %s", queue.raw)
	}
	s.want(s.call("POST", "/api/v1/tickets/"+qn+"/actions/dispatch", dispatcher, map[string]any{"org_code": "110117002-SO", "note": "请属地街道协调供电公司"}), 200, "dispatch")
	s.wantError(s.call("GET", "/api/v1/tickets/"+qn, resident, nil), 404, "not_found", "someone else's ticket")
	s.want(s.call("POST", "/api/v1/tickets/"+qn+"/actions/close", dispatcher, map[string]any{"note": "已恢复供电"}), 200, "dispatcher closes")

	// Only the admin creates users.
	admin := s.want(s.call("POST", "/api/v1/auth/token", "", map[string]string{"username": "admin", "password": "lantern-river-42"}), 200, "admin login").body["token"].(string)
	nu := map[string]any{"username": "zhang.wei", "password": "a-long-password", "name": "张伟", "role": "handler", "org_code": "110117-D01", "area_code": "110117"}
	s.wantError(s.call("POST", "/api/v1/users", dispatcher, nu), 403, "forbidden", "dispatcher creates user")
	s.want(s.call("POST", "/api/v1/users", admin, nu), 201, "admin creates user")
	s.wantError(s.call("POST", "/api/v1/users", admin, nu), 409, "conflict", "same username again")
	s.wantError(s.call("POST", "/api/v1/users", admin, with(nu, "role", "emperor")), 400, "invalid", "unknown role")
}

func with(m map[string]any, k string, v any) map[string]any {
	out := map[string]any{}
	for kk, vv := range m {
		out[kk] = vv
	}
	out[k] = v
	return out
}
