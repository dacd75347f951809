// Package plaintext says what text gongzhi takes in: valid UTF-8 without
// control characters (TAB, LF and CR excepted), and without the invisible
// format characters that reorder or hide what a reader sees. The surfaces
// refuse control characters at the edge with Check (PostgreSQL cannot store
// NUL at all); the capabilities pass every text they store through Clean,
// which also covers what arrives by other ways (imports).
package plaintext

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// control reports whether r is a control character text may not hold: C0
// except TAB, LF and CR, DEL, and the C1 controls.
func control(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || (r >= 0x7f && r <= 0x9f)
}

// invisible reports whether r is a format character: zero-width spaces and
// joiners (U+200B–U+200D, U+2060), the directional marks, embeddings,
// overrides and isolates (U+200E–U+200F, U+202A–U+202E, U+2066–U+2069,
// U+061C), the byte order mark U+FEFF, the soft hyphen, tag characters
// and the rest of Unicode's category Cf. They display as nothing, or
// reorder what follows (a right-to-left override makes "gpj.exe" read as
// "exe.jpg"), so a name or description holding them is not what it looks
// like, in gongzhi or in a spreadsheet.
func invisible(r rune) bool { return unicode.Is(unicode.Cf, r) }

// errControl is the answer to text with a control character.
var errControl = errs.New(errs.Invalid, "输入中含有不允许的控制字符（如 NUL），请删除后重试",
	"the input holds a control character that is not allowed (such as NUL); remove it and try again")

var errEncoding = errs.New(errs.Invalid, "输入不是有效的 UTF-8 文本", "the input is not valid UTF-8 text")

// Check refuses text that is not valid UTF-8 or that holds a control
// character (TAB, LF and CR are allowed), with a 400 in both languages.
func Check(s string) error {
	if !utf8.ValidString(s) {
		return errEncoding
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
			return errControl
		}
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r >= 0x80 && r <= 0x9f }) {
		return errControl
	}
	return nil
}

// Clean returns s without control characters (TAB, LF and CR kept) and
// without invisible format characters; text that is not UTF-8 has its bad
// bytes replaced by U+FFFD.
func Clean(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return control(r) || invisible(r) || r == utf8.RuneError }) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if control(r) || invisible(r) {
			return -1
		}
		return r
	}, s)
}
