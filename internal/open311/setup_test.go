package open311_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/demo"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/idem"
	"github.com/gongzhi/gongzhi/internal/open311"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// env is the demo district served over Open311 the way app wiring would.
type env struct {
	t       testing.TB
	clock   *clock.Fixed
	auth    *auth.Service
	tickets *ticket.Service
	srv     *httptest.Server
	o       *open311.Server
	admin   auth.User
	// appKey acts as a service account of the hotline centre (a reporting
	// app); deptKey as the urban-management department's handler (its own
	// system, for two-way sync).
	appKey, deptKey  string
	dept, dispatcher auth.User
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func login(t testing.TB, a *auth.Service, username string) auth.User {
	t.Helper()
	s, err := a.Login(context.Background(), username, demo.Password, auth.KindAPI)
	must(t, err)
	return s.User
}

func setup(t testing.TB, d *db.DB) *env {
	t.Helper()
	ctx := context.Background()
	c := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.FixedZone("CST", 8*3600)))
	g := gov.NewService(d, c)
	a := auth.NewService(d, c, g, nil, auth.Options{BcryptCost: 4, Demo: true})
	ts := ticket.NewService(d, c, g, nil)
	if _, err := demo.Load(ctx, d, g, a, ts, nil); err != nil {
		t.Fatal(err)
	}
	must(t, open311.DemoAttributes(ctx, ts))
	admin, err := a.CreateUser(ctx, auth.System(), auth.NewUser{Username: "admin", Password: "lantern-river-42", Role: auth.RoleAdmin})
	must(t, err)
	app, err := a.CreateUser(ctx, auth.System(), auth.NewUser{Username: "svc-open311-app", Password: "not-used-password", Name: "Open311 应用",
		Role: auth.RoleHandler, OrgCode: demo.OrgHotline, AreaCode: demo.DistrictCode})
	must(t, err)
	e := &env{t: t, clock: c, auth: a, tickets: ts, admin: admin}
	e.appKey, _, err = a.CreateAPIKey(ctx, admin, "reporting app", app.ID)
	must(t, err)
	e.dept = login(t, a, "demo-handler-dept")
	e.dispatcher = login(t, a, "demo-dispatcher")
	e.deptKey, _, err = a.CreateAPIKey(ctx, admin, "城管委业务系统", e.dept.ID)
	must(t, err)
	e.o = open311.New(open311.Deps{Tickets: ts, Auth: a, Gov: g, Idem: idem.NewStore(d), Jurisdiction: "pinggu.gov.cn", BaseURL: "https://gongzhi.example.gov.cn/"})
	mux := http.NewServeMux()
	e.o.Routes(mux)
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	return e
}

// response is an answer as a client sees it.
type response struct {
	status int
	ctype  string
	body   []byte
	// replayed is set when the answer is a stored first answer.
	replayed bool
}

func (e *env) get(path string) response {
	e.t.Helper()
	res, err := http.Get(e.srv.URL + path)
	must(e.t, err)
	return read(e.t, res)
}

func (e *env) post(path string, form url.Values) response {
	e.t.Helper()
	return e.postKeyed(path, "", form)
}

// postKeyed posts with an Idempotency-Key when key is not empty.
func (e *env) postKeyed(path, key string, form url.Values) response {
	e.t.Helper()
	req, err := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(form.Encode()))
	must(e.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := http.DefaultClient.Do(req)
	must(e.t, err)
	r := read(e.t, res)
	r.replayed = res.Header.Get("Idempotent-Replayed") == "true"
	return r
}

func read(t testing.TB, res *http.Response) response {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	must(t, err)
	return response{status: res.StatusCode, ctype: res.Header.Get("Content-Type"), body: b}
}

// list decodes a JSON array of objects.
func (r response) list(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatalf("not a JSON array of objects: %v\n%s", err, r.body)
	}
	return out
}

// node is an XML element, for checking shapes without a schema.
type node struct {
	XMLName  xml.Name
	Children []node `xml:",any"`
	Text     string `xml:",chardata"`
}

func (n node) child(name string) (node, bool) {
	for _, c := range n.Children {
		if c.XMLName.Local == name {
			return c, true
		}
	}
	return node{}, false
}

func (n node) names() []string {
	out := make([]string, len(n.Children))
	for i, c := range n.Children {
		out[i] = c.XMLName.Local
	}
	return out
}

func (r response) xml(t *testing.T) node {
	t.Helper()
	if !strings.HasPrefix(string(r.body), `<?xml version="1.0" encoding="utf-8"?>`) {
		t.Fatalf("XML answer without the declaration:\n%s", r.body)
	}
	var n node
	if err := xml.Unmarshal(r.body, &n); err != nil {
		t.Fatalf("not XML: %v\n%s", err, r.body)
	}
	return n
}

const (
	ctypeJSON = "application/json"
	ctypeXML  = "text/xml"
)

func ctypeOf(format string) string {
	if format == "json" {
		return ctypeJSON
	}
	return ctypeXML
}

// wantError checks the specified error shape and status.
func wantError(t *testing.T, r response, format string, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d\n%s", r.status, status, r.body)
	}
	if r.ctype != ctypeOf(format) {
		t.Fatalf("content type %q, want %q", r.ctype, ctypeOf(format))
	}
	if format == "json" {
		var errs []map[string]any
		if err := json.Unmarshal(r.body, &errs); err != nil || len(errs) == 0 {
			t.Fatalf("error body is not [{code, description}]: %s", r.body)
		}
		for _, e := range errs {
			code, ok := e["code"].(float64)
			desc, ok2 := e["description"].(string)
			if !ok || !ok2 || int(code) != status || desc == "" || len(e) != 2 {
				t.Fatalf("error %v is not {code: %d, description: text}", e, status)
			}
		}
		return
	}
	n := r.xml(t)
	if n.XMLName.Local != "errors" || len(n.Children) == 0 {
		t.Fatalf("error body is not <errors><error>…: %s", r.body)
	}
	for _, e := range n.Children {
		code, ok1 := e.child("code")
		desc, ok2 := e.child("description")
		if e.XMLName.Local != "error" || !ok1 || !ok2 || code.Text != strconv.Itoa(status) || strings.TrimSpace(desc.Text) == "" {
			t.Fatalf("bad <error>: %s", r.body)
		}
	}
}

func mustJSON(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
}
