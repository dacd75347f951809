package app

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
)

// TestOwnWrites: after a caller's write, her requests carry its time in
// the context, by her credentials or by the signed cookie, and nobody
// else's do; a forged cookie carries nothing.
func TestOwnWrites(t *testing.T) {
	var seen time.Time
	o := &ownWrites{key: []byte("0123456789abcdef0123456789abcdef"), wrote: map[string]time.Time{},
		next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			seen = db.WroteAt(r.Context())
			w.WriteHeader(http.StatusCreated)
		})}
	do := func(method, auth string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, "/api/v1/tickets", nil)
		r.RemoteAddr = "192.0.2.7:5000"
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		for _, c := range cookies {
			r.AddCookie(c)
		}
		w := httptest.NewRecorder()
		o.ServeHTTP(w, r)
		return w
	}
	if do("GET", "Bearer a"); !seen.IsZero() {
		t.Fatal("a caller who never wrote carries a write")
	}
	before := time.Now()
	w := do("POST", "Bearer a")
	var cookie *http.Cookie
	for _, c := range w.Result().Cookies() {
		if c.Name == wroteCookie {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly {
		t.Fatalf("a write set no HttpOnly %s cookie: %v", wroteCookie, w.Result().Cookies())
	}
	if do("GET", "Bearer a"); seen.Before(before) {
		t.Errorf("the writer's next read carries %v, want after %v", seen, before)
	}
	if do("GET", "Bearer b"); !seen.IsZero() {
		t.Error("another caller carries the writer's write")
	}
	if do("GET", "", cookie); seen.Before(before) {
		t.Errorf("the cookie alone carries %v, want after %v", seen, before)
	}
	forged := &http.Cookie{Name: wroteCookie, Value: cookie.Value[:len(cookie.Value)-2] + "xx"}
	if do("GET", "Bearer c", forged); !seen.IsZero() {
		t.Error("a forged cookie carries a write")
	}
	old := time.Now().Add(-2 * wroteWindow)
	o.wrote["a:Bearer d"] = old
	if do("GET", "Bearer d"); !seen.IsZero() {
		t.Error("a write older than the window still sends reads to the primary")
	}
}
