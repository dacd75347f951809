package web

import (
	"html/template"
	"net/http"

	"github.com/gongzhi/gongzhi/internal/evaluation"
)

// monthSel is the month a dashboard shows and what its picker offers.
type monthSel struct {
	P        evaluation.Period
	St       evaluation.Settings
	Months   []string // newest first, the month under way at the top
	Current  string   // the month under way (partial)
	Partial  bool     // P is the month under way
	MinRated int      // the minimum sample: fewer rated tickets, no rank
}

// evalMonths reads ?month= (YYYY-MM); without it the dashboards open on the
// last complete month (evaluation.LastComplete). The month under way stays
// in the picker, marked partial.
func (s *Server) evalMonths(r *http.Request) (monthSel, error) {
	ctx := r.Context()
	var ms monthSel
	var err error
	if ms.St, err = s.Evaluation.Settings(ctx); err != nil {
		return ms, err
	}
	cur, last, err := s.Evaluation.Months(ctx)
	if err != nil {
		return ms, err
	}
	ms.P, ms.Current, ms.MinRated = last, cur.Month, ms.St.Classes.MinSample()
	if m := r.URL.Query().Get("month"); m != "" {
		if ms.P, err = s.Evaluation.MonthPeriod(m, ms.St.MonthStartDay); err != nil {
			return ms, err
		}
	}
	ms.Partial = ms.P.Month == cur.Month
	ms.Months = monthsBack(cur.Month, 24)
	for i, j := 0, len(ms.Months)-1; i < j; i, j = i+1, j-1 {
		ms.Months[i], ms.Months[j] = ms.Months[j], ms.Months[i]
	}
	return ms, nil
}

// evalMonth is evalMonths for the pages that need only the period, the
// settings and the picker's months.
func (s *Server) evalMonth(r *http.Request) (evaluation.Period, evaluation.Settings, []string, error) {
	ms, err := s.evalMonths(r)
	return ms.P, ms.St, ms.Months, err
}

// orNoData is a chart, or "暂无数据" where it has nothing to draw.
func orNoData(lang string, chart template.HTML) template.HTML {
	if chart != "" {
		return chart
	}
	return template.HTML(`<p class="nodata">` + esc(tr(lang, "chart.nodata")) + `</p>`)
}
