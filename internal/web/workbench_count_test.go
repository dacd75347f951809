package web

import (
	"testing"

	"github.com/gongzhi/gongzhi/internal/ticket"
)

// A tab's count shows where Count stopped: 10000+ for a filter, 100+ for
// free text, which is counted no further.
func TestCountText(t *testing.T) {
	for _, c := range []struct {
		n    int
		q    string
		want string
	}{
		{0, "", "0"},
		{ticket.TextCountCap, "", "100"},
		{ticket.CountCap - 1, "", "9999"},
		{ticket.CountCap, "", "10000+"},
		{ticket.TextCountCap - 1, "路灯", "99"},
		{ticket.TextCountCap, "路灯", "100+"},
		{ticket.TextCountCap, "2222", "100+"},
	} {
		if got := countText(c.n, ticket.Filter{Q: c.q}); got != c.want {
			t.Errorf("countText(%d, q=%q) = %q, want %q", c.n, c.q, got, c.want)
		}
	}
}
