package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/election"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/vote"
)

// POST /api/v1/elections {"kind","area_code","title","seats","opens_at","closes_at","level"}
func (a *API) createElection(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		Kind     string `json:"kind"`
		AreaCode string `json:"area_code"`
		Title    string `json:"title"`
		Seats    int    `json:"seats"`
		OpensAt  string `json:"opens_at"`
		ClosesAt string `json:"closes_at"`
		Level    string `json:"level"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	n := election.New{Kind: in.Kind, AreaCode: in.AreaCode, Title: in.Title, Seats: in.Seats, Level: disclosure.Level(in.Level)}
	var err error
	if n.ClosesAt, err = time.Parse(time.RFC3339, in.ClosesAt); err != nil {
		a.fail(w, r, errs.Invalidf("closes_at 须为 RFC 3339 时间，如 2026-12-31T18:00:00+08:00", "closes_at must be an RFC 3339 time such as 2026-12-31T18:00:00+08:00"))
		return
	}
	if in.OpensAt != "" {
		if n.OpensAt, err = time.Parse(time.RFC3339, in.OpensAt); err != nil {
			a.fail(w, r, errs.Invalidf("opens_at 须为 RFC 3339 时间", "opens_at must be an RFC 3339 time"))
			return
		}
	}
	e, err := a.Elections.Create(r.Context(), u, n)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, e)
}

// GET /api/v1/elections?area_code=&cursor=&limit=
func (a *API) listElections(w http.ResponseWriter, r *http.Request, u auth.User) {
	q := r.URL.Query()
	f := election.Filter{AreaCode: q.Get("area_code"), Cursor: q.Get("cursor")}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > election.MaxList {
			a.fail(w, r, errs.Invalidf("每页条数须在1到%d之间", "limit must be between 1 and %d", election.MaxList))
			return
		}
		f.Limit = n
	}
	items, next, err := a.Elections.List(r.Context(), u, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": next})
}

// GET /api/v1/elections/{id}
func (a *API) getElection(w http.ResponseWriter, r *http.Request, u auth.User) {
	e, err := a.Elections.Get(r.Context(), u, r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

// POST /api/v1/elections/{id}/units {"units":[{"unit","area_m2","owner"}]}
func (a *API) addElectionUnits(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		Units []struct {
			Unit   string  `json:"unit"`
			AreaM2 decimal `json:"area_m2"`
			Owner  string  `json:"owner"`
		} `json:"units"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	units := make([]vote.UnitIn, len(in.Units))
	for i, x := range in.Units {
		units[i] = vote.UnitIn{Unit: x.Unit, AreaM2: string(x.AreaM2), Owner: x.Owner}
	}
	e, err := a.Elections.AddUnits(r.Context(), u, r.PathValue("id"), units)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

// POST /api/v1/elections/{id}/candidates {"candidates":[{"name","intro"}]}
func (a *API) addElectionCandidates(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		Candidates []election.CandidateIn `json:"candidates"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	e, err := a.Elections.AddCandidates(r.Context(), u, r.PathValue("id"), in.Candidates)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

// POST /api/v1/elections/{id}/ballots {"choices":[…],"blank","voter","paper_ref"}
func (a *API) castElection(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in election.BallotIn
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	e, err := a.Elections.Cast(r.Context(), u, r.PathValue("id"), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, e)
}

// POST /api/v1/elections/{id}/close {}
func (a *API) closeElection(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct{}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	e, err := a.Elections.Close(r.Context(), u, r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e.Result)
}
