package gov_test

import (
	"math"
	"testing"

	"github.com/gongzhi/gongzhi/internal/gov"
)

// TestHaversine checks the one great-circle distance against figures worked
// out by hand on a sphere of gov.EarthRadius, and that a boundary measures
// its distances on the same earth.
func TestHaversine(t *testing.T) {
	degree := gov.MetresPerDegree // 111,195.08 m
	if math.Abs(degree-111195.08) > 0.01 {
		t.Errorf("a degree is %.2f m", degree)
	}
	for _, c := range []struct {
		name                   string
		lat1, lng1, lat2, lng2 float64
		want                   float64
	}{
		{"same point", 40, 116.4, 40, 116.4, 0},
		{"a degree of latitude", 40, 116.4, 41, 116.4, degree},
		{"a degree of longitude on the equator", 0, 116, 0, 117, degree},
		{"antipodes", 40, 116.4, -40, -63.6, math.Pi * gov.EarthRadius},
		{"a quarter round", 0, 0, 90, 0, math.Pi / 2 * gov.EarthRadius},
	} {
		got := gov.Haversine(c.lat1, c.lng1, c.lat2, c.lng2)
		if math.IsNaN(got) || math.Abs(got-c.want) > 1e-6*math.Max(1, c.want) {
			t.Errorf("%s: %.3f m, want %.3f m", c.name, got, c.want)
		}
	}
	// A boundary's distance to a corner 500 m away agrees with the
	// great-circle distance to well within a metre.
	b, err := gov.NewBoundary([]gov.Polygon{{{{116.40, 40.00}, {116.41, 40.00}, {116.41, 40.01}, {116.40, 40.01}}}})
	if err != nil {
		t.Fatal(err)
	}
	lat := 40.0 - 500/degree
	if got, want := b.Distance(lat, 116.40), gov.Haversine(lat, 116.40, 40.00, 116.40); math.Abs(got-want) > 0.01 {
		t.Errorf("boundary distance %.3f m, great-circle %.3f m", got, want)
	}
}
