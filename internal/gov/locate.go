package gov

import (
	"context"
	"math"
	"sort"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// maxCandidates bounds the boundaries a point is checked against: those
// whose box holds it, in a district of a few hundred communities.
const maxCandidates = 200

// Locate returns the areas whose boundary holds the point, one per level,
// the most specific first. A point inside no boundary of a level but within
// tolerance metres of one counts for the nearest of them (phones report
// WGS-84, boundary files are drawn in GCJ-02). Areas without a boundary on
// record are not found here.
func (s *Service) Locate(ctx context.Context, lat, lng, tolerance float64) ([]Area, error) {
	if !(lat >= -90 && lat <= 90 && lng >= -180 && lng <= 180) { // also refuses NaN
		return nil, errs.Invalidf("经纬度超出范围", "lat or lng out of range")
	}
	dLat := tolerance / MetresPerDegree
	dLng := dLat / math.Max(1e-6, math.Cos(lat*math.Pi/180))
	rows, err := s.db.R.QueryContext(ctx, `SELECT b.area_code, b.geometry, a.parent_code, a.name, a.level, a.population
FROM area_boundaries b JOIN areas a ON a.code = b.area_code
WHERE b.min_lat <= $1 AND b.max_lat >= $2 AND b.min_lng <= $3 AND b.max_lng >= $4 ORDER BY b.area_code LIMIT $5`,
		lat+dLat, lat-dLat, lng+dLng, lng-dLng, maxCandidates)
	if err != nil {
		return nil, errs.Wrap(err, "find boundaries")
	}
	defer rows.Close()
	type hit struct {
		a    Area
		dist float64
	}
	best := map[Level]hit{}
	for rows.Next() {
		var a Area
		var geom string
		if err := rows.Scan(&a.Code, &geom, &a.ParentCode, &a.Name, &a.Level, &a.Population); err != nil {
			return nil, errs.Wrap(err, "scan boundary")
		}
		b, err := ParseGeometry([]byte(geom))
		if err != nil {
			continue // checked on import; a bad row locates nothing
		}
		d := 0.0
		if !b.Contains(lat, lng) {
			if d = b.Distance(lat, lng); d > tolerance {
				continue
			}
		}
		if h, ok := best[a.Level]; !ok || d < h.dist {
			best[a.Level] = hit{a, d}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "find boundaries")
	}
	out := make([]Area, 0, len(best))
	for _, h := range best {
		out = append(out, h.a)
	}
	sort.Slice(out, func(i, j int) bool { return levelRank(out[i].Level) > levelRank(out[j].Level) })
	return out, nil
}

func levelRank(l Level) int {
	for i, x := range Levels {
		if x == l {
			return i
		}
	}
	return -1
}

// maxMapBoundaries bounds the outlines one map is drawn from.
const maxMapBoundaries = 1000

// BoundariesUnder returns the boundaries on record of the area and of the
// areas under it, by code, at most a thousand.
func (s *Service) BoundariesUnder(ctx context.Context, code string) (map[string]*Boundary, error) {
	lo, hi := UnderRange(code)
	rows, err := s.db.R.QueryContext(ctx, `SELECT area_code, geometry FROM area_boundaries WHERE area_code >= $1 AND area_code < $2 ORDER BY area_code LIMIT $3`,
		lo, hi, maxMapBoundaries)
	if err != nil {
		return nil, errs.Wrap(err, "read boundaries")
	}
	defer rows.Close()
	out := map[string]*Boundary{}
	for rows.Next() {
		var c, geom string
		if err := rows.Scan(&c, &geom); err != nil {
			return nil, errs.Wrap(err, "scan boundary")
		}
		if b, err := ParseGeometry([]byte(geom)); err == nil {
			out[c] = b
		}
	}
	return out, errs.Wrap(rows.Err(), "read boundaries")
}
