// Package privacy decides what of a resident's personal data may appear in
// outputs anyone can read: Mask hides the phone numbers, ID-card numbers and
// room numbers people write into free text, and RoundCoord coarsens a
// location to a grid. The capabilities apply them to their public views;
// the surfaces only show what those views return.
package privacy

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mask hides personal numbers written in a text, replacing their digits
// with '*'. Digits are ASCII or full-width (０-９), and a number may be
// broken up by separators — spaces of any kind, dashes, dots, brackets and
// invisible format characters — since people write 138 1234 5678,
// 138-1234-5678, (010)62345678 or １３８１２３４５６７８. Within each run
// of digits joined by separators:
//
//   - a mobile number (11 digits, 1 then 3-9) keeps its first three and
//     last four digits: 138****5678, anywhere in the run;
//   - a landline with its area code (0 and two or three digits, then seven
//     or eight digits from 2-9) keeps the area code and the last four
//     digits: 010-****5678; a local number alone (a run of just seven or
//     eight digits from 2-9 that is not a date) keeps its last four;
//   - an ID-card number (17 digits with a plausible birth date, then a
//     digit or X) keeps its first three and last two characters;
//   - a room number is hidden entirely: digits before 室, 房 or 户 (501室),
//     after 单元 (2单元501), after a building (3号楼501, 5栋1203), and the
//     room of building-unit-room written with dashes (3-2-501: one or two
//     digits, one or two, then three or four; a date such as 2026-12-02
//     ends in two). Building
//     and street numbers stay, so a public place can still be found.
//
// Masking errs on the side of hiding. It is applied until nothing changes,
// so masking a masked text changes nothing.
func Mask(s string) string {
	if !hasDigit(s) {
		return s
	}
	for {
		m := maskOnce(s)
		if m == s {
			return m
		}
		s = m
	}
}

func hasDigit(s string) bool {
	for _, r := range s {
		if _, ok := digit(r); ok {
			return true
		}
	}
	return false
}

// digit returns the value of an ASCII or full-width digit.
func digit(r rune) (byte, bool) {
	switch {
	case r >= '0' && r <= '9':
		return byte(r - '0'), true
	case r >= '０' && r <= '９':
		return byte(r - '０'), true
	}
	return 0, false
}

// Separator reports whether r may stand between the digits of one number.
func Separator(r rune) bool {
	if r < utf8.RuneSelf {
		switch r {
		case ' ', '\t', '\n', '\v', '\f', '\r', '-', '.', '(', ')', '_':
			return true
		}
		return false
	}
	switch r {
	case '．', '·', '・', '（', '）', '＿':
		return true
	}
	return unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) || unicode.Is(unicode.Cf, r)
}

// run is one run of digits joined by separators: the indexes in the text's
// runes of each digit, and the digits' values.
type run struct {
	pos []int
	val []byte
}

func maskOnce(s string) string {
	rs := []rune(s)
	hide := make([]bool, len(rs))
	for _, rn := range runs(rs) {
		maskRun(rs, rn, hide)
	}
	maskRooms(rs, hide)
	if !slices.Contains(hide, true) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range rs {
		if hide[i] {
			b.WriteByte('*')
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// runs splits the text into runs of digits joined by separators. The runs
// share two arrays, so a text with many numbers costs few allocations.
func runs(rs []rune) []run {
	var out []run
	var pos []int
	var val []byte
	from := 0 // where the current run starts in pos
	end := func() {
		if len(pos) > from {
			out = append(out, run{pos: pos[from:len(pos):len(pos)], val: val[from:len(val):len(val)]})
			from = len(pos)
		}
	}
	for i, r := range rs {
		if v, ok := digit(r); ok {
			pos = append(pos, i)
			val = append(val, v)
			continue
		}
		if len(pos) == from || Separator(r) {
			continue
		}
		end()
	}
	end()
	return out
}

// startsGroup reports whether the k-th digit of a run begins a group: it is
// the first, or a separator stands before it.
func startsGroup(rn run, k int) bool { return k == 0 || rn.pos[k-1] != rn.pos[k]-1 }

func maskRun(rs []rune, rn run, hide []bool) {
	d := rn.val
	n := len(d)
	set := func(from, to int) { // digits [from, to) of the run
		for k := from; k < to; k++ {
			hide[rn.pos[k]] = true
		}
	}
	for i := 0; i+11 <= n; i++ {
		if d[i] == 1 && d[i+1] >= 3 {
			set(i+3, i+7)
		}
	}
	for i := 0; i+10 <= n; i++ {
		if d[i] != 0 || d[i+1] == 0 || !startsGroup(rn, i) {
			continue
		}
		area := 4
		if d[i+1] <= 2 {
			area = 3
		}
		local := 8
		if i+area+local > n {
			local = 7
		}
		if i+area+local > n || d[i+area] < 2 {
			continue
		}
		set(i+area, i+area+local-4)
	}
	// A local number alone (a whole run of seven or eight digits from 2-9,
	// not a date such as 20261202): 6996 1234.
	if (n == 7 || n == 8) && d[0] >= 2 && !(n == 8 && date(d)) {
		set(0, n-4)
	}
	for i := 0; i+17 <= n; i++ {
		if !startsGroup(rn, i) || !date(d[i+6:i+14]) {
			continue
		}
		if i+18 <= n || checkX(rs, rn.pos[i+16]+1) {
			set(i+3, i+16)
		}
	}
}

// date reports whether eight digits read as a date from 1900 to 2099.
func date(d []byte) bool {
	y := int(d[0])*10 + int(d[1])
	m := int(d[4])*10 + int(d[5])
	day := int(d[6])*10 + int(d[7])
	return (y == 19 || y == 20) && m >= 1 && m <= 12 && day >= 1 && day <= 31
}

// checkX reports whether the check character X of an ID number stands at i.
func checkX(rs []rune, i int) bool {
	return i < len(rs) && (rs[i] == 'X' || rs[i] == 'x' || rs[i] == 'Ｘ' || rs[i] == 'ｘ')
}

// roomAfter are the words after which a number is a room; roomBefore the
// characters before which it is one.
var (
	roomAfter  = []string{"单元", "号楼", "栋", "幢", "座"}
	roomBefore = map[rune]bool{'室': true, '房': true, '户': true}
)

// maskRooms hides room numbers: digits (ASCII or full-width, not broken
// by separators) before 室/房/户, after 单元 or a building, and the room of
// building-unit-room written with dashes.
func maskRooms(rs []rune, hide []bool) {
	// Groups of adjacent digits.
	type group struct{ from, to int }
	var gs []group
	for i := 0; i < len(rs); {
		if _, ok := digit(rs[i]); !ok {
			i++
			continue
		}
		j := i
		for j < len(rs) {
			if _, ok := digit(rs[j]); !ok {
				break
			}
			j++
		}
		gs = append(gs, group{i, j})
		i = j
	}
	short := func(g group) bool { return g.to-g.from <= 2 }
	hideGroup := func(g group) {
		for k := g.from; k < g.to; k++ {
			hide[k] = true
		}
	}
	for gi, g := range gs {
		if g.to < len(rs) && roomBefore[rs[g.to]] {
			hideGroup(g)
		}
		// After 单元 or a building, perhaps with a dash or space: a room
		// has three or four digits (2单元501, 5栋1203), not a floor count.
		start := g.from
		if start > 0 && (dash(rs[start-1]) || rs[start-1] == ' ') {
			start--
		}
		if n := g.to - g.from; n >= 3 && n <= 4 {
			for _, w := range roomAfter {
				if hasSuffix(rs[:start], w) {
					hideGroup(g)
				}
			}
		}
		// 3-2-501: building, unit and room joined by single dashes; the
		// building and unit have one or two digits (unlike 138-1234-5678).
		if n := g.to - g.from; n >= 3 && n <= 4 && gi >= 2 && dashed(rs, gs[gi-1].to, g.from) && dashed(rs, gs[gi-2].to, gs[gi-1].from) &&
			short(gs[gi-1]) && short(gs[gi-2]) && (g.to == len(rs) || !dash(rs[g.to])) {
			hideGroup(g)
		}
	}
}

func dash(r rune) bool {
	return r == '-' || r == '－' || r == '—' || r == '‐' || r == '‑' || r == '–'
}

// dashed reports whether exactly one dash stands between two groups.
func dashed(rs []rune, end, next int) bool { return next == end+1 && dash(rs[end]) }

func hasSuffix(rs []rune, w string) bool {
	i := len(rs) - utf8.RuneCountInString(w)
	if i < 0 {
		return false
	}
	for _, r := range w {
		if rs[i] != r {
			return false
		}
		i++
	}
	return true
}
