package web

import (
	"net/http"
	"net/url"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// The dispatchers' list of likely duplicates (/staff/duplicates): pairs of
// open tickets that ticket.DuplicatePairs judges one problem, each merged
// with one click by the existing merge action. Who may see the list and
// merge which pair is the ticket service's to say.

// canDupes tells the menu whether to offer the list.
func canDupes(u *auth.User) bool { return u != nil && ticket.CanListDuplicates(*u) }

// DupPairRow is a pair as the page shows it.
type DupPairRow struct {
	ticket.DuplicatePair
	Category, OfCategory string
	Percent              int // the score in per cent
}

// DuplicatesData is the list of likely duplicates.
type DuplicatesData struct {
	Pairs []DupPairRow
}

func (s *Server) staffDuplicates(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	p := s.page(w, r, "dupes.title")
	p.Wide = true
	if n := r.URL.Query().Get("merged"); n != "" && ticket.ValidNumber(n) {
		p.Flash = tr(p.Lang, "dupes.merged", n)
	}
	pairs, err := s.Tickets.DuplicatePairs(r.Context(), *u, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, names, err := s.categoryGroups(r.Context(), p.Lang)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &DuplicatesData{}
	for _, x := range pairs {
		d.Pairs = append(d.Pairs, DupPairRow{DuplicatePair: x, Category: names[x.Ticket.CategoryCode],
			OfCategory: names[x.DuplicateOf.CategoryCode], Percent: int(x.Score*100 + 0.5)})
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "staff_duplicates", p)
}

// staffMergeDuplicate merges a ticket of the list into the earlier one by
// the merge action, which checks again who may merge what.
func (s *Server) staffMergeDuplicate(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	number, into := r.PostFormValue("number"), r.PostFormValue("into")
	if _, err := s.Tickets.Act(r.Context(), *u, number, ticket.ActionMerge, ticket.ActionInput{Into: into}); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/staff/duplicates?merged="+url.QueryEscape(number))
}
