package textfeat

import (
	"math"
	"slices"
	"testing"
)

func TestWords(t *testing.T) {
	w := Words("小区门口的路灯不亮了！！请尽快修理，谢谢。2026年")
	for _, bad := range []string{"的", "了", "！", "，", "。", "2026"} {
		if slices.Contains(w, bad) {
			t.Errorf("%q kept in %v", bad, w)
		}
	}
	for _, want := range []string{"小区", "门口", "修理"} {
		if !slices.Contains(w, want) {
			t.Errorf("%q missing from %v", want, w)
		}
	}
	if got := Words("Street LIGHT out"); !slices.Contains(got, "light") {
		t.Errorf("English words lower-cased: %v", got)
	}
	if len(Words("")) != 0 || len(Words("，。！？")) != 0 {
		t.Error("words of nothing")
	}
}

// A district's own name stays one word once taught.
func TestAddWords(t *testing.T) {
	if slices.Contains(Words("滨谷东园北门垃圾没人清运"), "滨谷东园") {
		t.Skip("the dictionary knows the name already")
	}
	if err := AddWords("滨谷东园", "x", ""); err != nil {
		t.Fatal(err)
	}
	if w := Words("滨谷东园北门垃圾没人清运"); !slices.Contains(w, "滨谷东园") {
		t.Fatalf("not one word: %v", w)
	}
}

func TestFeatures(t *testing.T) {
	f := Features("垃圾清运不及时，路灯不亮")
	for _, want := range []string{"w:及时", "u:路", "u:亮", "c:路灯", "c:灯不", "c:不亮"} {
		if !slices.Contains(f, want) {
			t.Errorf("%q missing from %v", want, f)
		}
	}
	if c := CharPairs("路灯, 不亮"); !slices.Equal(c, []string{"c:路灯", "c:不亮"}) {
		t.Errorf("pairs across punctuation: %v", c)
	}
}

func TestVocab(t *testing.T) {
	docs := [][]string{{"a", "b", "b"}, {"a", "c"}, {"a", "d"}}
	v := BuildVocab(docs, 1, 0)
	if v.Len() != 4 || v.Column("zzz") != -1 {
		t.Fatalf("vocab %v", v.Terms)
	}
	if v.IDF[v.Column("a")] >= v.IDF[v.Column("b")] {
		t.Error("a word in every text weighs as much as a rare one")
	}
	x := v.Vector(docs[0])
	if n := Dot(x, x); math.Abs(n-1) > 1e-6 {
		t.Errorf("not unit length: %v", n)
	}
	if Dot(x, v.Vector([]string{"c", "d"})) != 0 {
		t.Error("texts with no word in common are alike")
	}
	if got := BuildVocab(docs, 2, 0); got.Len() != 1 {
		t.Errorf("min df 2 kept %v", got.Terms)
	}
	if got := BuildVocab(docs, 1, 2); got.Len() != 2 {
		t.Errorf("max 2 kept %v", got.Terms)
	}
	y := v.VectorCols([]int32{v.Column("b"), v.Column("a"), v.Column("b")})
	if !slices.Equal(y.Idx, x.Idx) || math.Abs(float64(y.Val[0]-x.Val[0])) > 1e-6 {
		t.Errorf("the same text by columns: %+v vs %+v", y, x)
	}
}
