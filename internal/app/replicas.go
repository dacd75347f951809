package app

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gongzhi/gongzhi/internal/config"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/limit"

	"github.com/prometheus/client_golang/prometheus"
)

// With read replicas, a caller reads her own writes: the time of her last
// write travels with each of her requests in the context (db.WithWrote),
// and db.Reader sends her reads to the primary until a replica has
// replayed past it. The time is remembered per caller in memory (by her
// bearer token, session cookie or address) and in a signed cookie, so a
// browser keeps it across several gongzhi behind one load balancer.

// wroteCookie holds the caller's last write: Unix milliseconds and a MAC.
const wroteCookie = "gz_wrote"

// wroteWindow is how long a caller's write is remembered: far longer than
// any replica may lag and still be read.
const wroteWindow = time.Minute

// readOptions are the replicas of cfg.
func readOptions(cfg config.Config) db.ReadOptions {
	return db.ReadOptions{DSNs: db.SplitDSNs(cfg.DBRead), MaxLag: cfg.DBReadMaxLag}
}

type ownWrites struct {
	key    []byte
	secure bool
	next   http.Handler

	mu    sync.Mutex
	wrote map[string]time.Time // caller → her last write
}

// readOwnWrites wraps next so that each request's context carries its
// caller's last write; without replicas it is next.
func readOwnWrites(ctx context.Context, d *db.DB, secure bool, reg prometheus.Registerer, next http.Handler) (http.Handler, error) {
	states, _ := d.Replicas()
	if len(states) == 0 {
		return next, nil
	}
	replicaMetrics(d, states, reg)
	key, err := d.Secret(ctx, "wrote-cookie", 32)
	if err != nil {
		return nil, err
	}
	return &ownWrites{key: key, secure: secure, next: next, wrote: map[string]time.Time{}}, nil
}

func (o *ownWrites) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	who := caller(r)
	now := time.Now()
	o.mu.Lock()
	last := o.wrote[who]
	o.mu.Unlock()
	if at := o.fromCookie(r); at.After(last) {
		last = at
	}
	// A mark from the future (another server's clock a little ahead) is
	// taken up to a few seconds; a window ago, it no longer matters.
	if !last.IsZero() && now.Sub(last) < wroteWindow && last.Before(now.Add(5*time.Second)) {
		r = r.WithContext(db.WithWrote(r.Context(), last))
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		o.next.ServeHTTP(w, r)
		return
	}
	o.next.ServeHTTP(&stampWriter{ResponseWriter: w, o: o, r: r}, r)
	// Later than any commit of the request.
	o.note(who, time.Now())
}

func (o *ownWrites) note(who string, at time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.wrote) >= 10000 {
		for k, t := range o.wrote {
			if at.Sub(t) >= wroteWindow {
				delete(o.wrote, k)
			}
		}
		if len(o.wrote) >= 100000 {
			clear(o.wrote) // the cookies still carry browsers' writes
		}
	}
	o.wrote[who] = at
}

// caller names who sent r: her bearer token, her session, or her address.
func caller(r *http.Request) string {
	if a := r.Header.Get("Authorization"); a != "" {
		return "a:" + a
	}
	if c, err := r.Cookie("gz_session"); err == nil && c.Value != "" {
		return "s:" + c.Value
	}
	return "i:" + limit.ClientIP(r)
}

func (o *ownWrites) mac(ms string) string {
	h := hmac.New(sha256.New, o.key)
	h.Write([]byte(ms))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:16])
}

func (o *ownWrites) fromCookie(r *http.Request) time.Time {
	c, err := r.Cookie(wroteCookie)
	if err != nil {
		return time.Time{}
	}
	ms, sum, ok := strings.Cut(c.Value, ".")
	if !ok || !hmac.Equal([]byte(sum), []byte(o.mac(ms))) {
		return time.Time{}
	}
	n, err := strconv.ParseInt(ms, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.UnixMilli(n)
}

// stampWriter sets the write cookie as the answer starts: after the
// request's commit.
type stampWriter struct {
	http.ResponseWriter
	o       *ownWrites
	r       *http.Request
	stamped bool
}

func (s *stampWriter) stamp(code int) {
	if s.stamped {
		return
	}
	s.stamped = true
	if code >= 400 {
		return
	}
	// Rounded up, so the mark is never before the commit.
	ms := strconv.FormatInt(time.Now().UnixMilli()+1, 10)
	http.SetCookie(s.ResponseWriter, &http.Cookie{Name: wroteCookie, Value: ms + "." + s.o.mac(ms), Path: "/",
		MaxAge: int(wroteWindow / time.Second), HttpOnly: true, Secure: s.o.secure, SameSite: http.SameSiteLaxMode})
}

func (s *stampWriter) WriteHeader(code int) {
	s.stamp(code)
	s.ResponseWriter.WriteHeader(code)
}

func (s *stampWriter) Write(b []byte) (int, error) {
	s.stamp(http.StatusOK)
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (s *stampWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// replicaMetrics shows each replica's health, lag and reads in /metrics,
// and the reads that found no replica fit and went to the primary.
func replicaMetrics(d *db.DB, states []db.ReplicaState, reg prometheus.Registerer) {
	state := func(i int) db.ReplicaState {
		st, _ := d.Replicas()
		if i < len(st) {
			return st[i]
		}
		return db.ReplicaState{}
	}
	for i, st := range states {
		labels := prometheus.Labels{"replica": st.Name}
		reg.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "gongzhi_db_replica_healthy", ConstLabels: labels,
				Help: "1 while the read replica is read: up, in recovery and within --db-read-max-lag."},
				func() float64 {
					if state(i).Healthy {
						return 1
					}
					return 0
				}),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "gongzhi_db_replica_lag_seconds", ConstLabels: labels,
				Help: "How long ago the primary was where the read replica has replayed to, at the last check."},
				func() float64 { return state(i).Lag.Seconds() }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "gongzhi_db_replica_reads_total", ConstLabels: labels,
				Help: "Reads sent to the read replica."},
				func() float64 { return float64(state(i).Reads) }))
	}
	reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "gongzhi_db_replica_fallback_reads_total",
		Help: "Reads that could go to a read replica and went to the primary (none fit, or the caller had just written)."},
		func() float64 {
			_, n := d.Replicas()
			return float64(n)
		}))
}
