package dupes

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/textsearch"
)

func TestNormalizeAddress(t *testing.T) {
	same := [][]string{
		{"659 Cauldwell Avenue, BRONX, 10455", "659 CAULDWELL AVE BRONX 10455"},
		{"WEST 22 STREET & 11 AVENUE", "11 Ave & W. 22nd St."},
		{"  1005 EAST  151 STREET ", "1005 E 151ST ST"},
		{"北京路 12号", "北京路12号"},
		{"ＡＢＣ　ＲＯＡＤ　１２", "abc rd 12"},
		{"2111 W BELLEVUE AVE, 90026", "2111 West Bellevue Avenue 90026"},
	}
	for _, p := range same {
		a, b := NormalizeAddress(p[0]), NormalizeAddress(p[1])
		if a != b || a == "" {
			t.Errorf("%q → %q and %q → %q: want one address", p[0], a, p[1], b)
		}
	}
	differ := [][]string{{"12 MAIN ST", "14 MAIN ST"}, {"北京路12号", "北京路14号"}, {"5 EAST 21 STREET", "5 WEST 21 STREET"}}
	for _, p := range differ {
		if NormalizeAddress(p[0]) == NormalizeAddress(p[1]) {
			t.Errorf("%q and %q made the same address", p[0], p[1])
		}
	}
	for _, s := range []string{"", "  ", ",,,", "&", " & & "} {
		if got := NormalizeAddress(s); got != "" {
			t.Errorf("NormalizeAddress(%q) = %q, want empty", s, got)
		}
	}
}

func TestNatureOf(t *testing.T) {
	cases := map[string]Nature{
		"HEAT/HOT WATER ENTIRE BUILDING": Supply, "小区停水": Supply, "Street Condition Pothole": Public,
		"路灯不亮": Public, "Noise - Residential Loud Music/Party": Incident, "夜间施工噪音": Incident,
		"PAINT/PLASTER WALL": Home, "FLOORING/STAIRS STAIRS": Home, "": Home,
	}
	for d, want := range cases {
		if got := NatureOf(d); got != want {
			t.Errorf("NatureOf(%q) = %d, want %d", d, got, want)
		}
	}
}

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func req(id string, minutes int, cat, detail, addr string, lat, lng float64) Request {
	return Request{ID: id, Created: t0.Add(time.Duration(minutes) * time.Minute), Category: cat, Detail: detail,
		Address: addr, Lat: lat, Lng: lng, HasPlace: lat != 0}
}

func TestScore(t *testing.T) {
	heat := req("1", 0, "HEAT", "HEAT/HOT WATER ENTIRE BUILDING", "10 MAIN STREET", 40.7, -74.0)
	again := req("2", 60, "HEAT", "HEAT/HOT WATER ENTIRE BUILDING", "10 Main St", 40.7, -74.0)
	s := Score(again, heat, Options{})
	if s.Score < Defaults.Threshold || !s.SameAddr || s.Place != 1 || s.Category != 1 {
		t.Errorf("the same heat failure of a building an hour later: %+v, want a duplicate", s)
	}
	noise := req("3", 0, "NOISE", "Noise - Residential Loud Music/Party", "10 MAIN STREET", 40.7, -74.0)
	noise2 := req("4", 60, "NOISE", "Noise - Residential Loud Music/Party", "10 MAIN STREET", 40.7, -74.0)
	if s := Score(noise2, noise, Options{}); s.Score >= Defaults.Threshold {
		t.Errorf("two noise complaints at one door: %+v, want no duplicate (a new event each time)", s)
	}
	far := req("5", 60, "HEAT", "HEAT/HOT WATER ENTIRE BUILDING", "99 OTHER STREET", 40.71, -74.0)
	if s := Score(far, heat, Options{}); s.Score != 0 || s.Place != 0 {
		t.Errorf("a heat failure 1 km away: %+v, want 0", s)
	}
	late := req("6", 4*24*60, "HEAT", "HEAT/HOT WATER ENTIRE BUILDING", "10 MAIN STREET", 40.7, -74.0)
	if s := Score(late, heat, Options{}); s.Score != 0 {
		t.Errorf("four days later, outside the window: %+v, want 0", s)
	}
	// The same resident reporting her pothole again scores higher.
	pot := req("7", 0, "0301", "道路破损", "", 39.9, 116.4)
	pot.Reporter, pot.Text = "13800000000", "路口有个大坑"
	pot2 := req("8", 30, "0301", "道路破损", "", 39.9002, 116.4)
	pot2.Text = "路口有个大坑很危险"
	without := Score(pot2, pot, Options{})
	pot2.Reporter = "13800000000"
	with := Score(pot2, pot, Options{})
	if !with.Reporter || with.Score <= without.Score || with.Score > 1 {
		t.Errorf("the same reporter: %+v against %+v", with, without)
	}
	if without.DistanceM == nil || math.Abs(*without.DistanceM-22) > 1 {
		t.Errorf("distance %v, want about 22 m", without.DistanceM)
	}
	// An area in common and nothing closer is a weak place.
	a, b := Request{ID: "a", Created: t0, Category: "0403", Area: "110117001001", Detail: "供暖"},
		Request{ID: "b", Created: t0.Add(time.Hour), Category: "0403", Area: "110117001001", Detail: "供暖"}
	if s := Score(b, a, Options{}); s.Place != areaPlace || s.Score == 0 {
		t.Errorf("same area: %+v", s)
	}
}

func TestFind(t *testing.T) {
	reqs := []Request{
		req("30", 120, "HEAT", "HEAT/HOT WATER ENTIRE BUILDING", "10 MAIN ST", 40.7, -74.0),
		req("10", 0, "HEAT", "HEAT/HOT WATER ENTIRE BUILDING", "10 MAIN STREET", 40.7, -74.0),
		req("20", 60, "NOISE", "Noise - Residential Banging", "10 MAIN STREET", 40.7, -74.0),
		req("40", 130, "HEAT", "HEAT/HOT WATER APARTMENT ONLY", "", 40.7003, -74.0),
		req("50", 140, "HEAT", "HEAT/HOT WATER ENTIRE BUILDING", "", 0, 0),
		req("9", 120, "HEAT", "HEAT/HOT WATER ENTIRE BUILDING", "10 MAIN ST", 40.7, -74.0),
	}
	got := Find(reqs, Options{})
	want := []string{"9>10", "30>9", "40>30"}
	var have []string
	for _, m := range got {
		have = append(have, m.ID+">"+m.DuplicateOf)
		if m.Score < Defaults.Threshold || m.Score > 1 {
			t.Errorf("score %v out of range", m.Score)
		}
	}
	if strings.Join(have, " ") != strings.Join(want, " ") {
		t.Errorf("Find = %v, want %v", have, want)
	}
	if len(Find(nil, Options{})) != 0 {
		t.Error("Find of nothing found something")
	}
}

// Hostile values: no panic, scores in range.
func TestHostile(t *testing.T) {
	odd := []Request{
		{ID: "", Created: time.Time{}, Lat: math.NaN(), Lng: math.Inf(1), HasPlace: true},
		{ID: "x", Created: t0, Lat: 90, Lng: 180, HasPlace: true, Address: strings.Repeat("&", 10000)},
		{ID: "y", Created: t0, Lat: -90, Lng: -180, HasPlace: true, Address: "\xff\xfe\x00 ST"},
		{ID: "z", Created: t0, Lat: 1e308, Lng: -1e308, HasPlace: true},
	}
	for _, m := range Find(odd, Options{}) {
		if m.Score < 0 || m.Score > 1 || math.IsNaN(m.Score) {
			t.Errorf("score %v", m.Score)
		}
	}
}

// Many reports of one address stay fast: each is scored against at most
// maxCandidates earlier ones.
func TestFindBounded(t *testing.T) {
	reqs := make([]Request, 5000)
	for i := range reqs {
		reqs[i] = req(strconv.Itoa(i), i%60, "HEAT", "HEAT/HOT WATER ENTIRE BUILDING", "10 MAIN ST", 40.7, -74.0)
	}
	start := time.Now()
	if got := Find(reqs, Options{}); len(got) != len(reqs)-1 {
		t.Errorf("%d matches, want %d", len(got), len(reqs)-1)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("took %s", d)
	}
}

func FuzzScore(f *testing.F) {
	f.Add("10 MAIN ST & 2ND AVE", "北京路１２号", "HEAT", "noise 噪音", 40.7, -74.0)
	f.Fuzz(func(t *testing.T, addrA, addrB, detailA, detailB string, lat, lng float64) {
		a := Request{ID: "a", Created: t0, Address: addrA, Detail: detailA, Lat: lat, Lng: lng, HasPlace: true}
		b := Request{ID: "b", Created: t0.Add(time.Minute), Address: addrB, Detail: detailB, Lat: lng, Lng: lat, HasPlace: true, Category: detailA}
		p := Score(b, a, Options{})
		if p.Score < 0 || p.Score > 1 || math.IsNaN(p.Score) {
			t.Fatalf("score %v", p.Score)
		}
		if n := NormalizeAddress(addrA); n != NormalizeAddress(n) {
			t.Fatalf("not idempotent: %q → %q → %q", addrA, n, NormalizeAddress(n))
		}
		Find([]Request{a, b, a}, Options{})
	})
}

// jaccard of the pairs agrees with textsearch.Similarity.
func TestSimilarityAgrees(t *testing.T) {
	texts := []string{"金谷东园小区北门垃圾堆放三天无人清运", "金谷东园小区北门垃圾堆放好几天没人清运", "HEAT/HOT WATER", "Water supply", "a", "", "路"}
	for _, a := range texts {
		for _, b := range texts {
			got, want := jaccard(bigrams(a), bigrams(b)), textsearch.Similarity(a, b)
			if math.Abs(got-want) > 1e-9 {
				t.Errorf("%q %q: %v, textsearch says %v", a, b, got, want)
			}
		}
	}
}
