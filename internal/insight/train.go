package insight

import (
	"time"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// Sample is a closed ticket as the router learns from it: what the
// resident said, where, the category it ended in, and the unit that
// finally handled it.
type Sample struct {
	Text, Category, Area, Unit string
}

// Training bounds.
const (
	// MaxTrainSamples is how many of the newest closed tickets a training reads.
	MaxTrainSamples = 200_000
	// MinTrainSamples is the fewest closed tickets worth a model.
	MinTrainSamples = 30
	// cvSamples bounds the tickets the cross-validated figures are measured on.
	cvSamples = 20_000
	cvFolds   = 3
	// routerTerms bounds the vocabulary, and so the stored model.
	routerTerms = 50_000
)

var routerOptions = LinearOptions{MaxTerms: routerTerms}

// TrainModel measures the router by cross-validation on up to cvSamples of
// the samples (the newest, as given first), fits the confidences'
// temperature on the held-out scores, and trains the model on all.
func TrainModel(samples []Sample) (*Model, error) {
	if len(samples) < MinTrainSamples {
		return nil, errs.Invalidf("已办结工单不足%d件，无法训练", "fewer than %d closed tickets: nothing to train on", MinTrainSamples)
	}
	start := time.Now()
	c := newCorpus(textsOf(samples))
	m := &Model{Samples: len(samples)}
	temp := m.crossValidate(c, samples[:min(len(samples), cvSamples)])
	labels := make([]string, len(samples))
	for i, s := range samples {
		labels[i] = s.Category
		m.countUnit(s.Category, s.Area, s.Unit)
	}
	o := routerOptions.withDefaults()
	vocab, xs, _ := c.vectors(nil, o)
	c = nil // the features are no longer needed while the classes train
	m.Category = trainVectors(vocab, xs, labels, o)
	m.Category.Temp = temp
	m.TrainMs = time.Since(start).Milliseconds()
	return m, nil
}

// crossValidate fills the model's figures from cvFolds folds of cv (the
// first texts of c) and returns the fitted temperature.
func (m *Model) crossValidate(c *corpus, cv []Sample) float64 {
	labels := make([]string, len(cv))
	for i, s := range cv {
		labels[i] = s.Category
	}
	fold := folds(labels, cvFolds)
	o := routerOptions.withDefaults()
	var heldScores [][]float64
	var heldLabels []string
	var classes []string
	cat, unit := newTally(), newTally()
	for f := 0; f < cvFolds; f++ {
		part := &Model{}
		vocab, xs, chosen := c.vectors(func(i int) bool { return i < len(cv) && fold[i] != f }, o)
		trY := make([]string, len(chosen))
		for k, i := range chosen {
			trY[k] = cv[i].Category
			part.countUnit(cv[i].Category, cv[i].Area, cv[i].Unit)
		}
		part.Category = trainVectors(vocab, xs, trY, o)
		if classes == nil {
			classes = part.Category.Classes
		}
		col := c.columns(vocab)
		for i, s := range cv {
			if fold[i] != f {
				continue
			}
			x := c.vector(vocab, col, i)
			cats, units := part.routeVector(x, s.Area, 3)
			cat.add(s.Category, cats)
			if s.Unit != "" {
				unit.add(s.Unit, units)
			}
			if equal(classes, part.Category.Classes) {
				heldScores = append(heldScores, part.Category.scores(x))
				heldLabels = append(heldLabels, s.Category)
			}
		}
	}
	cu, u := cat.report(), unit.report()
	m.Top1, m.Top3, m.UnitTop1, m.UnitTop3 = cu.Top1, cu.Top3, u.Top1, u.Top3
	return FitTemp(classes, heldScores, heldLabels)
}

func textsOf(samples []Sample) []string {
	out := make([]string, len(samples))
	for i, s := range samples {
		out[i] = s.Text
	}
	return out
}
