package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// PublicData is the public page.
type PublicData struct {
	Settings    evaluation.PublicSettings
	District    gov.Area
	Month       string
	Months      []string
	KPIs        []KPI
	VolumeChart template.HTML
	RatesChart  template.HTML
	Volume      Table
	Rates       Table
	Ranking     Table
	Current     string // the month under way
	Partial     bool   // the month shown is the month under way
	MinRated    int
	Small       int // street offices below the minimum sample
}

// publicPage is /public: no login, only what the district chose to disclose.
func (s *Server) publicPage(w http.ResponseWriter, r *http.Request) {
	if s.Evaluation == nil {
		s.fail(w, r, errNoEvaluation)
		return
	}
	ctx := r.Context()
	ps, err := s.Evaluation.PublicSettings(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ms, err := s.evalMonths(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, st := ms.P, ms.St
	d, err := s.district(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg := s.page(w, r, "pub.title")
	lang := pg.Lang
	pd := &PublicData{Settings: ps, District: d, Month: p.Month, Months: ms.Months, Current: ms.Current, Partial: ms.Partial, MinRated: ms.MinRated}
	var tables []Table
	if ps.Totals || ps.Rates {
		if tables, err = s.publicTrend(ctx, lang, pd, p, st); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if ps.Ranking {
		rk, err := s.Evaluation.Rank(ctx, p.Month, evaluation.GroupOrg, d.Code)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		pd.Ranking = Table{ID: "ranking", Caption: tr(lang, "dash.streets.caption", p.Month), Empty: tr(lang, "dash.none"),
			Head: []string{tr(lang, "dash.rank"), tr(lang, "dash.unit"), tr(lang, "dash.score"), tr(lang, "dash.class")}}
		for _, row := range rk.Rows {
			if row.Group == string(gov.KindStreetOffice) && row.SampleTooSmall {
				pd.Small++
			}
			if row.Group != string(gov.KindStreetOffice) || row.Rank == nil {
				continue
			}
			pd.Ranking.Rows = append(pd.Ranking.Rows, []Cell{numCell(float64(*row.Rank), fmt.Sprint(*row.Rank), ""), textCell(row.Name),
				numCell(*row.Score, scoreText(row.Score), ""), {Badges: classBadges(lang, row)}})
		}
		tables = append(tables, pd.Ranking)
	}
	if s.exportTables(w, r, "public-"+p.Month, tables) {
		return
	}
	pg.Data = pd
	s.render(w, r, http.StatusOK, "public", pg)
}

// publicTrend fills in the public page's twelve months of totals and rates,
// as far as the settings show them, and returns their tables.
func (s *Server) publicTrend(ctx context.Context, lang string, pd *PublicData, p evaluation.Period, st evaluation.Settings) ([]Table, error) {
	d, ps := pd.District, pd.Settings
	var tables []Table
	points, err := s.trend(ctx, p, st, 12, func(ctx context.Context, q evaluation.Period) (evaluation.Row, error) {
		return s.districtRow(ctx, d, q, st)
	})
	if err != nil {
		return nil, err
	}
	var bars []Bar
	var labels []string
	resp, reso, sat := Series{Name: tr(lang, "dash.response"), Color: colBlue, Marker: "circle"},
		Series{Name: tr(lang, "dash.resolution"), Color: colOrange, Marker: "square"},
		Series{Name: tr(lang, "dash.satisfaction"), Color: colGreen, Marker: "triangle"}
	pd.Volume = Table{ID: "volume", Caption: tr(lang, "dash.volume.caption", d.Name), Head: []string{tr(lang, "dash.month"), tr(lang, "dash.tickets")}}
	pd.Rates = Table{ID: "rates", Caption: tr(lang, "dash.rates.caption", d.Name),
		Head: []string{tr(lang, "dash.month"), tr(lang, "dash.response"), tr(lang, "dash.resolution"), tr(lang, "dash.satisfaction")}}
	for i, pt := range points {
		row := pt.Row
		bars = append(bars, Bar{Label: monthLabel(lang, pt.Month, i == 0), Value: float64(row.Tickets), Text: fmt.Sprint(row.Tickets)})
		labels = append(labels, monthLabel(lang, pt.Month, i == 0))
		resp.Values = append(resp.Values, pct100(row.ResponseRate))
		reso.Values = append(reso.Values, pct100(row.ResolutionRate))
		sat.Values = append(sat.Values, pct100(row.SatisfactionRate))
		pd.Volume.Rows = append(pd.Volume.Rows, []Cell{textCell(pt.Month), numCell(float64(row.Tickets), fmt.Sprint(row.Tickets), "")})
		pd.Rates.Rows = append(pd.Rates.Rows, []Cell{textCell(pt.Month), pctCell(row.ResponseRate, ""), pctCell(row.ResolutionRate, ""), pctCell(row.SatisfactionRate, "")})
	}
	cur := points[len(points)-1].Row
	if ps.Totals {
		pd.VolumeChart = orNoData(lang, ColumnChart("chart-volume", pd.Volume.Caption, tr(lang, "dash.volume.desc"), bars))
		pd.KPIs = append(pd.KPIs, KPI{Label: tr(lang, "dash.tickets"), Value: fmt.Sprint(cur.Tickets), Detail: tr(lang, "dash.kpi.tickets")})
		tables = append(tables, pd.Volume)
	}
	if ps.Rates {
		pd.RatesChart = orNoData(lang, LineChart("chart-rates", pd.Rates.Caption, tr(lang, "dash.rates.desc"), labels, []Series{resp, reso, sat}))
		pd.KPIs = append(pd.KPIs,
			KPI{Label: tr(lang, "dash.response"), Value: pct(cur.ResponseRate), Detail: fmt.Sprintf("%d / %d", cur.Counts.ContactedOnTime, cur.Counts.ContactDue)},
			KPI{Label: tr(lang, "dash.resolution"), Value: pct(cur.ResolutionRate), Detail: fmt.Sprintf("%d / %d", cur.Counts.Resolved, cur.Counts.Rated)},
			KPI{Label: tr(lang, "dash.satisfaction"), Value: pct(cur.SatisfactionRate), Detail: satDetail(lang, cur.Counts, st.K)})
		tables = append(tables, pd.Rates)
	}
	return tables, nil
}

var errPublicSettings = errs.New(errs.Forbidden, "只有系统管理员可以设置公开内容", "only administrators choose what the public page shows")

func (s *Server) publicSettingsForm(w http.ResponseWriter, r *http.Request) {
	u := s.onlyAdmin(w, r, errPublicSettings)
	if u == nil {
		return
	}
	ps, err := s.Evaluation.PublicSettings(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg := s.page(w, r, "pubset.title")
	if r.URL.Query().Get("done") == "saved" {
		pg.Flash = tr(pg.Lang, "flash.pubset.saved")
	}
	pg.Data = ps
	s.render(w, r, http.StatusOK, "staff_public_settings", pg)
}

func (s *Server) savePublicSettingsForm(w http.ResponseWriter, r *http.Request) {
	u := s.onlyAdmin(w, r, errPublicSettings)
	if u == nil {
		return
	}
	f := r.PostForm
	ps := evaluation.PublicSettings{Totals: f.Get("totals") == "1", Rates: f.Get("rates") == "1", Ranking: f.Get("ranking") == "1"}
	if err := s.Evaluation.SavePublicSettings(r.Context(), ps); err != nil {
		s.fail(w, r, err)
		return
	}
	s.Auth.Audit(r.Context(), *u, auth.AuditPublicPageSettings, "settings:public_page", fmt.Sprintf("totals=%t rates=%t ranking=%t", ps.Totals, ps.Rates, ps.Ranking))
	redirect(w, r, "/staff/public-settings?done=saved")
}
