package web

import (
	"context"
	"fmt"
	"html"
	"maps"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// The resident's map is drawn here as SVG from the district's own data: the
// area boundaries imported (GeoJSON), or where none are, the known points of
// its streets and communities (the mean place of their public requests) as
// a schematic. No outside map service is asked; a district's own tile
// server (Deps.TileURL) is drawn beneath when set. Positions are Web
// Mercator pixels at a whole zoom level, so that tiles fit exactly.

// mapLayers is what a map of the district is drawn from, read at most once
// a minute.
type mapLayers struct {
	district gov.Area
	areas    []mapArea // the district first, then the areas under it
	points   []ticket.KnownPoint
	box      [4]float64 // min lat, min lng, max lat, max lng; all zero when empty
	read     time.Time
}

type mapArea struct {
	code, name string
	level      gov.Level
	rings      [][][2]float64 // [lng, lat], thinned
	label      [2]float64     // [lng, lat] of the label
}

type layerCache struct {
	mu     sync.Mutex
	layers *mapLayers
}

const layersFor = time.Minute

// thin keeps the points of a ring at least step degrees apart, so that a
// detailed file draws as a small map.
func thin(r gov.Ring, step float64) [][2]float64 {
	out := make([][2]float64, 0, len(r))
	for i, p := range r {
		if n := len(out); n > 0 && i < len(r)-1 && math.Abs(p[0]-out[n-1][0]) < step && math.Abs(p[1]-out[n-1][1]) < step {
			continue
		}
		out = append(out, p)
	}
	return out
}

// mapLayers returns the district's layers, read again once a minute.
func (s *Server) mapLayers(ctx context.Context) (*mapLayers, error) {
	s.placeCache.mu.Lock()
	defer s.placeCache.mu.Unlock()
	if l := s.placeCache.layers; l != nil && time.Since(l.read) < layersFor {
		return l, nil
	}
	d, err := s.district(ctx)
	if errs.Is(err, errs.NotFound) {
		return &mapLayers{read: time.Now()}, nil
	}
	if err != nil {
		return nil, err
	}
	l := &mapLayers{district: d, read: time.Now(), box: [4]float64{91, 181, -91, -181}}
	bounds, err := s.Gov.BoundariesUnder(ctx, d.Code)
	if err != nil {
		return nil, err
	}
	names := map[string]gov.Area{d.Code: d}
	streets, err := s.Gov.Areas(ctx, d.Code)
	if err != nil {
		return nil, err
	}
	for _, st := range streets {
		names[st.Code] = st
		comms, err := s.Gov.Areas(ctx, st.Code)
		if err != nil {
			return nil, err
		}
		for _, c := range comms {
			names[c.Code] = c
		}
	}
	for _, code := range slices.Sorted(maps.Keys(bounds)) {
		b, a := bounds[code], names[code]
		ma := mapArea{code: code, name: a.Name, level: a.Level}
		var big float64
		for _, p := range b.Polygons {
			r := thin(p[0], 0.0004)
			ma.rings = append(ma.rings, r)
			if n := float64(len(p[0])); n > big {
				big, ma.label = n, ringCentre(p[0])
			}
		}
		l.areas = append(l.areas, ma)
		l.grow(b.MinLat, b.MinLng)
		l.grow(b.MaxLat, b.MaxLng)
	}
	if l.points, err = s.Tickets.KnownPoints(ctx, d.Code); err != nil {
		return nil, err
	}
	if len(l.areas) == 0 {
		for _, p := range l.points {
			l.grow(p.Lat, p.Lng)
		}
	}
	if l.box[0] > l.box[2] {
		l.box = [4]float64{}
	}
	s.placeCache.layers = l
	return l, nil
}

func (l *mapLayers) grow(lat, lng float64) {
	l.box[0], l.box[1] = math.Min(l.box[0], lat), math.Min(l.box[1], lng)
	l.box[2], l.box[3] = math.Max(l.box[2], lat), math.Max(l.box[3], lng)
}

func (l *mapLayers) empty() bool { return l.box == [4]float64{} }

func ringCentre(r gov.Ring) [2]float64 {
	var x, y float64
	for _, p := range r {
		x, y = x+p[0], y+p[1]
	}
	n := float64(len(r))
	return [2]float64{x / n, y / n}
}

// worldXY is a point in Web Mercator pixels at zoom z (a fraction between
// two tile levels scales the pixels).
func worldXY(lat, lng, z float64) (float64, float64) {
	n := 256 * math.Exp2(z)
	lat = math.Max(-85, math.Min(85, lat))
	s := math.Sin(lat * math.Pi / 180)
	return (lng + 180) / 360 * n, (0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)) * n
}

// view is the part of the world a map shows: Web Mercator pixels at zoom z
// from (x0, y0), w by h. The zoom is fractional, so that a map fills the
// width it is given; tiles are drawn from the level below, scaled.
type view struct {
	z, x0, y0, w, h float64
}

// fit returns the view of the box (min lat, min lng, max lat, max lng) at
// the largest zoom at which it is at most maxW pixels wide (and 1.25 maxW
// tall), with a margin.
func fit(box [4]float64, maxW float64) view {
	const pad = 12
	x1, y1 := worldXY(box[2], box[1], 0)
	x2, y2 := worldXY(box[0], box[3], 0)
	// A phone's map may be taller than wide.
	scale := math.Min((maxW-2*pad)/math.Max(x2-x1, 1e-9), (1.25*maxW-2*pad)/math.Max(y2-y1, 1e-9))
	z := math.Max(1, math.Min(18, math.Log2(scale)))
	x1, y1 = worldXY(box[2], box[1], z)
	x2, y2 = worldXY(box[0], box[3], z)
	// As wide as asked, so that the page does not scale its words: the
	// view widens around the box at the zoom found.
	w, h := math.Max(maxW, math.Max(x2-x1, 40)+2*pad), math.Max(y2-y1, 40)+2*pad
	return view{z: z, x0: (x1+x2)/2 - w/2, y0: (y1+y2)/2 - h/2, w: math.Round(w), h: math.Round(h)}
}

// xy is a point in the view's own pixels.
func (v view) xy(lat, lng float64) (float64, float64) {
	x, y := worldXY(lat, lng, v.z)
	return x - v.x0, y - v.y0
}

// latLng is the point at the view's pixel (px, py).
func (v view) latLng(px, py float64) (float64, float64) {
	n := 256 * math.Exp2(v.z)
	x, y := (v.x0+px)/n, (v.y0+py)/n
	return math.Atan(math.Sinh(math.Pi*(1-2*y))) * 180 / math.Pi, x*360 - 180
}

// aroundBox is the box within metres of a point.
func aroundBox(lat, lng, metres float64) [4]float64 {
	dLat := metres / gov.MetresPerDegree
	dLng := dLat / math.Max(1e-6, math.Cos(lat*math.Pi/180))
	return [4]float64{lat - dLat, lng - dLng, lat + dLat, lng + dLng}
}

// mapDot is a numbered request on the map.
type mapDot struct {
	lat, lng float64
	label    string
	title    string
}

// mapSpec is one map to draw.
type mapSpec struct {
	v     view
	pin   *[2]float64 // lat, lng
	dots  []mapDot
	label string  // the map's accessible name
	tiles bool    // draw the tile server's images beneath (inline SVG only)
	ring  float64 // metres: a dashed circle of that radius around the pin; 0 none
	lang  string  // of the scale's words
}

func f1(x float64) string { return strconv.FormatFloat(math.Round(x*10)/10, 'f', -1, 64) }

// drawMap writes the SVG of the district's layers as spec says.
func (s *Server) drawMap(l *mapLayers, spec mapSpec) string {
	v := spec.v
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="place-svg" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-label="%s" data-z="%s" data-x0="%s" data-y0="%s">`,
		f1(v.w), f1(v.h), f1(v.w), f1(v.h), html.EscapeString(spec.label), strconv.FormatFloat(v.z, 'f', 4, 64), strconv.FormatFloat(v.x0, 'f', 3, 64), strconv.FormatFloat(v.y0, 'f', 3, 64))
	b.WriteString(`<rect class="place-sea" width="100%" height="100%" fill="#f4f6f8"/>`)
	if spec.tiles && s.TileURL != "" {
		s.drawTiles(&b, v)
	}
	for _, a := range l.areas {
		cls := "place-area"
		if a.code == l.district.Code {
			cls = "place-district"
		}
		b.WriteString(`<path class="` + cls + `" d="`)
		for _, r := range a.rings {
			for i, p := range r {
				x, y := v.xy(p[1], p[0])
				b.WriteString(map[bool]string{true: "M", false: "L"}[i == 0] + f1(x) + " " + f1(y))
			}
			b.WriteString("Z")
		}
		fill, stroke, width, opacity := "none", "#5b7a99", "1", "1"
		if cls == "place-district" {
			fill, stroke, width = "#e8eef5", "#1a4f8b", "2"
		}
		if spec.tiles && s.TileURL != "" {
			opacity = "0.3" // the tiles show through
		}
		fmt.Fprintf(&b, `" fill="%s" fill-opacity="%s" fill-rule="evenodd" stroke="%s" stroke-width="%s" vector-effect="non-scaling-stroke"/>`, fill, opacity, stroke, width)
	}
	s.drawLabels(&b, l, v)
	for _, d := range spec.dots {
		x, y := v.xy(d.lat, d.lng)
		fmt.Fprintf(&b, `<g class="place-dot"><title>%s</title><circle cx="%s" cy="%s" r="11" fill="#a04a00" stroke="#fff" stroke-width="2"/><text x="%s" y="%s" text-anchor="middle" dominant-baseline="central" font-size="12" font-weight="bold" fill="#fff">%s</text></g>`,
			html.EscapeString(d.title), f1(x), f1(y), f1(x), f1(y), html.EscapeString(d.label))
	}
	if p := spec.pin; p != nil && spec.ring > 0 {
		x, y := v.xy(p[0], p[1])
		fmt.Fprintf(&b, `<circle class="place-ring" cx="%s" cy="%s" r="%s" fill="#a04a00" fill-opacity="0.06" stroke="#a04a00" stroke-width="1.5" stroke-dasharray="6 4"/>`,
			f1(x), f1(y), f1(spec.ring/metresPerPixel(p[0], v.z)))
	}
	s.drawScale(&b, v, spec.lang)
	if p := spec.pin; p != nil {
		x, y := v.xy(p[0], p[1])
		fmt.Fprintf(&b, `<g class="place-pin"><path d="M%s %sc-9-13-13-19-13-25a13 13 0 0 1 26 0c0 6-4 12-13 25z" fill="#b3141d" stroke="#fff" stroke-width="2"/><circle cx="%s" cy="%s" r="5" fill="#fff"/></g>`,
			f1(x), f1(y), f1(x), f1(y-25))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// drawLabels names the district's streets (or, on a schematic, its known
// points) where there are few enough to read.
func (s *Server) drawLabels(b *strings.Builder, l *mapLayers, v view) {
	text := func(x, y float64, name string) {
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" font-size="13" fill="#1f2d3d" stroke="#fff" stroke-width="3" paint-order="stroke">%s</text>`,
			f1(x), f1(y), html.EscapeString(name))
	}
	named := 0
	for _, a := range l.areas {
		if a.level == gov.LevelStreet && named < 40 {
			x, y := v.xy(a.label[1], a.label[0])
			text(x, y, a.name)
			named++
		}
	}
	if len(l.areas) > 1 {
		return
	}
	for _, p := range l.points {
		x, y := v.xy(p.Lat, p.Lng)
		fmt.Fprintf(b, `<circle class="place-known" cx="%s" cy="%s" r="4" fill="#1a4f8b"/>`, f1(x), f1(y))
		if len(l.points) <= 40 {
			text(x, y+18, p.Name)
		}
	}
}

// maxTiles bounds the tiles beneath one map.
const maxTiles = 64

// drawTiles draws the tile server's images that cover the view: those of
// the whole level below the view's zoom, scaled.
func (s *Server) drawTiles(b *strings.Builder, v view) {
	tz := int(math.Floor(v.z))
	ts := 256 * math.Exp2(v.z-float64(tz))
	n := int(math.Exp2(float64(tz)))
	tx0, ty0 := int(math.Floor(v.x0/ts)), int(math.Floor(v.y0/ts))
	tx1, ty1 := int(math.Floor((v.x0+v.w)/ts)), int(math.Floor((v.y0+v.h)/ts))
	if (tx1-tx0+1)*(ty1-ty0+1) > maxTiles {
		return
	}
	for ty := max(ty0, 0); ty <= min(ty1, n-1); ty++ {
		for tx := max(tx0, 0); tx <= min(tx1, n-1); tx++ {
			u := strings.NewReplacer("{z}", strconv.Itoa(tz), "{x}", strconv.Itoa(tx), "{y}", strconv.Itoa(ty)).Replace(s.TileURL)
			fmt.Fprintf(b, `<image href="%s" x="%s" y="%s" width="%s" height="%s"/>`, html.EscapeString(u),
				f1(float64(tx)*ts-v.x0), f1(float64(ty)*ts-v.y0), f1(ts+0.5), f1(ts+0.5))
		}
	}
}

// tileCSP is the pages' Content-Security-Policy with the tile server's
// origin let in for images, or "" when no tile server is set.
func tileCSP(tileURL string) string {
	if tileURL == "" {
		return ""
	}
	u, err := url.Parse(strings.NewReplacer("{z}", "0", "{x}", "0", "{y}", "0").Replace(tileURL))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	return strings.Replace(csp, "img-src 'self' data:", "img-src 'self' data: "+u.Scheme+"://"+u.Host, 1)
}

// metresPerPixel is the ground length of a pixel at the latitude and zoom.
func metresPerPixel(lat, z float64) float64 {
	return 2 * math.Pi * gov.EarthRadius * math.Cos(lat*math.Pi/180) / (256 * math.Exp2(z))
}

// drawScale draws a scale bar at the map's lower left: the longest of a
// few round lengths that fits in a quarter of its width.
func (s *Server) drawScale(b *strings.Builder, v view, lang string) {
	lat, _ := v.latLng(v.w/2, v.h/2)
	mpp := metresPerPixel(lat, v.z)
	m := 0.0
	for _, x := range []float64{50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000} {
		if x/mpp <= v.w/4 {
			m = x
		}
	}
	if m == 0 {
		return
	}
	px := m / mpp
	label := tr(lang, "place.scale.m", int(m))
	if m >= 1000 {
		label = tr(lang, "place.scale.km", int(m/1000))
	}
	x0, y0 := 12.0, v.h-12
	fmt.Fprintf(b, `<g class="place-scale"><path d="M%s %sv6h%sv-6" fill="none" stroke="#1f2d3d" stroke-width="2"/><text x="%s" y="%s" font-size="12" fill="#1f2d3d" stroke="#fff" stroke-width="3" paint-order="stroke">%s</text></g>`,
		f1(x0), f1(y0-6), f1(px), f1(x0+px+6), f1(y0+1), html.EscapeString(label))
}
