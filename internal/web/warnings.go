package web

import (
	"context"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/insight/warning"
)

// The early warnings' page (未诉先办): the warnings a user may see, as a list
// and on a map drawn from the district's own boundaries and the clusters'
// tickets' coordinates (no outside map service), with the acts the
// warning service lets her take. Who sees and does what is warning's.

// WarningRow is one warning as the page shows it.
type WarningRow struct {
	warning.Warning
	N        int    // its number on the map, 0 when it has no place there
	AreaName string // the community or street
	CatName  string
	Actions  map[string]bool
}

// WarningsData is the page.
type WarningsData struct {
	Items  []WarningRow
	Filter string
	Tabs   []Tab
	Map    template.HTML
}

var errNoWarnings = errs.New(errs.Unavailable, "预警服务未启用", "early warnings are not available")

func canWarnings(u *auth.User) bool { return u != nil && warning.CanList(*u) }

// warningsUser returns the staff member who may see warnings, or answers.
func (s *Server) warningsUser(w http.ResponseWriter, r *http.Request) *auth.User {
	u := s.staff(w, r)
	if u == nil {
		return nil
	}
	if !canWarnings(u) {
		s.fail(w, r, errs.New(errs.Forbidden, "您没有可查看的预警", "you have no warnings to see"))
		return nil
	}
	if s.Warnings == nil {
		s.fail(w, r, errNoWarnings)
		return nil
	}
	return u
}

func (s *Server) warningsPage(w http.ResponseWriter, r *http.Request) {
	u := s.warningsUser(w, r)
	if u == nil {
		return
	}
	pg := s.page(w, r, "warn.title")
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["flash.warn."+done]; ok {
			pg.Flash = tr(pg.Lang, "flash.warn."+done)
		}
	}
	s.renderWarnings(w, r, pg, u, r.URL.Query().Get("status"), http.StatusOK)
}

func (s *Server) renderWarnings(w http.ResponseWriter, r *http.Request, pg *Page, u *auth.User, filter string, status int) {
	ctx := r.Context()
	d := &WarningsData{Filter: filter}
	switch filter {
	case "all", warning.StatusOpen, warning.StatusAcknowledged, warning.StatusConverted, warning.StatusDismissed:
	default:
		d.Filter = "active"
	}
	for _, x := range []string{"active", warning.StatusOpen, warning.StatusAcknowledged, warning.StatusConverted, warning.StatusDismissed, "all"} {
		d.Tabs = append(d.Tabs, Tab{Status: x, Label: tr(pg.Lang, "warn.filter."+x), Active: x == d.Filter, URL: "/staff/warnings?status=" + x})
	}
	f := warning.Filter{Status: d.Filter}
	if f.Status == "all" {
		f.Status = ""
	}
	items, err := s.Warnings.List(ctx, *u, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Items, err = s.warningRows(ctx, pg.Lang, *u, items); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Map, err = s.warningsMap(ctx, pg.Lang, d.Items); err != nil {
		s.fail(w, r, err)
		return
	}
	pg.Data = d
	s.render(w, r, status, "staff_warnings", pg)
}

// warningRows names each warning's place and category.
func (s *Server) warningRows(ctx context.Context, lang string, u auth.User, items []warning.Warning) ([]WarningRow, error) {
	cats, err := s.Tickets.Categories(ctx)
	if err != nil {
		return nil, err
	}
	catName := map[string]string{}
	for _, c := range cats {
		catName[c.Code] = c.Name
		if lang == "en" && c.NameEn != "" {
			catName[c.Code] = c.NameEn
		}
	}
	areaName := map[string]string{}
	rows := make([]WarningRow, len(items))
	for i, x := range items {
		if _, ok := areaName[x.AreaCode]; !ok && x.AreaCode != "" {
			areaName[x.AreaCode] = x.AreaCode
			if a, err := s.Gov.Area(ctx, x.AreaCode); err == nil {
				areaName[x.AreaCode] = a.Name
			}
		}
		acts := map[string]bool{}
		for _, a := range warning.Actions(u, x) {
			acts[a] = true
		}
		name := catName[x.CategoryCode]
		if x.Kind == warning.KindSupply {
			name = tr(lang, "svc.cat."+strings.TrimPrefix(x.CategoryCode, warning.SupplyPrefix))
		}
		rows[i] = WarningRow{Warning: x, AreaName: areaName[x.AreaCode], CatName: name, Actions: acts}
	}
	return rows, nil
}

// warningsMap draws the district with a numbered dot at each warning: the
// mean place of its tickets with coordinates, or else its area's label
// point or known place. It numbers the rows it places.
func (s *Server) warningsMap(ctx context.Context, lang string, rows []WarningRow) (template.HTML, error) {
	l, err := s.mapLayers(ctx)
	if err != nil {
		return "", err
	}
	at := map[string][2]float64{}
	for _, a := range l.areas {
		at[a.code] = [2]float64{a.label[1], a.label[0]}
	}
	for _, p := range l.points {
		if _, ok := at[p.Code]; !ok {
			at[p.Code] = [2]float64{p.Lat, p.Lng}
		}
	}
	var dots []mapDot
	box := l.box
	if l.empty() {
		box = [4]float64{91, 181, -91, -181}
	}
	for i := range rows {
		x := &rows[i]
		p, ok := at[x.AreaCode]
		if x.Lat != nil && x.Lng != nil {
			p, ok = [2]float64{*x.Lat, *x.Lng}, true
		}
		if !ok {
			continue
		}
		x.N = len(dots) + 1
		dots = append(dots, mapDot{lat: p[0], lng: p[1], label: strconv.Itoa(x.N), title: x.AreaName + " " + x.CatName})
		box = [4]float64{math.Min(box[0], p[0]), math.Min(box[1], p[1]), math.Max(box[2], p[0]), math.Max(box[3], p[1])}
	}
	if box[0] > box[2] {
		return "", nil // nothing to draw: no boundaries and no placed warning
	}
	// A map of a few close points shows at least some 2 by 3 km around them.
	for i, minSpan := range []float64{0.02, 0.035} { // degrees of latitude, of longitude
		if d := box[i+2] - box[i]; d < minSpan {
			box[i], box[i+2] = box[i]-(minSpan-d)/2, box[i+2]+(minSpan-d)/2
		}
	}
	// Drawn twice, for screens and for phones, so that its words are never
	// scaled below their size (as the charts are).
	var out string
	for _, m := range []struct {
		class string
		width float64
	}{{"chart-wide", 640}, {"chart-narrow", 340}} {
		spec := mapSpec{v: fit(box, m.width), dots: dots, label: tr(lang, "warn.map"), lang: lang}
		out += `<div class="` + m.class + `">` + s.drawMap(l, spec) + `</div>`
	}
	return template.HTML(out), nil
}

// warningAct takes an act on a warning from the page's forms.
func (s *Server) warningAct(w http.ResponseWriter, r *http.Request) {
	u := s.warningsUser(w, r)
	if u == nil {
		return
	}
	ctx := r.Context()
	id, action := r.PathValue("id"), r.PathValue("action")
	var err error
	var got warning.Warning
	switch action {
	case "acknowledge":
		got, err = s.Warnings.Acknowledge(ctx, *u, id)
	case "dismiss":
		got, err = s.Warnings.Dismiss(ctx, *u, id, r.PostForm.Get("reason"))
	case "convert_ticket":
		got, err = s.Warnings.Convert(ctx, *u, id, warning.IntoTicket)
	case "convert_rectification":
		got, err = s.Warnings.Convert(ctx, *u, id, warning.IntoRectification)
	default:
		s.fail(w, r, errs.NotFoundf("未知的操作：%q", "unknown action: %q", action))
		return
	}
	if err != nil {
		pg := s.page(w, r, "warn.title")
		status := s.formError(r, pg, err)
		s.renderWarnings(w, r, pg, u, r.PostForm.Get("status"), status)
		return
	}
	if got.TicketNumber != "" {
		redirect(w, r, "/staff/tickets/"+got.TicketNumber)
		return
	}
	if got.RectID != "" {
		redirect(w, r, "/staff/rectifications/"+got.RectID)
		return
	}
	redirect(w, r, "/staff/warnings?done="+action+"&status="+r.PostForm.Get("status"))
}
