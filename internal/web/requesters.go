package web

import (
	"net/http"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/evaluation"
)

// The staff's figures of residents' and enterprises' requests apart; who
// may read them is evaluation.CanSeeRequesters.

// RequesterFigureRow is one row of the page, its rates laid out.
type RequesterFigureRow struct {
	Kind                                  string
	Tickets, Rated                        int64
	Response, OnTime, Resolved, Satisfied string
}

// RequesterFiguresData is the page.
type RequesterFiguresData struct {
	Month string
	Rows  []RequesterFigureRow
	Units []RequesterFigureUnit
}

// RequesterFigureUnit is one lead unit's rows.
type RequesterFigureUnit struct {
	Code, Name string
	Rows       []RequesterFigureRow
}

// requesterRows lays out a row of every requester kind.
func requesterRows(rows []evaluation.RequesterRow) []RequesterFigureRow {
	out := []RequesterFigureRow{}
	for _, row := range rows {
		out = append(out, RequesterFigureRow{Kind: string(row.RequesterKind), Tickets: row.Tickets, Rated: row.Rated,
			Response: pct(row.ResponseRate), OnTime: pct(row.OnTimeRate), Resolved: pct(row.ResolutionRate), Satisfied: pct(row.SatisfactionRate)})
	}
	return out
}

// canRequesters shows the way to the page to those who may open it.
func canRequesters(u *auth.User) bool { return u != nil && evaluation.CanSeeRequesters(*u) == nil }

func (s *Server) requesterFigures(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	if err := evaluation.CanSeeRequesters(*u); err != nil {
		s.fail(w, r, err)
		return
	}
	per, err := s.Evaluation.ParsePeriod(r.Context(), "", "", r.URL.Query().Get("month"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.Evaluation.Requesters(r.Context(), *u, per)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &RequesterFiguresData{Month: per.Month, Rows: requesterRows(res.Rows)}
	for _, u := range res.Units {
		d.Units = append(d.Units, RequesterFigureUnit{Code: u.OrgCode, Name: u.OrgName, Rows: requesterRows(u.Rows)})
	}
	p := s.page(w, r, "ent.fig.title")
	p.Data = d
	s.render(w, r, http.StatusOK, "staff_requesters", p)
}
