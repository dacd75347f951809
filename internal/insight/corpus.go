package insight

import (
	"github.com/gongzhi/gongzhi/internal/textfeat"
)

// corpus holds texts as the ids of their features, so that a large
// training set costs four bytes a feature rather than a string each.
type corpus struct {
	terms []string  // id → feature
	docs  [][]int32 // text → ids of its features, repeated as they occur
}

// newCorpus featurizes texts a chunk at a time (in parallel within one).
func newCorpus(texts []string) *corpus {
	c := &corpus{docs: make([][]int32, 0, len(texts))}
	ids := map[string]int32{}
	const chunk = 4096
	for lo := 0; lo < len(texts); lo += chunk {
		for _, fs := range Featurize(texts[lo:min(lo+chunk, len(texts))]) {
			doc := make([]int32, len(fs))
			for j, f := range fs {
				id, ok := ids[f]
				if !ok {
					id = int32(len(c.terms))
					ids[f] = id
					c.terms = append(c.terms, f)
				}
				doc[j] = id
			}
			c.docs = append(c.docs, doc)
		}
	}
	return c
}

// vectors builds the vocabulary of the texts chosen (those where keep is
// true; all when keep is nil) and weighs those texts by it.
func (c *corpus) vectors(keep func(i int) bool, o LinearOptions) (*textfeat.Vocab, []textfeat.Sparse, []int) {
	df := make([]int32, len(c.terms))
	seen := make([]int32, len(c.terms)) // last text+1 that counted the id
	var chosen []int
	for i, d := range c.docs {
		if keep != nil && !keep(i) {
			continue
		}
		chosen = append(chosen, i)
		for _, id := range d {
			if seen[id] != int32(i+1) {
				seen[id] = int32(i + 1)
				df[id]++
			}
		}
	}
	counts := map[string]int{}
	for id, n := range df {
		if int(n) >= o.MinDF {
			counts[c.terms[id]] = int(n)
		}
	}
	vocab := textfeat.VocabFromDF(counts, len(chosen), o.MinDF, o.MaxTerms)
	col := c.columns(vocab)
	xs := make([]textfeat.Sparse, len(chosen))
	parallel(len(chosen), func(k int) { xs[k] = c.vector(vocab, col, chosen[k]) })
	return vocab, xs, chosen
}

// columns maps each feature id to its column in vocab, or -1.
func (c *corpus) columns(vocab *textfeat.Vocab) []int32 {
	col := make([]int32, len(c.terms))
	for id, f := range c.terms {
		col[id] = vocab.Column(f)
	}
	return col
}

// vector weighs text i by vocab, whose columns are col.
func (c *corpus) vector(vocab *textfeat.Vocab, col []int32, i int) textfeat.Sparse {
	d := c.docs[i]
	cols := make([]int32, 0, len(d))
	for _, id := range d {
		if col[id] >= 0 {
			cols = append(cols, col[id])
		}
	}
	return vocab.VectorCols(cols)
}
