// Package limit keeps request rates in bounds at the edge: per client address
// and per phone number, for the things a stranger can do without an account
// (ask for login codes, submit requests).
package limit

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Limiter is a token bucket per key: up to Burst at once, refilled at Per.
// It lives in one process; each process of a cluster limits on its own.
type Limiter struct {
	mu      sync.Mutex
	rate    float64 // tokens per second
	burst   float64
	buckets map[string]*bucket
	now     func() time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

// maxKeys bounds memory: past it, full buckets are forgotten.
const maxKeys = 100000

// New returns a limiter allowing n events per period per key, all at once if need be.
func New(n int, period time.Duration) *Limiter {
	return &Limiter{rate: float64(n) / period.Seconds(), burst: float64(n), buckets: map[string]*bucket{}, now: time.Now}
}

// Allow takes one token for key. When none is left it returns false and how
// long until one will be.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= maxKeys {
			l.sweep(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, wait
}

func (l *Limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// Set holds the limits gongzhi applies.
type Set struct {
	CodeIP      *Limiter // one-time code requests per client address
	SubmitIP    *Limiter // submissions by residents and guests per client address
	SubmitPhone *Limiter // valid submissions per resident account, or per phone for guests
}

// Defaults: generous enough for a whole community behind one address, tight
// enough to stop a script.
func Defaults() *Set {
	return &Set{
		CodeIP:      New(20, time.Minute),
		SubmitIP:    New(60, time.Minute),
		SubmitPhone: New(10, time.Hour),
	}
}

// ClientIP is the address of the peer. Forwarding headers are not trusted:
// behind a reverse proxy every client shares the proxy's address.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// Check takes a token and returns a too-many-requests error when none is left.
func Check(l *Limiter, key string) error {
	ok, wait := l.Allow(key)
	if ok {
		return nil
	}
	secs := max(int(math.Ceil(wait.Seconds())), 1)
	return &errs.Error{Code: errs.TooMany,
		Msg:        "操作过于频繁，请" + strconv.Itoa(secs) + "秒后再试",
		MsgEn:      "too many requests; try again in " + strconv.Itoa(secs) + " s",
		RetryAfter: secs}
}

// CheckSubmit bounds how fast residents and guests try to submit requests
// from one client address; every try counts, so it also shields the database
// from floods. Staff entering calls are not limited.
func (s *Set) CheckSubmit(r *http.Request, u *auth.User) error {
	if s == nil || (u != nil && u.Role.IsStaff()) {
		return nil
	}
	return Check(s.SubmitIP, ClientIP(r))
}

// CheckSubmitter bounds how many requests one submitter files: a logged-in
// resident by her account, a guest by the phone she gives. Call it once the
// submission is known to be valid, so that requests refused for bad input,
// or filed by strangers typing her phone, do not spend a resident's quota.
func (s *Set) CheckSubmitter(u *auth.User, phone string) error {
	if s == nil || (u != nil && u.Role.IsStaff()) {
		return nil
	}
	if u != nil && u.ID != "" {
		return Check(s.SubmitPhone, "user:"+u.ID)
	}
	if phone = auth.NormalizePhone(phone); phone == "" {
		return nil
	}
	return Check(s.SubmitPhone, "phone:"+phone)
}
