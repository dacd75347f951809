package seed

import (
	"testing"
	"time"
)

// The progress line's rates are averages since the start: 15,000 tickets
// written in batches of 5,000 over 12 s are 1,250 a second, whichever
// interval the last batch fell in, and the eta follows from that rate.
func TestProgressLineAverages(t *testing.T) {
	got := progressLine(15000, 90000, 100000, 12*time.Second)
	want := "seed: 15000/100000 tickets (15.0%), 90000 events, 1250 tickets/s, 8750 rows/s since the start, eta 1m8s"
	if got != want {
		t.Fatalf("progress line\n got %s\nwant %s", got, want)
	}
	if got := progressLine(0, 0, 100, 0); got != "seed: 0/100 tickets (0.0%), 0 events, 0 tickets/s, 0 rows/s since the start, eta ?" {
		t.Fatalf("progress line before any write: %s", got)
	}
}
