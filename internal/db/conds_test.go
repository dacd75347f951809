package db_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db"
)

// TestConds checks that placeholders are numbered in the order values are
// bound, whichever way each condition is added.
func TestConds(t *testing.T) {
	var c db.Conds
	c.Add("a = ?", 1)
	c.Add("b = ?")
	c.In("code", []string{"x", "y"})
	or := c.Bind("(lat BETWEEN ? AND ?)", 2.5, 3.5)
	c.Add("(d = ? OR e = ?)", "d", "e")
	limit := c.Arg(10)
	if want := []string{"a = $1", "b = ?", "code IN ($2,$3)", "(d = $6 OR e = $7)"}; !slices.Equal(c.Where, want) {
		t.Fatalf("where %q, want %q", c.Where, want)
	}
	if or != "(lat BETWEEN $4 AND $5)" || limit != "$8" {
		t.Fatalf("bound %q, limit %q", or, limit)
	}
	if want := []any{1, "x", "y", 2.5, 3.5, "d", "e", 10}; !slices.Equal(c.Args, want) {
		t.Fatalf("args %v, want %v", c.Args, want)
	}
	if got := c.And(); got != strings.Join(c.Where, " AND ") {
		t.Fatalf("and %q", got)
	}
}
