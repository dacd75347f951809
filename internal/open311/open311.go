// Package open311 serves Open311 GeoReport v2 over the ticket service, in
// XML and JSON, with the extensions found in the field: page and page_size,
// extensions=true (notes and extended_attributes), updated_after and
// updated_before, bbox and radius filters, and servicerequestupdates for
// two-way status sync with a unit's own system.
//
// Every resource takes its format from the suffix of its path, as the
// specification does: /open311/v2/services.json, /open311/v2/requests/ID.xml.
// Errors are [{"code":400,"description":"…"}] or
// <errors><error><code>400</code><description>…</description></error></errors>,
// with 404 for what does not exist, 403 for a missing or bad api_key, 500 or
// 503 (with Retry-After) for a fault of the server or its database, and 400
// for everything else, as the specification asks.
//
// GET requests: with no dates, the last 90 days of requested_datetime, as
// the specification says; start_date/end_date may span at most 90 days (one
// bound alone extends 90 days from it). updated_after/updated_before filter
// on updated_datetime under the same 90-day rule and then replace the
// default creation window, so a sync client sees old requests that changed.
// page_size defaults to 1000 and may be 1 to 1000: a client that knows
// nothing of pagination gets exactly the specification's "first 1000", and
// paging clients choose their size (0 or 10000 is a 400). page counts from 1.
// bbox is min_lng,min_lat,max_lng,max_lat (longitude first, the order of
// Mark-a-Spot and of GeoJSON); lat, long and radius (metres, at most 50 km)
// keep the requests within that distance. service_request_id overrides every
// other filter but paging. Results are newest first.
//
// Reporters' personal data (name, phone, email, device and account ids) never
// leaves through Open311, confidential tickets are not shown at all, and
// mobile numbers written into descriptions and notes are masked.
package open311

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/citylink"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/idem"
	"github.com/gongzhi/gongzhi/internal/natcode"
	"github.com/gongzhi/gongzhi/internal/plaintext"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Specification is the token of GeoReport v2 in service discovery.
const Specification = "http://wiki.open311.org/GeoReport_v2"

// Prefix is where the endpoint lives.
const Prefix = "/open311/v2"

// Deps are what the Open311 server needs.
type Deps struct {
	Tickets *ticket.Service
	Auth    *auth.Service
	Gov     *gov.Service
	Log     *slog.Logger
	// Idem keeps the first answers of POSTs sent with an Idempotency-Key;
	// nil turns the header off.
	Idem *idem.Store
	// Jurisdiction is our jurisdiction_id (e.g. "pinggu.gov.cn"). When set,
	// a request naming another jurisdiction_id gets 404; a request naming
	// none is served, since the endpoint serves one jurisdiction.
	Jurisdiction string
	// BaseURL is the public root of the server (https://example.gov.cn),
	// used for the endpoint URL in service discovery.
	BaseURL string
	// SandboxURL is the address of a test endpoint (…/open311/v2), listed
	// in discovery beside this one when set.
	SandboxURL string
	// Citylink, when set, serves the endpoints of linked platforms under
	// CitylinkPrefix (see citylink.go).
	Citylink *citylink.Service
	// NatCodes, when set, fills the national-code extension fields.
	NatCodes *natcode.Service
}

// Server serves GeoReport v2.
type Server struct {
	Deps
}

// New returns the server.
func New(d Deps) *Server {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	d.BaseURL = strings.TrimRight(d.BaseURL, "/")
	d.SandboxURL = strings.TrimRight(d.SandboxURL, "/")
	return &Server{Deps: d}
}

// Routes registers every GeoReport v2 resource under /open311/v2/.
func (s *Server) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET "+Prefix+"/{file}", s.plain(s.top))
	mux.HandleFunc("POST "+Prefix+"/{file}", s.plain(s.post))
	mux.HandleFunc("GET "+Prefix+"/services/{file}", s.plain(s.serviceDefinition))
	mux.HandleFunc("GET "+Prefix+"/requests/{file}", s.plain(s.getRequest))
	mux.HandleFunc("GET "+Prefix+"/tokens/{file}", s.plain(s.getToken))
	mux.HandleFunc(Prefix+"/", s.notFound)
	if s.Citylink != nil {
		s.citylinkRoutes(mux)
	}
}

// plain refuses a request whose path or query holds a control character
// (plaintext.Check) before any handler reads them; posted forms are checked
// as they are parsed.
func (s *Server) plain(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := plainValues(r.URL.Path, r.URL.Query()); err != nil {
			s.failErr(w, formatOf(r), err)
			return
		}
		next(w, r)
	}
}

// plainValues checks a path and form values with plaintext.Check.
func plainValues(path string, values url.Values) error {
	if err := plaintext.Check(path); err != nil {
		return err
	}
	for _, vs := range values {
		for _, v := range vs {
			if err := plaintext.Check(v); err != nil {
				return err
			}
		}
	}
	return nil
}

// Formats.
const (
	formatXML  = "xml"
	formatJSON = "json"
)

// splitFormat splits "services.json" into "services" and "json"; the format
// is empty when the suffix is neither .json nor .xml.
func splitFormat(file string) (name, format string) {
	i := strings.LastIndexByte(file, '.')
	if i < 0 {
		return file, ""
	}
	switch f := file[i+1:]; f {
	case formatXML, formatJSON:
		return file[:i], f
	}
	return file, ""
}

// formatOf guesses the format of an answer from the path, for errors before
// the format is known: JSON when the path ends in .json, else XML, the
// format the specification requires.
func formatOf(r *http.Request) string {
	if strings.HasSuffix(r.URL.Path, ".json") {
		return formatJSON
	}
	return formatXML
}

// top dispatches GET /open311/v2/{file}.
func (s *Server) top(w http.ResponseWriter, r *http.Request) {
	name, format := splitFormat(r.PathValue("file"))
	if format == "" {
		s.notFound(w, r)
		return
	}
	if !s.jurisdictionOK(w, r, format) {
		return
	}
	switch name {
	case "discovery":
		s.discovery(w, r, format)
	case "services":
		s.services(w, r, format)
	case "requests":
		s.listRequests(w, r, format)
	default:
		s.notFound(w, r)
	}
}

// post dispatches POST /open311/v2/{file}.
func (s *Server) post(w http.ResponseWriter, r *http.Request) {
	name, format := splitFormat(r.PathValue("file"))
	var serve http.HandlerFunc
	switch {
	case format == "":
	case name == "requests":
		serve = func(w http.ResponseWriter, r *http.Request) { s.createRequest(w, r, format) }
	case name == "servicerequestupdates":
		serve = func(w http.ResponseWriter, r *http.Request) { s.postUpdate(w, r, format) }
	}
	if serve == nil {
		s.notFound(w, r)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err == nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
		err = r.ParseForm()
	}
	if err != nil {
		s.fail(w, format, http.StatusBadRequest, "请求体无法解析 / the form body could not be read: send application/x-www-form-urlencoded, at most 64 KB")
		return
	}
	if err := plainValues("", r.PostForm); err != nil {
		s.failErr(w, format, err)
		return
	}
	if !s.jurisdictionOK(w, r, format) {
		return
	}
	key := r.Header.Get("Idempotency-Key")
	if key == "" || s.Idem == nil {
		serve(w, r)
		return
	}
	if !idem.Valid(key) {
		s.fail(w, format, http.StatusBadRequest, fmt.Sprintf("Idempotency-Key 须为1到%d个可见ASCII字符 / Idempotency-Key must be 1 to %d visible ASCII characters", idem.MaxKey, idem.MaxKey))
		return
	}
	// Keys are scoped to the api_key that sends them (by its hash: the
	// secret itself is not stored), the request by its path, query and body.
	k := idem.Key{Scope: "open311:" + idem.Hash("api_key", "", []byte(apiKeyOf(r)))[:32], Key: key,
		RequestHash: idem.Hash(r.Method, r.URL.RequestURI(), body)}
	ctype := ctypeXML
	if format == formatJSON {
		ctype = ctypeJSON
	}
	if err := s.Idem.Serve(w, r, k, time.Now(), ctype, s.Log, serve); err != nil {
		s.failErr(w, format, err)
	}
}

// maxBody bounds a posted form.
const maxBody = 64 << 10

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, formatOf(r), http.StatusNotFound, "没有这个资源 / no such resource: "+r.Method+" "+r.URL.Path)
}

// jurisdictionOK checks jurisdiction_id when one is configured.
func (s *Server) jurisdictionOK(w http.ResponseWriter, r *http.Request, format string) bool {
	j := strings.TrimSpace(r.FormValue("jurisdiction_id"))
	if j == "" || s.Jurisdiction == "" || strings.EqualFold(j, s.Jurisdiction) {
		return true
	}
	s.fail(w, format, http.StatusNotFound, "jurisdiction_id 不存在 / jurisdiction_id not found: "+j)
	return false
}

// apiError is one error of an answer.
type apiError struct {
	Code        int    `xml:"code" json:"code"`
	Description string `xml:"description" json:"description"`
}

type xmlErrors struct {
	XMLName xml.Name   `xml:"errors"`
	Errors  []apiError `xml:"error"`
}

// fail answers with one error.
func (s *Server) fail(w http.ResponseWriter, format string, status int, description string) {
	s.failMany(w, format, status, []apiError{{Code: status, Description: description}})
}

func (s *Server) failMany(w http.ResponseWriter, format string, status int, list []apiError) {
	if format == formatJSON {
		s.write(w, format, status, list)
		return
	}
	s.write(w, format, status, xmlErrors{Errors: list})
}

// failErr answers with a domain error: not found is 404, unauthorized and
// forbidden are 403, a fault of the server is its 5xx (with Retry-After when
// it is passing), anything else is 400, as the specification asks; only the
// server's faults are logged, and their detail is not shown.
func (s *Server) failErr(w http.ResponseWriter, format string, err error) {
	de := errs.As(err)
	status := http.StatusBadRequest
	switch de.Code {
	case errs.NotFound:
		status = http.StatusNotFound
	case errs.Unauthorized, errs.Forbidden:
		status = http.StatusForbidden
	}
	if st := errs.HTTPStatus(de.Code); st >= 500 {
		status = st
		s.Log.Error("open311", "err", err)
		errs.SetRetryAfter(w.Header(), de)
	}
	s.fail(w, format, status, describe(de))
}

// describe gives a domain error's message in both languages.
func describe(de *errs.Error) string {
	if de.Msg == "" || de.Msg == de.MsgEn {
		return de.MsgEn
	}
	return de.Msg + " / " + de.MsgEn
}

// Content types, with no parameter: Open311 clients compare them exactly.
// JSON is UTF-8 by definition and the XML declaration names its encoding.
const (
	ctypeJSON = "application/json"
	ctypeXML  = "text/xml"
)

// write renders v before sending anything, so that an encoding failure is
// still a clean error.
func (s *Server) write(w http.ResponseWriter, format string, status int, v any) {
	var buf bytes.Buffer
	ctype := ctypeJSON
	if format == formatJSON {
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			s.Log.Error("open311: encode json", "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
	} else {
		ctype = ctypeXML
		buf.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
		enc := xml.NewEncoder(&buf)
		enc.Indent("", "  ")
		if err := enc.Encode(v); err != nil {
			s.Log.Error("open311: encode xml", "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		buf.WriteByte('\n')
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// w3c formats a time as the specification asks: W3C datetime with a zone.
func w3c(t time.Time) string { return t.Format(time.RFC3339) }

// parseW3C reads the W3C datetime forms clients send: a full datetime with a
// zone (seconds and fractions optional), or a bare date, taken as midnight
// in loc.
func parseW3C(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	if t, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		return t, true
	}
	return time.Time{}, false
}
