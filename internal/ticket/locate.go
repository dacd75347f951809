package ticket

import (
	"context"
	"math"
	"sort"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// NearestKnownRadius is how far, in metres, the place of an earlier request
// may lie from a point and still name the point's community.
const NearestKnownRadius = 800

// maxKnownPoints bounds the earlier requests read to name a point's area.
const maxKnownPoints = 500

// Place is where a point lies: the areas that hold it, as far as the
// district's boundaries, or else the nearest earlier request, tell.
type Place struct {
	District  *gov.Area `json:"district,omitempty"`
	Street    *gov.Area `json:"street,omitempty"`
	Community *gov.Area `json:"community,omitempty"`
	// By is how the most specific area was found: "boundary", "nearest"
	// (the area of the nearest earlier request), or "" when none was.
	By string `json:"by"`
}

// Area is the code of the most specific street or community found, or "".
func (p Place) Area() string {
	switch {
	case p.Community != nil:
		return p.Community.Code
	case p.Street != nil:
		return p.Street.Code
	}
	return ""
}

// ValidPoint reports whether lat and lng are a place on earth (not NaN).
func ValidPoint(lat, lng float64) bool {
	return lat >= -90 && lat <= 90 && lng >= -180 && lng <= 180
}

// ResolvePlace names the street and community of a point: by the area
// boundaries on record (gov.Locate, with the service's tolerance), and where
// they do not reach a community, by the area of the nearest earlier request
// within NearestKnownRadius that is consistent with what the boundaries
// said. It reads no personal data and returns only areas.
func (s *Service) ResolvePlace(ctx context.Context, lat, lng float64) (Place, error) {
	var p Place
	if !ValidPoint(lat, lng) {
		return p, errs.Invalidf("经纬度超出范围", "lat or lng out of range")
	}
	areas, err := s.gov.Locate(ctx, lat, lng, s.tolerance)
	if err != nil {
		return p, err
	}
	p.set(areas)
	if p.Area() != "" {
		p.By = "boundary"
	}
	if p.Community != nil {
		return p, nil
	}
	code, err := s.nearestKnown(ctx, lat, lng, p)
	if err != nil || code == "" {
		return p, err
	}
	path, err := s.gov.AreaPath(ctx, code)
	if err != nil {
		return p, err
	}
	p.set(path)
	p.By = "nearest"
	return p, nil
}

// set fills the levels from areas; later ones of a level win.
func (p *Place) set(areas []gov.Area) {
	for i := range areas {
		a := areas[i]
		switch a.Level {
		case gov.LevelDistrict:
			p.District = &a
		case gov.LevelStreet:
			p.Street = &a
		case gov.LevelCommunity:
			p.Community = &a
		}
	}
}

// nearestKnown returns the area (a street's or a community's) of the
// nearest earlier public request within NearestKnownRadius, under the most
// specific area already found, or "".
func (s *Service) nearestKnown(ctx context.Context, lat, lng float64, p Place) (string, error) {
	under := ""
	switch {
	case p.Street != nil:
		under = p.Street.Code
	case p.District != nil:
		under = p.District.Code
	}
	lo, hi := gov.UnderRange(under)
	dLat := NearestKnownRadius / gov.MetresPerDegree
	dLng := dLat / math.Max(1e-6, math.Cos(lat*math.Pi/180))
	rows, err := s.db.R.QueryContext(ctx, `SELECT area_code, lat, lng FROM tickets
WHERE lat >= $1 AND lat <= $2 AND lng >= $3 AND lng <= $4 AND area_code >= $5 AND area_code < $6 AND area_code <> '' AND confidential = FALSE
LIMIT $7`, lat-dLat, lat+dLat, lng-dLng, lng+dLng, lo, hi, maxKnownPoints)
	if err != nil {
		return "", errs.Wrap(err, "find known places")
	}
	defer rows.Close()
	best, bestD := "", math.Inf(1)
	for rows.Next() {
		var code string
		var tl, tg float64
		if err := rows.Scan(&code, &tl, &tg); err != nil {
			return "", errs.Wrap(err, "scan known place")
		}
		if d := gov.Haversine(lat, lng, tl, tg); d <= NearestKnownRadius && d < bestD && len(code) > len(under) {
			best, bestD = code, d
		}
	}
	return best, errs.Wrap(rows.Err(), "find known places")
}

// placeFromPoint gives a resident's submission that names no area the
// street or community its point lies in, when that can be told. Staff name
// their area themselves (fileInScope).
func (s *Service) placeFromPoint(ctx context.Context, actor *auth.User, in *NewTicket) error {
	if in.AreaCode != "" || in.Lat == nil || in.Lng == nil || (actor != nil && actor.Role != auth.RoleResident) {
		return nil
	}
	p, err := s.ResolvePlace(ctx, *in.Lat, *in.Lng)
	if err != nil {
		return err
	}
	in.AreaCode = p.Area()
	return nil
}

// KnownPoint is an area drawn as a point on a schematic map where no
// boundary is on record: the mean of its requests' places, rounded to the
// public precision.
type KnownPoint struct {
	Code  string  `json:"code"`
	Name  string  `json:"name"`
	Level string  `json:"level"`
	Lat   float64 `json:"lat"`
	Lng   float64 `json:"lng"`
	Count int     `json:"count"`
}

// KnownPoints returns, for the streets and communities under the area, the
// mean place of their public requests, rounded as the public sees places.
func (s *Service) KnownPoints(ctx context.Context, under string) ([]KnownPoint, error) {
	lo, hi := gov.UnderRange(under)
	rows, err := s.db.R.QueryContext(ctx, `SELECT t.area_code, a.name, a.level, AVG(t.lat), AVG(t.lng), COUNT(*)
FROM tickets t JOIN areas a ON a.code = t.area_code
WHERE t.area_code >= $1 AND t.area_code < $2 AND t.lat IS NOT NULL AND t.lng IS NOT NULL AND t.confidential = FALSE
GROUP BY t.area_code, a.name, a.level ORDER BY t.area_code LIMIT 2000`, lo, hi)
	if err != nil {
		return nil, errs.Wrap(err, "read known places")
	}
	defer rows.Close()
	out := []KnownPoint{}
	for rows.Next() {
		var k KnownPoint
		if err := rows.Scan(&k.Code, &k.Name, &k.Level, &k.Lat, &k.Lng, &k.Count); err != nil {
			return nil, errs.Wrap(err, "scan known place")
		}
		if k.Level != string(gov.LevelStreet) && k.Level != string(gov.LevelCommunity) {
			continue
		}
		k.Lat, k.Lng = s.publicPoint(k.Lat, k.Lng)
		out = append(out, k)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, errs.Wrap(rows.Err(), "read known places")
}
