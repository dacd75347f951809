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
	feats := Featurize(textsOf(samples))
	cv := samples
	if len(cv) > cvSamples {
		cv = cv[:cvSamples]
	}
	m := &Model{Samples: len(samples)}
	temp := m.crossValidate(cv, feats)
	labels := make([]string, len(samples))
	for i, s := range samples {
		labels[i] = s.Category
		m.countUnit(s.Category, s.Area, s.Unit)
	}
	m.Category = TrainLinear(feats, labels, routerOptions)
	m.Category.Temp = temp
	m.TrainMs = time.Since(start).Milliseconds()
	return m, nil
}

// crossValidate fills the model's figures from cvFolds folds of cv and
// returns the fitted temperature.
func (m *Model) crossValidate(cv []Sample, feats [][]string) float64 {
	labels := make([]string, len(cv))
	for i, s := range cv {
		labels[i] = s.Category
	}
	fold := folds(labels, cvFolds)
	var heldScores [][]float64
	var heldLabels []string
	var classes []string
	cat, unit := newTally(), newTally()
	for f := 0; f < cvFolds; f++ {
		part := &Model{}
		var trX [][]string
		var trY []string
		for i, s := range cv {
			if fold[i] != f {
				trX = append(trX, feats[i])
				trY = append(trY, s.Category)
				part.countUnit(s.Category, s.Area, s.Unit)
			}
		}
		part.Category = TrainLinear(trX, trY, routerOptions)
		if classes == nil {
			classes = part.Category.Classes
		}
		for i, s := range cv {
			if fold[i] != f {
				continue
			}
			cats, units := part.route(feats[i], s.Area, 3)
			cat.add(s.Category, cats)
			if s.Unit != "" {
				unit.add(s.Unit, units)
			}
			if equal(classes, part.Category.Classes) {
				heldScores = append(heldScores, part.Category.Scores(feats[i]))
				heldLabels = append(heldLabels, s.Category)
			}
		}
	}
	c, u := cat.report(), unit.report()
	m.Top1, m.Top3, m.UnitTop1, m.UnitTop3 = c.Top1, c.Top3, u.Top1, u.Top3
	return FitTemp(classes, heldScores, heldLabels)
}

func textsOf(samples []Sample) []string {
	out := make([]string, len(samples))
	for i, s := range samples {
		out[i] = s.Text
	}
	return out
}
