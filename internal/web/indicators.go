package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/indicator"
)

// The indicator catalogue (治理效能指标): the public page of the catalogue
// with the district's weights beside the standard and the change record,
// and the staff's page of a month's values with the composite. Who may read
// or change what is the capability's.

func (s *Server) indicatorRoutes(h route) {
	h("GET /indicators", s.indicatorsPage)
	h("GET /staff/indicators", s.staffIndicators)
	h("POST /staff/indicators/{code}", s.staffIndicatorSet)
	h("GET /staff/indicators/year.xlsx", s.staffIndicatorYear)
	h("GET /staff/indicators/report", s.staffIndicatorReport)
	h("GET /staff/indicators/compare", s.staffIndicatorCompare)
}

var errNoIndicators = errs.New(errs.Unavailable, "指标服务未启用", "indicators are not available")

func canIndicators(u *auth.User) bool { return u != nil && indicator.CanRead(*u) }

// IndicatorsData is the public page.
type IndicatorsData struct {
	Items   []indicator.Setting
	Costs   indicator.Costs
	Changes []indicator.Change
	Names   map[string]string // code → the indicator's name, for the record
}

func (s *Server) indicatorsPage(w http.ResponseWriter, r *http.Request) {
	if s.Indicators == nil {
		s.fail(w, r, errNoIndicators)
		return
	}
	items, err := s.Indicators.Settings(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	costs, err := s.Indicators.Costs(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The public record, whoever looks at it: roles, never names.
	changes, err := s.Indicators.Changes(r.Context(), false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "ind.title")
	names := map[string]string{}
	for _, in := range indicator.Catalogue {
		names[in.Code] = in.Name
		if p.Lang == "en" {
			names[in.Code] = in.NameEn
		}
	}
	p.Data = &IndicatorsData{Items: items, Costs: costs, Changes: changes, Names: names}
	s.render(w, r, http.StatusOK, "indicators", p)
}

// indicatorMonth is the staff member reading the values and the month she
// asks for; false once the request is answered (no indicators here, not a
// reader, a bad month).
func (s *Server) indicatorMonth(w http.ResponseWriter, r *http.Request) (*auth.User, time.Time, bool) {
	u := s.staffWhere(w, r, s.Indicators != nil, errNoIndicators)
	if u == nil {
		return nil, time.Time{}, false
	}
	if !indicator.CanRead(*u) {
		s.fail(w, r, errs.ErrForbidden)
		return nil, time.Time{}, false
	}
	m, err := s.Indicators.ParseMonth(r.URL.Query().Get("month"))
	if err != nil {
		s.fail(w, r, err)
		return nil, time.Time{}, false
	}
	return u, m, true
}

// StaffIndicatorsData is the staff's page of a month.
type StaffIndicatorsData struct {
	Month     indicator.Month
	CanChange bool
}

func (s *Server) staffIndicators(w http.ResponseWriter, r *http.Request) {
	u, m, ok := s.indicatorMonth(w, r)
	if !ok {
		return
	}
	month, err := s.Indicators.Compute(r.Context(), *u, m)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "ind.staff.title")
	if r.URL.Query().Get("done") == "saved" {
		p.Flash = tr(p.Lang, "ind.flash.saved")
	}
	p.Data = &StaffIndicatorsData{Month: month, CanChange: indicator.CanChange(*u)}
	s.render(w, r, http.StatusOK, "indicators_staff", p)
}

func (s *Server) staffIndicatorSet(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	if s.Indicators == nil {
		s.fail(w, r, errNoIndicators)
		return
	}
	o := indicator.Override{Reason: r.PostForm.Get("reason")}
	if v := strings.TrimSpace(r.PostForm.Get("weight")); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			s.fail(w, r, errs.Invalidf("权重须为数字", "the weight must be a number"))
			return
		}
		o.Weight = &f
	}
	on := r.PostForm.Get("enabled") == "1"
	o.Enabled = &on
	if _, err := s.Indicators.SetOverride(r.Context(), *u, r.PathValue("code"), o); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/staff/indicators?month="+url.QueryEscape(r.PostForm.Get("month"))+"&done=saved")
}

// staffIndicatorYear sends the yearly self-assessment (年度自评) as a
// workbook: the months of the year up to this one, each indicator and the
// composite.
func (s *Server) staffIndicatorYear(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	if s.Indicators == nil {
		s.fail(w, r, errNoIndicators)
		return
	}
	year, err := strconv.Atoi(r.URL.Query().Get("year"))
	if err != nil {
		s.fail(w, r, errs.Invalidf("年份须为四位数字", "the year must be four digits"))
		return
	}
	months, err := s.Indicators.Year(r.Context(), *u, year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	settings, err := s.Indicators.Settings(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := indicator.WriteYear(&buf, year, months, settings); err != nil {
		s.fail(w, r, errs.Wrap(err, "indicator workbook"))
		return
	}
	w.Header().Set("Content-Type", indicator.XLSXType)
	w.Header().Set("Content-Disposition", `attachment; filename="indicators-`+strconv.Itoa(year)+`.xlsx"`)
	w.Write(buf.Bytes())
}
