package plaintext

import (
	"testing"

	"github.com/gongzhi/gongzhi/internal/errs"
)

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"张三", "张三"},
		{"多行\n文本\r\n和\t制表", "多行\n文本\r\n和\t制表"},
		{"张\u200b三", "张三"},
		{"\ufeff地址", "地址"},
		{"照片\u202egpj.exe", "照片gpj.exe"},
		{"a\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u2060\u2066\u2067\u2068\u2069\u061c\u00adb", "ab"},
		{"tag\U000E0041\U000E0042", "tag"},
		{"nul\x00 bell\x07 esc\x1b del\x7f c1\u0085", "nul bell esc del c1"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := Clean(tc.in); got != tc.want {
			t.Errorf("Clean(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCheck(t *testing.T) {
	for _, s := range []string{"", "井盖", "a\tb\nc\r\n", "张\u200b三"} {
		if err := Check(s); err != nil {
			t.Errorf("Check(%q) = %v", s, err)
		}
	}
	for _, s := range []string{"a\x00b", "\x01", "x\x1b[31m", "\x7f", "c1\u0085", "\xff"} {
		err := Check(s)
		if !errs.Is(err, errs.Invalid) {
			t.Errorf("Check(%q) = %v, want invalid", s, err)
			continue
		}
		if de := errs.As(err); de.Msg == "" || de.MsgEn == "" {
			t.Errorf("Check(%q): message not in both languages: %+v", s, de)
		}
	}
}
