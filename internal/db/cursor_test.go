package db_test

import (
	"testing"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

func TestKeysetCursor(t *testing.T) {
	ms, id, err := db.ParseKeysetCursor(db.KeysetCursor(1764748800000, "a1_B-2"))
	if err != nil || ms != 1764748800000 || id != "a1_B-2" {
		t.Fatalf("round trip: %d %q %v", ms, id, err)
	}
	if ms, id, err := db.ParseKeysetCursor(""); err != nil || ms != 0 || id != "" {
		t.Fatalf("first page: %d %q %v", ms, id, err)
	}
	for _, bad := range []string{"x", "12", "12.", "x.y", "12.a'b", "12.a b", "12." + string(make([]byte, 65))} {
		if _, _, err := db.ParseKeysetCursor(bad); !errs.Is(err, errs.Invalid) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
