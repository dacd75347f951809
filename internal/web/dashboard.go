package web

import (
	"context"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/mediation"
)

// Who sees which figures is evaluation's rule (evaluation.Visible,
// CanSeeAll, CanSeeUnit, CanOpenFigure); the pages ask it.

// seesAll reports whether u sees every unit's figures (the leaders'
// dashboard).
func seesAll(u *auth.User) bool { return u != nil && evaluation.CanSeeAll(*u) == nil }

// canUnitDash: handlers see their unit's dashboard; leaders pick any unit.
func canUnitDash(u *auth.User) bool { return u != nil && evaluation.CanSeeUnit(*u, "") == nil }

// canRectList and canSupervise ask evaluation who has rectification tasks
// to see and who sets them.
func canRectList(u *auth.User) bool { return u != nil && evaluation.CanListRects(*u) }

func canSupervise(u *auth.User) bool { return u != nil && evaluation.CanSetRects(*u) }

var errNoEvaluation = errs.New(errs.NotFound, "评价服务未启用", "the evaluation service is not available")

// evalStaff returns the staff user when the evaluation service is there
// and allow(u) holds, or answers the request itself.
func (s *Server) evalStaff(w http.ResponseWriter, r *http.Request, allow func(*auth.User) bool, zh, en string) *auth.User {
	u := s.staff(w, r)
	if u == nil {
		return nil
	}
	if !allow(u) {
		s.fail(w, r, errs.New(errs.Forbidden, zh, en))
		return nil
	}
	if s.Evaluation == nil {
		s.fail(w, r, errNoEvaluation)
		return nil
	}
	return u
}

// evalActor is evalStaff with evaluation's rule: check(u) refuses or not.
func (s *Server) evalActor(w http.ResponseWriter, r *http.Request, check func(auth.User) error) *auth.User {
	u := s.staff(w, r)
	if u == nil {
		return nil
	}
	if err := check(*u); err != nil {
		s.fail(w, r, err)
		return nil
	}
	if s.Evaluation == nil {
		s.fail(w, r, errNoEvaluation)
		return nil
	}
	return u
}

// pct is a rate as a percentage with one decimal, — for none.
func pct(v *float64) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", math.Round(*v*1000)/10)
}

func pctCell(v *float64, link string) Cell {
	if v == nil {
		return Cell{Text: "—", Num: true}
	}
	x := math.Round(*v*1000) / 10
	return numCell(x, pct(v), link)
}

func scoreText(v *float64) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf("%.2f", *v)
}

func pct100(v *float64) *float64 {
	if v == nil {
		return nil
	}
	x := *v * 100
	return &x
}

// monthsBack lists n month names ending with month, oldest first.
func monthsBack(month string, n int) []string {
	m, err := time.Parse("2006-01", month)
	if err != nil {
		return nil
	}
	out := make([]string, n)
	for i := 0; i < n; i++ {
		out[n-1-i] = m.AddDate(0, -i, 0).Format("2006-01")
	}
	return out
}

// monthLabel is "3月" / "Mar", with the year where it changes or starts.
func monthLabel(lang, month string, first bool) string {
	m, err := time.Parse("2006-01", month)
	if err != nil {
		return month
	}
	label := fmt.Sprintf("%d月", int(m.Month()))
	if lang == "en" {
		label = m.Format("Jan")
	}
	if first || m.Month() == time.January {
		label += "\n" + fmt.Sprint(m.Year())
	}
	return label
}

// figureURL is the page of the tickets behind a figure.
func figureURL(month, figure, orgCode, areaCode string) string {
	q := url.Values{"month": {month}, "figure": {figure}}
	if orgCode != "" {
		q.Set("org_code", orgCode)
	} else {
		q.Set("area_code", areaCode)
	}
	return "/staff/dashboard/figure?" + q.Encode()
}

// districtRow is the district's row of a period (the public page's).
func (s *Server) districtRow(ctx context.Context, d gov.Area, p evaluation.Period, _ evaluation.Settings) (evaluation.Row, error) {
	return s.Evaluation.AreaRow(ctx, d, p)
}

// trendPoint is one month of a trend.
type trendPoint struct {
	Month string
	Row   evaluation.Row
}

// trend evaluates the n months up to p.Month with pick choosing the row.
func (s *Server) trend(ctx context.Context, p evaluation.Period, st evaluation.Settings, n int,
	row func(ctx context.Context, q evaluation.Period) (evaluation.Row, error)) ([]trendPoint, error) {
	var out []trendPoint
	for _, m := range monthsBack(p.Month, n) {
		mp, err := s.Evaluation.MonthPeriod(m, st.MonthStartDay)
		if err != nil {
			return nil, err
		}
		r, err := row(ctx, mp)
		if err != nil {
			return nil, err
		}
		out = append(out, trendPoint{Month: m, Row: r})
	}
	return out, nil
}

// Tile figures of the leaders' dashboard.
type KPI struct {
	Label, Value, Detail, URL string
}

// DashData is the leaders' dashboard.
type DashData struct {
	// Mediation is the district's people's mediation in the month, for
	// those who read its figures.
	Mediation    *mediation.Figures
	MedRates     MediationRates
	Month        string
	Months       []string
	Period       evaluation.Period
	District     gov.Area
	KPIs         []KPI
	VolumeChart  template.HTML
	RatesChart   template.HTML
	MapChart     template.HTML
	CatChart     template.HTML
	ScoreChart   template.HTML
	Volume       Table
	Rates        Table
	Streets      Table
	Depts        Table
	Map          Table
	Cats         Table
	Red, Black   Table
	MapByPer10k  bool
	NoCategories bool
	CanRectify   bool
	Rectify      int // units in 整改 this month
	// The month under way, whether it is the one shown (partial), and the
	// minimum sample with the units below it.
	Current  string
	Partial  bool
	MinRated int
	Small    int
}

// FromDay and ToDay are the first and last days of the period.
func (d *DashData) FromDay() string { return d.Period.From.Format("2006-01-02") }
func (d *DashData) ToDay() string   { return d.Period.To.Add(-time.Millisecond).Format("2006-01-02") }

func classBadges(lang string, r evaluation.Row) []Badge {
	var out []Badge
	for _, c := range r.Classes {
		out = append(out, Badge{Class: "cls-" + c, Text: tr(lang, "class."+c)})
	}
	return out
}

// rankingTable is the ranking of one group of units (street offices or
// departments), every figure linked to its tickets.
func rankingTable(lang, id, caption, month string, rows []evaluation.Row, red, black map[string]bool, rectify bool) Table {
	t := Table{ID: id, Caption: caption, Empty: tr(lang, "dash.none"),
		Head: []string{tr(lang, "dash.rank"), tr(lang, "dash.unit"), tr(lang, "dash.score"), tr(lang, "dash.tickets"),
			tr(lang, "dash.response"), tr(lang, "dash.resolution"), tr(lang, "dash.satisfaction"), tr(lang, "dash.class")}}
	if rectify {
		t.Head = append(t.Head, tr(lang, "dash.action"))
	}
	for _, r := range rows {
		rank := Cell{Text: "—", Num: true}
		if r.Rank != nil {
			rank = numCell(float64(*r.Rank), fmt.Sprint(*r.Rank), "")
		} else if r.SampleTooSmall {
			rank = Cell{Badges: []Badge{{Class: "small-sample", Text: tr(lang, "dash.small")}}}
		}
		score := Cell{Text: "—", Num: true}
		if r.Score != nil {
			score = numCell(*r.Score, scoreText(r.Score), "")
		}
		cls := Cell{Badges: classBadges(lang, r)}
		if red[r.Key()] {
			cls.Badges = append(cls.Badges, Badge{Class: "list-red", Text: tr(lang, "dash.red")})
		}
		if black[r.Key()] {
			cls.Badges = append(cls.Badges, Badge{Class: "list-black", Text: tr(lang, "dash.black")})
		}
		line := []Cell{rank, textCell(r.Name), score,
			numCell(float64(r.Tickets), fmt.Sprint(r.Tickets), figureURL(month, "tickets", r.OrgCode, r.AreaCode)),
			pctCell(r.ResponseRate, figureURL(month, "contact_due", r.OrgCode, r.AreaCode)),
			pctCell(r.ResolutionRate, figureURL(month, "rated", r.OrgCode, r.AreaCode)),
			pctCell(r.SatisfactionRate, figureURL(month, "rated", r.OrgCode, r.AreaCode)),
			cls}
		if rectify {
			c := Cell{}
			for _, x := range r.Classes {
				if x == evaluation.ClassRectify {
					c = Cell{Text: tr(lang, "dash.setrect"), URL: "/staff/rectifications/new?" + url.Values{"org_code": {r.OrgCode}, "month": {month}}.Encode()}
				}
			}
			line = append(line, c)
		}
		t.Rows = append(t.Rows, line)
	}
	return t
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	u := s.evalActor(w, r, evaluation.CanSeeAll)
	if u == nil {
		return
	}
	ctx := r.Context()
	ms, err := s.evalMonths(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := ms.P
	d, err := s.district(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.Evaluation.Dashboard(ctx, *u, d, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg := s.page(w, r, "dash.title")
	_, names, err := s.categoryGroups(ctx, pg.Lang)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	dd := &DashData{Month: p.Month, Months: ms.Months, Period: p, District: d, CanRectify: canSupervise(u), Rectify: v.Rectify,
		Current: ms.Current, Partial: ms.Partial, MinRated: ms.MinRated}
	dashTrend(pg.Lang, v, dd)
	dashKPIs(pg.Lang, v, dd)
	dashRanking(pg.Lang, v, dd)
	dashMap(pg.Lang, v, dd)
	dashCategories(pg.Lang, v, names, dd)
	if s.Mediation != nil && mediation.CanReadFigures(*u, d.Code) {
		fig, err := s.Mediation.Figures(ctx, *u, d.Code, p.From.UnixMilli(), p.To.UnixMilli())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		dd.Mediation, dd.MedRates = &fig, mediationRates(fig)
	}
	tables := []Table{dd.Volume, dd.Rates, dd.Streets, dd.Depts, dd.Red, dd.Black, dd.Map, dd.Cats}
	if s.exportTables(w, r, "dashboard-"+p.Month, tables) {
		return
	}
	pg.Data = dd
	s.render(w, r, http.StatusOK, "staff_dashboard", pg)
}

// dashTrend: the district's volume and rates over the months.
func dashTrend(lang string, v evaluation.DashboardView, dd *DashData) {
	d := v.District
	var bars []Bar
	var labels []string
	resp, reso, sat := Series{Name: tr(lang, "dash.response"), Color: colBlue, Marker: "circle"},
		Series{Name: tr(lang, "dash.resolution"), Color: colOrange, Marker: "square"},
		Series{Name: tr(lang, "dash.satisfaction"), Color: colGreen, Marker: "triangle"}
	dd.Volume = Table{ID: "volume", Caption: tr(lang, "dash.volume.caption", d.Name),
		Head: []string{tr(lang, "dash.month"), tr(lang, "dash.tickets"), tr(lang, "dash.rated")}}
	dd.Rates = Table{ID: "rates", Caption: tr(lang, "dash.rates.caption", d.Name),
		Head: []string{tr(lang, "dash.month"), tr(lang, "dash.response"), tr(lang, "dash.resolution"), tr(lang, "dash.satisfaction"), tr(lang, "dash.score")}}
	for i, pt := range v.Trend {
		row := pt.Row
		link := figureURL(pt.Month, "tickets", "", d.Code)
		bars = append(bars, Bar{Label: monthLabel(lang, pt.Month, i == 0), Value: float64(row.Tickets), Text: fmt.Sprint(row.Tickets), URL: link})
		labels = append(labels, monthLabel(lang, pt.Month, i == 0))
		resp.Values = append(resp.Values, pct100(row.ResponseRate))
		reso.Values = append(reso.Values, pct100(row.ResolutionRate))
		sat.Values = append(sat.Values, pct100(row.SatisfactionRate))
		dd.Volume.Rows = append(dd.Volume.Rows, []Cell{textCell(pt.Month),
			numCell(float64(row.Tickets), fmt.Sprint(row.Tickets), link),
			numCell(float64(row.Rated), fmt.Sprint(row.Rated), figureURL(pt.Month, "rated", "", d.Code))})
		score := Cell{Text: "—", Num: true}
		if row.Score != nil {
			score = numCell(*row.Score, scoreText(row.Score), "")
		}
		dd.Rates.Rows = append(dd.Rates.Rows, []Cell{textCell(pt.Month),
			pctCell(row.ResponseRate, figureURL(pt.Month, "contact_due", "", d.Code)),
			pctCell(row.ResolutionRate, figureURL(pt.Month, "rated", "", d.Code)),
			pctCell(row.SatisfactionRate, figureURL(pt.Month, "rated", "", d.Code)), score})
	}
	dd.VolumeChart = orNoData(lang, ColumnChart("chart-volume", dd.Volume.Caption, tr(lang, "dash.volume.desc"), bars))
	dd.RatesChart = orNoData(lang, LineChart("chart-rates", dd.Rates.Caption, tr(lang, "dash.rates.desc"), labels, []Series{resp, reso, sat}))
}

// dashKPIs: the month's headline figures.
func dashKPIs(lang string, v evaluation.DashboardView, dd *DashData) {
	cur, m, code := v.Current, v.Period.Month, v.District.Code
	dd.KPIs = []KPI{
		{tr(lang, "dash.tickets"), fmt.Sprint(cur.Tickets), tr(lang, "dash.kpi.tickets"), figureURL(m, "tickets", "", code)},
		{tr(lang, "dash.response"), pct(cur.ResponseRate), fmt.Sprintf("%d / %d", cur.Counts.ContactedOnTime, cur.Counts.ContactDue), figureURL(m, "contact_due", "", code)},
		{tr(lang, "dash.resolution"), pct(cur.ResolutionRate), fmt.Sprintf("%d / %d", cur.Counts.Resolved, cur.Counts.Rated), figureURL(m, "rated", "", code)},
		{tr(lang, "dash.satisfaction"), pct(cur.SatisfactionRate), satDetail(lang, cur.Counts, v.Settings.K), figureURL(m, "rated", "", code)},
		{tr(lang, "dash.score"), scoreText(cur.Score), tr(lang, "dash.kpi.score"), ""},
		{tr(lang, "dash.overdue"), fmt.Sprint(cur.Overdue), tr(lang, "dash.kpi.overdue"), figureURL(m, "overdue", "", code)},
	}
}

// dashRanking: the rankings of the units, with the red and black lists.
func dashRanking(lang string, v evaluation.DashboardView, dd *DashData) {
	rk, m := v.Ranking, v.Period.Month
	red, black := map[string]bool{}, map[string]bool{}
	dd.Red = Table{ID: "red", Caption: tr(lang, "dash.red.caption"), Empty: tr(lang, "dash.none"), Head: []string{tr(lang, "dash.unit"), tr(lang, "dash.score")}}
	dd.Black = Table{ID: "black", Caption: tr(lang, "dash.black.caption"), Empty: tr(lang, "dash.none"), Head: []string{tr(lang, "dash.unit"), tr(lang, "dash.score")}}
	for _, e := range rk.Red {
		red[e.Code] = true
		dd.Red.Rows = append(dd.Red.Rows, []Cell{textCell(e.Name), numCell(e.Score, fmt.Sprintf("%.2f", e.Score), "")})
	}
	for _, e := range rk.Black {
		black[e.Code] = true
		dd.Black.Rows = append(dd.Black.Rows, []Cell{textCell(e.Name), numCell(e.Score, fmt.Sprintf("%.2f", e.Score), "")})
	}
	var streets, depts []evaluation.Row
	for _, row := range rk.Rows {
		if row.SampleTooSmall && (row.Group == string(gov.KindStreetOffice) || row.Group == string(gov.KindDepartment)) {
			dd.Small++
		}
		switch row.Group {
		case string(gov.KindStreetOffice):
			streets = append(streets, row)
		case string(gov.KindDepartment):
			depts = append(depts, row)
		}
	}
	dd.Streets = rankingTable(lang, "streets", tr(lang, "dash.streets.caption", m), m, streets, red, black, dd.CanRectify)
	dd.Depts = rankingTable(lang, "departments", tr(lang, "dash.depts.caption", m), m, depts, red, black, dd.CanRectify)
	var scoreBars []Bar
	for _, row := range streets {
		if row.Score != nil && row.Rank != nil { // the ranked: a small sample's score is no standing
			scoreBars = append(scoreBars, Bar{Label: row.Name, Value: *row.Score, Text: scoreText(row.Score), URL: figureURL(m, "rated", row.OrgCode, "")})
		}
	}
	dd.ScoreChart = orNoData(lang, BarChart("chart-scores", dd.Streets.Caption, tr(lang, "dash.scores.desc"), scoreBars))
}

// dashMap: where requests come from, the streets of the district.
func dashMap(lang string, v evaluation.DashboardView, dd *DashData) {
	m := v.Period.Month
	for _, row := range v.Streets {
		if row.Per10k != nil {
			dd.MapByPer10k = true
		}
	}
	dd.Map = Table{ID: "map", Caption: tr(lang, "dash.map.caption", v.District.Name, m),
		Head: []string{tr(lang, "dash.street"), tr(lang, "dash.tickets"), tr(lang, "dash.per10k")}}
	if !dd.MapByPer10k {
		dd.Map.Head = dd.Map.Head[:2]
	}
	var tiles []Tile
	for _, row := range v.Streets {
		link := figureURL(m, "tickets", "", row.AreaCode)
		per := Cell{Text: "—", Num: true}
		val, text := float64(row.Tickets), fmt.Sprint(row.Tickets)
		if row.Per10k != nil {
			x := math.Round(*row.Per10k*100) / 100
			per = numCell(x, fmt.Sprintf("%.2f", x), "")
			if dd.MapByPer10k {
				val, text = x, fmt.Sprintf("%.1f", x)
			}
		} else if dd.MapByPer10k {
			val, text = 0, "—"
		}
		tiles = append(tiles, Tile{Name: row.Name, Value: val, Text: text, URL: link})
		line := []Cell{textCell(row.Name), numCell(float64(row.Tickets), fmt.Sprint(row.Tickets), link)}
		if dd.MapByPer10k {
			line = append(line, per)
		}
		dd.Map.Rows = append(dd.Map.Rows, line)
	}
	legend := tr(lang, "dash.map.legend.count")
	if dd.MapByPer10k {
		legend = tr(lang, "dash.map.legend.per10k")
	}
	dd.MapChart = orNoData(lang, TileMap("chart-map", dd.Map.Caption, legend, legend, tiles))
}

// dashCategories: the month's top categories.
func dashCategories(lang string, v evaluation.DashboardView, names map[string]string, dd *DashData) {
	m := v.Period.Month
	dd.Cats = Table{ID: "categories", Caption: tr(lang, "dash.cats.caption", m), Empty: tr(lang, "dash.none"),
		Head: []string{tr(lang, "dash.category"), tr(lang, "dash.tickets"), tr(lang, "dash.share")}}
	var catBars []Bar
	for _, c := range v.Categories {
		name := names[c.Code]
		if name == "" {
			name = c.Code
		}
		link := "/staff/dashboard/figure?" + url.Values{"month": {m}, "figure": {"category"}, "category": {c.Code}}.Encode()
		share := 0.0
		if v.Current.Tickets > 0 {
			share = math.Round(float64(c.N)*1000/float64(v.Current.Tickets)) / 10
		}
		catBars = append(catBars, Bar{Label: name, Value: float64(c.N), Text: fmt.Sprint(c.N), URL: link})
		dd.Cats.Rows = append(dd.Cats.Rows, []Cell{textCell(name), numCell(float64(c.N), fmt.Sprint(c.N), link), numCell(share, fmt.Sprintf("%.1f%%", share), "")})
	}
	dd.CatChart = orNoData(lang, BarChart("chart-cats", dd.Cats.Caption, tr(lang, "dash.cats.desc"), catBars))
}

func satDetail(lang string, c evaluation.Counts, k float64) string {
	return tr(lang, "dash.satdetail", c.Satisfied, fnum(k), c.Basic, c.Rated)
}
