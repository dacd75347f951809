package db

import (
	"strconv"
	"strings"
)

// Conds gathers the conditions of a query and their arguments, numbering
// the placeholders as it goes: each "?" of a condition becomes the next $n,
// so conditions added in any order and number bind the right values on both
// engines.
type Conds struct {
	Where []string
	Args  []any
}

// Add adds cond, its "?"s bound in order to vals.
func (c *Conds) Add(cond string, vals ...any) {
	c.Where = append(c.Where, c.Bind(cond, vals...))
}

// Bind returns cond with its "?"s bound in order to vals, without adding it,
// for conditions joined otherwise (by OR, say).
func (c *Conds) Bind(cond string, vals ...any) string {
	for _, v := range vals {
		cond = strings.Replace(cond, "?", c.Arg(v), 1)
	}
	return cond
}

// In adds "col IN (…)" for vals, which must not be empty.
func (c *Conds) In(col string, vals []string) {
	ph := make([]string, len(vals))
	for i, v := range vals {
		ph[i] = c.Arg(v)
	}
	c.Where = append(c.Where, col+" IN ("+strings.Join(ph, ",")+")")
}

// Arg binds v and returns its placeholder, for a LIMIT and the like.
func (c *Conds) Arg(v any) string {
	c.Args = append(c.Args, v)
	return "$" + strconv.Itoa(len(c.Args))
}

// And joins the conditions with AND.
func (c *Conds) And() string { return strings.Join(c.Where, " AND ") }
