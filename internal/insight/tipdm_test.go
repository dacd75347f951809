package insight

import (
	"encoding/csv"
	"os"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/textfeat"
)

// readTipdm reads the labelled messages of the 2020 contest, subject and
// detail joined, as `gongzhi insight evaluate` does.
func readTipdm(t testing.TB) (texts, labels []string) {
	f, err := os.Open("../../../shared/data/complaints/tipdm2020_labeled_dev.csv")
	if err != nil {
		t.Skip("no reference data:", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows[1:] {
		texts = append(texts, strings.Join([]string{r[2], r[4]}, "\n"))
		labels = append(labels, r[5])
	}
	return texts, labels
}

// The router's model on real labelled messages, five folds: what it reaches
// today, held so that a change that makes it worse fails.
func TestCrossValidateTipdm(t *testing.T) {
	texts, labels := readTipdm(t)
	r, temp := CrossValidate(texts, labels, 5, LinearOptions{})
	t.Logf("n=%d top1=%v top3=%v ms=%v train=%vms temp=%.2f", r.N, r.Top1, r.Top3, r.MsPerTicket, r.TrainMs, temp)
	if r.N != 981 || r.Top1 < 0.84 || r.Top3 < 0.98 {
		t.Fatalf("n=%d top1=%v top3=%v", r.N, r.Top1, r.Top3)
	}
	if len(r.Classes) != 7 || r.Classes["城乡建设"].N != 203 {
		t.Fatalf("classes %+v", r.Classes)
	}
}

// BenchmarkPredictTipdm is the time to suggest a category for one real
// message (features and prediction), the model trained on the 981.
func BenchmarkPredictTipdm(b *testing.B) {
	texts, labels := readTipdm(b)
	m := TrainLinear(Featurize(texts), labels, LinearOptions{})
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		m.Predict(textfeat.Features(texts[i%len(texts)]), 3)
	}
}
