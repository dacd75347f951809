package gov_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// A square of 0.1° at 40°N with a square hole in the middle, and a second,
// separate square to the east.
const twoParts = `{"type": "MultiPolygon", "coordinates": [
 [[[117.0, 40.0], [117.1, 40.0], [117.1, 40.1], [117.0, 40.1], [117.0, 40.0]],
  [[117.04, 40.04], [117.06, 40.04], [117.06, 40.06], [117.04, 40.06], [117.04, 40.04]]],
 [[[117.3, 40.0], [117.4, 40.0], [117.35, 40.1], [117.3, 40.0]]]]}`

func TestBoundaryWithin(t *testing.T) {
	b, err := gov.ParseGeometry([]byte(twoParts))
	if err != nil {
		t.Fatal(err)
	}
	if b.MinLng != 117.0 || b.MaxLng != 117.4 || b.MinLat != 40.0 || b.MaxLat != 40.1 || b.Points != 14 {
		t.Fatalf("box and points: %+v", b)
	}
	// 0.001° of latitude is about 111 m; of longitude at 40°N about 85 m.
	for _, c := range []struct {
		name     string
		lat, lng float64
		tol      float64
		contains bool // strictly inside
		within   bool
	}{
		{"inside the first part", 40.02, 117.02, 0, true, true},
		{"inside, near a corner", 40.0999, 117.0001, 0, true, true},
		{"far outside", 39.93, 116.42, 1000, false, false},
		{"outside, beside the box", 40.05, 117.2, 1000, false, false},
		{"in the hole", 40.05, 117.05, 0, false, false},
		{"in the hole, near its edge, with a tolerance", 40.05, 117.0595, 1000, false, true},
		{"in the hole's centre, 850 m from its edge, 500 m allowed", 40.05, 117.05, 500, false, false},
		{"on the outer edge", 40.0, 117.05, 0, false, true},
		{"on a vertex", 40.1, 117.1, 0, false, true},
		{"on the hole's edge", 40.04, 117.05, 0, false, true},
		{"the second part", 40.03, 117.35, 0, true, true},
		{"between the parts", 40.03, 117.2, 0, false, false},
		{"555 m south, 1 km allowed", 39.995, 117.05, 1000, false, true},
		{"555 m south, 500 m allowed", 39.995, 117.05, 500, false, false},
		{"1.1 km south, 1 km allowed", 39.99, 117.05, 1000, false, false},
		{"850 m east, 1 km allowed", 40.05, 117.11, 1000, false, true},
		{"1.7 km east, 1 km allowed", 40.05, 117.12, 1000, false, false},
		{"beyond the second part's slanted edge, near", 40.09, 117.36, 1000, false, true},
	} {
		if got := b.Contains(c.lat, c.lng); got != c.contains && !strings.HasPrefix(c.name, "on ") {
			t.Errorf("%s: Contains = %v", c.name, got)
		}
		if got := b.Within(c.lat, c.lng, c.tol); got != c.within {
			t.Errorf("%s: Within(%v m) = %v, %.0f m from the line", c.name, c.tol, got, b.Distance(c.lat, c.lng))
		}
	}
	// A single Polygon and an open ring read the same.
	p, err := gov.ParseGeometry([]byte(`{"type":"Polygon","coordinates":[[[117.0,40.0],[117.1,40.0],[117.1,40.1],[117.0,40.1]]]}`))
	if err != nil || !p.Contains(40.05, 117.05) || p.Contains(40.05, 117.15) {
		t.Fatalf("polygon: %v", err)
	}
	for _, bad := range []string{
		`{"type":"Point","coordinates":[117,40]}`,
		`{"type":"Polygon","coordinates":[[[117,40],[118,40]]]}`,
		`{"type":"Polygon","coordinates":[[[117,40],[118,40],[118,95]]]}`,
		`{"type":"Polygon","coordinates":[]}`,
		`{"type":"MultiPolygon","coordinates":[[]]}`,
		`{"type":"Polygon","coordinates":"x"}`,
		`{"type":"Polygon","coordinates":[[[117,40],[118,40],[118]]]}`,
		`not json`,
	} {
		if _, err := gov.ParseGeometry([]byte(bad)); !errs.Is(err, errs.Invalid) {
			t.Errorf("%s: %v, want invalid", bad, err)
		}
	}
}

// sharedBoundaries returns the path of the real district boundaries of
// Beijing, from the package dir ../../../shared/data/geo, or skips the test
// when it is absent (the file may not be copied into the repository).
func sharedBoundaries(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "data", "geo", "beijing_districts_datav.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Skip("Beijing's district boundaries are not present at " + p)
	}
	return p
}

func TestImportBoundaries(t *testing.T) {
	file := sharedBoundaries(t)
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		g := gov.NewService(d, clock.System{})
		for _, a := range []gov.Area{
			{Code: "11", Name: "北京市", Level: gov.LevelProvince},
			{Code: "1101", ParentCode: "11", Name: "市辖区", Level: gov.LevelCity},
			{Code: "110101", ParentCode: "1101", Name: "东城区", Level: gov.LevelDistrict},
			{Code: "110117", ParentCode: "1101", Name: "平谷区", Level: gov.LevelDistrict},
		} {
			if err := g.UpsertArea(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		st, err := g.ImportBoundaries(ctx, bytes.NewReader(raw), "beijing_districts_datav.json")
		if err != nil {
			t.Fatal(err)
		}
		// The 14 districts not on record are refused, each named.
		if st.Features != 16 || st.Added != 2 || st.Rejected != 14 || len(st.Problems) != 14 ||
			!strings.Contains(st.Problems[0], "110102 西城区") || !strings.Contains(st.Problems[0], "import the divisions first") {
			t.Fatalf("first import: %+v", st)
		}
		pinggu, err := g.Boundary(ctx, "110117")
		if err != nil || pinggu == nil {
			t.Fatalf("平谷区: %v", err)
		}
		if !pinggu.Contains(40.1448, 117.1123) || pinggu.Within(39.9289, 116.4164, 1000) {
			t.Fatal("平谷区's boundary holds its centre and not 东城区")
		}
		if b, err := g.Boundary(ctx, "1101"); b != nil || err != nil {
			t.Fatalf("an area without a boundary: %v %v", b, err)
		}
		// Again: nothing changes.
		st, err = g.ImportBoundaries(ctx, bytes.NewReader(raw), "beijing_districts_datav.json")
		if err != nil || st.Added != 0 || st.Replaced != 0 || st.Unchanged != 2 || st.Rejected != 14 {
			t.Fatalf("second import: %+v %v", st, err)
		}
		var n int
		d.R.QueryRow(`SELECT COUNT(*) FROM area_boundaries`).Scan(&n)
		if n != 2 {
			t.Fatalf("%d rows after two imports", n)
		}
		// Another outline for 平谷区 replaces the one on record.
		square := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"110117","name":"平谷区"},
			"geometry":{"type":"Polygon","coordinates":[[[117.0,40.0],[117.1,40.0],[117.1,40.1],[117.0,40.1],[117.0,40.0]]]}}]}`
		st, err = g.ImportBoundaries(ctx, strings.NewReader(square), "square.json")
		if err != nil || st.Replaced != 1 || st.Features != 1 {
			t.Fatalf("replace: %+v %v", st, err)
		}
		if b, _ := g.Boundary(ctx, "110117"); b == nil || b.Points != 5 {
			t.Fatalf("replaced boundary: %+v", b)
		}
		// A file with nothing known is an error, and writes nothing.
		for _, bad := range []string{
			`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"adcode":999999,"name":"无此区"},"geometry":{"type":"Polygon","coordinates":[[[1,1],[2,1],[2,2],[1,1]]]}}]}`,
			`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"无代码"},"geometry":{"type":"Polygon","coordinates":[[[1,1],[2,1],[2,2],[1,1]]]}}]}`,
			`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"adcode":"110101"},"geometry":{"type":"Point","coordinates":[1,1]}}]}`,
			`{"type":"Feature"}`,
			`[1, 2`,
		} {
			if _, err := g.ImportBoundaries(ctx, strings.NewReader(bad), "bad.json"); !errs.Is(err, errs.Invalid) {
				t.Errorf("%s: %v, want invalid", bad, err)
			}
		}
		if b, _ := g.Boundary(ctx, "110101"); b == nil || b.Points < 40 {
			t.Fatal("a refused file changed 东城区's boundary")
		}
	})
}
