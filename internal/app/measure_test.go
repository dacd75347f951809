package app

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// TestMeasureStatus checks that the one status a request is answered with is
// what both the metrics and the health record get: the first header
// written, 200 when the body comes first or nothing is written at all.
func TestMeasureStatus(t *testing.T) {
	for _, c := range []struct {
		name  string
		serve func(w http.ResponseWriter)
		want  int
	}{
		{"body only", func(w http.ResponseWriter) { w.Write([]byte("ok")) }, 200},
		{"nothing written", func(w http.ResponseWriter) {}, 200},
		{"error", func(w http.ResponseWriter) { http.Error(w, "x", http.StatusServiceUnavailable) }, 503},
		{"header twice", func(w http.ResponseWriter) { w.WriteHeader(500); w.WriteHeader(200) }, 500},
		{"header after body", func(w http.ResponseWriter) { w.Write([]byte("ok")); w.WriteHeader(500) }, 200},
	} {
		m := newMetrics()
		var got []int
		h := m.measure(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, ok := w.(interface{ Unwrap() http.ResponseWriter }); !ok {
				t.Errorf("%s: the writer does not unwrap", c.name)
			}
			c.serve(w)
		}), func(code int) { got = append(got, code) })
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/x", nil))
		if len(got) != 1 || got[0] != c.want {
			t.Errorf("%s: health got %v, want [%d]", c.name, got, c.want)
		}
		rec := httptest.NewRecorder()
		m.handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		if line := `gongzhi_http_requests_total{code="` + strconv.Itoa(c.want) + `",route="unmatched"} 1`; !strings.Contains(rec.Body.String(), line) {
			t.Errorf("%s: metrics lack %s", c.name, line)
		}
	}
}
