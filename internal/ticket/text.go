package ticket

import (
	"strings"

	"github.com/gongzhi/gongzhi/internal/plaintext"
)

// CleanText is every text a ticket takes in (names, addresses,
// descriptions, notes, replies, comments, reasons) as it is stored: without
// control characters or invisible format characters such as a right-to-left
// override (see plaintext.Clean), and without surrounding space. The ticket
// import, which writes tickets directly, stores its text through it too.
func CleanText(s string) string { return strings.TrimSpace(plaintext.Clean(s)) }
