package db

import "testing"

func TestRenumber(t *testing.T) {
	for _, c := range []struct {
		in     string
		offset int
		want   string
	}{
		{`INSERT INTO t (a, b) VALUES ($1, $2)`, 0, `INSERT INTO t (a, b) VALUES ($1, $2)`},
		{`INSERT INTO t (a, b) VALUES ($1, $2)`, 9, `INSERT INTO t (a, b) VALUES ($10, $11)`},
		{`UPDATE t SET a = $12 WHERE b = $3`, 100, `UPDATE t SET a = $112 WHERE b = $103`},
		{`SELECT '$' || $1, $`, 2, `SELECT '$' || $3, $`},
	} {
		if got := renumber(c.in, c.offset); got != c.want {
			t.Errorf("renumber(%q, %d) = %q, want %q", c.in, c.offset, got, c.want)
		}
	}
}
