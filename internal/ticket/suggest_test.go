package ticket_test

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/demo"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// suggestTop returns the codes the keyword suggester proposes for text
// among the demo district's categories.
func suggestTop(t *testing.T, text string) []string {
	t.Helper()
	out, err := ticket.KeywordSuggester{}.SuggestCategories(context.Background(), text, demo.Categories(), ticket.MaxSuggestions)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, s := range out {
		codes = append(codes, s.Code)
	}
	return codes
}

// Everyday words find the category a resident means: a street light is
// 路灯照明, not 供电 (the mistake a tester made with the plain list).
func TestSuggestEverydayWords(t *testing.T) {
	for text, want := range map[string]string{
		"小区门口的路灯坏了好几天，晚上太黑":  "0304",
		"楼下饭店油烟很大，熏得没法开窗":    "0902",
		"暖气不热，家里只有16度":       "0403",
		"公司拖欠工资三个月了":         "0601",
		"孩子明年上小学，请问入学需要什么材料": "0801",
		"lu deng huai le": "0304",
	} {
		got := suggestTop(t, text)
		if len(got) == 0 || got[0] != want {
			t.Errorf("%q: suggested %v, want %s first", text, got, want)
		}
	}
	if got := suggestTop(t, "你好"); len(got) != 0 {
		t.Errorf("a greeting suggests %v", got)
	}
}

// tipdmToDemo maps the seven level-1 classes of the 2020 message-board
// data to the demo tree's top-level codes that cover the same ground.
var tipdmToDemo = map[string][]string{
	"劳动和社会保障": {"06"},
	"城乡建设":    {"01", "02", "03", "04", "10"},
	"教育文体":    {"08"},
	"商贸旅游":    {"05"},
	"卫生计生":    {"07"},
	"环境保护":    {"09", "01"},
	"交通运输":    {"03"},
}

// The suggestion's top-3 hit rate on 981 real messages of another
// taxonomy, by the mapping above. The figure is logged; the floor only
// keeps it from breaking silently.
func TestSuggestAccuracyOnRealMessages(t *testing.T) {
	// The shared data sits beside the repository (or beside the folder of
	// its work trees).
	p := filepath.Join("..", "..", "..", "shared", "data", "complaints", "tipdm2020_labeled_dev.csv")
	f, err := os.Open(p)
	if err != nil {
		p = filepath.Join("..", p)
		f, err = os.Open(p)
	}
	if err != nil {
		t.Skip("the labelled messages are not present at " + p)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	n, top1, top3, none := 0, 0, 0, 0
	for _, row := range rows[1:] {
		want := tipdmToDemo[row[5]]
		text := row[2] + "。" + row[4]
		if r := []rune(text); len(r) > ticket.MaxSuggestText {
			text = string(r[:ticket.MaxSuggestText])
		}
		got := suggestTop(t, text)
		n++
		if len(got) == 0 {
			none++
			continue
		}
		for i, c := range got {
			hit := false
			for _, w := range want {
				hit = hit || strings.HasPrefix(c, w)
			}
			if hit {
				top3++
				if i == 0 {
					top1++
				}
				break
			}
		}
	}
	r1, r3 := float64(top1)/float64(n), float64(top3)/float64(n)
	t.Logf("tipdm2020 dev: %d messages, top-1 %.1f%%, top-3 %.1f%%, no suggestion %.1f%%", n, 100*r1, 100*r3, 100*float64(none)/float64(n))
	if r3 < 0.4 {
		t.Errorf("top-3 hit rate %.2f is below the floor of 0.40", r3)
	}
}
