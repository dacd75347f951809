// Package textfeat turns Chinese (and English) request text into the
// features that gongzhi's learned parts share: routing, duplicates and
// monthly themes.
//
// Words come from the gse segmenter with its embedded simplified-Chinese
// dictionary, taught the district's own place and category names
// (AddWords); stop words (the stopwords-iso list, embedded here, and gse's
// stop tokens) and punctuation are dropped. Where words fail (a name the
// dictionary lacks, a typo) pairs of adjacent Han characters still match,
// so Features gives both. The dictionary is loaded on first use (about a
// second, and some 130 MB that stay), so a server that never routes text
// never pays for it.
package textfeat

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"

	"github.com/go-ego/gse"
)

//go:embed stopwords_zh.txt
var stopwordsZh string

var (
	segOnce sync.Once
	segMu   sync.RWMutex // AddWords writes the dictionary; Words reads it
	seg     gse.Segmenter
	segErr  error
	stops   map[string]bool
)

func load() error {
	segOnce.Do(func() {
		seg, segErr = gse.NewEmbed("zh_s")
		if segErr != nil {
			return
		}
		stops = map[string]bool{}
		for _, w := range strings.Split(stopwordsZh, "\n") {
			if w = strings.TrimSpace(w); w != "" {
				stops[w] = true
			}
		}
		if err := seg.LoadStopEmbed(); err == nil {
			for w := range seg.StopWordMap {
				stops[w] = true
			}
		}
	})
	return segErr
}

// Load loads the dictionary now rather than at the first text (a server
// calls it in the background at start when it serves a model).
func Load() error { return load() }

// AddWords teaches the segmenter words of the district's own: its places,
// its categories, its units. Words already known keep their frequency.
func AddWords(words ...string) error {
	if err := load(); err != nil {
		return err
	}
	segMu.Lock()
	defer segMu.Unlock()
	for _, w := range words {
		w = strings.TrimSpace(strings.ToLower(w))
		if runeCount(w) < 2 || runeCount(w) > 16 {
			continue
		}
		if _, _, ok := seg.Find(w); ok {
			continue
		}
		if err := seg.AddToken(w, 100, "n"); err != nil {
			return err
		}
	}
	return nil
}

func runeCount(s string) int { return len([]rune(s)) }

// Words segments text into its words, lower-cased, without stop words,
// punctuation, white space or numbers. Without a dictionary (it failed to
// load) it falls back to runs of letters and single Han characters.
func Words(text string) []string {
	text = strings.ToLower(text)
	var parts []string
	if load() == nil {
		segMu.RLock()
		parts = seg.Cut(text, false)
		segMu.RUnlock()
	} else {
		parts = strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) })
	}
	out := parts[:0]
	for _, w := range parts {
		w = strings.TrimSpace(w)
		if w == "" || stops[w] || !hasLetter(w) {
			continue
		}
		out = append(out, w)
	}
	return out
}

// hasLetter reports whether w holds a letter or a Han character (so
// punctuation and bare numbers are not words).
func hasLetter(w string) bool {
	for _, r := range w {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// Features are the terms of a text for a linear model: its words ("w:"),
// its Han characters ("u:") and the pairs of adjacent Han characters ("c:").
func Features(text string) []string {
	words := Words(text)
	out := make([]string, 0, len(words)+2*runeCount(text))
	for _, w := range words {
		out = append(out, "w:"+w)
	}
	return appendChars(out, text)
}

// CharPairs are the pairs of adjacent Han characters of text, prefixed "c:".
func CharPairs(text string) []string {
	var out []string
	for _, f := range appendChars(nil, text) {
		if strings.HasPrefix(f, "c:") {
			out = append(out, f)
		}
	}
	return out
}

// appendChars appends the Han characters of text ("u:") and their pairs
// within a run of Han characters ("c:").
func appendChars(out []string, text string) []string {
	var prev rune
	for _, r := range text {
		if !unicode.Is(unicode.Han, r) {
			prev = 0
			continue
		}
		out = append(out, "u:"+string(r))
		if prev != 0 {
			out = append(out, "c:"+string([]rune{prev, r}))
		}
		prev = r
	}
	return out
}
