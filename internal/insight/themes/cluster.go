package themes

import (
	"math"
	"runtime"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/textfeat"
)

// The clustering's settings.
const (
	// Threshold is the cosine to a cluster's centroid at or above which a
	// text joins it (TF-IDF of its words); below, it starts a cluster.
	Threshold = 0.45
	// topTerms is how many of its heaviest words a text is looked up by,
	// and a cluster indexed under (those of its first text).
	topTerms = 4
	// MergeThreshold is the cosine of two centroids at or above which
	// their clusters are one.
	MergeThreshold = 0.5
	// labelWords are the words a theme is named by (its first 3 the label).
	labelWords = 5
	// localShare: a word found at least this share of times in one area is
	// the name of a place, not of a problem, and is left out, when the
	// sample spans at least localAreas areas.
	localShare = 0.8
	localAreas = 5
)

// cluster is a group of similar texts: the sum of their unit vectors, its
// squared length, and the texts (indexes of the sample).
type cluster struct {
	sum   map[int32]float32
	norm2 float64
	docs  []int
	words []string // its heaviest words, the first three its label
}

// dot is the inner product of v with the cluster's sum.
func (c *cluster) dot(v textfeat.Sparse) float64 {
	var d float64
	for j, i := range v.Idx {
		d += float64(c.sum[i]) * float64(v.Val[j])
	}
	return d
}

// add puts a unit vector whose dot with the sum is d into the cluster.
func (c *cluster) add(doc int, v textfeat.Sparse, d float64) {
	for j, i := range v.Idx {
		c.sum[i] += v.Val[j]
	}
	c.norm2 += 2*d + 1
	c.docs = append(c.docs, doc)
}

// segment gives the terms of every text, in parallel.
func segment(texts []string) [][]string {
	out := make([][]string, len(texts))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(texts); i += workers {
				out[i] = terms(texts[i])
			}
		}(w)
	}
	wg.Wait()
	return out
}

// terms are the words of text of two or more characters, which name a
// problem better than lone characters do, and the pairs of adjacent Han
// characters, which match where the segmenter cuts a phrase apart (不亮 is
// 不 and 亮 to it) or lacks a name.
func terms(text string) []string {
	ws := textfeat.Words(text)
	out := ws[:0]
	for _, x := range ws {
		if utf8.RuneCountInString(x) >= 2 && !isNumberish(x) {
			out = append(out, x)
		}
	}
	for _, p := range textfeat.CharPairs(text) {
		out = append(out, p[len("c:"):])
	}
	return out
}

// isNumberish: a word of digits with a unit (3号, 12楼, 2024年) says where
// or when, not what.
func isNumberish(w string) bool {
	return strings.IndexAny(w, "0123456789０１２３４５６７８９") >= 0
}

// vocabulary weighs the sample's words by idf, without those of fewer
// than MinTickets texts (they make no theme, and in a small month their
// rarity would outweigh the words a theme shares) and without the names of
// places (localShare).
func vocabulary(words [][]string, areas []string) *textfeat.Vocab {
	df := map[string]int{}
	byArea := map[string]map[string]int{}
	allAreas := map[string]bool{}
	for i, ws := range words {
		allAreas[areas[i]] = true
		seen := map[string]bool{}
		for _, w := range ws {
			if seen[w] {
				continue
			}
			seen[w] = true
			df[w]++
			m := byArea[w]
			if m == nil {
				m = map[string]int{}
				byArea[w] = m
			}
			m[areas[i]]++
		}
	}
	if len(allAreas) >= localAreas {
		for w, n := range df {
			if n < 3 {
				continue
			}
			for _, k := range byArea[w] {
				if float64(k) >= localShare*float64(n) {
					delete(df, w)
					break
				}
			}
		}
	}
	return textfeat.VocabFromDF(df, len(words), MinTickets, 0)
}

// heaviest are the columns of v's largest weights, at most k.
func heaviest(v textfeat.Sparse, k int) []int32 {
	idx := make([]int, len(v.Idx))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool {
		if v.Val[idx[a]] != v.Val[idx[b]] {
			return v.Val[idx[a]] > v.Val[idx[b]]
		}
		return v.Idx[idx[a]] < v.Idx[idx[b]]
	})
	if len(idx) > k {
		idx = idx[:k]
	}
	out := make([]int32, len(idx))
	for i, j := range idx {
		out[i] = v.Idx[j]
	}
	return out
}

// leaders groups the vectors in one pass: each joins the most similar
// cluster among those indexed under its heaviest words when the cosine
// to that cluster's centroid reaches Threshold, or starts a new one.
func leaders(vecs []textfeat.Sparse) []*cluster {
	var cs []*cluster
	index := map[int32][]int{}
	mark := map[int]bool{}
	for d, v := range vecs {
		if len(v.Idx) == 0 {
			continue
		}
		top := heaviest(v, topTerms)
		best, bestCos, bestDot := -1, Threshold, 0.0
		clear(mark)
		for _, t := range top {
			for _, c := range index[t] {
				if mark[c] {
					continue
				}
				mark[c] = true
				dot := cs[c].dot(v)
				if cos := dot / math.Sqrt(cs[c].norm2); cos >= bestCos {
					best, bestCos, bestDot = c, cos, dot
				}
			}
		}
		if best < 0 {
			best = len(cs)
			cs = append(cs, &cluster{sum: map[int32]float32{}})
			for _, t := range top {
				index[t] = append(index[t], best)
			}
		}
		cs[best].add(d, v, bestDot)
	}
	return cs
}

// name gives the cluster its heaviest words: words the segmenter keeps
// whole first, then, to make three, pairs of characters (a pair across two
// words, 拌站 of 搅拌站, names a theme badly); none sharing a character
// with one already taken.
func (c *cluster) name(v *textfeat.Vocab, whole *wholeWords) {
	cols := c.top(6 * labelWords)
	c.words = c.words[:0]
	for _, i := range cols {
		if len(c.words) == labelWords {
			break
		}
		if w := v.Terms[i]; whole.is(w) && !overlaps(w, c.words) {
			c.words = append(c.words, w)
		}
	}
	for _, i := range cols {
		if len(c.words) >= 3 {
			break
		}
		if w := v.Terms[i]; !whole.is(w) && !overlaps(w, c.words) {
			c.words = append(c.words, w)
		}
	}
}

// wholeWords remembers which terms the segmenter keeps whole.
type wholeWords map[string]bool

func (m *wholeWords) is(w string) bool {
	if v, ok := (*m)[w]; ok {
		return v
	}
	ws := textfeat.Words(w)
	v := len(ws) == 1 && ws[0] == w
	(*m)[w] = v
	return v
}

// labelKey is the set of a cluster's first three words, in order.
func (c *cluster) labelKey() string {
	k := c.words
	if len(k) > 3 {
		k = k[:3]
	}
	s := append([]string(nil), k...)
	sort.Strings(s)
	return strings.Join(s, " ")
}

// merge joins clusters of the same label (the same three heaviest words,
// in any order), the larger keeping its place, and names them again.
func merge(cs []*cluster, v *textfeat.Vocab) []*cluster {
	sort.SliceStable(cs, func(a, b int) bool { return len(cs[a].docs) > len(cs[b].docs) })
	whole := &wholeWords{}
	byKey := map[string]*cluster{}
	var out []*cluster
	for _, c := range cs {
		c.name(v, whole)
		into, ok := byKey[c.labelKey()]
		if !ok {
			byKey[c.labelKey()] = c
			out = append(out, c)
			continue
		}
		for i, x := range c.sum {
			into.sum[i] += x
		}
		into.norm2 = 0
		for _, x := range into.sum {
			into.norm2 += float64(x) * float64(x)
		}
		into.docs = append(into.docs, c.docs...)
	}
	for _, c := range out {
		c.name(v, whole)
	}
	return out
}

// discover clusters the sample's texts (areas[i] is the area of texts[i])
// and returns the clusters of at least minDocs texts, largest first, with
// the vocabulary they are weighed by.
func discover(texts, areas []string, minDocs int) ([]*cluster, *textfeat.Vocab) {
	words := segment(texts)
	v := vocabulary(words, areas)
	vecs := make([]textfeat.Sparse, len(words))
	for i, ws := range words {
		vecs[i] = v.Vector(ws)
	}
	cs := merge(reassign(mergeSimilar(leaders(vecs)), vecs), v)
	out := cs[:0]
	for _, c := range cs {
		if len(c.docs) >= minDocs {
			out = append(out, c)
		}
	}
	return out, v
}

// overlaps reports whether w shares a character with one of words: a pair
// across two words already named (灯不 of 路灯不亮) names nothing new.
func overlaps(w string, words []string) bool {
	for _, x := range words {
		if strings.ContainsAny(x, w) {
			return true
		}
	}
	return false
}

// top are the cluster's heaviest columns, at most k.
func (c *cluster) top(k int) []int32 {
	v := textfeat.Sparse{Idx: make([]int32, 0, len(c.sum)), Val: make([]float32, 0, len(c.sum))}
	for i, x := range c.sum {
		v.Idx = append(v.Idx, i)
		v.Val = append(v.Val, x)
	}
	return heaviest(v, k)
}

// cosWith is the cosine of two clusters' centroids.
func (c *cluster) cosWith(o *cluster) float64 {
	a, b := c, o
	if len(b.sum) < len(a.sum) {
		a, b = b, a
	}
	var d float64
	for i, x := range a.sum {
		d += float64(x) * float64(b.sum[i])
	}
	return d / math.Sqrt(c.norm2*o.norm2)
}

// absorb puts o's texts into c.
func (c *cluster) absorb(o *cluster) {
	for i, x := range o.sum {
		c.sum[i] += x
	}
	c.norm2 = 0
	for _, x := range c.sum {
		c.norm2 += float64(x) * float64(x)
	}
	c.docs = append(c.docs, o.docs...)
}

// mergeSimilar joins each cluster, smaller after larger, into the most
// similar larger one that shares one of its heaviest words when their
// centroids' cosine reaches MergeThreshold (a one-pass clustering splits
// a theme whose first texts differ), until nothing more joins.
func mergeSimilar(cs []*cluster) []*cluster {
	for pass := 0; pass < 3; pass++ {
		sort.SliceStable(cs, func(a, b int) bool { return len(cs[a].docs) > len(cs[b].docs) })
		index := map[int32][]int{}
		var out []*cluster
		for _, c := range cs {
			top := c.top(topTerms)
			best, bestCos := -1, MergeThreshold
			for _, t := range top {
				for _, j := range index[t] {
					if cos := c.cosWith(out[j]); cos >= bestCos {
						best, bestCos = j, cos
					}
				}
			}
			if best >= 0 {
				out[best].absorb(c)
				continue
			}
			for _, t := range top {
				index[t] = append(index[t], len(out))
			}
			out = append(out, c)
		}
		if len(out) == len(cs) {
			return out
		}
		cs = out
	}
	return cs
}

// reassign puts every text into the cluster of the nearest centroid, among
// those that weigh one of its heaviest words, when the cosine reaches
// Threshold (one step of k-means: a text that came before its theme
// formed finds it now), and drops clusters left empty.
func reassign(cs []*cluster, vecs []textfeat.Sparse) []*cluster {
	index := map[int32][]int{}
	for ci, c := range cs {
		for _, t := range c.top(2 * topTerms) {
			index[t] = append(index[t], ci)
		}
	}
	fresh := make([]*cluster, len(cs))
	for i := range fresh {
		fresh[i] = &cluster{sum: map[int32]float32{}}
	}
	mark := map[int]bool{}
	for d, v := range vecs {
		best, bestCos := -1, Threshold
		clear(mark)
		for _, t := range heaviest(v, topTerms) {
			for _, c := range index[t] {
				if mark[c] {
					continue
				}
				mark[c] = true
				if cos := cs[c].dot(v) / math.Sqrt(cs[c].norm2); cos >= bestCos {
					best, bestCos = c, cos
				}
			}
		}
		if best >= 0 {
			fresh[best].add(d, v, fresh[best].dot(v))
		}
	}
	out := fresh[:0]
	for _, c := range fresh {
		if len(c.docs) > 0 {
			out = append(out, c)
		}
	}
	return out
}
