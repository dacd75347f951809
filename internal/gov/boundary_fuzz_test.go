package gov_test

import (
	"math"
	"testing"

	"github.com/gongzhi/gongzhi/internal/gov"
)

// FuzzBoundary feeds arbitrary geometries and points to the boundary: it
// never panics, a geometry it accepts reads back the same from its GeoJSON,
// a point it contains is within it at any tolerance, and its vertices are
// within it.
func FuzzBoundary(f *testing.F) {
	f.Add(twoParts, 40.05, 117.05, 100.0)
	f.Add(`{"type":"Polygon","coordinates":[[[117,40],[117.1,40],[117.1,40.1],[117,40]]]}`, 40.01, 117.05, 0.0)
	f.Add(`{"type":"Polygon","coordinates":[[[0,0],[0,0],[0,0]]]}`, 0.0, 0.0, 0.0)
	f.Add(`{"type":"Polygon","coordinates":[[[179.9,89.9],[-179.9,89.9],[0,90]]]}`, 90.0, 0.0, 1000.0)
	f.Add(`{"type":"MultiPolygon","coordinates":[[[[1,1],[2,1],[2,2]]],[[[1e-9,1e-9],[2e-9,1e-9],[2e-9,2e-9]]]]}`, 1.5, 1.2, 5.0)
	f.Add(`{"type":"Polygon","coordinates":[[[1,1,5],[2,1],[2]]]}`, 1.0, 1.0, 1.0)
	f.Fuzz(func(t *testing.T, geom string, lat, lng, tol float64) {
		b, err := gov.ParseGeometry([]byte(geom))
		if err != nil {
			return
		}
		again, err := gov.ParseGeometry(b.GeoJSON())
		if err != nil || again.Points != b.Points || again.MinLat != b.MinLat || again.MaxLng != b.MaxLng {
			t.Fatalf("does not read back: %v", err)
		}
		if math.IsNaN(lat) || math.IsNaN(lng) || math.IsNaN(tol) || tol < 0 || math.Abs(lat) > 90 || math.Abs(lng) > 180 {
			return
		}
		if b.Contains(lat, lng) && !b.Within(lat, lng, tol) {
			t.Fatalf("contains (%v, %v) but not within %v m", lat, lng, tol)
		}
		first := b.Polygons[0][0][0]
		if !b.Within(first[1], first[0], 0) {
			t.Fatalf("a vertex (%v) is not within the boundary", first)
		}
	})
}
