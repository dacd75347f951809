package themes

import (
	"math"
	"runtime"
	"strings"
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
	words []string
	idf   []float64
	first map[uint64][]int32 // a word's first two characters → words
	opens []bool             // opens[r]: a word begins with r (r < 1<<16)
	post  [][]posting        // word → the clusters that weigh it
	n     int                // clusters
}

// posting is a cluster's weight of a word: its centroid's, cut to its
// heaviest words and scaled to unit length, times the word's idf.
type posting struct {
	cluster int32
	w       float64
}

func pairKey(a, b rune) uint64 { return uint64(a)<<32 | uint64(uint32(b)) }

func newAssigner(cs []*cluster, v *textfeat.Vocab) *assigner {
	a := &assigner{first: map[uint64][]int32{}, opens: make([]bool, 1<<16), n: len(cs)}
	ids := map[int32]int32{} // vocabulary column → word
	for ci, c := range cs {
		cols := c.top(assignWords)
		var norm float64
		for _, col := range cols {
			norm += float64(c.sum[col]) * float64(c.sum[col])
		}
		for _, col := range cols {
			w, ok := ids[col]
			if !ok {
				w = int32(len(a.words))
				ids[col] = w
				r := []rune(v.Terms[col])
				a.words = append(a.words, v.Terms[col])
				a.idf = append(a.idf, float64(v.IDF[col]))
				a.post = append(a.post, nil)
				a.first[pairKey(r[0], r[1])] = append(a.first[pairKey(r[0], r[1])], w)
				if r[0] < 1<<16 {
					a.opens[r[0]] = true
				}
			}
			a.post[w] = append(a.post[w], posting{int32(ci), a.idf[w] * float64(c.sum[col]) / math.Sqrt(norm)})
		}
	}
	return a
}

// found are the words of the assigner present in text.
func (a *assigner) found(text string, buf []int32) []int32 {
	buf = buf[:0]
	var prev rune
	prevAt := 0
	for i, r := range text {
		// The map is asked only where a word may begin (beyond the 65,536
		// first characters, always).
		if prev != 0 && (prev >= 1<<16 || a.opens[prev]) {
		next:
			for _, w := range a.first[pairKey(prev, r)] {
				if !strings.HasPrefix(text[prevAt:], a.words[w]) {
					continue
				}
				for _, x := range buf {
					if x == w {
						continue next
					}
				}
				buf = append(buf, w)
			}
		}
		prev, prevAt = r, i
	}
	return buf
}

// scratch is a worker's memory: the words found and the clusters' scores.
type scratch struct {
	found   []int32
	score   []float64
	touched []int32
}

// assign is the cluster text joins, or -1.
func (a *assigner) assign(text string, sc *scratch) int {
	sc.found = a.found(text, sc.found)
	if len(sc.found) == 0 {
		return -1
	}
	if sc.score == nil {
		sc.score = make([]float64, a.n)
	}
	var norm float64
	sc.touched = sc.touched[:0]
	for _, w := range sc.found {
		norm += a.idf[w] * a.idf[w]
		for _, p := range a.post[w] {
			if sc.score[p.cluster] == 0 {
				sc.touched = append(sc.touched, p.cluster)
			}
			sc.score[p.cluster] += p.w
		}
	}
	norm = math.Sqrt(norm)
	best, bestCos := -1, AssignThreshold
	for _, c := range sc.touched {
		if cos := sc.score[c] / norm; cos > bestCos || (cos == bestCos && (best < 0 || int(c) < best)) {
			best, bestCos = int(c), cos
		}
		sc.score[c] = 0
	}
	return best
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
			var sc scratch
			for i := w; i < len(texts); i += workers {
				if of[i] == -2 {
					of[i] = a.assign(texts[i], &sc)
				}
			}
		}(w)
	}
	wg.Wait()
}
