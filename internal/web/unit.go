package web

import (
	"context"
	"database/sql"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// FigureData is the list of the tickets behind one figure.
type FigureData struct {
	Month   string
	Figure  string
	Subject string // the unit's or area's name, or the category's
	Table   Table
	NextURL string
	Count   int
}

func (s *Server) figurePage(w http.ResponseWriter, r *http.Request) {
	u := s.evalActor(w, r, evaluation.CanEvaluate)
	if u == nil {
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	p, err := s.Evaluation.ParsePeriod(ctx, q.Get("from"), q.Get("to"), q.Get("month"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg := s.page(w, r, "fig.title")
	lang := pg.Lang
	fd := &FigureData{Month: p.Month, Figure: q.Get("figure")}
	fq, err := s.figureQuery(ctx, *u, lang, q, p, fd)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page, err := s.Evaluation.FigureTickets(ctx, fq)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fd.Table = s.figureTable(ctx, lang, page.Items)
	if page.NextCursor != "" {
		next := url.Values{}
		for k, v := range q {
			next[k] = v
		}
		next.Set("cursor", page.NextCursor)
		fd.NextURL = "/staff/dashboard/figure?" + next.Encode()
	}
	fd.Count = len(fd.Table.Rows)
	fd.Table.Caption = tr(lang, "fig.caption", fd.Subject, msgOr(lang, "fig.", fd.Figure), p.Month)
	if p.Month == "" {
		fd.Table.Caption = tr(lang, "fig.caption", fd.Subject, msgOr(lang, "fig.", fd.Figure), p.From.Format("2006-01-02")+"…"+p.To.AddDate(0, 0, -1).Format("2006-01-02"))
	}
	if s.exportTables(w, r, "figure-"+fd.Figure, []Table{fd.Table}) {
		return
	}
	pg.Data = fd
	s.render(w, r, http.StatusOK, "staff_figure", pg)
}

// figureQuery is the query behind ?figure= once evaluation's rule allows
// it, and sets the page's subject: a unit, an area, or (figure=category, the
// dashboard's categories) a category across the district.
func (s *Server) figureQuery(ctx context.Context, u auth.User, lang string, q url.Values, p evaluation.Period, fd *FigureData) (evaluation.FigureQuery, error) {
	if fd.Figure != "category" {
		fq := evaluation.FigureQuery{Period: p, Figure: fd.Figure, OrgCode: q.Get("org_code"), AreaCode: q.Get("area_code"), Cursor: q.Get("cursor"), Limit: 100}
		if err := evaluation.CanOpenFigure(u, fq); err != nil {
			return fq, err
		}
		fd.Subject = s.areaName(ctx, fq.AreaCode)
		if fq.OrgCode != "" {
			fd.Subject = s.orgName(ctx, fq.OrgCode)
		}
		return fq, nil
	}
	code := q.Get("category")
	if err := evaluation.CanOpenFigure(u, evaluation.FigureQuery{Figure: fd.Figure, CategoryCode: code}); err != nil {
		return evaluation.FigureQuery{}, err
	}
	fd.Subject = code
	if c, err := s.Tickets.Category(ctx, code); err == nil {
		fd.Subject = c.Name
		if lang == "en" && c.NameEn != "" {
			fd.Subject = c.NameEn
		}
	}
	d, err := s.district(ctx)
	if err != nil {
		return evaluation.FigureQuery{}, err
	}
	return evaluation.FigureQuery{Period: p, Figure: "tickets", AreaCode: d.Code, CategoryCode: code, Cursor: q.Get("cursor")}, nil
}

// figureTable lists the tickets behind a figure.
func (s *Server) figureTable(ctx context.Context, lang string, items []evaluation.FigureTicket) Table {
	t := Table{ID: "tickets", Empty: tr(lang, "fig.none"),
		Head: []string{tr(lang, "fig.number"), tr(lang, "dash.unit"), tr(lang, "fig.area"), tr(lang, "fig.status"),
			tr(lang, "fig.created"), tr(lang, "fig.closed"), tr(lang, "fig.rating"), tr(lang, "fig.event")}}
	orgNames := map[string]string{"": "—"}
	for _, x := range items {
		if _, ok := orgNames[x.OrgCode]; !ok {
			orgNames[x.OrgCode] = s.orgName(ctx, x.OrgCode)
		}
		ev := "—"
		if x.EventAt != nil {
			ev = s.fmtTime(x.EventAt)
		}
		t.Rows = append(t.Rows, []Cell{{Text: x.Number, URL: "/staff/tickets/" + x.Number}, textCell(orgNames[x.OrgCode]),
			textCell(s.areaName(ctx, x.AreaCode)), textCell(msgOr(lang, "status.", x.Status)), textCell(s.fmtTime(x.CreatedAt)),
			textCell(s.fmtTime(x.ClosedAt)), textCell(ratingText(lang, x)), textCell(ev)})
	}
	return t
}

func msgOr(lang, prefix, key string) string {
	if _, ok := messages[prefix+key]; ok {
		return tr(lang, prefix+key)
	}
	return key
}

func ratingText(lang string, t evaluation.FigureTicket) string {
	if t.RatedAt == nil {
		return "—"
	}
	out := msgOr(lang, "sat.", t.RatingSatisfaction)
	if t.RatingResolved != nil {
		if *t.RatingResolved {
			out += " · " + tr(lang, "yes.resolved")
		} else {
			out += " · " + tr(lang, "no.resolved")
		}
	}
	return out
}

// UnitFigure is one figure of a unit with what it is made of.
type UnitFigure struct {
	Label    string
	Value    string
	Num, Den string // "82", "100"
	NumURL   string
	DenURL   string
	Note     string
}

// UnitData is a unit's dashboard.
type UnitData struct {
	Month      string
	Months     []string
	OrgCode    string
	OrgName    string
	Units      []Group // the picker, for leaders
	CanPick    bool
	Row        evaluation.Row
	Rank       string // "3 / 18"
	Score      string
	Badges     []Badge
	Figures    []UnitFigure
	Chart      template.HTML
	Trend      Table
	FigTable   Table
	Red, Yell  []ticket.Ticket
	Rects      []evaluation.Rectification
	Categories map[string]string
	Current    string // the month under way
	Partial    bool   // the month shown is the month under way
	Small      string // why it is not ranked: too few rated tickets
}

func (s *Server) unitDashboard(w http.ResponseWriter, r *http.Request) {
	u := s.evalActor(w, r, func(u auth.User) error { return evaluation.CanSeeUnit(u, "") })
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
	v, err := s.Evaluation.UnitDashboard(ctx, *u, d, r.URL.Query().Get("org_code"), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg := s.page(w, r, "unit.title")
	lang := pg.Lang
	ud := &UnitData{Month: p.Month, Months: ms.Months, CanPick: v.CanPick, OrgCode: v.Org.Code, OrgName: v.Org.Name, Row: v.Row,
		Current: ms.Current, Partial: ms.Partial}
	unitSummary(lang, v, ud)
	unitTrend(lang, v, ud)
	// Its open work past or near its deadlines, and its rectification tasks.
	for _, x := range []struct {
		light ticket.Light
		into  *[]ticket.Ticket
	}{{ticket.LightRed, &ud.Red}, {ticket.LightYellow, &ud.Yell}} {
		fl := ticket.Filter{Light: x.light, Limit: ticket.MaxLimit}
		if u.Role != auth.RoleHandler {
			fl.OrgCode = v.Org.Code
		}
		page, err := s.Tickets.List(ctx, *u, fl)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		*x.into = page.Items
	}
	if ud.Rects, _, err = s.Evaluation.Rectifications(ctx, *u, evaluation.RectFilter{OrgCode: v.Org.Code}); err != nil {
		s.fail(w, r, err)
		return
	}
	if _, ud.Categories, err = s.categoryGroups(ctx, lang); err != nil {
		s.fail(w, r, err)
		return
	}
	if s.exportTables(w, r, "unit-"+v.Org.Code+"-"+p.Month, []Table{ud.FigTable, ud.Trend}) {
		return
	}
	pg.Data = ud
	s.render(w, r, http.StatusOK, "staff_unit", pg)
}

// unitSummary: the unit picker (for leaders), its rank, classes and lists,
// and its figures with what they are made of.
func unitSummary(lang string, v evaluation.UnitView, ud *UnitData) {
	if v.CanPick {
		groups := map[string]*Group{}
		var order []string
		for _, row := range v.Ranking.Rows {
			if row.Group != string(gov.KindStreetOffice) && row.Group != string(gov.KindDepartment) {
				continue
			}
			g := groups[row.Group]
			if g == nil {
				g = &Group{Label: tr(lang, "orgkind."+row.Group)}
				groups[row.Group] = g
				order = append(order, row.Group)
			}
			g.Options = append(g.Options, Option{Value: row.OrgCode, Label: row.Name})
		}
		for _, k := range order {
			ud.Units = append(ud.Units, *groups[k])
		}
	}
	ud.Rank = "—"
	if v.Row.Rank != nil {
		ud.Rank = fmt.Sprintf("%d / %d", *v.Row.Rank, v.InGroup)
	} else if v.Row.SampleTooSmall {
		ud.Rank = tr(lang, "dash.small")
		ud.Small = tr(lang, "unit.small", v.Row.Rated, v.Settings.Classes.MinSample())
	}
	ud.Score = scoreText(v.Row.Score)
	ud.Badges = classBadges(lang, v.Row)
	if v.Red {
		ud.Badges = append(ud.Badges, Badge{Class: "list-red", Text: tr(lang, "dash.red")})
	}
	if v.Black {
		ud.Badges = append(ud.Badges, Badge{Class: "list-black", Text: tr(lang, "dash.black")})
	}
	c, row, m, org := v.Row.Counts, v.Row, v.Period.Month, v.Org
	f := func(fig string) string { return figureURL(m, fig, org.Code, "") }
	n := func(v int64) string { return fmt.Sprint(v) }
	ud.Figures = []UnitFigure{
		{Label: tr(lang, "dash.tickets"), Value: n(c.Tickets), Num: n(c.Tickets), NumURL: f("tickets")},
		{Label: tr(lang, "dash.response"), Value: pct(row.ResponseRate), Num: n(c.ContactedOnTime), NumURL: f("contacted_on_time"), Den: n(c.ContactDue), DenURL: f("contact_due"), Note: tr(lang, "unit.response.note")},
		{Label: tr(lang, "dash.resolution"), Value: pct(row.ResolutionRate), Num: n(c.Resolved), NumURL: f("resolved"), Den: n(c.Rated), DenURL: f("rated"), Note: tr(lang, "unit.resolution.note")},
		{Label: tr(lang, "dash.satisfaction"), Value: pct(row.SatisfactionRate), Num: fmt.Sprintf("%d + %s × %d", c.Satisfied, fnum(v.Settings.K), c.Basic), NumURL: f("satisfied"), Den: n(c.Rated), DenURL: f("rated"), Note: tr(lang, "unit.satisfaction.note")},
		{Label: tr(lang, "unit.ontime"), Value: pct(row.OnTimeRate), Num: n(c.OnTime), NumURL: f("on_time"), Den: n(c.CompleteDue), DenURL: f("complete_due")},
		{Label: tr(lang, "unit.rating"), Value: pct(row.RatingRate), Num: n(c.Rated), NumURL: f("rated"), Den: n(c.Tickets), DenURL: f("tickets")},
		{Label: tr(lang, "unit.returns"), Value: n(c.Returns), Num: n(c.Returns), NumURL: f("returns")},
		{Label: tr(lang, "unit.extensions"), Value: n(c.Extensions), Num: n(c.Extensions), NumURL: f("extensions")},
		{Label: tr(lang, "unit.redos"), Value: n(c.Redos), Num: n(c.Redos), NumURL: f("redos")},
		{Label: tr(lang, "dash.overdue"), Value: n(c.Overdue), Num: n(c.Overdue), NumURL: f("overdue")},
	}
	ud.Figures = append(ud.Figures, participationFigures(lang, row.Participation)...)
	ud.FigTable = Table{ID: "figures", Caption: tr(lang, "unit.figures.caption", org.Name, m),
		Head: []string{tr(lang, "unit.figure"), tr(lang, "unit.value"), tr(lang, "unit.numerator"), tr(lang, "unit.denominator")}}
	for _, x := range ud.Figures {
		ud.FigTable.Rows = append(ud.FigTable.Rows, []Cell{textCell(x.Label), {Text: x.Value, Num: true},
			{Text: x.Num, URL: x.NumURL, Num: true}, {Text: x.Den, URL: x.DenURL, Num: true}})
	}
}

// unitTrend: its three rates over the months.
func unitTrend(lang string, v evaluation.UnitView, ud *UnitData) {
	org := v.Org
	resp, reso, sat := Series{Name: tr(lang, "dash.response"), Color: colBlue, Marker: "circle"},
		Series{Name: tr(lang, "dash.resolution"), Color: colOrange, Marker: "square"},
		Series{Name: tr(lang, "dash.satisfaction"), Color: colGreen, Marker: "triangle"}
	var labels []string
	ud.Trend = Table{ID: "trend", Caption: tr(lang, "unit.trend.caption", org.Name),
		Head: []string{tr(lang, "dash.month"), tr(lang, "dash.tickets"), tr(lang, "dash.response"), tr(lang, "dash.resolution"), tr(lang, "dash.satisfaction"), tr(lang, "dash.score")}}
	for i, pt := range v.Trend {
		row := pt.Row
		labels = append(labels, monthLabel(lang, pt.Month, i == 0))
		resp.Values = append(resp.Values, pct100(row.ResponseRate))
		reso.Values = append(reso.Values, pct100(row.ResolutionRate))
		sat.Values = append(sat.Values, pct100(row.SatisfactionRate))
		score := Cell{Text: "—", Num: true}
		if row.Score != nil {
			score = numCell(*row.Score, scoreText(row.Score), "")
		}
		ud.Trend.Rows = append(ud.Trend.Rows, []Cell{textCell(pt.Month),
			numCell(float64(row.Tickets), fmt.Sprint(row.Tickets), figureURL(pt.Month, "tickets", org.Code, "")),
			pctCell(row.ResponseRate, figureURL(pt.Month, "contact_due", org.Code, "")),
			pctCell(row.ResolutionRate, figureURL(pt.Month, "rated", org.Code, "")),
			pctCell(row.SatisfactionRate, figureURL(pt.Month, "rated", org.Code, "")), score})
	}
	ud.Chart = orNoData(lang, LineChart("chart-unit-rates", ud.Trend.Caption, tr(lang, "dash.rates.desc"), labels, []Series{resp, reso, sat}))
}

func (s *Server) nullTime(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := time.UnixMilli(v.Int64).In(s.loc)
	return &t
}

// participationFigures are the participation indicators the district
// switched on, beside the figures of tickets.
func participationFigures(lang string, p *evaluation.Participation) []UnitFigure {
	if p == nil {
		return nil
	}
	var out []UnitFigure
	for _, x := range []struct {
		key string
		r   *evaluation.Ratio
	}{{"unit.part.ontime", p.ProposalsOnTime}, {"unit.part.perthousand", p.PerThousand}, {"unit.part.projects", p.ProjectsEvaluated}, {"unit.part.score", p.ProjectScore}} {
		if x.r == nil {
			continue
		}
		v := pct(x.r.Rate)
		if x.key == "unit.part.perthousand" || x.key == "unit.part.score" {
			v = "—"
			if x.r.Rate != nil {
				v = fmt.Sprintf("%.1f", *x.r.Rate)
			}
		}
		out = append(out, UnitFigure{Label: tr(lang, x.key), Value: v, Num: fmt.Sprint(x.r.Num), Den: fmt.Sprint(x.r.Den)})
	}
	return out
}
