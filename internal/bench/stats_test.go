package bench

import (
	"strings"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one value", []time.Duration{7}, 99, 7},
		{"p50 of 1..100", hundred, 50, 50 * time.Millisecond},
		{"p95 of 1..100", hundred, 95, 95 * time.Millisecond},
		{"p99 of 1..100", hundred, 99, 99 * time.Millisecond},
		{"p99.9 of 1..100 is the max", hundred, 99.9, 100 * time.Millisecond},
		{"p100", hundred, 100, 100 * time.Millisecond},
		{"p0 is the min", hundred, 0, time.Millisecond},
		// Nearest rank: ceil(0.5*3) = 2nd value, never an interpolation.
		{"p50 of three", []time.Duration{1, 10, 100}, 50, 10},
		{"p95 of three", []time.Duration{1, 10, 100}, 95, 100},
		{"p1 of three", []time.Duration{1, 10, 100}, 1, 1},
	}
	for _, tt := range tests {
		if got := Percentile(tt.sorted, tt.p); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	lat := []time.Duration{5 * time.Millisecond, time.Millisecond, 3 * time.Millisecond, 2 * time.Millisecond, 4 * time.Millisecond}
	st := summarize("ticket", lat, map[string]int{"500 internal": 1}, 2*time.Second)
	if st.Requests != 5 || st.Errors != 1 || st.Throughput != 2.5 {
		t.Errorf("counts: %+v", st)
	}
	if st.P50Ms != 3 || st.MaxMs != 5 || st.MeanMs != 3 || st.P99Ms != 5 {
		t.Errorf("latencies: %+v", st)
	}
	if none := summarize("x", nil, map[string]int{}, time.Second); none.Requests != 0 || none.ErrorKinds != nil {
		t.Errorf("empty: %+v", none)
	}
}

func TestSchedule(t *testing.T) {
	for name, mix := range Mixes {
		s, err := Schedule(mix)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(s) != 100 {
			t.Fatalf("%s: cycle of %d", name, len(s))
		}
		got := map[string]int{}
		for _, k := range s {
			got[k]++
		}
		for _, sh := range mix {
			if got[sh.Kind] != sh.Percent {
				t.Errorf("%s: %s %d%%, want %d%%", name, sh.Kind, got[sh.Kind], sh.Percent)
			}
		}
	}
	// The realistic mix, and interleaved: no kind runs for long, and any
	// ten consecutive requests hold every kind of at least 10%.
	s, _ := Schedule(Mixes["mixed"])
	want := map[string]int{KindSubmit: 20, KindTicket: 40, KindInbox: 30, KindAction: 10}
	for k, p := range want {
		n := 0
		for _, x := range s {
			if x == k {
				n++
			}
		}
		if n != p {
			t.Errorf("mixed: %s %d%%, want %d%%", k, n, p)
		}
	}
	for i := 0; i+10 <= len(s); i += 10 {
		seen := map[string]bool{}
		for _, k := range s[i : i+10] {
			seen[k] = true
		}
		if len(seen) != 4 {
			t.Errorf("mixed: requests %d..%d hold only %v", i, i+9, seen)
		}
	}
	run := 1
	for i := 1; i < len(s); i++ {
		if s[i] == s[i-1] {
			run++
			if run > 2 {
				t.Errorf("mixed: %s three times in a row at %d", s[i], i)
			}
		} else {
			run = 1
		}
	}
	if _, err := Schedule([]Share{{KindSubmit, 60}, {KindTicket, 30}}); err == nil || !strings.Contains(err.Error(), "90") {
		t.Errorf("a mix of 90%% should fail, got %v", err)
	}
}
