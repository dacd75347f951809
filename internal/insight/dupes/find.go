package dupes

import (
	"math"
	"sort"

	"github.com/gongzhi/gongzhi/internal/gov"
)

// Match is a request judged a duplicate of an earlier one.
type Match struct {
	ID          string  `json:"id"`
	DuplicateOf string  `json:"duplicate_of"`
	Score       float64 `json:"score"`
}

// Before orders requests as they were made: by time, then by id (shorter
// ids first, so numbers compare as numbers).
func Before(a, b Request) bool {
	if !a.Created.Equal(b.Created) {
		return a.Created.Before(b.Created)
	}
	if len(a.ID) != len(b.ID) {
		return len(a.ID) < len(b.ID)
	}
	return a.ID < b.ID
}

// maxCandidates bounds the earlier requests one request is scored
// against (the newest first), so that a thousand reports of one address
// cannot make the search quadratic.
const maxCandidates = 500

// cell is a square of the grid that finds points near each other.
type cell struct{ x, y int64 }

// index finds the earlier requests that may be duplicates of a later one.
type index struct {
	o      Options
	all    []prepared
	byAddr map[string][]int
	byCell map[cell][]int
	deg    float64 // the cells' side in degrees
	seen   []int   // stamp of the last request that looked at each
	stamp  int
}

func newIndex(o Options, n int) *index {
	return &index{o: o, byAddr: map[string][]int{}, byCell: map[cell][]int{},
		deg: o.Radius / gov.MetresPerDegree, seen: make([]int, 0, n)}
}

func (ix *index) cellOf(lat, lng float64) cell {
	return cell{int64(math.Floor(lng / ix.deg)), int64(math.Floor(lat / ix.deg))}
}

// add puts the request at position len(ix.all) in the index.
func (ix *index) add(p prepared) {
	i := len(ix.all)
	ix.all = append(ix.all, p)
	ix.seen = append(ix.seen, -1)
	if p.addr != "" {
		ix.byAddr[p.addr] = append(ix.byAddr[p.addr], i)
	}
	if p.HasPlace {
		c := ix.cellOf(p.Lat, p.Lng)
		ix.byCell[c] = append(ix.byCell[c], i)
	}
}

// best is the earlier request in the index that p scores highest against.
func (ix *index) best(p prepared) (int, float64) {
	ix.stamp++
	bi, bs, tried := -1, 0.0, 0
	try := func(list []int) {
		for k := len(list) - 1; k >= 0 && tried < maxCandidates; k-- {
			j := list[k]
			q := ix.all[j]
			if p.Created.Sub(q.Created) > ix.o.Window {
				return
			}
			if ix.seen[j] == ix.stamp {
				continue
			}
			ix.seen[j] = ix.stamp
			tried++
			if s := score(p, q, ix.o).Score; s > bs {
				bi, bs = j, s
			}
		}
	}
	if p.addr != "" {
		try(ix.byAddr[p.addr])
	}
	if p.HasPlace {
		c := ix.cellOf(p.Lat, p.Lng)
		// A degree of longitude is shorter than one of latitude: look as many
		// cells aside as fit in Radius.
		kx := int64(math.Ceil(1 / math.Max(0.1, math.Cos(p.Lat*math.Pi/180))))
		for dy := int64(-1); dy <= 1; dy++ {
			for dx := -kx; dx <= kx; dx++ {
				try(ix.byCell[cell{c.x + dx, c.y + dy}])
			}
		}
	}
	return bi, bs
}

// Find judges each request a duplicate of the earlier one it scores highest
// against, when that score reaches the threshold; requests are taken in the
// order they were made (Before), whatever their order in reqs. Matches come
// in that order too.
func Find(reqs []Request, o Options) []Match {
	o = o.fill()
	sorted := make([]Request, len(reqs))
	copy(sorted, reqs)
	sort.SliceStable(sorted, func(i, j int) bool { return Before(sorted[i], sorted[j]) })
	ix := newIndex(o, len(sorted))
	var out []Match
	for _, r := range sorted {
		p := prepare(r)
		if j, s := ix.best(p); j >= 0 && s >= o.Threshold {
			out = append(out, Match{ID: r.ID, DuplicateOf: ix.all[j].ID, Score: s})
		}
		ix.add(p)
	}
	return out
}
