package insight

import (
	"bytes"
	"compress/gzip"
	"encoding/gob"
	"fmt"
	"sort"
	"time"

	"github.com/gongzhi/gongzhi/internal/textfeat"
)

// Model is the router: a text classifier for the category, and for the
// unit, how often each unit finally handled a category in an area (and in
// the areas above it). A unit's confidence for a text is the sum over
// categories of P(category | text) × P(unit | category, area), where the
// second is read at the most specific level of the area (community,
// street, district, anywhere) with at least unitMinSeen tickets.
type Model struct {
	Version   int64
	TrainedAt time.Time
	Samples   int
	Top1      float64 // cross-validated, category
	Top3      float64
	UnitTop1  float64 // on the same held-out tickets, unit
	UnitTop3  float64
	TrainMs   int64

	Category *Linear
	// Units: category code → area prefix ("" for anywhere) → unit → tickets.
	Units map[string]map[string]map[string]int
}

// unitMinSeen is how many tickets a level of an area needs before its own
// counts are trusted over the level above.
const unitMinSeen = 3

// areaLevels are the lengths of an area code's prefixes, most specific
// first: community, street, district, anywhere.
var areaLevels = []int{12, 9, 6, 0}

func areaPrefixes(area string) []string {
	var out []string
	for _, n := range areaLevels {
		if len(area) >= n {
			out = append(out, area[:n])
		}
	}
	return out
}

// countUnit adds a ticket that unit handled to the table.
func (m *Model) countUnit(category, area, unit string) {
	if category == "" || unit == "" {
		return
	}
	if m.Units == nil {
		m.Units = map[string]map[string]map[string]int{}
	}
	byArea := m.Units[category]
	if byArea == nil {
		byArea = map[string]map[string]int{}
		m.Units[category] = byArea
	}
	for _, p := range areaPrefixes(area) {
		if byArea[p] == nil {
			byArea[p] = map[string]int{}
		}
		byArea[p][unit]++
	}
}

// unitGiven is P(unit | category, area) at the most specific level with
// enough tickets; nil when the category was never seen.
func (m *Model) unitGiven(category, area string) map[string]float64 {
	byArea := m.Units[category]
	if byArea == nil {
		return nil
	}
	for _, p := range areaPrefixes(area) {
		counts := byArea[p]
		total := 0
		for _, n := range counts {
			total += n
		}
		if total < unitMinSeen && p != "" {
			continue
		}
		out := map[string]float64{}
		for u, n := range counts {
			out[u] = float64(n) / float64(total)
		}
		return out
	}
	return nil
}

// Route suggests the n most likely categories and units for a text told
// in an area (which may be empty), best first.
func (m *Model) Route(text, area string, n int) (cats, units []Scored) {
	return m.route(textfeat.Features(text), area, n)
}

func (m *Model) route(feats []string, area string, n int) (cats, units []Scored) {
	return m.routeVector(m.Category.Vocab.Vector(feats), area, n)
}

func (m *Model) routeVector(x textfeat.Sparse, area string, n int) (cats, units []Scored) {
	all := m.Category.predict(x, 0)
	score := map[string]float64{}
	for i, c := range all {
		if i >= 8 && c.Confidence < 0.01 {
			break
		}
		for u, p := range m.unitGiven(c.Label, area) {
			score[u] += c.Confidence * p
		}
	}
	names := make([]string, 0, len(score))
	for u := range score {
		names = append(names, u)
	}
	sort.Strings(names)
	ps := make([]float64, len(names))
	for i, u := range names {
		ps[i] = score[u]
	}
	if len(all) > n {
		all = all[:n]
	}
	return all, top(names, ps, n)
}

// encode serialises the model for the database, compressed.
func (m *Model) encode() ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := gob.NewEncoder(zw).Encode(storedModel{m.Category.Vocab.Terms, m.Category.Vocab.IDF, m.Category.Classes,
		m.Category.W, m.Category.B, m.Category.Temp, m.Units}); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// storedModel is what the database keeps of a Model besides its columns.
type storedModel struct {
	Terms   []string
	IDF     []float32
	Classes []string
	W       [][]float32
	B       []float32
	Temp    float64
	Units   map[string]map[string]map[string]int
}

func decodeModel(body []byte) (*Model, error) {
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	var s storedModel
	if err := gob.NewDecoder(zr).Decode(&s); err != nil {
		return nil, err
	}
	if len(s.W) != len(s.Classes) || len(s.B) != len(s.Classes) || len(s.IDF) != len(s.Terms) {
		return nil, fmt.Errorf("stored model is inconsistent")
	}
	for _, w := range s.W {
		if len(w) != len(s.Terms) {
			return nil, fmt.Errorf("stored model is inconsistent")
		}
	}
	lin := &Linear{Vocab: textfeat.NewVocab(s.Terms, s.IDF), Classes: s.Classes, W: s.W, B: s.B, Temp: s.Temp}
	return &Model{Category: lin, Units: s.Units}, nil
}
