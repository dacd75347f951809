package app

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestPanicPage: a handler's panic answers 500; a browser asking for a page
// gets the site's error page, the API and Open311 plain text, and a page
// already begun is not written over.
func TestPanicPage(t *testing.T) {
	m := newMetrics()
	boom := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("begun") != "" {
			w.WriteHeader(http.StatusOK)
		}
		panic("boom")
	})
	page := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte("<p>the site's error page</p>"))
	}
	h := m.measure(recoverPanics(slog.New(slog.DiscardHandler), boom, page), func(int) {})
	for _, c := range []struct {
		path, accept string
		code         int
		page         bool
	}{
		{"/tickets/1", "text/html,application/xhtml+xml", 500, true},
		{"/tickets/1", "*/*", 500, false},
		{"/api/v1/tickets", "text/html", 500, false},
		{"/open311/v2/requests.json", "text/html", 500, false},
		{"/tickets/1?begun=1", "text/html", 200, false},
	} {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest("GET", c.path, nil)
		r.Header.Set("Accept", c.accept)
		h.ServeHTTP(rec, r)
		if rec.Code != c.code || strings.Contains(rec.Body.String(), "error page") != c.page {
			t.Errorf("%s (Accept %s): %d %q", c.path, c.accept, rec.Code, rec.Body.String())
		}
	}
}
