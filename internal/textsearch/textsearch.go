// Package textsearch matches what a hotline agent types against Chinese
// names and texts: by characters, by full pinyin, and by pinyin initials
// (街巷环境 → "jxhj"), and scores how alike two short texts are.
package textsearch

import (
	"strings"
	"sync"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

// Keys are the forms of a text that a query is matched against.
type Keys struct {
	Text     string // lower-cased text
	Pinyin   string // full pinyin without tones or spaces: jiexianghuanjing
	Initials string // first letters: jxhj
}

var cache sync.Map // text → Keys

// KeysOf returns the search keys of a text (cached: names repeat).
func KeysOf(text string) Keys {
	if k, ok := cache.Load(text); ok {
		return k.(Keys)
	}
	args := pinyin.NewArgs()
	args.Fallback = func(r rune, a pinyin.Args) []string {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return []string{strings.ToLower(string(r))}
		}
		return nil
	}
	var full, initials strings.Builder
	for _, syl := range pinyin.Pinyin(text, args) {
		if len(syl) == 0 || syl[0] == "" {
			continue
		}
		full.WriteString(syl[0])
		initials.WriteByte(syl[0][0])
	}
	k := Keys{Text: strings.ToLower(text), Pinyin: full.String(), Initials: initials.String()}
	cache.Store(text, k)
	return k
}

// Score tells how well query matches text: 0 for no match, higher for
// better ones (an exact or prefix match beats a match inside).
func Score(query, text string) int {
	q := strings.ToLower(strings.TrimSpace(query))
	if q == "" {
		return 0
	}
	k := KeysOf(text)
	best := 0
	try := func(hay string, prefix, inside int) {
		switch {
		case hay == "":
		case strings.HasPrefix(hay, q):
			best = max(best, prefix)
		case strings.Contains(hay, q):
			best = max(best, inside)
		}
	}
	try(k.Text, 100, 80)
	if isASCII(q) {
		try(k.Initials, 70, 50)
		try(k.Pinyin, 60, 40)
	}
	return best
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// bigrams returns the set of adjacent character pairs of the letters,
// digits and Han characters in s.
func bigrams(s string) map[string]bool {
	var rs []rune
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			rs = append(rs, unicode.ToLower(r))
		}
	}
	out := make(map[string]bool, len(rs))
	for i := 0; i+1 < len(rs); i++ {
		out[string(rs[i:i+2])] = true
	}
	if len(rs) == 1 {
		out[string(rs)] = true
	}
	return out
}

// Similarity is the Jaccard similarity of the character bigrams of a and b,
// from 0 (nothing shared) to 1 (the same): a cheap and robust measure for
// short Chinese texts, which have no spaces between words.
func Similarity(a, b string) float64 {
	x, y := bigrams(a), bigrams(b)
	if len(x) == 0 || len(y) == 0 {
		return 0
	}
	shared := 0
	for g := range x {
		if y[g] {
			shared++
		}
	}
	return float64(shared) / float64(len(x)+len(y)-shared)
}
