package evaluation

import (
	"context"
	"sort"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// TrendMonths is the number of months a dashboard's trend shows.
const TrendMonths = 12

// MonthRow is one month of a trend.
type MonthRow struct {
	Month string
	Row   Row
}

// DashboardView is the leaders' dashboard of a month: the district's figures
// over the months up to it, the ranking of its units with the red and black
// lists, its streets and its top categories. The figures are Evaluate's and
// Rank's, computed the same way (returns, extensions and redos included).
type DashboardView struct {
	Period     Period
	Settings   Settings
	District   gov.Area
	Trend      []MonthRow // TrendMonths months, oldest first; the last is Period
	Current    Row        // the district's row of Period
	Ranking    Ranking    // the units of the district
	Streets    []Row      // the district's child areas, by code
	Categories []CategoryCount
	Rectify    int // units in 整改 this month
}

// Dashboard computes the leaders' dashboard of period p (a month) for the
// district d, for those who see every figure. The aggregates are brought up
// to date (or not) once for all the figures it reads.
func (s *Service) Dashboard(ctx context.Context, actor auth.User, d gov.Area, p Period) (DashboardView, error) {
	if err := CanSeeAll(actor); err != nil {
		return DashboardView{}, err
	}
	st, err := s.Settings(ctx)
	if err != nil {
		return DashboardView{}, err
	}
	use, err := s.freshAggregates(ctx)
	if err != nil {
		return DashboardView{}, err
	}
	v := DashboardView{Period: p, Settings: st, District: d}
	if v.Trend, err = s.areaTrend(ctx, d, lastMonths(p), st, use); err != nil {
		return v, err
	}
	v.Current = v.Trend[TrendMonths-1].Row
	if v.Ranking, err = s.rank(ctx, p, GroupOrg, d.Code, st, use); err != nil {
		return v, err
	}
	for _, r := range v.Ranking.Rows {
		if has(r.Classes, ClassRectify) {
			v.Rectify++
		}
	}
	areas, err := s.evaluate(ctx, Query{Period: p, Group: GroupArea, AreaCode: d.Code, NoClass: true}, st, use)
	if err != nil {
		return v, err
	}
	v.Streets = areas.Rows
	sort.SliceStable(v.Streets, func(i, j int) bool { return v.Streets[i].AreaCode < v.Streets[j].AreaCode })
	v.Categories, err = s.TopCategories(ctx, p, 10)
	return v, err
}

// lastMonths are the TrendMonths month periods up to p, oldest first.
func lastMonths(p Period) []Period {
	months := make([]Period, TrendMonths)
	months[TrendMonths-1] = p
	for i := TrendMonths - 2; i >= 0; i-- {
		months[i] = months[i+1].Prev()
	}
	return months
}

// areaRow is the row of area a in a period: its row among the areas of its
// parent, or the sum of its child areas when it has no parent.
func (s *Service) areaRow(ctx context.Context, a gov.Area, p Period, st Settings, use bool) (Row, error) {
	if a.ParentCode != "" {
		res, err := s.evaluate(ctx, Query{Period: p, Group: GroupArea, AreaCode: a.ParentCode, NoClass: true}, st, use)
		if err != nil {
			return Row{}, err
		}
		for _, r := range res.Rows {
			if r.AreaCode == a.Code {
				return r, nil
			}
		}
		return Row{AreaCode: a.Code, Name: a.Name, Group: string(a.Level)}, nil
	}
	res, err := s.evaluate(ctx, Query{Period: p, Group: GroupArea, AreaCode: a.Code, NoClass: true}, st, use)
	if err != nil {
		return Row{}, err
	}
	out := Row{AreaCode: a.Code, Name: a.Name, Group: string(a.Level)}
	for _, r := range res.Rows {
		out.Counts.add(r.Counts)
	}
	out.rates(st)
	return out, nil
}

// AreaRow is the row of area a in period p (the district's row of the
// dashboard), for the public page.
func (s *Service) AreaRow(ctx context.Context, a gov.Area, p Period) (Row, error) {
	st, err := s.Settings(ctx)
	if err != nil {
		return Row{}, err
	}
	use, err := s.freshAggregates(ctx)
	if err != nil {
		return Row{}, err
	}
	return s.areaRow(ctx, a, p, st, use)
}

// UnitView is a unit's dashboard of a month: its row in the ranking of the
// district's units, its place among the ranked units of its group, its red
// and black lists, and its row over the months up to this one.
type UnitView struct {
	Period   Period
	Settings Settings
	Org      gov.Org
	CanPick  bool    // the actor may open any unit's (Ranking lists them)
	Ranking  Ranking // the district's units
	Row      Row
	InGroup  int // ranked units of its group
	Red      bool
	Black    bool
	Trend    []MonthRow // TrendMonths months, oldest first
}

// UnitDashboard computes a unit's dashboard of period p (a month) in
// district d. Those who see all open the unit asked for (the first street
// office or department ranked when none is); a handler always its own.
func (s *Service) UnitDashboard(ctx context.Context, actor auth.User, d gov.Area, orgCode string, p Period) (UnitView, error) {
	if err := CanSeeUnit(actor, ""); err != nil {
		return UnitView{}, err
	}
	st, err := s.Settings(ctx)
	if err != nil {
		return UnitView{}, err
	}
	use, err := s.freshAggregates(ctx)
	if err != nil {
		return UnitView{}, err
	}
	v := UnitView{Period: p, Settings: st, CanPick: Visible(actor) == SeesAll}
	if v.Ranking, err = s.rank(ctx, p, GroupOrg, d.Code, st, use); err != nil {
		return v, err
	}
	if !v.CanPick {
		orgCode = actor.OrgCode
	}
	for _, r := range v.Ranking.Rows {
		if orgCode == "" && (r.Group == string(gov.KindStreetOffice) || r.Group == string(gov.KindDepartment)) {
			orgCode = r.OrgCode
		}
	}
	if orgCode == "" || !gov.ValidCode(orgCode) {
		return v, errs.Invalidf("请选择单位", "choose a unit")
	}
	if err := CanSeeUnit(actor, orgCode); err != nil {
		return v, err
	}
	if v.Org, err = s.gov.Org(ctx, orgCode); err != nil {
		return v, err
	}
	v.Row = Row{OrgCode: v.Org.Code, Name: v.Org.Name, Group: string(v.Org.Kind)}
	for _, r := range v.Ranking.Rows {
		if r.OrgCode == v.Org.Code {
			v.Row = r
		}
	}
	for _, r := range v.Ranking.Rows {
		if r.Group == v.Row.Group && r.Rank != nil {
			v.InGroup++
		}
	}
	for _, e := range v.Ranking.Red {
		v.Red = v.Red || e.Code == v.Org.Code
	}
	for _, e := range v.Ranking.Black {
		v.Black = v.Black || e.Code == v.Org.Code
	}
	for _, m := range lastMonths(p) {
		res, err := s.evaluate(ctx, Query{Period: m, Group: GroupOrg, AreaCode: v.Org.AreaCode, NoClass: true}, st, use)
		if err != nil {
			return v, err
		}
		row := Row{}
		for _, r := range res.Rows {
			if r.OrgCode == v.Org.Code {
				row = r
			}
		}
		v.Trend = append(v.Trend, MonthRow{Month: m.Month, Row: row})
	}
	return v, nil
}
