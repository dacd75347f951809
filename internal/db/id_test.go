package db_test

import (
	"encoding/hex"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db"
)

// TestNewID checks that ids are 24 hexadecimal digits (96 random bits, the
// width the id columns were made for) and do not repeat.
func TestNewID(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := db.NewID()
		if b, err := hex.DecodeString(id); err != nil || len(b) != 12 {
			t.Fatalf("id %q is not 24 hex digits", id)
		}
		if seen[id] {
			t.Fatalf("id %q repeated", id)
		}
		seen[id] = true
	}
}
