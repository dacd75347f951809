package db

import (
	"strconv"
	"strings"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// KeysetCursor is the cursor after a row of a list ordered by a time (unix
// milliseconds) and an ID: "1764748800000.ID".
func KeysetCursor(ms int64, id string) string { return strconv.FormatInt(ms, 10) + "." + id }

// ParseKeysetCursor reads a KeysetCursor; "" is the first page (0, "").
// Anything else not so shaped — an ID of 1 to 64 letters, digits, '-' or
// '_' — is an invalid-input error.
func ParseKeysetCursor(s string) (int64, string, error) {
	if s == "" {
		return 0, "", nil
	}
	a, id, ok := strings.Cut(s, ".")
	ms, err := strconv.ParseInt(a, 10, 64)
	if !ok || err != nil || len(id) == 0 || len(id) > 64 || strings.Trim(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != "" {
		return 0, "", errs.Invalidf("游标不正确", "malformed cursor")
	}
	return ms, id, nil
}
