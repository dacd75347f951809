package app

import (
	"crypto/subtle"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/limit"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics counts requests and their durations per route pattern (not per
// path, so ticket numbers do not explode the series).
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gongzhi_http_requests_total", Help: "HTTP requests by route pattern and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "gongzhi_http_request_duration_seconds", Help: "HTTP request duration by route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route"}),
	}
	m.registry.MustRegister(m.requests, m.duration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// metricsGuard serves /metrics only to a peer in allow, or to a caller with
// "Authorization: Bearer <token>" when a token is set. A request that passed
// through a reverse proxy (it carries a forwarding header) is not judged by
// its address: a proxy on this machine would make every visitor look local.
// Behind a proxy, scrape with the token.
func metricsGuard(allow []netip.Prefix, token string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token != "" {
			if got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok &&
				subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1 {
				next.ServeHTTP(w, r)
				return
			}
		}
		h := r.Header
		if h.Get("X-Forwarded-For") == "" && h.Get("X-Real-IP") == "" && h.Get("Forwarded") == "" &&
			limit.InNets(allow, limit.ClientIP(r)) {
			next.ServeHTTP(w, r)
			return
		}
		http.Error(w, "metrics are served to configured addresses or with the metrics token", http.StatusForbidden)
	})
}

// statusWriter notes the status a request is answered with: the first
// header written, or 200 when the body comes first or nothing is written.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// measure wraps the mux; the mux fills in r.Pattern as it routes. Each
// request's status also goes to observe (the platform's health record), so
// the two count the same answers.
func (m *metrics) measure(next http.Handler, observe func(code int)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		code := sw.code
		if code == 0 {
			code = http.StatusOK
		}
		m.requests.WithLabelValues(route, strconv.Itoa(code)).Inc()
		m.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
		observe(code)
	})
}
