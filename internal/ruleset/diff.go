package ruleset

import (
	"context"
	"strconv"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Kinds of a line of a diff.
const (
	Added   = "added"   // in the area's effective set only
	Removed = "removed" // in the set compared against only
	Changed = "changed" // in both with another value (or another overridable)
)

// DiffLine is one entry that differs.
type DiffLine struct {
	Section Section `json:"section"`
	Key     string  `json:"key"`
	Change  string  `json:"change"`
	From    *Entry  `json:"from"` // the entry compared against
	To      *Rule   `json:"to"`   // the area's effective entry
}

// Diff compares an area's effective rules with a set: against "" or
// "upper" is the upper level's latest version (the lines are the area's
// overrides), a number is that version of the upper level (the lines are
// what the upper level changed since, and the overrides).
type Diff struct {
	AreaCode  string     `json:"area_code"`
	Against   Version    `json:"against"`
	Effective Effective  `json:"effective"`
	Lines     []DiffLine `json:"lines"`
}

// Diff returns the differences; only CanRead users read it.
func (s *Service) Diff(ctx context.Context, u auth.User, areaCode, against string) (Diff, error) {
	if !CanRead(u) {
		return Diff{}, errs.ErrForbidden
	}
	version := 0
	if against != "" && against != "upper" {
		n, err := strconv.Atoi(against)
		if err != nil || n < 1 {
			return Diff{}, errs.Invalidf("against 须为 upper 或版本号", "against must be upper or a version number")
		}
		version = n
	}
	eff, err := s.Effective(ctx, u, areaCode)
	if err != nil {
		return Diff{}, err
	}
	if eff.Upper == nil {
		return Diff{}, errs.NotFoundf("上级尚未发布规则集", "no upper level has published a rule set")
	}
	base, source, _, err := s.upper(ctx, eff.AreaCode, version)
	if err != nil {
		return Diff{}, err
	}
	return Diff{AreaCode: eff.AreaCode, Against: versionOf(base, source), Effective: eff, Lines: diffLines(base.Entries, eff.Rules)}, nil
}

func diffLines(base []Entry, rules []Rule) []DiffLine {
	from := map[string]Entry{}
	for _, e := range base {
		from[e.ID()] = e
	}
	out := []DiffLine{}
	seen := map[string]bool{}
	for i := range rules {
		r := rules[i]
		seen[r.ID()] = true
		e, ok := from[r.ID()]
		switch {
		case !ok:
			out = append(out, DiffLine{Section: r.Section, Key: r.Key, Change: Added, To: &r})
		case e.Value != r.Value || e.Overridable != r.Overridable:
			out = append(out, DiffLine{Section: r.Section, Key: r.Key, Change: Changed, From: &e, To: &r})
		}
	}
	for i := range base {
		e := base[i]
		if !seen[e.ID()] {
			out = append(out, DiffLine{Section: e.Section, Key: e.Key, Change: Removed, From: &e})
		}
	}
	sortLines(out)
	return out
}

func sortLines(ls []DiffLine) {
	es := make([]Entry, len(ls))
	idx := map[string]DiffLine{}
	for i, l := range ls {
		es[i] = Entry{Section: l.Section, Key: l.Key}
		idx[es[i].ID()] = l
	}
	sortEntries(es)
	for i, e := range es {
		ls[i] = idx[e.ID()]
	}
}
