package textfeat

import (
	"math"
	"slices"
	"sort"
)

// Vocab maps features to columns and weighs them by inverse document
// frequency. It is built once from the training texts and stored with the
// model that uses it.
type Vocab struct {
	Terms []string         // column → feature
	IDF   []float32        // column → idf
	index map[string]int32 // feature → column
}

// Sparse is a vector with its non-zero columns in increasing order.
type Sparse struct {
	Idx []int32
	Val []float32
}

// BuildVocab keeps the features found in at least minDF of the documents,
// at most maxTerms of them (the most frequent), with smoothed idf
// log((1+n)/(1+df)) + 1.
func BuildVocab(docs [][]string, minDF, maxTerms int) *Vocab {
	df := map[string]int{}
	for _, d := range docs {
		for _, f := range uniq(d) {
			df[f]++
		}
	}
	return VocabFromDF(df, len(docs), minDF, maxTerms)
}

// VocabFromDF is BuildVocab from the document frequencies of the features
// in n documents.
func VocabFromDF(df map[string]int, n, minDF, maxTerms int) *Vocab {
	terms := make([]string, 0, len(df))
	for f, k := range df {
		if k >= minDF {
			terms = append(terms, f)
		}
	}
	sort.Slice(terms, func(i, j int) bool {
		if df[terms[i]] != df[terms[j]] {
			return df[terms[i]] > df[terms[j]]
		}
		return terms[i] < terms[j]
	})
	if maxTerms > 0 && len(terms) > maxTerms {
		terms = terms[:maxTerms]
	}
	sort.Strings(terms)
	v := &Vocab{Terms: terms, IDF: make([]float32, len(terms))}
	for i, f := range terms {
		v.IDF[i] = float32(math.Log((1+float64(n))/(1+float64(df[f]))) + 1)
	}
	v.reindex()
	return v
}

// NewVocab rebuilds a stored vocabulary.
func NewVocab(terms []string, idf []float32) *Vocab {
	v := &Vocab{Terms: terms, IDF: idf}
	v.reindex()
	return v
}

func (v *Vocab) reindex() {
	v.index = make(map[string]int32, len(v.Terms))
	for i, f := range v.Terms {
		v.index[f] = int32(i)
	}
}

// Len is the number of columns.
func (v *Vocab) Len() int { return len(v.Terms) }

// Vector weighs a document's features: (1 + log tf) × idf, scaled to unit
// length. Features outside the vocabulary are dropped.
func (v *Vocab) Vector(feats []string) Sparse {
	cols := make([]int32, 0, len(feats))
	for _, f := range feats {
		if i, ok := v.index[f]; ok {
			cols = append(cols, i)
		}
	}
	return v.VectorCols(cols)
}

// Column is the column of a feature, or -1 outside the vocabulary.
func (v *Vocab) Column(f string) int32 {
	if i, ok := v.index[f]; ok {
		return i
	}
	return -1
}

// VectorCols weighs a document given as the columns of its features, a
// column once for each time its feature occurs (in any order).
func (v *Vocab) VectorCols(cols []int32) Sparse {
	sorted := slices.Clone(cols)
	slices.Sort(sorted)
	s := Sparse{Idx: make([]int32, 0, len(sorted)), Val: make([]float32, 0, len(sorted))}
	var norm float64
	for i := 0; i < len(sorted); {
		j := i
		for j < len(sorted) && sorted[j] == sorted[i] {
			j++
		}
		w := (1 + math.Log(float64(j-i))) * float64(v.IDF[sorted[i]])
		s.Idx = append(s.Idx, sorted[i])
		s.Val = append(s.Val, float32(w))
		norm += w * w
		i = j
	}
	if norm > 0 {
		k := float32(1 / math.Sqrt(norm))
		for j := range s.Val {
			s.Val[j] *= k
		}
	}
	return s
}

// Dot is the inner product of two sparse vectors.
func Dot(a, b Sparse) float64 {
	var sum float64
	i, j := 0, 0
	for i < len(a.Idx) && j < len(b.Idx) {
		switch {
		case a.Idx[i] < b.Idx[j]:
			i++
		case a.Idx[i] > b.Idx[j]:
			j++
		default:
			sum += float64(a.Val[i]) * float64(b.Val[j])
			i++
			j++
		}
	}
	return sum
}

func uniq(d []string) []string {
	seen := make(map[string]bool, len(d))
	out := make([]string, 0, len(d))
	for _, f := range d {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}
