package auth_test

import (
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
)

// An unknown username costs the same bcrypt work as a known one, so the time
// of an answer does not tell whether an account exists.
func TestDummyHashHasServiceCost(t *testing.T) {
	for _, cost := range []int{5, 6} {
		a := auth.NewService(nil, clock.System{}, nil, nil, auth.Options{BcryptCost: cost})
		got, err := bcrypt.Cost(auth.DummyHash(a))
		if err != nil || got != cost {
			t.Fatalf("dummy hash cost %d (%v), want the service's %d", got, err, cost)
		}
	}
}
