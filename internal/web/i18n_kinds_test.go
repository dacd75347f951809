package web

import (
	"testing"

	"github.com/gongzhi/gongzhi/internal/ticket"
)

// TestEveryEventKindHasALabel checks that the timeline, which labels a line
// by "ev."+its kind, has a label in both languages for every kind the ticket
// package can write.
func TestEveryEventKindHasALabel(t *testing.T) {
	for _, k := range ticket.EventKinds {
		if v, ok := messages["ev."+k]; !ok || v[0] == "" || v[1] == "" {
			t.Errorf("event kind %q has no label ev.%s in both languages", k, k)
		}
	}
}
