package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
)

// lockedBuffer is a bytes.Buffer the seed's progress may write while the
// test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A seed stopped in the middle says so, with the tickets it wrote, and
// those are the tickets the database keeps: not an internal error.
func TestSeedStopped(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"seed", "--tickets", "2000000", "--data", dir}, func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
	}()
	for deadline := time.Now().Add(2 * time.Minute); !strings.Contains(out.String(), "seed: "); {
		if time.Now().After(deadline) {
			t.Fatalf("no progress line; stderr:\n%s", errOut.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	err := <-done
	if err == nil {
		t.Fatal("a stopped seed of 2,000,000 tickets returned no error")
	}
	msg := err.Error()
	i := strings.Index(msg, "seed stopped after")
	if i < 0 || !strings.Contains(msg, "seed 已停止") {
		t.Fatalf("error %q does not say the seed stopped", msg)
	}
	var n, e int
	if _, err := fmt.Sscanf(msg[i:], "seed stopped after %d tickets and %d events", &n, &e); err != nil {
		t.Fatalf("error %q: %v", msg, err)
	}
	d, err := db.Open(context.Background(), "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var kept int
	if err := d.R.QueryRow(`SELECT COUNT(*) FROM tickets`).Scan(&kept); err != nil {
		t.Fatal(err)
	}
	if kept != n {
		t.Fatalf("the message says %d tickets, the database keeps %d", n, kept)
	}
}
