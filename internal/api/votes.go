package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gongzhi/gongzhi/internal/attachment"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/vote"
)

// POST /api/v1/votes {"area_code","title","matter","closes_at","secret"}
func (a *API) createVote(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		AreaCode string `json:"area_code"`
		Title    string `json:"title"`
		Matter   string `json:"matter"`
		ClosesAt string `json:"closes_at"`
		Secret   bool   `json:"secret"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	at, err := time.Parse(time.RFC3339, in.ClosesAt)
	if err != nil {
		a.fail(w, r, errs.Invalidf("closes_at 须为 RFC 3339 时间，如 2026-12-31T18:00:00+08:00", "closes_at must be an RFC 3339 time such as 2026-12-31T18:00:00+08:00"))
		return
	}
	v, err := a.Votes.Create(r.Context(), u, vote.New{AreaCode: in.AreaCode, Title: in.Title, Matter: in.Matter, ClosesAt: at, Secret: in.Secret})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, v)
}

// GET /api/v1/votes?area_code=&cursor=&limit=
func (a *API) listVotes(w http.ResponseWriter, r *http.Request, u auth.User) {
	q := r.URL.Query()
	f := vote.Filter{AreaCode: q.Get("area_code"), Cursor: q.Get("cursor")}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > vote.MaxList {
			a.fail(w, r, errs.Invalidf("每页条数须在1到%d之间", "limit must be between 1 and %d", vote.MaxList))
			return
		}
		f.Limit = n
	}
	items, next, err := a.Votes.List(r.Context(), u, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": next})
}

// voteJSON is a vote with the units of its register the caller may see.
type voteJSON struct {
	vote.Vote
	Register []vote.UnitBallot `json:"register"`
}

// GET /api/v1/votes/{id}
func (a *API) getVote(w http.ResponseWriter, r *http.Request, u auth.User) {
	a.voteOut(w, r, u, r.PathValue("id"), http.StatusOK)
}

func (a *API) voteOut(w http.ResponseWriter, r *http.Request, u auth.User, id string, code int) {
	v, err := a.Votes.Get(r.Context(), u, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	reg, err := a.Votes.Register(r.Context(), u, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, code, voteJSON{v, reg})
}

// decimal takes a floor area written as a JSON string ("89.50") or number
// (89.5) as its exact text.
type decimal string

func (d *decimal) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*d = decimal(s)
		return nil
	}
	if !json.Valid(b) || bytes.ContainsAny(b, "{[ntf") {
		return errs.Invalidf("面积须为数字或字符串", "area_m2 must be a number or a string")
	}
	*d = decimal(b)
	return nil
}

// POST /api/v1/votes/{id}/units {"units":[{"unit","area_m2","owner"}]}
func (a *API) addVoteUnits(w http.ResponseWriter, r *http.Request, u auth.User) {
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
	if _, err := a.Votes.AddUnits(r.Context(), u, r.PathValue("id"), units); err != nil {
		a.fail(w, r, err)
		return
	}
	a.voteOut(w, r, u, r.PathValue("id"), http.StatusOK)
}

// POST /api/v1/votes/{id}/ballots {"unit","choice","paper_ref"} or
// {"ballots":[{"unit","choice"}, …]} (an owner's units at once)
func (a *API) castVote(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		vote.BallotIn
		Ballots []vote.BallotIn `json:"ballots"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	ballots := in.Ballots
	if in.Unit != "" || in.Choice != "" || len(ballots) == 0 {
		if len(ballots) > 0 {
			a.fail(w, r, errs.Invalidf("unit 与 ballots 只能给一种", "give either unit or ballots, not both"))
			return
		}
		ballots = []vote.BallotIn{in.BallotIn}
	}
	if _, err := a.Votes.Cast(r.Context(), u, r.PathValue("id"), ballots); err != nil {
		a.fail(w, r, err)
		return
	}
	a.voteOut(w, r, u, r.PathValue("id"), http.StatusCreated)
}

// POST /api/v1/votes/{id}/close {}
func (a *API) closeVote(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct{}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.Votes.Close(r.Context(), u, r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v.Result)
}

// POST /api/v1/votes/{id}/ballots/{unit}/scan: the scan of a recorded paper
// ballot, one image in the multipart field "file", streamed.
func (a *API) addBallotScan(w http.ResponseWriter, r *http.Request, u auth.User) {
	a.upload(w, r, nil, func(name string, f io.Reader) (any, error) {
		unit := r.PathValue("unit")
		err := a.Votes.AttachScan(r.Context(), u, r.PathValue("id"), unit, vote.Scan{Name: name, R: f})
		return map[string]any{"unit": unit, "scanned": true}, err
	})
}

// GET /api/v1/votes/{id}/ballots/{unit}/scan: the scan (or ?thumb=1 its
// thumbnail) to the staff running the vote.
func (a *API) getBallotScan(w http.ResponseWriter, r *http.Request, u auth.User) {
	thumb, err := attachment.ParseThumb(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	f, att, err := a.Votes.OpenScan(r.Context(), u, r.PathValue("id"), r.PathValue("unit"), thumb)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	defer f.Close()
	attachment.Serve(w, r, f, att, thumb)
}
