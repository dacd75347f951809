package api

import (
	"net/http"
	"strconv"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/kb"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// The hotline console's calls: category search, the caller's history,
// possible duplicates, and the knowledge base.

func queryLimit(r *http.Request) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 50 {
		return 0, errs.Invalidf("limit 须在1到50之间", "limit must be between 1 and 50")
	}
	return n, nil
}

func (a *API) searchCategories(w http.ResponseWriter, r *http.Request) {
	limit, err := queryLimit(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	items, err := a.Tickets.SearchCategories(r.Context(), r.URL.Query().Get("q"), limit)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[ticket.CategoryMatch]{Items: items})
}

func (a *API) callerHistory(w http.ResponseWriter, r *http.Request, u auth.User) {
	limit, err := queryLimit(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	items, err := a.Tickets.CallerHistory(r.Context(), u, r.PathValue("phone"), limit)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[ticket.Ticket]{Items: items})
}

func (a *API) duplicates(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in ticket.NewTicket
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	items, err := a.Tickets.PossibleDuplicates(r.Context(), u, in, 0)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[ticket.Duplicate]{Items: items})
}

// duplicatePairs lists the open tickets judged duplicates of an earlier
// one (ticket.DuplicatePairs decides who may see them and which to merge).
func (a *API) duplicatePairs(w http.ResponseWriter, r *http.Request, u auth.User) {
	limit := 0
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > ticket.MaxPairs {
			a.fail(w, r, errs.Invalidf("limit 须在1到%d之间", "limit must be between 1 and %d", ticket.MaxPairs))
			return
		}
		limit = n
	}
	items, err := a.Tickets.DuplicatePairs(r.Context(), u, limit)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[ticket.DuplicatePair]{Items: items})
}

func (a *API) searchKB(w http.ResponseWriter, r *http.Request, u auth.User) {
	if !u.Role.IsStaff() {
		a.fail(w, r, errs.ErrForbidden)
		return
	}
	limit, err := queryLimit(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	items, err := a.KB.Suggest(r.Context(), q.Get("q"), q.Get("category_code"), limit)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[kb.Article]{Items: items})
}

func (a *API) getKB(w http.ResponseWriter, r *http.Request, u auth.User) {
	if !u.Role.IsStaff() {
		a.fail(w, r, errs.ErrForbidden)
		return
	}
	art, err := a.KB.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, art)
}

// saveKB creates an article (POST) or replaces one (PUT …/{id}).
func (a *API) saveKB(w http.ResponseWriter, r *http.Request, u auth.User) {
	var art kb.Article
	if err := decode(w, r, &art); err != nil {
		a.fail(w, r, err)
		return
	}
	art.ID = r.PathValue("id")
	status := http.StatusOK
	if art.ID == "" {
		status = http.StatusCreated
	}
	saved, err := a.KB.Save(r.Context(), u, art)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, status, saved)
}

func (a *API) deleteKB(w http.ResponseWriter, r *http.Request, u auth.User) {
	if err := a.KB.Delete(r.Context(), u, r.PathValue("id")); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
