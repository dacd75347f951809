package web

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/gongzhi/gongzhi/internal/indicator"
)

// The districts compared (各区比较): at an installation of a city with
// several districts, each district's indicators of a month side by side.
// Which districts a reader sees is the capability's (indicator.CanReadArea).

// CompareRow is one indicator across the districts.
type CompareRow struct {
	Code  string
	Label string
	Unit  string
	Wide  bool // the same in every district
	Items []indicator.Item
}

// CompareData is the page.
type CompareData struct {
	C     indicator.Comparison
	Rows  []CompareRow
	Chart template.HTML // the districts' composites
	Wide  string        // the platform-wide indicators' names
	Max   int
}

func (s *Server) staffIndicatorCompare(w http.ResponseWriter, r *http.Request) {
	u, m, ok := s.indicatorMonth(w, r)
	if !ok {
		return
	}
	c, err := s.Indicators.Compare(r.Context(), *u, m)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "ind.compare.title")
	d := &CompareData{C: c, Max: indicator.MaxDistricts}
	wide := map[string]bool{}
	for _, code := range c.PlatformWide {
		wide[code] = true
	}
	var bars []Bar
	for i, in := range indicator.Catalogue {
		row := CompareRow{Code: in.Code, Label: in.Name, Unit: in.Unit, Wide: wide[in.Code]}
		if p.Lang == "en" {
			row.Label = in.NameEn
		}
		if row.Wide {
			if d.Wide != "" {
				d.Wide += "、"
			}
			d.Wide += in.Code + " " + row.Label
		}
		for _, dm := range c.Districts {
			row.Items = append(row.Items, dm.Items[i])
		}
		d.Rows = append(d.Rows, row)
	}
	for _, dm := range c.Districts {
		if dm.Composite != nil {
			bars = append(bars, Bar{Label: dm.AreaName, Value: *dm.Composite, Text: strconv.FormatFloat(*dm.Composite, 'f', 2, 64)})
		}
	}
	d.Chart = orNoData(p.Lang, BarChart("chart-ind-compare", tr(p.Lang, "ind.composite"), tr(p.Lang, "ind.compare.lead"), bars))
	p.Data = d
	s.render(w, r, http.StatusOK, "indicators_compare", p)
}
