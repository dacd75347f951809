package insight

import (
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/gongzhi/gongzhi/internal/textfeat"
)

// Report is how a classifier did on labelled texts it was not trained on.
type Report struct {
	N           int                    `json:"n"`
	Top1        float64                `json:"top1"`
	Top3        float64                `json:"top3"`
	MsPerTicket float64                `json:"ms_per_ticket"` // features and prediction of one text
	Classes     map[string]ClassReport `json:"classes"`
	TrainMs     float64                `json:"train_ms"` // all training, summed over folds
}

// ClassReport is one label's precision and recall, and how many texts bear it.
type ClassReport struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	N         int     `json:"n"`
}

// tally collects predictions into a Report.
type tally struct {
	n, top1, top3 int
	predicted     map[string]int
	correct       map[string]int
	actual        map[string]int
	predictTime   time.Duration
	trainTime     time.Duration
}

func newTally() *tally {
	return &tally{predicted: map[string]int{}, correct: map[string]int{}, actual: map[string]int{}}
}

func (t *tally) add(truth string, got []Scored) {
	t.n++
	t.actual[truth]++
	if len(got) > 0 {
		t.predicted[got[0].Label]++
		if got[0].Label == truth {
			t.top1++
			t.correct[truth]++
		}
	}
	for i, g := range got {
		if i < 3 && g.Label == truth {
			t.top3++
		}
	}
}

func (t *tally) report() Report {
	r := Report{N: t.n, Classes: map[string]ClassReport{}}
	if t.n == 0 {
		return r
	}
	r.Top1 = round4(float64(t.top1) / float64(t.n))
	r.Top3 = round4(float64(t.top3) / float64(t.n))
	r.MsPerTicket = round4(float64(t.predictTime.Microseconds()) / 1000 / float64(t.n))
	r.TrainMs = math.Round(float64(t.trainTime.Microseconds()) / 1000)
	for c, n := range t.actual {
		cr := ClassReport{N: n, Recall: round4(float64(t.correct[c]) / float64(n))}
		if p := t.predicted[c]; p > 0 {
			cr.Precision = round4(float64(t.correct[c]) / float64(p))
		}
		r.Classes[c] = cr
	}
	return r
}

func round4(x float64) float64 { return math.Round(x*10000) / 10000 }

// Featurize turns texts into features, in parallel where texts are many.
func Featurize(texts []string) [][]string {
	out := make([][]string, len(texts))
	parallel(len(texts), func(i int) { out[i] = textfeat.Features(texts[i]) })
	return out
}

// Evaluate trains on one labelled set and reports on another.
func Evaluate(trainTexts, trainLabels, testTexts, testLabels []string, o LinearOptions) Report {
	t := newTally()
	start := time.Now()
	m := TrainLinear(Featurize(trainTexts), trainLabels, o)
	t.trainTime = time.Since(start)
	start = time.Now()
	for i, text := range testTexts {
		t.add(testLabels[i], m.Predict(textfeat.Features(text), 3))
	}
	t.predictTime = time.Since(start)
	return t.report()
}

// CrossValidate splits the labelled texts into k folds (each label spread
// evenly over them, in a fixed random order), trains on k−1 and reports on
// the one left out, k times. It also returns the held-out scores, from
// which a temperature is fitted.
func CrossValidate(texts, labels []string, k int, o LinearOptions) (Report, float64) {
	feats := Featurize(texts)
	fold := folds(labels, k)
	t := newTally()
	var heldScores [][]float64
	var heldLabels []string
	var classes []string
	for f := 0; f < k; f++ {
		var trX [][]string
		var trY []string
		var te []int
		for i := range texts {
			if fold[i] == f {
				te = append(te, i)
			} else {
				trX = append(trX, feats[i])
				trY = append(trY, labels[i])
			}
		}
		start := time.Now()
		m := TrainLinear(trX, trY, o)
		t.trainTime += time.Since(start)
		if classes == nil {
			classes = m.Classes
		}
		start = time.Now()
		for _, i := range te {
			t.add(labels[i], m.Predict(textfeat.Features(texts[i]), 3))
		}
		t.predictTime += time.Since(start)
		if equal(classes, m.Classes) {
			for _, i := range te {
				heldScores = append(heldScores, m.Scores(feats[i]))
				heldLabels = append(heldLabels, labels[i])
			}
		}
	}
	return t.report(), FitTemp(classes, heldScores, heldLabels)
}

// folds assigns each text a fold so that every label is spread evenly.
func folds(labels []string, k int) []int {
	byLabel := map[string][]int{}
	for i, l := range labels {
		byLabel[l] = append(byLabel[l], i)
	}
	names := make([]string, 0, len(byLabel))
	for l := range byLabel {
		names = append(names, l)
	}
	sort.Strings(names)
	rng := rand.New(rand.NewPCG(7, 11))
	out := make([]int, len(labels))
	next := 0
	for _, l := range names {
		idx := byLabel[l]
		rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		for _, i := range idx {
			out[i] = next % k
			next++
		}
	}
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
