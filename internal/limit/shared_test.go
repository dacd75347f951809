package limit_test

import (
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/limit"
)

// Two servers' limits of one name on one database are one limit: the
// tokens taken on either count on both, a refusal tells how long to wait,
// and the buckets of other names and keys are apart.
func TestSharedHoldsAcrossServers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		a := limit.NewShared(d, "code-ip", 5, time.Hour)
		b := limit.NewShared(d, "code-ip", 5, time.Hour)
		for i := range 5 {
			s := a
			if i%2 == 1 {
				s = b
			}
			if ok, _ := s.Allow("10.0.0.1"); !ok {
				t.Fatalf("try %d refused", i+1)
			}
		}
		for _, s := range []*limit.Shared{a, b} {
			ok, wait := s.Allow("10.0.0.1")
			if ok || wait < 11*time.Minute || wait > 13*time.Minute {
				t.Fatalf("sixth try: ok=%v wait=%v, want refused for about 12 min", ok, wait)
			}
		}
		if err := limit.Check(b, "10.0.0.1"); err == nil {
			t.Fatal("Check let the sixth through")
		}
		if ok, _ := a.Allow("10.0.0.2"); !ok {
			t.Fatal("another address refused")
		}
		if ok, _ := limit.NewShared(d, "track-ip", 5, time.Hour).Allow("10.0.0.1"); !ok {
			t.Fatal("another limit's bucket refused")
		}
		// A bucket still short of tokens is kept; pruning only forgets full ones.
		if n, err := limit.PruneShared(t.Context(), d, time.Now()); err != nil || n != 0 {
			t.Fatalf("pruned %d: %v", n, err)
		}
		if n, err := limit.PruneShared(t.Context(), d, time.Now().Add(2*time.Hour)); err != nil || n != 3 {
			t.Fatalf("pruned %d full buckets, want 3: %v", n, err)
		}
	})
}

// Tokens come back at the limit's rate.
func TestSharedRefills(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := limit.NewShared(d, "fast", 2, 200*time.Millisecond)
		s.Allow("k")
		s.Allow("k")
		if ok, _ := s.Allow("k"); ok {
			t.Fatal("third at once allowed")
		}
		time.Sleep(150 * time.Millisecond)
		if ok, _ := s.Allow("k"); !ok {
			t.Fatal("no token came back")
		}
	})
}
