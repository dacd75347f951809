package textsearch

import "testing"

func TestKeysAndScore(t *testing.T) {
	k := KeysOf("街巷环境卫生")
	if k.Initials != "jxhjws" || k.Pinyin != "jiexianghuanjingweisheng" {
		t.Fatalf("keys: %+v", k)
	}
	cases := []struct {
		q, text string
		match   bool
	}{
		{"jxhj", "街巷环境卫生", true},
		{"hjws", "街巷环境卫生", true},
		{"环境", "街巷环境卫生", true},
		{"huanjing", "街巷环境卫生", true},
		{"gs", "供水", true},
		{"供暖", "供水", false},
		{"xyz", "供水", false},
		{"12345", "12345热线中心", true},
		{"", "供水", false},
	}
	for _, c := range cases {
		if got := Score(c.q, c.text) > 0; got != c.match {
			t.Errorf("Score(%q, %q) > 0 = %v", c.q, c.text, got)
		}
	}
	if Score("街巷", "街巷环境卫生") <= Score("环境", "街巷环境卫生") {
		t.Error("a prefix should score above a match inside")
	}
}

func TestSimilarity(t *testing.T) {
	a := "金谷东园小区北门垃圾堆积多日"
	if s := Similarity(a, "金谷东园北门垃圾堆了好几天"); s < 0.2 {
		t.Errorf("near duplicates: %.2f", s)
	}
	if s := Similarity(a, "路灯不亮"); s > 0.05 {
		t.Errorf("unrelated: %.2f", s)
	}
	if Similarity(a, a) != 1 || Similarity("", a) != 0 {
		t.Error("bounds")
	}
}
