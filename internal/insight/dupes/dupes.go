// Package dupes tells whether a request reports a problem someone reported
// before: the same problem at the same place, not two problems that happen to
// be close. It reads only what is known when a request is taken in (its
// time, place, category, words and reporter), never how it was answered, so
// the same score serves the hotline console while a call is under way, the
// dispatchers' list of flagged pairs, and `gongzhi insight duplicates` on a
// file of another system's requests.
//
// The score of a later request a against an earlier one b lies in [0, 1]:
//
//	score = nature(a) × (0.45 place + 0.30 category + 0.15 text + 0.10 time) + 0.15 reporter
//
// capped at 1, where
//
//   - place is 1 for the same normalised address (NormalizeAddress: case,
//     punctuation, full-width forms, street suffixes and directions), else
//     1 − distance/Radius for two points closer than Radius, else 0.3 for
//     the same area (community) without a closer match; with no place in
//     common the score is 0, whatever else agrees;
//   - category is 1 for the same category, 0.6 for two categories of the same
//     parent or two failures of a building's shared supply (heat, hot water,
//     water, gas, power, boiler), else 0;
//   - text is the Jaccard similarity of the character pairs of the two
//     requests' words (category name, its detail and the description), as
//     textsearch.Similarity measures it, the pairs worked out once per request;
//   - time is 1 − gap/Window, and a request more than Window older is no
//     candidate;
//   - reporter adds 0.15 when both give the same reporter (her phone), for a
//     resident who reports again;
//   - nature(a) weighs what kind of problem a is (Nature): a failure of a
//     building's supply is one problem for every tenant (1); a lasting
//     condition of a public place (a road, a light, a sewer) is one problem
//     for every passer-by (0.75); a condition of one home (paint, pests, a
//     door) is each tenant's own (0.55); a passing incident (noise, a parked
//     car) is a new event each time (0.45).
//
// Find walks requests in the order they were made and judges each a
// duplicate of the earlier request it scores highest against, when that
// score reaches Options.Threshold. Candidates are found through an index by
// normalised address and by a grid of cells about Radius wide, within the
// time window, newest first and at most 500 of them, so a file of many
// thousand requests takes well under a second.
//
// The weights, the natures and the defaults (Radius 150 m, Window 72 h,
// Threshold 0.62) were set on a sample of New York's 311 requests whose
// agencies marked 286 of 4,999 as duplicates in their resolution text
// (which only the test reads): the finder flags 588 and finds 177 of those
// 286 (62%). Most of them (230) are heat and hot water complaints that the
// housing agency closes as building-wide; agencies that mark no
// duplicates (the police's noise and parking) are why incidents weigh
// least. Another city's habits may call for other weights: the natures are
// a guess about problems, not a law.
package dupes

import (
	"math"
	"slices"
	"time"
	"unicode"

	"github.com/gongzhi/gongzhi/internal/gov"
)

// Request is what is known of a request when it is taken in.
type Request struct {
	ID      string
	Created time.Time
	// Category is the category (or the other system's request type);
	// Parent the category above it, when known ("" otherwise).
	Category, Parent string
	// Detail is the category's name and any detail of it (a descriptor),
	// which the Nature and the text similarity read.
	Detail   string
	Address  string // as given; normalised here
	Lat, Lng float64
	HasPlace bool   // Lat and Lng are set
	Area     string // the area (community) code, when known
	Text     string // the description
	Reporter string // a key of the reporter (her phone); "" when unknown
}

// Options bound the search and set the cut.
type Options struct {
	Radius    float64       // metres within which two points count as the same place
	Window    time.Duration // how much older an earlier request may be
	Threshold float64       // the score from which a request is a duplicate
}

// Defaults are the options tuned on New York's sample.
var Defaults = Options{Radius: 150, Window: 72 * time.Hour, Threshold: 0.62}

func (o Options) fill() Options {
	if o.Radius <= 0 {
		o.Radius = Defaults.Radius
	}
	if o.Window <= 0 {
		o.Window = Defaults.Window
	}
	if o.Threshold <= 0 {
		o.Threshold = Defaults.Threshold
	}
	return o
}

// Weights of the terms of the score.
const (
	wPlace    = 0.45
	wCategory = 0.30
	wText     = 0.15
	wTime     = 0.10
	wReporter = 0.15
	areaPlace = 0.3 // place term for the same area and nothing closer
	related   = 0.6 // category term for related categories
)

// Parts are the terms of one score, for showing why two requests match.
type Parts struct {
	Score      float64  `json:"score"`
	Place      float64  `json:"place"`
	DistanceM  *float64 `json:"distance_m,omitempty"`
	SameAddr   bool     `json:"same_address"`
	Category   float64  `json:"category"`
	Similarity float64  `json:"similarity"`
	Time       float64  `json:"time"`
	Reporter   bool     `json:"same_reporter"`
}

// prepared is a request with what the score needs worked out once.
type prepared struct {
	Request
	addr   string
	grams  []uint64 // the words' character pairs (bigrams), sorted
	nature Nature
}

func prepare(r Request) prepared {
	if !(math.Abs(r.Lat) <= 90 && math.Abs(r.Lng) <= 180) { // NaN fails too
		r.HasPlace = false
	}
	return prepared{Request: r, addr: NormalizeAddress(r.Address),
		grams: bigrams(r.Detail + " " + r.Text), nature: NatureOf(r.Detail)}
}

// Score scores a later request a against an earlier one b with the options
// o (zero fields take the defaults).
func Score(a, b Request, o Options) Parts {
	return score(prepare(a), prepare(b), o.fill())
}

func score(a, b prepared, o Options) Parts {
	var p Parts
	gap := a.Created.Sub(b.Created)
	if gap < 0 {
		gap = -gap
	}
	if gap > o.Window {
		return p
	}
	p.Place, p.DistanceM, p.SameAddr = place(a, b, o.Radius)
	if p.Place == 0 {
		return p
	}
	p.Category = category(a, b)
	p.Similarity = jaccard(a.grams, b.grams)
	p.Time = 1 - float64(gap)/float64(o.Window)
	p.Reporter = a.Reporter != "" && a.Reporter == b.Reporter
	s := a.nature.weight() * (wPlace*p.Place + wCategory*p.Category + wText*p.Similarity + wTime*p.Time)
	if p.Reporter {
		s += wReporter
	}
	p.Score = math.Round(math.Min(1, s)*1000) / 1000
	return p
}

func place(a, b prepared, radius float64) (float64, *float64, bool) {
	var dist *float64
	v := 0.0
	if a.HasPlace && b.HasPlace {
		d := gov.Haversine(a.Lat, a.Lng, b.Lat, b.Lng)
		dist = &d
		if d < radius {
			v = 1 - d/radius
		}
	}
	same := a.addr != "" && a.addr == b.addr
	if same {
		v = 1
	}
	if v < areaPlace && a.Area != "" && a.Area == b.Area {
		v = areaPlace
	}
	return v, dist, same
}

func category(a, b prepared) float64 {
	switch {
	case a.Category != "" && a.Category == b.Category:
		return 1
	case a.Parent != "" && a.Parent == b.Parent:
		return related
	case a.nature == Supply && b.nature == Supply:
		return related
	}
	return 0
}

// bigrams are the adjacent pairs of the letters and digits of s, lower
// case, sorted and without repeats (one letter alone is a pair with 0).
func bigrams(s string) []uint64 {
	var rs []rune
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			rs = append(rs, unicode.ToLower(r))
		}
	}
	if len(rs) == 1 {
		return []uint64{uint64(rs[0]) << 32}
	}
	out := make([]uint64, 0, len(rs))
	for i := 0; i+1 < len(rs); i++ {
		out = append(out, uint64(rs[i])<<32|uint64(rs[i+1]))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// jaccard is the share of pairs two sorted sets have in common.
func jaccard(x, y []uint64) float64 {
	if len(x) == 0 || len(y) == 0 {
		return 0
	}
	shared := 0
	for i, j := 0, 0; i < len(x) && j < len(y); {
		switch {
		case x[i] == y[j]:
			shared++
			i++
			j++
		case x[i] < y[j]:
			i++
		default:
			j++
		}
	}
	return float64(shared) / float64(len(x)+len(y)-shared)
}
