package themes

import (
	"math"
	"runtime"
	"sort"
	"sync"

	"github.com/gongzhi/gongzhi/internal/textfeat"
)

// A month larger than the sample is clustered on the sample; the rest of
// its texts are then put into the clusters without the segmenter (which
// would take seconds per hundred thousand): the heaviest words of every
// cluster are looked for in each text as they stand, and the text joins
// the cluster whose centroid, cut to those words, its found words are
// closest to, when the cosine reaches AssignThreshold.
const (
	assignWords     = 12
	AssignThreshold = 0.7
)

type assigner struct {
	words [][]rune
	idf   []float64
	first map[uint64][]int32 // a word's first two characters → words
	post  [][]int32          // word → clusters that weigh it
	cent  []map[int32]float64
}

func pairKey(a, b rune) uint64 { return uint64(a)<<32 | uint64(uint32(b)) }

func newAssigner(cs []*cluster, v *textfeat.Vocab) *assigner {
	a := &assigner{first: map[uint64][]int32{}}
	ids := map[int32]int32{} // vocabulary column → word
	for ci, c := range cs {
		cols := make([]int32, 0, len(c.sum))
		for i := range c.sum {
			cols = append(cols, i)
		}
		sort.Slice(cols, func(x, y int) bool {
			if c.sum[cols[x]] != c.sum[cols[y]] {
				return c.sum[cols[x]] > c.sum[cols[y]]
			}
			return cols[x] < cols[y]
		})
		if len(cols) > assignWords {
			cols = cols[:assignWords]
		}
		cent := map[int32]float64{}
		var norm float64
		for _, col := range cols {
			w, ok := ids[col]
			if !ok {
				w = int32(len(a.words))
				ids[col] = w
				r := []rune(v.Terms[col])
				a.words = append(a.words, r)
				a.idf = append(a.idf, float64(v.IDF[col]))
				a.post = append(a.post, nil)
				a.first[pairKey(r[0], r[1])] = append(a.first[pairKey(r[0], r[1])], w)
			}
			x := float64(c.sum[col])
			cent[w] = x
			norm += x * x
			a.post[w] = append(a.post[w], int32(ci))
		}
		for w := range cent {
			cent[w] /= math.Sqrt(norm)
		}
		a.cent = append(a.cent, cent)
	}
	return a
}

// found are the words of the assigner present in text.
func (a *assigner) found(text string, buf []int32) []int32 {
	buf = buf[:0]
	r := []rune(text)
	for i := 0; i+1 < len(r); i++ {
	next:
		for _, w := range a.first[pairKey(r[i], r[i+1])] {
			word := a.words[w]
			if i+len(word) > len(r) {
				continue
			}
			for j := 2; j < len(word); j++ {
				if r[i+j] != word[j] {
					continue next
				}
			}
			for _, x := range buf {
				if x == w {
					continue next
				}
			}
			buf = append(buf, w)
		}
	}
	return buf
}

// assign is the cluster text joins, or -1.
func (a *assigner) assign(text string, buf []int32) (int, []int32) {
	buf = a.found(text, buf)
	if len(buf) == 0 {
		return -1, buf
	}
	var norm float64
	for _, w := range buf {
		norm += a.idf[w] * a.idf[w]
	}
	norm = math.Sqrt(norm)
	best, bestCos := -1, AssignThreshold
	for _, w := range buf {
		for _, c := range a.post[w] {
			var dot float64
			for _, x := range buf {
				dot += a.idf[x] * a.cent[c][x]
			}
			if cos := dot / norm; cos >= bestCos && (cos > bestCos || best < 0 || int(c) < best) {
				best, bestCos = int(c), cos
			}
		}
	}
	return best, buf
}

// assignAll fills in the cluster of every text whose cluster is unknown
// (-2), in parallel.
func (a *assigner) assignAll(texts []string, of []int) {
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var buf []int32
			for i := w; i < len(texts); i += workers {
				if of[i] == -2 {
					of[i], buf = a.assign(texts[i], buf)
				}
			}
		}(w)
	}
	wg.Wait()
}
