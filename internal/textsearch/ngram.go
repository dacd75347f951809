package textsearch

import (
	"sort"
	"strings"
	"unicode"
)

// Terms returns the search terms of a text, for its index: every pair of
// adjacent Han characters (Chinese has no spaces between words, so "路灯不亮"
// gives 路灯, 灯不, 不亮), a Han character standing alone, and every run of
// ASCII letters or digits as one lower-cased word. Each term appears once,
// in sorted order. A segmenter may replace this later; Terms and QueryTerms
// must change together, and the index be rebuilt.
func Terms(text string) []string {
	set := map[string]bool{}
	eachTerm(text, func(t string) { set[t] = true })
	out := make([]string, 0, len(set))
	for t := range set {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// QueryTerms returns the terms a query's text must all have, split as
// Terms splits an indexed text, so that a query of two or more Han
// characters or of a word finds every text that contains it.
func QueryTerms(q string) []string { return Terms(q) }

// MaxTermBytes is the longest term kept: a longer ASCII run is cut.
const MaxTermBytes = 32

// eachTerm calls emit with each term of text, repeats included.
func eachTerm(text string, emit func(string)) {
	var han []rune
	var word strings.Builder
	flushHan := func() {
		switch {
		case len(han) == 1:
			emit(string(han))
		case len(han) > 1:
			for i := 0; i+1 < len(han); i++ {
				emit(string(han[i : i+2]))
			}
		}
		han = han[:0]
	}
	flushWord := func() {
		if word.Len() > 0 {
			w := word.String()
			if len(w) > MaxTermBytes {
				w = w[:MaxTermBytes]
			}
			emit(w)
			word.Reset()
		}
	}
	for _, r := range text {
		switch {
		case r >= '０' && r <= '９':
			r = '0' + (r - '０')
		case r >= 'Ａ' && r <= 'Ｚ':
			r = 'a' + (r - 'Ａ')
		case r >= 'ａ' && r <= 'ｚ':
			r = 'a' + (r - 'ａ')
		}
		switch {
		case unicode.Is(unicode.Han, r):
			flushWord()
			han = append(han, r)
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			flushHan()
			word.WriteRune(unicode.ToLower(r))
		default:
			flushHan()
			flushWord()
		}
	}
	flushHan()
	flushWord()
}
