package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// oaClient makes requests and checks every answer against the document.
type oaClient struct {
	t        *testing.T
	srv      *httptest.Server
	doc      *oaDoc
	seen     map[string]bool
	statuses map[int]bool
}

func newOAClient(t *testing.T, srv *httptest.Server, doc []byte) *oaClient {
	return &oaClient{t: t, srv: srv, doc: oaLoad(t, doc), seen: map[string]bool{}, statuses: map[int]bool{}}
}

type oaResp struct {
	code int
	h    http.Header
	raw  []byte
	m    map[string]any
}

func (r oaResp) str(k string) string { s, _ := r.m[k].(string); return s }

func (r oaResp) items() []any { l, _ := r.m["items"].([]any); return l }

// oaReq is a request: the path as in the document, its values, and the rest.
type oaReq struct {
	method, path string
	args         []string // values of the path's {parameters}, in order
	query        string
	token        string
	body         any // nil, []byte (sent as is) or a value sent as JSON
	header       map[string]string
	// offDoc marks a request the document does not allow, sent on purpose
	// and refused with a status other than 400 or 413: it is not checked.
	offDoc bool
}

var oaParam = regexp.MustCompile(`\{[a-z_]+\}`)

func (c *oaClient) do(q oaReq) oaResp {
	c.t.Helper()
	n := 0
	url := oaParam.ReplaceAllStringFunc(q.path, func(string) string {
		if n >= len(q.args) {
			c.t.Fatalf("%s %s: too few path values", q.method, q.path)
		}
		n++
		return q.args[n-1]
	})
	if q.query != "" {
		url += "?" + q.query
	}
	var body []byte
	header := http.Header{}
	switch b := q.body.(type) {
	case nil:
	case []byte:
		body = b
	default:
		j, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		body = j
		header.Set("Content-Type", "application/json")
	}
	if q.token != "" {
		header.Set("Authorization", "Bearer "+q.token)
	}
	for k, v := range q.header {
		header.Set(k, v)
	}
	req := c.request(q.method, url, body, header)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	r := oaResp{code: resp.StatusCode, h: resp.Header, raw: raw}
	c.check(q, c.request(q.method, url, body, header), &r)
	return r
}

// request is a request to the test server; made anew for each reader of
// its body.
func (c *oaClient) request(method, url string, body []byte, header http.Header) *http.Request {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, c.srv.URL+url, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header = header.Clone()
	return req
}

// check validates a request and its answer against the document. The
// request is checked unless it was refused as malformed (400, 413) or is
// marked offDoc; one answered 401 is checked without its security.
func (c *oaClient) check(q oaReq, req *http.Request, r *oaResp) {
	c.t.Helper()
	what := fmt.Sprintf("%s %s → %d", q.method, req.URL.RequestURI(), r.code)
	c.seen[q.method+" "+q.path] = true
	c.statuses[r.code] = true
	op := c.doc.operations()[q.method+" "+q.path]
	if op == nil {
		c.t.Errorf("%s: %s %s is not in the document", what, q.method, q.path)
		return
	}
	if r.code != http.StatusBadRequest && r.code != http.StatusRequestEntityTooLarge && !q.offDoc {
		v := c.doc.full
		if r.code == http.StatusUnauthorized {
			v = c.doc.anon
		}
		if ok, errs := v.ValidateHttpRequestSync(req); !ok {
			oaReport(c.t, what+": request", errs)
		}
	}
	resp := &http.Response{StatusCode: r.code, Header: r.h, Body: io.NopCloser(bytes.NewReader(r.raw)), Request: req}
	if ok, errs := c.doc.full.ValidateHttpResponse(req, resp); !ok {
		oaReport(c.t, what+": answer", errs)
	}
	c.conventions(what, op, r)
}

// conventions checks what the validator does not: an answer without
// documented content is empty, a 401 names its scheme, a documented
// operation is routed, a replay is documented.
func (c *oaClient) conventions(what string, op map[string]any, r *oaResp) {
	c.t.Helper()
	responses, _ := op["responses"].(map[string]any)
	documented := c.doc.deref(responses[strconv.Itoa(r.code)])
	if content, _ := documented["content"].(map[string]any); documented != nil && len(content) == 0 && len(r.raw) != 0 {
		c.t.Errorf("%s: the document says no content, got %.200s", what, r.raw)
	}
	if mt, _, _ := mime.ParseMediaType(r.h.Get("Content-Type")); mt == "application/json" {
		dec := json.NewDecoder(bytes.NewReader(r.raw))
		dec.UseNumber()
		var x any
		if err := dec.Decode(&x); err != nil {
			c.t.Errorf("%s: not JSON: %v", what, err)
		}
		r.m, _ = x.(map[string]any)
	}
	if r.code == http.StatusUnauthorized && !strings.HasPrefix(r.h.Get("WWW-Authenticate"), "Bearer") {
		c.t.Errorf("%s: no WWW-Authenticate: Bearer", what)
	}
	if r.code == http.StatusNotFound {
		if e, _ := r.m["error"].(map[string]any); strings.HasPrefix(fmt.Sprint(e["message_en"]), "no such endpoint") {
			c.t.Errorf("%s: the documented operation is not routed", what)
		}
	}
	if r.h.Get("Idempotent-Replayed") != "" {
		if hs, _ := documented["headers"].(map[string]any); hs["Idempotent-Replayed"] == nil {
			c.t.Errorf("%s: Idempotent-Replayed is not documented for this answer", what)
		}
	}
}

func oaWith(m map[string]any, k string, v any) map[string]any {
	out := maps.Clone(m)
	out[k] = v
	return out
}

// want fails the test unless r has the status.
func (c *oaClient) want(r oaResp, code int, what string) oaResp {
	c.t.Helper()
	if r.code != code {
		c.t.Fatalf("%s: %d, want %d: %.400s", what, r.code, code, r.raw)
	}
	return r
}

func oaPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range 64 * 48 {
		img.Set(i%64, i/64, color.RGBA{R: uint8(i), G: 120, B: 200, A: 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func oaMultipart(t *testing.T, fields map[string]string, name string, data []byte) ([]byte, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if name != "" {
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	return body.Bytes(), mw.FormDataContentType()
}

// readServed returns the document as the server serves it.
func readServed(srv *httptest.Server) ([]byte, error) {
	resp, err := http.Get(srv.URL + "/api/v1/openapi.json")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

func itoa(n int) string { return strconv.Itoa(n) }
