package limit

import (
	"fmt"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/errs"
)

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := New(3, time.Minute)
	l.now = func() time.Time { return now }
	for i := 0; i < 3; i++ {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("burst %d refused", i)
		}
	}
	ok, wait := l.Allow("a")
	if ok || wait <= 0 || wait > 20*time.Second {
		t.Fatalf("fourth: %v %v", ok, wait)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Fatal("keys are separate")
	}
	now = now.Add(20 * time.Second)
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("refilled after 20 s")
	}
	if err := Check(l, "a"); !errs.Is(err, errs.TooMany) {
		t.Fatalf("check: %v", err)
	}
	var nilL *Limiter
	if ok, _ := nilL.Allow("x"); !ok {
		t.Fatal("a nil limiter allows")
	}
}

// TestLimiterForgets: a bucket that has filled up again is forgotten (it is
// the same as no bucket), and the number of buckets stays under the cap even
// when every key is new and none has filled up.
func TestLimiterForgets(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := New(2, time.Minute) // a token every 30 s
	l.now = func() time.Time { return now }
	l.maxKeys = 100
	for i := range 50 {
		l.Allow(fmt.Sprint("old", i)) // full again 30 s later
	}
	now = now.Add(30 * time.Second)
	l.Allow("young")
	l.Allow("young") // full again 60 s later
	now = now.Add(31 * time.Second)
	l.Allow("new")
	if got := l.Len(); got != 2 {
		t.Fatalf("%d buckets after the old ones filled up, want 2 (young and new)", got)
	}
	// A stranger spraying keys cannot grow the map past the cap.
	for i := range 1000 {
		l.Allow(fmt.Sprint("spray", i))
	}
	if got := l.Len(); got != 100 {
		t.Fatalf("%d buckets, want the cap of 100", got)
	}
	// The most recent keys are kept: a key in use keeps its count.
	for range 2 {
		l.Allow("spray999")
	}
	if ok, _ := l.Allow("spray999"); ok {
		t.Fatal("a recent key was forgotten: its third event in a minute was allowed")
	}
}

// BenchmarkAllowManyKeys measures Allow for new keys with 200,000 keys live
// (none full: one event each, and the buckets take an hour to refill).
func BenchmarkAllowManyKeys(b *testing.B) {
	l := New(10, time.Hour)
	for i := range 200000 {
		l.Allow(strconv.Itoa(i))
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		l.Allow("new" + strconv.Itoa(i))
	}
}

// The text readings are counted per account, each on its own, and a Set
// without the limiter lets every call through.
func TestCheckText(t *testing.T) {
	var none *Set
	if err := none.CheckText("u1"); err != nil {
		t.Fatal(err)
	}
	s := &Set{TextUser: New(3, time.Minute)}
	for i := 0; i < 3; i++ {
		if err := s.CheckText("u1"); err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
	}
	if err := s.CheckText("u1"); err == nil {
		t.Fatal("a fourth call in the minute went through")
	}
	if err := s.CheckText("u2"); err != nil {
		t.Fatalf("another account was held back: %v", err)
	}
}

func TestCheckOpenData(t *testing.T) {
	s := &Set{OpenDataIP: New(2, time.Minute)}
	r := httptest.NewRequest("GET", "/opendata/catalog.json", nil)
	r.RemoteAddr = "192.0.2.7:5000"
	for i := 0; i < 2; i++ {
		if err := s.CheckOpenData(r); err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
	}
	if err := s.CheckOpenData(r); !errs.Is(err, errs.TooMany) {
		t.Fatalf("third read: %v", err)
	}
	other := httptest.NewRequest("GET", "/opendata", nil)
	other.RemoteAddr = "192.0.2.8:5000"
	if err := s.CheckOpenData(other); err != nil {
		t.Fatalf("another address: %v", err)
	}
	var none *Set
	if err := none.CheckOpenData(r); err != nil || Defaults().OpenDataIP == nil {
		t.Fatalf("no set: %v", err)
	}
}
