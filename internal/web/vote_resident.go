package web

import (
	"fmt"
	"net/http"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/vote"
)

// MyVotesData is the owner's page: her votes, each with her units.
type MyVotesData struct {
	Items []*VoteData
}

// myVotes is the owner's page of her votes (/votes), reached from 我的.
func (s *Server) myVotes(w http.ResponseWriter, r *http.Request) {
	u := s.resident(w, r)
	if u == nil {
		return
	}
	if u.Role.StaffAccount() {
		redirect(w, r, "/staff/votes")
		return
	}
	pg := s.page(w, r, "vote.mine")
	if r.URL.Query().Get("done") == "cast" {
		pg.Flash = tr(pg.Lang, "vote.done.cast")
	}
	s.renderMyVotes(w, r, pg, u, http.StatusOK)
}

func (s *Server) renderMyVotes(w http.ResponseWriter, r *http.Request, pg *Page, u *auth.User, status int) {
	if s.Votes == nil {
		s.fail(w, r, errNoVotes)
		return
	}
	d := &MyVotesData{}
	if vote.CanList(*u) {
		items, _, err := s.Votes.List(r.Context(), *u, vote.Filter{Limit: vote.MaxList})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, v := range items {
			vd, err := s.voteData(r, *u, v.ID)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			d.Items = append(d.Items, vd)
		}
	}
	pg.Data = d
	s.render(w, r, status, "vote_mine", pg)
}

// myVoteCast casts the owner's ballots of the units she chose for.
func (s *Server) myVoteCast(w http.ResponseWriter, r *http.Request) {
	u := s.resident(w, r)
	if u == nil {
		return
	}
	if s.Votes == nil {
		s.fail(w, r, errNoVotes)
		return
	}
	var in []vote.BallotIn
	for i := 0; i < vote.MaxBallots; i++ {
		unit := r.PostForm.Get(fmt.Sprintf("unit_%d", i))
		if unit == "" {
			continue
		}
		if c := r.PostForm.Get(fmt.Sprintf("choice_%d", i)); c != "" {
			in = append(in, vote.BallotIn{Unit: unit, Choice: c})
		}
	}
	var err error
	if len(in) == 0 {
		err = errs.Invalidf("请为您的房屋选择同意、反对或弃权", "choose agree, disagree or abstain for your units")
	} else {
		_, err = s.Votes.Cast(r.Context(), *u, r.PathValue("id"), in)
	}
	if err != nil {
		pg := s.page(w, r, "vote.mine")
		s.renderMyVotes(w, r, pg, u, s.formError(r, pg, err))
		return
	}
	redirect(w, r, "/votes?done=cast#v-"+r.PathValue("id"))
}
