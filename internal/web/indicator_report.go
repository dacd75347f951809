package web

import (
	"bytes"
	"context"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/indicator"
)

// The yearly self-assessment report (年度自评报告): a print page with a
// cover, the weights and the district's changes to the standard, and each
// dimension's indicators month by month as a chart drawn here with the
// table behind it. As with the ticket's print page, a PDF is the browser's
// "save as PDF" of it (or `gongzhi indicators report --pdf`, which has
// chromium do the same); the server carries no PDF writer and no fonts.
// Its numbers are the yearly workbook's (indicator.Year).

// ReportDim is one dimension of the report: its chart and table.
type ReportDim struct {
	Dim   indicator.Dimension
	Chart template.HTML
	Rows  []ReportRow
}

// ReportRow is one indicator over the months.
type ReportRow struct {
	indicator.Setting
	Label  string // the name in the page's language
	Values []*float64
	Scores []*float64
}

// YearReport is the report of a year.
type YearReport struct {
	Year      int
	District  string
	PrintedAt time.Time
	PrintedBy string
	Months    []indicator.Month
	Labels    []string // the months as the axis shows them
	Settings  []indicator.Setting
	Costs     indicator.Costs
	Changes   []indicator.Change
	Names     map[string]string
	Dims      []ReportDim
	Composite template.HTML // the chart of the composite
	Mean      *float64      // the mean composite of the complete months that have one
	Best      string        // the month of the highest composite
	Worst     string
	BackURL   string
	Style     template.CSS // print.css inlined, for a report saved as a file
}

var reportColors = []struct{ color, marker string }{{colBlue, "circle"}, {colVermilion, "square"}, {colGreen, "triangle"}}

// yearReport computes the report of the year for u.
func (s *Server) yearReport(ctx context.Context, lang string, u auth.User, year int) (*YearReport, error) {
	if s.Indicators == nil {
		return nil, errNoIndicators
	}
	months, err := s.Indicators.Year(ctx, u, year)
	if err != nil {
		return nil, err
	}
	d := &YearReport{Year: year, Months: months, PrintedAt: time.Now(), PrintedBy: u.Name, Names: map[string]string{},
		BackURL: "/staff/indicators?month=" + strconv.Itoa(year) + "-01"}
	if d.PrintedBy == "" {
		d.PrintedBy = u.Username
	}
	if d.Settings, err = s.Indicators.Settings(ctx); err != nil {
		return nil, err
	}
	if d.Costs, err = s.Indicators.Costs(ctx); err != nil {
		return nil, err
	}
	changes, err := s.Indicators.Changes(ctx, false)
	if err != nil {
		return nil, err
	}
	for _, c := range changes { // those that made the year's weights
		if c.At.Year() <= year {
			d.Changes = append(d.Changes, c)
		}
	}
	if d.District, err = s.installationName(ctx); err != nil {
		return nil, err
	}
	for _, in := range indicator.Catalogue {
		d.Names[in.Code] = in.Name
		if lang == "en" {
			d.Names[in.Code] = in.NameEn
		}
	}
	d.fill(lang)
	return d, nil
}

// fill lays out the dimensions, the charts and the headline figures.
func (d *YearReport) fill(lang string) {
	comp := Series{Name: tr(lang, "ind.composite"), Color: colBlue, Marker: "circle"}
	var sum float64
	var n int
	var best, worst float64
	for _, m := range d.Months {
		label := strconv.Itoa(int(m.From.Month())) + "月"
		if lang == "en" {
			label = m.From.Format("Jan")
		}
		d.Labels = append(d.Labels, label)
		comp.Values = append(comp.Values, m.Composite)
		if c := m.Composite; c != nil && !m.Partial { // the headline reads complete months
			if n == 0 || *c > best {
				best, d.Best = *c, m.Month
			}
			if n == 0 || *c < worst {
				worst, d.Worst = *c, m.Month
			}
			sum += *c
			n++
		}
	}
	if n > 0 {
		mean := round2(sum / float64(n))
		d.Mean = &mean
	}
	d.Composite = orNoData(lang, LineChart("rep-composite", tr(lang, "ind.composite"), tr(lang, "ind.report.chart.desc"), d.Labels, []Series{comp}))
	for _, dim := range []indicator.Dimension{indicator.Means, indicator.Tools, indicator.Content, indicator.Cost} {
		rd := ReportDim{Dim: dim}
		var series []Series
		for i, st := range d.Settings {
			if st.Dimension != dim {
				continue
			}
			row := ReportRow{Setting: st, Label: d.Names[st.Code]}
			for _, m := range d.Months {
				it := m.Items[i]
				row.Values = append(row.Values, it.Value)
				row.Scores = append(row.Scores, it.Score)
			}
			c := reportColors[len(series)%len(reportColors)]
			series = append(series, Series{Name: st.Code + " " + row.Label, Color: c.color, Marker: c.marker, Values: row.Scores})
			rd.Rows = append(rd.Rows, row)
		}
		title := tr(lang, "ind.dim."+string(dim)) + " · " + tr(lang, "ind.score")
		rd.Chart = orNoData(lang, LineChart("rep-"+string(dim), title, tr(lang, "ind.report.chart.desc"), d.Labels, series))
		d.Dims = append(d.Dims, rd)
	}
}

func round2(f float64) float64 { return float64(int64(f*100+0.5)) / 100 }

// staffIndicatorReport is the print page of the year's report.
func (s *Server) staffIndicatorReport(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	year, err := strconv.Atoi(r.URL.Query().Get("year"))
	if err != nil {
		s.fail(w, r, errs.Invalidf("年份须为四位数字", "the year must be four digits"))
		return
	}
	p := s.page(w, r, "ind.report.title")
	d, err := s.yearReport(r.Context(), p.Lang, *u, year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Data = d
	var buf bytes.Buffer
	if err := s.pages[p.Lang]["indicators_report"].ExecuteTemplate(&buf, "report", p); err != nil {
		s.fail(w, r, errs.Wrap(err, "render the report"))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// IndicatorReport renders the year's report for u as a document of its own
// (the print style sheet inlined, no link back), for the command line.
func (s *Server) IndicatorReport(ctx context.Context, u auth.User, year int, lang string) ([]byte, error) {
	if lang != "en" {
		lang = "zh"
	}
	d, err := s.yearReport(ctx, lang, u, year)
	if err != nil {
		return nil, err
	}
	css, err := files.ReadFile("static/print.css")
	if err != nil {
		return nil, errs.Wrap(err, "print style")
	}
	d.Style, d.BackURL = template.CSS(css), ""
	p := &Page{Lang: lang, Title: tr(lang, "ind.report.title"), Data: d}
	var buf bytes.Buffer
	if err := s.pages[lang]["indicators_report"].ExecuteTemplate(&buf, "report", p); err != nil {
		return nil, errs.Wrap(err, "render the report")
	}
	return buf.Bytes(), nil
}

// installationName names what the report covers: the district, or at an
// installation of several districts the area above them.
func (s *Server) installationName(ctx context.Context) (string, error) {
	ds, err := s.Indicators.Districts(ctx)
	if err != nil || len(ds) == 0 {
		return "", err
	}
	if len(ds) == 1 {
		return ds[0].Name, nil
	}
	a, err := s.Gov.Area(ctx, ds[0].Code)
	if err != nil {
		return "", err
	}
	if a.ParentCode == "" {
		return "", nil
	}
	p, err := s.Gov.Area(ctx, a.ParentCode)
	if errs.Is(err, errs.NotFound) {
		return "", nil
	}
	return p.Name, err
}
