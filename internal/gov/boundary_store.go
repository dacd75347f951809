package gov

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// BoundaryStats tells what ImportBoundaries did.
type BoundaryStats struct {
	Features  int `json:"features"`  // features read
	Added     int `json:"added"`     // areas that had no boundary
	Replaced  int `json:"replaced"`  // areas whose boundary changed
	Unchanged int `json:"unchanged"` // areas whose boundary was already this one
	// Rejected counts the features skipped: no area code, an area not on
	// record, a code given twice, or a geometry that is not a polygon.
	Rejected int      `json:"rejected"`
	Problems []string `json:"problems"` // at most maxProblems of them
}

type featureCollection struct {
	Type     string `json:"type"`
	Features []struct {
		Properties map[string]json.RawMessage `json:"properties"`
		Geometry   json.RawMessage            `json:"geometry"`
	} `json:"features"`
}

// featureCode reads the area code of a feature: properties.adcode, or else
// properties.code, a string or a whole number (DataV and most Chinese files
// write adcode as a number).
func featureCode(props map[string]json.RawMessage) string {
	for _, k := range []string{"adcode", "code"} {
		raw := bytes.TrimSpace(props[k])
		if len(raw) == 0 || string(raw) == "null" {
			continue
		}
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return strings.TrimSpace(s)
		}
		var n json.Number
		if json.Unmarshal(raw, &n) == nil {
			if _, err := n.Int64(); err == nil {
				return n.String()
			}
		}
		return ""
	}
	return ""
}

// ImportBoundaries loads area boundaries from a GeoJSON FeatureCollection
// whose features carry the area code in properties.adcode (or code) and a
// Polygon or MultiPolygon geometry. It is idempotent: a feature replaces the
// area's boundary. Features whose area is not on record, or that are
// malformed, are skipped and described in the stats, so that a file of a
// whole city loads the districts that are on record; a file from which
// nothing could be loaded is an error. source names the file in the rows.
func (s *Service) ImportBoundaries(ctx context.Context, r io.Reader, source string) (BoundaryStats, error) {
	var st BoundaryStats
	var fc featureCollection
	if err := json.NewDecoder(r).Decode(&fc); err != nil {
		return st, errs.Invalidf("文件不是有效的 GeoJSON：%v", "the file is not valid GeoJSON: %v", err)
	}
	if fc.Type != "FeatureCollection" {
		return st, errs.Invalidf("文件须为 GeoJSON FeatureCollection，而不是 %q", "the file must be a GeoJSON FeatureCollection, not %q", fc.Type)
	}
	reject := func(i int, name, zh, en string) {
		st.Rejected++
		if len(st.Problems) < maxProblems {
			st.Problems = append(st.Problems, fmt.Sprintf("feature %d %s: %s / %s", i+1, name, zh, en))
		}
	}
	now := db.Millis(s.clock.Now())
	seen := map[string]bool{}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		for i, f := range fc.Features {
			st.Features++
			var name string
			_ = json.Unmarshal(f.Properties["name"], &name)
			code := featureCode(f.Properties)
			if !ValidCode(code) {
				reject(i, name, "没有区划代码（properties.adcode 或 code）", "no area code (properties.adcode or code)")
				continue
			}
			name = code + " " + name
			if seen[code] {
				reject(i, name, "区划代码重复", "the area code is given twice")
				continue
			}
			seen[code] = true
			if _, err := areaQ(ctx, tx, code); errs.Is(err, errs.NotFound) {
				reject(i, name, "区划不存在，请先导入区划代码", "no such area on record: import the divisions first")
				continue
			} else if err != nil {
				return err
			}
			b, err := ParseGeometry(f.Geometry)
			if err != nil {
				var de *errs.Error
				if !errors.As(err, &de) {
					return err
				}
				reject(i, name, de.Msg, de.MsgEn)
				continue
			}
			if err := writeBoundary(ctx, tx, code, b, source, now, &st); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return st, err
	}
	if st.Added+st.Replaced+st.Unchanged == 0 {
		first := ""
		if len(st.Problems) > 0 {
			first = st.Problems[0]
		}
		return st, errs.Invalidf("没有导入任何边界（%d 个要素被拒绝）%s", "no boundary was imported (%d features rejected) %s", st.Rejected, first)
	}
	return st, nil
}

// writeBoundary writes the area's boundary b, unless it is the one on
// record already, and counts which it was in st.
func writeBoundary(ctx context.Context, tx *sql.Tx, code string, b *Boundary, source string, now int64, st *BoundaryStats) error {
	geom := string(b.GeoJSON())
	var old string
	err := tx.QueryRowContext(ctx, `SELECT geometry FROM area_boundaries WHERE area_code = $1`, code).Scan(&old)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		st.Added++
	case err != nil:
		return errs.Wrap(err, "read boundary")
	case old == geom:
		st.Unchanged++
		return nil
	default:
		st.Replaced++
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO area_boundaries (area_code, geometry, points, min_lat, min_lng, max_lat, max_lng, source, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (area_code) DO UPDATE SET geometry = excluded.geometry, points = excluded.points, min_lat = excluded.min_lat,
min_lng = excluded.min_lng, max_lat = excluded.max_lat, max_lng = excluded.max_lng, source = excluded.source, updated_at = excluded.updated_at`,
		code, geom, b.Points, b.MinLat, b.MinLng, b.MaxLat, b.MaxLng, source, now)
	if err != nil {
		return errs.Wrap(err, "write boundary")
	}
	return nil
}

// Boundary returns the area's boundary, or nil when none is on record.
func (s *Service) Boundary(ctx context.Context, code string) (*Boundary, error) {
	var raw string
	err := s.db.R.QueryRowContext(ctx, `SELECT geometry FROM area_boundaries WHERE area_code = $1`, code).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, errs.Wrap(err, "read boundary")
	}
	b, err := ParseGeometry([]byte(raw))
	if err != nil {
		// Boundaries are checked when imported: a bad one here is a fault
		// of the database, not of the request that reads it.
		return nil, errs.Wrap(fmt.Errorf("area %s: %s", code, err.Error()), "parse stored boundary")
	}
	return b, nil
}

// WithinBoundary checks a point against the boundary of the first of codes
// that has one on record (pass an area and its ancestors, nearest first, to
// get the most specific boundary). It returns the code of that area, "" when
// none of them has a boundary, and whether the point lies within it or
// outside by at most tolerance metres. The stored bounding box turns a far
// point away before the outline is read.
func (s *Service) WithinBoundary(ctx context.Context, codes []string, lat, lng, tolerance float64) (area string, within bool, err error) {
	if len(codes) == 0 {
		return "", true, nil
	}
	args := make([]any, len(codes))
	marks := make([]string, len(codes))
	for i, c := range codes {
		args[i], marks[i] = c, "$"+strconv.Itoa(i+1)
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT area_code, min_lat, min_lng, max_lat, max_lng FROM area_boundaries WHERE area_code IN (`+
		strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return "", false, errs.Wrap(err, "find boundaries")
	}
	boxes := map[string]*Boundary{}
	for rows.Next() {
		var code string
		b := &Boundary{}
		if err := rows.Scan(&code, &b.MinLat, &b.MinLng, &b.MaxLat, &b.MaxLng); err != nil {
			rows.Close()
			return "", false, errs.Wrap(err, "scan boundary")
		}
		boxes[code] = b
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", false, errs.Wrap(err, "find boundaries")
	}
	for _, c := range codes {
		box, ok := boxes[c]
		if !ok {
			continue
		}
		if !box.nearBox(lat, lng, tolerance) {
			return c, false, nil
		}
		b, err := s.Boundary(ctx, c)
		if err != nil {
			return c, false, err
		}
		return c, b == nil || b.Within(lat, lng, tolerance), nil
	}
	return "", true, nil
}
