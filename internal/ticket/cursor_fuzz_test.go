package ticket

import (
	"strings"
	"testing"
)

// FuzzTicketNumber checks ValidNumber, which guards every ticket number that
// comes from a URL or a form: whatever it accepts is 8 to 32 characters of
// 0-9, A-Z and '-', so it is safe in a path, a log line and a cursor.
func FuzzTicketNumber(f *testing.F) {
	for _, s := range []string{"20261126000042", "20261126000001", "2026112", "TEST-0001-ABC", "20261126000042\n", "20261126 000042",
		"../../etc/passwd", "２０２６１１２６００００４２", "", strings.Repeat("9", 32), strings.Repeat("9", 33), "20261126000042?x=1",
		"202611263000042", "202611263000042\n"} { // a node's numbers: the date, the node's digit, six digits
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, n string) {
		if !ValidNumber(n) {
			return
		}
		if len(n) < 8 || len(n) > 32 {
			t.Fatalf("ValidNumber(%q) with length %d", n, len(n))
		}
		if strings.Trim(n, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-") != "" {
			t.Fatalf("ValidNumber(%q) accepts other characters", n)
		}
		// A valid number always makes a cursor that leads back to it.
		got, err := decodeCursor(encodeCursor(n))
		if err != nil || got != n {
			t.Fatalf("cursor round trip of %q: %q, %v", n, got, err)
		}
	})
}

// FuzzCursor checks decodeCursor, which reads the cursor query parameter of
// ticket lists: it never panics, and what it accepts is a valid ticket
// number whose own cursor is accepted too.
func FuzzCursor(f *testing.F) {
	for _, s := range []string{encodeCursor("20261126000042"), encodeCursor("20261126000001"), "MjAyNjExMjYwMDAwNDI", "MjAyNjExMjYwMDAwNDI=",
		"!!!", "", "AAAA", encodeCursor("2026"), encodeCursor("20261126000042'; DROP TABLE tickets; --"), "MjAyNjExMjYwMDAwNDJ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, c string) {
		n, err := decodeCursor(c)
		if err != nil {
			if n != "" {
				t.Fatalf("decodeCursor(%q) returned %q with error %v", c, n, err)
			}
			return
		}
		if !ValidNumber(n) {
			t.Fatalf("decodeCursor(%q) = %q, not a valid ticket number", c, n)
		}
		if again, err := decodeCursor(encodeCursor(n)); err != nil || again != n {
			t.Fatalf("re-encoded cursor of %q: %q, %v", n, again, err)
		}
	})
}
