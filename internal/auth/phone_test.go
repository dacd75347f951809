package auth

import "testing"

func TestNormalizePhone(t *testing.T) {
	for in, want := range map[string]string{
		"13800138000":       "13800138000",
		" 138 0013 8000 ":   "13800138000",
		"138-0013-8000":     "13800138000",
		"+86 138 0013 8000": "13800138000",
		"+8613800138000":    "13800138000",
		"008613800138000":   "13800138000",
		"8613800138000":     "13800138000",
		"１３８００１３８０００":       "13800138000",
		"＋８６　138.0013.8000": "13800138000",
		"861380013800":      "861380013800", // 12 digits: not a country code
	} {
		if got := NormalizePhone(in); got != want {
			t.Errorf("NormalizePhone(%q) = %q, want %q", in, got, want)
		}
	}
}
