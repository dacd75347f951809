package gov

import (
	"encoding/json"
	"math"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// DefaultBoundaryTolerance is how far, in metres, a location may lie outside
// an area's boundary and still count as in it. Phones report WGS-84 while
// Chinese maps, and so most boundary files, use GCJ-02, up to about 700 m
// away; and a boundary is drawn coarsely, cutting corners of the real line.
const DefaultBoundaryTolerance = 1000

// maxBoundaryPoints bounds the points of one area's boundary, so that a
// mistaken file (a whole country as one feature) cannot make every check slow.
const maxBoundaryPoints = 200000

// Ring is a closed line of [longitude, latitude] positions, as in GeoJSON.
type Ring [][2]float64

// Polygon is an outer ring and the holes cut out of it.
type Polygon []Ring

// Boundary is the outline of an area: one or more polygons (an area in
// parts, such as a district with an exclave), with their bounding box.
type Boundary struct {
	Polygons       []Polygon
	MinLat, MinLng float64
	MaxLat, MaxLng float64
	Points         int
}

// ParseGeometry reads a GeoJSON Polygon or MultiPolygon geometry.
func ParseGeometry(raw []byte) (*Boundary, error) {
	var g struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, errs.Invalidf("边界不是有效的 GeoJSON 几何对象", "the boundary is not a GeoJSON geometry")
	}
	// Positions are read as lists, not pairs, so that one with a single
	// number is refused rather than read with a latitude of 0; a third
	// number (altitude) is ignored.
	var coords [][][][]float64
	switch g.Type {
	case "Polygon":
		var p [][][]float64
		if err := json.Unmarshal(g.Coordinates, &p); err != nil {
			return nil, errs.Invalidf("多边形的坐标格式不正确", "malformed Polygon coordinates")
		}
		coords = [][][][]float64{p}
	case "MultiPolygon":
		if err := json.Unmarshal(g.Coordinates, &coords); err != nil {
			return nil, errs.Invalidf("多多边形的坐标格式不正确", "malformed MultiPolygon coordinates")
		}
	default:
		return nil, errs.Invalidf("边界须为 Polygon 或 MultiPolygon，而不是 %q", "a boundary must be a Polygon or a MultiPolygon, not %q", g.Type)
	}
	polys := make([]Polygon, len(coords))
	for i, p := range coords {
		polys[i] = make(Polygon, len(p))
		for j, r := range p {
			polys[i][j] = make(Ring, len(r))
			for k, pos := range r {
				if len(pos) < 2 {
					return nil, errs.Invalidf("边界坐标须为[经度, 纬度]", "a boundary position must be [longitude, latitude]")
				}
				polys[i][j][k] = [2]float64{pos[0], pos[1]}
			}
		}
	}
	return NewBoundary(polys)
}

// NewBoundary checks the polygons and works out their bounding box.
func NewBoundary(polys []Polygon) (*Boundary, error) {
	b := &Boundary{Polygons: polys, MinLat: 91, MinLng: 181, MaxLat: -91, MaxLng: -181}
	if len(polys) == 0 {
		return nil, errs.Invalidf("边界没有多边形", "the boundary has no polygon")
	}
	for _, p := range polys {
		if len(p) == 0 {
			return nil, errs.Invalidf("多边形没有外环", "a polygon has no outer ring")
		}
		for _, r := range p {
			if len(r) < 3 {
				return nil, errs.Invalidf("多边形的环至少要有3个点", "a polygon's ring needs at least 3 positions")
			}
			for _, pt := range r {
				lng, lat := pt[0], pt[1]
				if !(lat >= -90 && lat <= 90 && lng >= -180 && lng <= 180) { // also refuses NaN
					return nil, errs.Invalidf("边界坐标超出范围", "a boundary position is out of range")
				}
				b.MinLat, b.MaxLat = math.Min(b.MinLat, lat), math.Max(b.MaxLat, lat)
				b.MinLng, b.MaxLng = math.Min(b.MinLng, lng), math.Max(b.MaxLng, lng)
			}
			b.Points += len(r)
		}
	}
	if b.Points > maxBoundaryPoints {
		return nil, errs.Invalidf("边界点数过多（%d，上限 %d）", "the boundary has too many positions (%d, at most %d)", b.Points, maxBoundaryPoints)
	}
	return b, nil
}

// GeoJSON returns the boundary as a GeoJSON MultiPolygon geometry.
func (b *Boundary) GeoJSON() []byte {
	raw, _ := json.Marshal(struct {
		Type        string    `json:"type"`
		Coordinates []Polygon `json:"coordinates"`
	}{"MultiPolygon", b.Polygons})
	return raw
}

// Contains reports whether the point lies inside the boundary: inside a
// polygon's outer ring and in none of its holes. A point exactly on an edge
// may fall either way; Within counts it in.
func (b *Boundary) Contains(lat, lng float64) bool {
	for _, p := range b.Polygons {
		if inRing(p[0], lat, lng) && !inHole(p[1:], lat, lng) {
			return true
		}
	}
	return false
}

func inHole(holes []Ring, lat, lng float64) bool {
	for _, h := range holes {
		if inRing(h, lat, lng) {
			return true
		}
	}
	return false
}

// inRing casts a ray from the point towards growing longitude and counts the
// edges it crosses: an odd count is inside. An edge counts when it spans the
// point's latitude, lower end included and upper end excluded, so that a ray
// through a vertex counts once. The ring may be closed or not.
func inRing(r Ring, lat, lng float64) bool {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		xi, yi, xj, yj := r[i][0], r[i][1], r[j][0], r[j][1]
		if (yi > lat) != (yj > lat) && lng < xi+(lat-yi)*(xj-xi)/(yj-yi) {
			in = !in
		}
	}
	return in
}

// Distance returns, in metres, how far the point lies from the boundary's
// line (the nearest edge of any ring, holes included), on a plane tangent at
// the point: within a few kilometres the error is far below the tolerance.
func (b *Boundary) Distance(lat, lng float64) float64 {
	kx := MetresPerDegree * math.Cos(lat*math.Pi/180)
	best := math.Inf(1)
	for _, p := range b.Polygons {
		for _, r := range p {
			for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
				ax, ay := (r[j][0]-lng)*kx, (r[j][1]-lat)*MetresPerDegree
				bx, by := (r[i][0]-lng)*kx, (r[i][1]-lat)*MetresPerDegree
				best = math.Min(best, segmentDistance(ax, ay, bx, by))
			}
		}
	}
	return best
}

// segmentDistance is the distance from the origin to the segment a–b.
func segmentDistance(ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l))
	}
	return math.Hypot(ax+t*dx, ay+t*dy)
}

// Within reports whether the point lies inside the boundary, on it, or
// outside by at most tolerance metres. A point outside the bounding box
// widened by the tolerance is rejected without looking at the rings.
func (b *Boundary) Within(lat, lng, tolerance float64) bool {
	if !b.nearBox(lat, lng, tolerance) {
		return false
	}
	return b.Contains(lat, lng) || b.Distance(lat, lng) <= tolerance
}

// nearBox reports whether the point lies in the bounding box widened by
// tolerance metres.
func (b *Boundary) nearBox(lat, lng, tolerance float64) bool {
	dLat := tolerance / MetresPerDegree
	dLng := 360.0
	if c := math.Cos(lat * math.Pi / 180); c > 1e-6 {
		dLng = tolerance / (MetresPerDegree * c)
	}
	return lat >= b.MinLat-dLat && lat <= b.MaxLat+dLat && lng >= b.MinLng-dLng && lng <= b.MaxLng+dLng
}
