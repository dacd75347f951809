package creditcode

import (
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// Codes whose check characters were worked out by hand from the standard's
// rule (weights 3^(i-1) mod 31, check = 31 - sum mod 31).
var good = []string{
	"91350100M000100Y43", // the standard's own worked example
	"91110000600037341L",
	"91440300MA5EXAMP1F",
	"12100000400000000W",
	"51110000500000000B",
	"92110105MA0000000U",
	"91310115MA1K4X7R05",
}

func TestWeights(t *testing.T) {
	w := 1
	for i := range weights {
		if weights[i] != w {
			t.Fatalf("weight %d = %d, want %d", i+1, weights[i], w)
		}
		w = w * 3 % 31
	}
	if len(alphabet) != 31 || strings.ContainsAny(alphabet, "IOZSV") {
		t.Fatalf("alphabet %q", alphabet)
	}
}

func TestGood(t *testing.T) {
	for _, c := range good {
		got, err := Check(c)
		if err != nil || got != c || !Valid(c) {
			t.Errorf("%s: %q %v", c, got, err)
		}
		// Trimmed and upper-cased.
		if got, err := Check("  " + strings.ToLower(c) + "\t"); err != nil || got != c {
			t.Errorf("%s lower-case: %q %v", c, got, err)
		}
		if Valid(strings.ToLower(c)) && strings.ToLower(c) != c {
			t.Errorf("%s: Valid takes lower case", c)
		}
	}
}

func TestBad(t *testing.T) {
	for _, c := range good {
		// Every other check character is refused.
		for i := 0; i < len(alphabet); i++ {
			if alphabet[i] == c[17] {
				continue
			}
			bad := c[:17] + string(alphabet[i])
			_, err := Check(bad)
			if e := errs.As(err); e == nil || e.Code != errs.Invalid || !strings.Contains(e.Msg, "校验位") || !strings.Contains(e.MsgEn, "check character") {
				t.Fatalf("%s: %v", bad, err)
			}
		}
		// A changed body character breaks the check too.
		b := []byte(c)
		b[3] = alphabet[(value(b[3])+1)%31]
		if Valid(string(b)) {
			t.Errorf("%s passes", b)
		}
	}
	for _, c := range []string{"", "9135010", "91350100M000100Y4", "91350100M000100Y433", "91350100I000100Y43", "91350100M000100S43", "9135010OM000100Y43", "913501００M000100Y43"} {
		if _, err := Check(c); err == nil || errs.As(err).Code != errs.Invalid {
			t.Errorf("%q: %v", c, err)
		}
	}
}

// FuzzCheck: Check never panics, accepts only 18 characters of the alphabet
// whose last is CheckChar of the first 17, and agrees with Valid.
func FuzzCheck(f *testing.F) {
	for _, c := range good {
		f.Add(c)
		f.Add(c[:17] + "0")
	}
	f.Add("")
	f.Add("ＩＯ")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Check(s)
		if err != nil {
			if errs.As(err) == nil || errs.As(err).Code != errs.Invalid {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if len(got) != Length {
			t.Fatalf("%q accepted as %q", s, got)
		}
		want, ok := CheckChar(got[:17])
		if !ok || want != got[17] || !Valid(got) {
			t.Fatalf("%q accepted as %q", s, got)
		}
	})
}
