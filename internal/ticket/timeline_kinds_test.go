package ticket

import (
	"slices"
	"testing"
)

// TestEveryKindHasAnAudience: each kind of line is decided, shown to residents
// or kept with the staff, and none is both.
func TestEveryKindHasAnAudience(t *testing.T) {
	for _, k := range EventKinds {
		_, shown := sights[k]
		if shown == slices.Contains(staffOnly, k) {
			t.Errorf("event kind %q: shown to residents %v, listed staff-only %v", k, shown, !shown)
		}
	}
}
