package web

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Charts are drawn here as inline SVG, on the server: no script, no external
// asset, and each one sits beside a <table> with the same figures. Colours
// are the Okabe–Ito palette (safe for the common colour-vision
// deficiencies), and no series is told apart by colour alone: lines carry
// distinct markers and a label at their end, bars their value.

// Each chart is drawn twice: 640 units wide for screens, 340 for phones,
// where a 640-unit drawing would shrink its text below 12 px; the style
// sheet shows the one that fits (.chart-wide, .chart-narrow), so text is
// drawn at its size (14 units ≈ 13 px on a phone 390 px wide).
const (
	wideW   = 640
	narrowW = 340
)

// twoWidths lays out a chart drawn at both widths; nothing when there is
// nothing to draw.
func twoWidths(draw func(id string, w int) template.HTML, id string) template.HTML {
	wide := draw(id, wideW)
	if wide == "" {
		return ""
	}
	return `<div class="chart-wide">` + wide + `</div><div class="chart-narrow">` + draw(id+"-n", narrowW) + `</div>`
}

// labelEvery is how many slots one axis label takes: every other one where
// a slot is narrower than a label.
func labelEvery(slot float64) int {
	if slot < 34 {
		return 2
	}
	return 1
}

// Palette: Okabe–Ito.
const (
	colBlue      = "#0072B2"
	colOrange    = "#E69F00"
	colGreen     = "#009E73"
	colVermilion = "#D55E00"
	colGrid      = "#dde3ea"
	colAxis      = "#5d6b7e"
	colInk       = "#1c2430"
)

// seqBlues is a sequential single-hue scale (ColorBrewer Blues), light to dark.
var seqBlues = []string{"#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"}

func esc(s string) string { return template.HTMLEscapeString(s) }

// Bar is one bar: a label, its value, the value as shown, and the tickets
// behind it.
type Bar struct {
	Label string
	Value float64
	Text  string
	URL   string
}

func fnum(v float64) string {
	if v == math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// svgOpen starts an accessible SVG: role img, a <title> and a <desc>.
func svgOpen(b *strings.Builder, id, title, desc string, w, h int) {
	fmt.Fprintf(b, `<svg class="chart" id="%s" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t %s-d" preserveAspectRatio="xMidYMid meet">`,
		esc(id), w, h, esc(id), esc(id))
	fmt.Fprintf(b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, esc(id), esc(title), esc(id), esc(desc))
}

// svgDone returns the chart drawn in b. A chart whose marks are links is a
// group of them, not one picture: a role of img would hide the links from
// assistive technology.
func svgDone(b *strings.Builder) template.HTML {
	s := b.String()
	if strings.Contains(s, "<a href=") {
		s = strings.Replace(s, `role="img"`, `role="group"`, 1)
	}
	return template.HTML(s)
}

// ColumnChart draws vertical bars over labelled categories (months).
func ColumnChart(id, title, desc string, bars []Bar) template.HTML {
	return twoWidths(func(id string, w int) template.HTML { return columnChart(id, title, desc, bars, w) }, id)
}

func columnChart(id, title, desc string, bars []Bar, w int) template.HTML {
	const h, left, right, top, bottom = 260, 44, 12, 22, 40
	maxV := 0.0
	for _, x := range bars {
		maxV = math.Max(maxV, x.Value)
	}
	if maxV <= 0 {
		return "" // nothing to draw: the page says so (orNoData)
	}
	var b strings.Builder
	svgOpen(&b, id, title, desc, w, h)
	// Four steps of 1, 2 or 5 × 10^k: whole numbers on a count axis.
	step := 1.0
	for k := 0; step*4 < maxV; k++ {
		step = []float64{1, 2, 5}[k%3] * math.Pow(10, float64(k/3))
	}
	ymax := step * 4
	ph := float64(h - top - bottom)
	pw := float64(w - left - right)
	for i := 0; i <= 4; i++ {
		v := ymax * float64(i) / 4
		y := float64(top) + ph - ph*float64(i)/4
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="%s" stroke-width="1"/>`, left, w-right, y, y, colGrid)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end" class="tick">%s</text>`, left-6, y+4, fnum(v))
	}
	n := len(bars)
	slot := pw / float64(n)
	bw := slot * 0.62
	every := labelEvery(slot)
	for i, x := range bars {
		bh := 0.0
		if ymax > 0 {
			bh = ph * x.Value / ymax
		}
		cx := float64(left) + slot*float64(i) + slot/2
		y := float64(top) + ph - bh
		if x.URL != "" {
			fmt.Fprintf(&b, `<a href="%s">`, esc(x.URL))
		}
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s: %s</title></rect>`,
			cx-bw/2, y, bw, math.Max(bh, 0), colBlue, esc(x.Label), esc(x.Text))
		if x.Value != 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" class="val">%s</text>`, cx, y-5, esc(x.Text))
		}
		if x.URL != "" {
			b.WriteString(`</a>`)
		}
		if (n-1-i)%every == 0 {
			axisLabel(&b, cx, h-bottom+16, x.Label)
		}
	}
	fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s" stroke-width="1.2"/>`, left, w-right, h-bottom, h-bottom, colAxis)
	b.WriteString(`</svg>`)
	return svgDone(&b)
}

// BarChart draws horizontal bars, one labelled line each (categories, units).
func BarChart(id, title, desc string, bars []Bar) template.HTML {
	if len(bars) == 0 {
		return "" // nothing to draw: the page says so (orNoData)
	}
	return twoWidths(func(id string, w int) template.HTML { return barChart(id, title, desc, bars, w) }, id)
}

func barChart(id, title, desc string, bars []Bar, w int) template.HTML {
	const right, top, row = 60, 8, 26
	left, chars := 190, 12
	if w < wideW {
		left, chars = 112, 7
	}
	h := top*2 + row*len(bars)
	var b strings.Builder
	svgOpen(&b, id, title, desc, w, h)
	maxV := 0.0
	for _, x := range bars {
		maxV = math.Max(maxV, x.Value)
	}
	if maxV <= 0 {
		maxV = 1
	}
	pw := float64(w - left - right)
	for i, x := range bars {
		y := float64(top + row*i)
		bw := pw * x.Value / maxV
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end" class="lbl">%s</text>`, left-8, y+row/2+4, esc(short(x.Label, chars)))
		if x.URL != "" {
			fmt.Fprintf(&b, `<a href="%s">`, esc(x.URL))
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%.1f" width="%.1f" height="%d" fill="%s"><title>%s: %s</title></rect>`,
			left, y+4, math.Max(bw, 0), row-8, colBlue, esc(x.Label), esc(x.Text))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="val">%s</text>`, float64(left)+bw+6, y+row/2+4, esc(x.Text))
		if x.URL != "" {
			b.WriteString(`</a>`)
		}
	}
	fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s" stroke-width="1.2"/>`, left, left, top, h-top, colAxis)
	b.WriteString(`</svg>`)
	return svgDone(&b)
}

// axisLabel writes a category label under the axis; a second line (after
// "\n") goes below the first, smaller.
func axisLabel(b *strings.Builder, x float64, y int, label string) {
	first, second, _ := strings.Cut(label, "\n")
	fmt.Fprintf(b, `<text x="%.1f" y="%d" text-anchor="middle" class="tick">%s`, x, y, esc(first))
	if second != "" {
		fmt.Fprintf(b, `<tspan x="%.1f" dy="16" class="tick2">%s</tspan>`, x, esc(second))
	}
	b.WriteString(`</text>`)
}

func short(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// Series is one line of a line chart: values in percent, nil for no value.
type Series struct {
	Name   string
	Color  string
	Marker string // circle, square, triangle
	Values []*float64
}

func marker(b *strings.Builder, kind, color string, x, y float64) {
	switch kind {
	case "square":
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="8" height="8" fill="%s"/>`, x-4, y-4, color)
	case "triangle":
		fmt.Fprintf(b, `<path d="M%.1f %.1fL%.1f %.1fL%.1f %.1fZ" fill="%s"/>`, x, y-5, x+5, y+4, x-5, y+4, color)
	default:
		fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="4.2" fill="%s"/>`, x, y, color)
	}
}

// LineChart draws rates in percent (0–100) over the labels (months), a
// legend on top and each line's last value at its end.
//
// A missing value (a month without tickets to rate) is a gap: the line
// stops before it and starts again after it, never drawn through or down to
// zero. With no value at all there is no chart ("" — the page says so).
func LineChart(id, title, desc string, labels []string, series []Series) template.HTML {
	if !anyValue(series) {
		return ""
	}
	return twoWidths(func(id string, w int) template.HTML { return lineChart(id, title, desc, labels, series, w) }, id)
}

func lineChart(id, title, desc string, labels []string, series []Series, w int) template.HTML {
	const h, left, right, top, bottom = 280, 44, 70, 34, 40
	var b strings.Builder
	svgOpen(&b, id, title, desc, w, h)
	ph := float64(h - top - bottom)
	pw := float64(w - left - right)
	for i := 0; i <= 4; i++ {
		y := float64(top) + ph - ph*float64(i)/4
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="%s" stroke-width="1"/>`, left, w-right, y, y, colGrid)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end" class="tick">%d%%</text>`, left-6, y+4, i*25)
	}
	n := len(labels)
	slot := pw / float64(max(n, 1))
	xAt := func(i int) float64 { return float64(left) + slot*float64(i) + slot/2 }
	yAt := func(v float64) float64 { return float64(top) + ph - ph*math.Min(math.Max(v, 0), 100)/100 }
	every := labelEvery(slot)
	for i, l := range labels {
		if (n-1-i)%every == 0 {
			axisLabel(&b, xAt(i), h-bottom+16, l)
		}
	}
	// Legend.
	lx := float64(left)
	for _, s := range series {
		marker(&b, s.Marker, s.Color, lx+6, 14)
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="14" y2="14" stroke="%s" stroke-width="2.5"/>`, lx-2, lx+14, s.Color)
		fmt.Fprintf(&b, `<text x="%.1f" y="18" class="lbl">%s</text>`, lx+20, esc(s.Name))
		lx += 30 + float64(len([]rune(s.Name)))*13
	}
	lastY := []float64{}
	for _, s := range series {
		var path strings.Builder
		pen := false
		last := -1
		for i, v := range s.Values {
			if v == nil {
				pen = false
				continue
			}
			cmd := "L"
			if !pen {
				cmd = "M"
			}
			fmt.Fprintf(&path, "%s%.1f %.1f", cmd, xAt(i), yAt(*v))
			pen = true
			last = i
		}
		if path.Len() > 0 {
			fmt.Fprintf(&b, `<path d="%s" fill="none" stroke="%s" stroke-width="2.5" stroke-linejoin="round"/>`, path.String(), s.Color)
		}
		for i, v := range s.Values {
			if v != nil {
				marker(&b, s.Marker, s.Color, xAt(i), yAt(*v))
				fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="9" fill="transparent"><title>%s %s: %s%%</title></circle>`,
					xAt(i), yAt(*v), esc(s.Name), esc(labels[i]), fnum(math.Round(*v*10)/10))
			}
		}
		if last >= 0 {
			y := yAt(*s.Values[last])
			for _, o := range lastY { // keep end labels apart
				if math.Abs(o-y) < 13 {
					y = o + 13
				}
			}
			lastY = append(lastY, y)
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="val" fill="%s">%s%%</text>`, xAt(last)+10, y+4, colInk, fnum(math.Round(*s.Values[last]*10)/10))
		}
	}
	fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s" stroke-width="1.2"/>`, left, w-right, h-bottom, h-bottom, colAxis)
	b.WriteString(`</svg>`)
	return svgDone(&b)
}

func anyValue(series []Series) bool {
	for _, s := range series {
		for _, v := range s.Values {
			if v != nil {
				return true
			}
		}
	}
	return false
}

// Tile is one street of the tile map.
type Tile struct {
	Name  string
	Value float64
	Text  string
	URL   string
}

// TileMap draws the streets as equal tiles in a grid, shaded on a
// sequential scale by their value, with a legend of the classes.
func TileMap(id, title, desc, legend string, tiles []Tile) template.HTML {
	maxV := 0.0
	for _, t := range tiles {
		maxV = math.Max(maxV, t.Value)
	}
	if maxV <= 0 {
		return "" // no street has a request: nothing to shade
	}
	return twoWidths(func(id string, w int) template.HTML { return tileMap(id, title, desc, legend, tiles, maxV, w) }, id)
}

func tileMap(id, title, desc, legend string, tiles []Tile, maxV float64, w int) template.HTML {
	const th, gap, top = 64, 4, 8
	cols, sw := 6, 34 // tiles a row, legend swatch width
	if w < wideW {
		cols, sw = 3, 22
	}
	tw := (w - (cols-1)*gap) / cols
	rows := (len(tiles) + cols - 1) / cols
	h := top + rows*(th+gap) + 40
	if w < wideW {
		h += 24 // the legend's words on their own line above its scale
	}
	var b strings.Builder
	svgOpen(&b, id, title, desc, w, h)
	classOf := func(v float64) int {
		if maxV <= 0 || v <= 0 {
			return 0
		}
		c := int(math.Ceil(v / maxV * float64(len(seqBlues)-1)))
		return min(max(c, 1), len(seqBlues)-1)
	}
	for i, t := range tiles {
		x := (i % cols) * (tw + gap)
		y := top + (i/cols)*(th+gap)
		c := classOf(t.Value)
		ink := colInk
		if c >= 4 {
			ink = "#ffffff"
		}
		if t.URL != "" {
			fmt.Fprintf(&b, `<a href="%s">`, esc(t.URL))
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" rx="6" fill="%s" stroke="#b9c3cf" stroke-width="0.6"><title>%s: %s</title></rect>`,
			x, y, tw, th, seqBlues[c], esc(t.Name), esc(t.Text))
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" class="tname" fill="%s">%s</text>`, x+tw/2, y+26, ink, esc(short(t.Name, 6)))
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" class="tval" fill="%s">%s</text>`, x+tw/2, y+48, ink, esc(t.Text))
		if t.URL != "" {
			b.WriteString(`</a>`)
		}
	}
	// Legend: the scale from 0 to the maximum.
	ly := top + rows*(th+gap) + 10
	fmt.Fprintf(&b, `<text x="0" y="%d" class="tick">%s</text>`, ly+14, esc(legend))
	lx := w - len(seqBlues)*sw - 44
	if w < wideW {
		ly += 24
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" class="tick">0</text>`, lx-4, ly+14)
	for i, c := range seqBlues {
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="16" fill="%s" stroke="#b9c3cf" stroke-width="0.6"/>`, lx+i*sw, ly+2, sw, c)
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" class="tick">%s</text>`, lx+len(seqBlues)*sw+4, ly+14, fnum(math.Round(maxV*10)/10))
	b.WriteString(`</svg>`)
	return svgDone(&b)
}
