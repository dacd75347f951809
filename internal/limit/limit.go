// Package limit keeps request rates in bounds at the edge: per client address
// and per phone number, for the things a stranger can do without an account
// (ask for login codes, submit requests).
package limit

import (
	"container/list"
	"errors"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Limiter is a token bucket per key: up to Burst at once, refilled at Per.
// It lives in one process; each process of a cluster limits on its own.
//
// Its buckets are kept in the order of their last use. A bucket that has
// filled up again is the same as no bucket, and the least recently used one
// is the first to fill up, so each Allow forgets the full buckets at the old
// end: every bucket is forgotten once, and Allow costs O(1) however many
// keys are live. Past maxKeys the least recently used buckets are forgotten
// even when not full: memory stays bounded when a stranger sprays keys.
type Limiter struct {
	mu      sync.Mutex
	rate    float64 // tokens per second
	burst   float64
	buckets map[string]*list.Element // of *bucket, in lru
	lru     list.List                // most recently used first
	maxKeys int
	now     func() time.Time
}

type bucket struct {
	key    string
	tokens float64
	at     time.Time
}

// defaultMaxKeys bounds the buckets of a limiter: about 10 MB.
const defaultMaxKeys = 100000

// New returns a limiter allowing n events per period per key, all at once if need be.
func New(n int, period time.Duration) *Limiter {
	return &Limiter{rate: float64(n) / period.Seconds(), burst: float64(n), buckets: map[string]*list.Element{},
		maxKeys: defaultMaxKeys, now: time.Now}
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
	l.forget(now)
	var b *bucket
	if e := l.buckets[key]; e != nil {
		b = e.Value.(*bucket)
		l.lru.MoveToFront(e)
	} else {
		if len(l.buckets) >= l.maxKeys {
			b := l.lru.Remove(l.lru.Back()).(*bucket)
			delete(l.buckets, b.key)
		}
		b = &bucket{key: key, tokens: l.burst, at: now}
		l.buckets[key] = l.lru.PushFront(b)
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

// forget drops, from the least recently used end, the buckets that are full
// again.
func (l *Limiter) forget(now time.Time) {
	for e := l.lru.Back(); e != nil; e = l.lru.Back() {
		b := e.Value.(*bucket)
		if b.tokens+now.Sub(b.at).Seconds()*l.rate < l.burst {
			return
		}
		l.lru.Remove(e)
		delete(l.buckets, b.key)
	}
}

// Len is the number of keys the limiter holds.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// Set holds the limits gongzhi applies. Those typed Allower hold across
// servers once Share has put them in the database; the others are each
// process's own.
type Set struct {
	CodeIP      Allower  // one-time code requests per client address
	SubmitIP    *Limiter // submissions by residents and guests per client address
	SubmitPhone Allower  // valid submissions per resident account, or per phone for guests
	TrackIP     Allower  // look-ups of a ticket by number and phone, per client address
	TrackNumber Allower  // look-ups per ticket number
	SuggestIP   *Limiter // category suggestions for the submission form, per client address
	// TextUser bounds, per signed-in account, the calls that read a text
	// as it is typed (the router's suggestions, the advice on a reply).
	TextUser *Limiter
	// OpenDataIP bounds the open-data catalogue, files and API read
	// without an account, per client address.
	OpenDataIP *Limiter
}

// CheckText takes a token of the account's text readings; a Set without
// the limiter (tests that build their own) lets every call through.
func (s *Set) CheckText(userID string) error {
	if s == nil || s.TextUser == nil {
		return nil
	}
	return Check(s.TextUser, userID)
}

// Defaults: generous enough for a whole community behind one address, tight
// enough to stop a script.
func Defaults() *Set {
	return &Set{
		CodeIP:      New(20, time.Minute),
		SubmitIP:    New(60, time.Minute),
		SubmitPhone: New(10, time.Hour),
		// A masked phone leaves 10⁴ candidates: 12 an hour per number
		// makes guessing one take months, while a resident who mistypes
		// still gets several tries.
		TrackIP:     New(30, 10*time.Minute),
		TrackNumber: New(6, 30*time.Minute),
		SuggestIP:   New(120, time.Minute),
		// Typing sends at most one every 400 ms; a script is held to five a second.
		TextUser: New(300, time.Minute),
		// A page of the API a second on average, a burst of sixty.
		OpenDataIP: New(60, time.Minute),
	}
}

// Share moves the limits that guard a secret or a cost into the database
// (Shared), with the same rates as Defaults, so that they hold across every
// server on it: login codes and look-ups per address, look-ups per ticket
// number, submissions per submitter.
func (s *Set) Share(d *db.DB) {
	s.CodeIP = NewShared(d, "code-ip", 20, time.Minute)
	s.SubmitPhone = NewShared(d, "submit-phone", 10, time.Hour)
	s.TrackIP = NewShared(d, "track-ip", 30, 10*time.Minute)
	s.TrackNumber = NewShared(d, "track-number", 6, 30*time.Minute)
}

// CheckOpenData takes a token of the client address's open-data reads; a
// Set without the limiter lets every call through.
func (s *Set) CheckOpenData(r *http.Request) error {
	if s == nil || s.OpenDataIP == nil {
		return nil
	}
	return Check(s.OpenDataIP, ClientIP(r))
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

// Check takes a token and returns a too-many-requests error when none is
// left; no limit (nil) lets every call through.
func Check(l Allower, key string) error {
	if l == nil {
		return nil
	}
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

// CheckTrack bounds look-ups of a ticket by its number and the reporter's
// phone, per client address and per ticket number, so the phone cannot be
// guessed. Every look-up counts, right or wrong: a wrong guess must not be
// told apart by the limit.
func (s *Set) CheckTrack(r *http.Request, number string) error {
	if s == nil {
		return nil
	}
	err := Check(s.TrackIP, ClientIP(r))
	if err == nil {
		err = Check(s.TrackNumber, number)
	}
	var e *errs.Error
	if errors.As(err, &e) {
		mins := strconv.Itoa((e.RetryAfter + 59) / 60)
		e.Msg = "查询次数过多，请" + mins + "分钟后再试；也可以用手机验证码登录后查看自己的工单"
		e.MsgEn = "Too many look-ups; try again in " + mins + " min, or log in with a code sent to your phone to see your requests"
	}
	return err
}
