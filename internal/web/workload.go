package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/rootcause"
)

var (
	errNoThemes = errs.New(errs.NotFound, "智能分析未启用", "insight is not enabled")
	errNoKind   = errs.New(errs.NotFound, "没有这类根源分析", "no such kind of root-cause record")
)

// The staff's pages of the workload against resources, of the returns and
// re-dispatches with their catalogue proposals, and of the root-cause
// records of a rectification task or a monthly theme. Who may read or
// write each is the evaluation's (a theme's, the themes'); these lay out.

// WorkloadData is the workload page.
type WorkloadData struct {
	Month string
	Units []WorkloadRow
}

// WorkloadRow is a unit or a person laid out.
type WorkloadRow struct {
	Name, Code                         string
	Person                             bool
	Staff                              int
	Open, Received, Finished           int
	Hours, ItemsPer, HoursPer          string
	Closed                             int64
	Response, Resolution, Satisfaction string
}

func num(v *float64) string {
	if v == nil {
		return "—"
	}
	return strings.TrimRight(strings.TrimRight(strconv.FormatFloat(*v, 'f', 2, 64), "0"), ".")
}

func (s *Server) workloadPage(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	per, err := s.Evaluation.ParsePeriod(r.Context(), "", "", r.URL.Query().Get("month"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.Evaluation.Workload(r.Context(), *u, per)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &WorkloadData{Month: per.Month}
	for _, un := range res.Units {
		h := un.WorkingHours
		d.Units = append(d.Units, WorkloadRow{Name: un.Name, Code: un.OrgCode, Staff: un.Staff, Open: un.Open, Received: un.Received,
			Finished: un.Finished, Hours: num(&h), ItemsPer: num(un.ItemsPerStaff), HoursPer: num(un.HoursPerStaff), Closed: un.Closed,
			Response: pct(un.ResponseRate), Resolution: pct(un.ResolutionRate), Satisfaction: pct(un.SatisfactionRate)})
		for _, pe := range un.People {
			h := pe.WorkingHours
			d.Units = append(d.Units, WorkloadRow{Name: pe.Name, Code: un.OrgCode, Person: true, Open: pe.Open, Received: pe.Received,
				Finished: pe.Finished, Hours: num(&h)})
		}
	}
	p := s.page(w, r, "wl.title")
	p.Data = d
	s.render(w, r, http.StatusOK, "staff_workload", p)
}

// ReturnsData is the returns page.
type ReturnsData struct {
	Month     string
	Rows      any
	Proposals any
}

func (s *Server) returnsPage(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "wl.ret.title")
	if r.URL.Query().Get("done") == "applied" {
		p.Flash = tr(p.Lang, "wl.prop.applied")
	}
	s.renderReturns(w, r, p, http.StatusOK)
}

func (s *Server) renderReturns(w http.ResponseWriter, r *http.Request, p *Page, status int) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	month := r.URL.Query().Get("month")
	if month == "" && r.Method == http.MethodPost {
		month = r.PostForm.Get("month")
	}
	per, err := s.Evaluation.ParsePeriod(r.Context(), "", "", month)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.Evaluation.Passes(r.Context(), *u, per)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Data = &ReturnsData{Month: per.Month, Rows: res.Rows, Proposals: res.Proposals}
	s.render(w, r, status, "staff_returns", p)
}

// applyProposal sets the catalogue line a proposal names.
func (s *Server) applyProposal(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	f := r.PostForm
	per, err := s.Evaluation.ParsePeriod(r.Context(), "", "", f.Get("month"))
	if err == nil {
		_, err = s.Evaluation.ApplyProposal(r.Context(), *u, per, f.Get("category_code"), f.Get("area_code"))
	}
	if err != nil {
		p := s.page(w, r, "wl.ret.title")
		p.Form = f
		s.renderReturns(w, r, p, s.formError(r, p, err))
		return
	}
	redirect(w, r, "/staff/figures/returns?month="+url.QueryEscape(per.Month)+"&done=applied")
}

// RootCauseData is the root-cause page of a task or a theme.
type RootCauseData struct {
	Kind, ID, Month, Title string
	Back                   string
	Current                *rootcause.Record
	History                []rootcause.Record
}

// rootCauseRead reads the record of the subject in the path, as u may.
func (s *Server) rootCauseRead(r *http.Request, d *RootCauseData) error {
	u := s.user(r)
	ctx := r.Context()
	var h []rootcause.Record
	switch d.Kind {
	case rootcause.KindRectification:
		t, err := s.Evaluation.Rectification(ctx, *u, d.ID)
		if err != nil {
			return err
		}
		d.Title, d.Back = t.Title, "/staff/rectifications/"+t.ID
		if h, err = s.Evaluation.RectRootCause(ctx, *u, d.ID); err != nil {
			return err
		}
	case rootcause.KindTheme:
		if s.Themes == nil {
			return errNoThemes
		}
		t, hh, err := s.Themes.RootCause(ctx, *u, d.Month, d.ID)
		if err != nil {
			return err
		}
		d.Title, d.Back, h = t.Label, "/staff/themes?month="+url.QueryEscape(d.Month), hh
	default:
		return errNoKind
	}
	d.History = h
	if len(h) > 0 {
		d.Current = &h[0]
	}
	return nil
}

func (s *Server) rootCausePage(w http.ResponseWriter, r *http.Request) {
	if s.staff(w, r) == nil {
		return
	}
	d := &RootCauseData{Kind: r.PathValue("kind"), ID: r.PathValue("id"), Month: r.URL.Query().Get("month")}
	if err := s.rootCauseRead(r, d); err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "wl.rc.title")
	if r.URL.Query().Get("done") == "saved" {
		p.Flash = tr(p.Lang, "wl.rc.saved")
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "staff_rootcause", p)
}

func (s *Server) rootCauseSave(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	f := r.PostForm
	d := &RootCauseData{Kind: r.PathValue("kind"), ID: r.PathValue("id"), Month: f.Get("month")}
	in := rootcause.Input{RootCause: f.Get("root_cause"), Affected: f.Get("affected"), Obstacles: f.Get("obstacles"),
		Departments: strings.FieldsFunc(f.Get("departments"), func(c rune) bool { return c == ' ' || c == ',' || c == '，' || c == '、' })}
	var err error
	switch d.Kind {
	case rootcause.KindRectification:
		_, err = s.Evaluation.SetRectRootCause(r.Context(), *u, d.ID, in)
	case rootcause.KindTheme:
		if s.Themes == nil {
			err = errNoThemes
		} else {
			_, err = s.Themes.SetRootCause(r.Context(), *u, d.Month, d.ID, in)
		}
	default:
		err = errNoKind
	}
	if err != nil {
		p := s.page(w, r, "wl.rc.title")
		p.Form = f
		status := s.formError(r, p, err)
		if rerr := s.rootCauseRead(r, d); rerr != nil {
			s.fail(w, r, rerr)
			return
		}
		p.Data = d
		s.render(w, r, status, "staff_rootcause", p)
		return
	}
	redirect(w, r, "/staff/root-cause/"+d.Kind+"/"+url.PathEscape(d.ID)+"?month="+url.QueryEscape(d.Month)+"&done=saved")
}
