package themes

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// realMessages are the 4,326 unlabelled messages of a provincial message
// board (../shared/data, the tipdm 2020 contest's hot-topic set), subject
// and text; the test skips where the folder is absent.
func realMessages(t *testing.T) []string {
	t.Helper()
	var f *os.File
	var err error
	for _, dir := range []string{"../../../../shared/data", "../../../../../shared/data"} {
		if f, err = os.Open(filepath.Join(dir, "complaints", "tipdm2020_messages_with_votes.csv")); err == nil {
			break
		}
	}
	if err != nil {
		t.Skip("no shared data folder:", err)
	}
	defer f.Close()
	rs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rs[1:] {
		out = append(out, r[2]+"\n"+r[4])
	}
	return out
}

// On real messages the board's known hot topics come first: the parking
// spaces sold bundled with the flats of 伊景园滨河苑, then the mixing
// plant's noise by 丽发新城.
func TestRealHotTopics(t *testing.T) {
	texts := realMessages(t)
	cs, _ := discover(texts, make([]string, len(texts)), 3)
	if len(cs) < 2 {
		t.Fatalf("%d clusters", len(cs))
	}
	first, second := strings.Join(cs[0].words, " "), strings.Join(cs[1].words, " ")
	if len(cs[0].docs) < 20 || !strings.Contains(first, "车位") || !strings.Contains(first, "捆绑") {
		t.Errorf("first: %d %s", len(cs[0].docs), first)
	}
	if len(cs[1].docs) < 10 || !strings.Contains(second, "搅拌站") {
		t.Errorf("second: %d %s", len(cs[1].docs), second)
	}
	for _, i := range cs[0].docs {
		if !strings.Contains(texts[i], "车位") {
			t.Errorf("not about parking: %.60s", texts[i])
		}
	}
}
