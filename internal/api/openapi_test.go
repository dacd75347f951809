package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	vErrors "github.com/pb33f/libopenapi-validator/errors"

	"github.com/gongzhi/gongzhi/internal/api"
)

// The OpenAPI document cannot drift: it is valid OpenAPI 3.1 (checked by
// libopenapi-validator), its paths and methods are those of the route table
// (api.RouteTable) and agree with it on who may call them and which take an
// Idempotency-Key, and a script through every endpoint (TestOpenAPIAnswers)
// checks each real request and answer against it.

// oaDoc is the document as plain JSON, for the project's own conventions,
// and as validators of requests and answers.
type oaDoc struct {
	json map[string]any
	// full checks requests with their security; anon leaves security out,
	// for the requests answered 401 on purpose.
	full, anon validator.Validator
}

func oaLoad(t *testing.T, raw []byte) *oaDoc {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	d := &oaDoc{}
	if err := dec.Decode(&d.json); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	newValidator := func(opts ...config.Option) validator.Validator {
		doc, err := libopenapi.NewDocument(raw)
		if err != nil {
			t.Fatalf("openapi.json: %v", err)
		}
		v, errs := validator.NewValidator(doc, append(opts, config.WithFormatAssertions())...)
		if len(errs) > 0 {
			t.Fatalf("openapi.json: %v", errs)
		}
		return v
	}
	d.full = newValidator()
	d.anon = newValidator(config.WithoutSecurityValidation())
	return d
}

// oaReport writes the validator's findings, each with its place.
func oaReport(t *testing.T, what string, errs []*vErrors.ValidationError) {
	t.Helper()
	for _, e := range errs {
		t.Errorf("%s: %s: %s", what, e.Message, e.Reason)
		for _, s := range e.SchemaValidationErrors {
			t.Errorf("%s:   at %s (%s): %s", what, s.FieldPath, s.KeywordLocation, s.Reason)
		}
	}
}

var oaMethods = []string{"get", "put", "post", "delete", "patch", "head", "options", "trace"}

// operations returns the document's operations by "METHOD /path".
func (d *oaDoc) operations() map[string]map[string]any {
	ops := map[string]map[string]any{}
	paths, _ := d.json["paths"].(map[string]any)
	for path, item := range paths {
		for m, op := range item.(map[string]any) {
			if slices.Contains(oaMethods, m) {
				ops[strings.ToUpper(m)+" "+path], _ = op.(map[string]any)
			}
		}
	}
	return ops
}

// deref follows a local $ref ("#/components/…") to the object it names.
func (d *oaDoc) deref(x any) map[string]any {
	m, _ := x.(map[string]any)
	for range 10 {
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		var cur any = d.json
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			obj, _ := cur.(map[string]any)
			cur = obj[part]
		}
		m, _ = cur.(map[string]any)
	}
	return nil
}

func TestRouteTable(t *testing.T) {
	seen := map[string]bool{}
	for _, rt := range api.RouteTable() {
		k := rt.Method + " " + rt.Path
		if seen[k] {
			t.Errorf("%s twice in the route table", k)
		}
		seen[k] = true
		if !strings.HasPrefix(rt.Path, "/api/v1/") {
			t.Errorf("%s is outside /api/v1", k)
		}
		if rt.Open == rt.Serve || rt.Open != (rt.Access == "anyone") {
			t.Errorf("%s: access %s with open %v, serve %v", k, rt.Access, rt.Open, rt.Serve)
		}
		// Every POST takes an Idempotency-Key; nothing else does.
		if (rt.Method == "POST") != (rt.Key != "") {
			t.Errorf("%s: keying %q", k, rt.Key)
		}
		if rt.Summary == "" {
			t.Errorf("%s has no summary", k)
		}
	}
	if len(seen) < 30 {
		t.Errorf("only %d routes", len(seen))
	}
}

func TestOpenAPIDocument(t *testing.T) {
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	d := oaLoad(t, raw)
	if v, _ := d.json["openapi"].(string); !strings.HasPrefix(v, "3.1.") {
		t.Fatalf("openapi version %q", v)
	}
	if ok, errs := d.full.ValidateDocument(); !ok {
		oaReport(t, "openapi.json", errs)
	}
	ops := d.operations()
	routed := map[string]bool{}
	for _, rt := range api.RouteTable() {
		k := rt.Method + " " + rt.Path
		routed[k] = true
		if op, ok := ops[k]; !ok {
			t.Errorf("route %s is not in openapi.json", k)
		} else {
			d.checkOperation(t, k, rt, op)
		}
	}
	for k := range ops {
		if !routed[k] {
			t.Errorf("openapi.json has %s, which the route table does not route", k)
		}
	}
	ids := map[string]bool{}
	for k, op := range ops {
		id, _ := op["operationId"].(string)
		if id == "" || ids[id] {
			t.Errorf("%s: missing or repeated operationId %q", k, id)
		}
		ids[id] = true
	}
}

var oaPathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// checkOperation compares an operation with its line of the route table:
// the summary, who may call it, the Idempotency-Key, the path parameters.
func (d *oaDoc) checkOperation(t *testing.T, k string, rt api.RouteRow, op map[string]any) {
	t.Helper()
	if s, _ := op["summary"].(string); !strings.HasSuffix(s, "· "+rt.Summary) {
		t.Errorf("%s: summary %q, the route table says %q", k, s, rt.Summary)
	}
	// Anonymous callers: security [] (only them) or [{}, bearerAuth] (both).
	// Otherwise the document's default, a bearer token.
	sec, declared := op["security"].([]any)
	anonymous := declared && (len(sec) == 0 || slices.ContainsFunc(sec, func(x any) bool { m, _ := x.(map[string]any); return len(m) == 0 }))
	if anonymous != (rt.Access == "anyone") {
		t.Errorf("%s: the document's security %v, the route table's access %s", k, op["security"], rt.Access)
	}
	params := map[string]bool{}
	keyed := false
	ps, _ := op["parameters"].([]any)
	for _, p := range ps {
		if m, _ := p.(map[string]any); m["$ref"] == "#/components/parameters/IdempotencyKey" {
			keyed = true
		}
		if pm := d.deref(p); pm["in"] == "path" {
			params[fmt.Sprint(pm["name"])] = true
		}
	}
	if keyed != (rt.Key != "") {
		t.Errorf("%s: the document lists IdempotencyKey %v, the route table's keying is %q", k, keyed, rt.Key)
	}
	for _, sub := range oaPathParam.FindAllStringSubmatch(rt.Path, -1) {
		if !params[sub[1]] {
			t.Errorf("%s: path parameter %s not declared", k, sub[1])
		}
		delete(params, sub[1])
	}
	if len(params) > 0 {
		t.Errorf("%s: path parameters %v not in the path", k, params)
	}
}
