package textsearch

import (
	"reflect"
	"testing"
)

func TestTerms(t *testing.T) {
	cases := []struct {
		text string
		want []string
	}{
		{"路灯不亮", []string{"不亮", "灯不", "路灯"}},
		{"3号楼 路灯", []string{"3", "号楼", "路灯"}},
		{"WiFi信号差，ABC-12", []string{"12", "abc", "wifi", "信号", "号差"}},
		{"水", []string{"水"}},
		{"路灯路灯", []string{"灯路", "路灯"}},
		{"１２３４５ＡＢ", []string{"12345ab"}},
		{"", []string{}},
		{"！？ …", []string{}},
	}
	for _, c := range cases {
		if got := Terms(c.text); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Terms(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

// A word of two or more characters found in a text has all its query
// terms among the text's terms.
func TestQueryTermsFindWordsInside(t *testing.T) {
	text := Terms("小区东门的路灯已经三天不亮了，请尽快修理。Lamp 7 broken")
	has := map[string]bool{}
	for _, x := range text {
		has[x] = true
	}
	for _, q := range []string{"路灯", "不亮", "尽快修理", "东门的路灯", "lamp", "LAMP", "7"} {
		for _, x := range QueryTerms(q) {
			if !has[x] {
				t.Errorf("query %q: term %q not indexed", q, x)
			}
		}
	}
	for _, q := range []string{"路灯坏", "lamps"} {
		all := true
		for _, x := range QueryTerms(q) {
			all = all && has[x]
		}
		if all {
			t.Errorf("query %q should not match", q)
		}
	}
}
