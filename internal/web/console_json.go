package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// The console's JSON, for console.js. Same session and CSRF as the pages.

func (s *Server) consoleJSONUser(w http.ResponseWriter, r *http.Request) *auth.User {
	u := s.user(r)
	switch {
	case u == nil:
		s.writeJSONError(w, r, errs.New(errs.Unauthorized, "登录已失效，请重新登录", "your session has ended, please log in again"))
		return nil
	case !consoleRole(u):
		s.writeJSONError(w, r, errConsoleRole)
		return nil
	}
	return u
}

// staffJSONUser is the member of staff behind a staff page's script, or nil
// after answering 401 or 403 in JSON. With text set, the call reads a text
// as it is typed and takes a token of the account's limit (limit.CheckText).
func (s *Server) staffJSONUser(w http.ResponseWriter, r *http.Request, text bool) *auth.User {
	u := s.user(r)
	switch {
	case u == nil:
		s.writeJSONError(w, r, errs.New(errs.Unauthorized, "登录已失效，请重新登录", "your session has ended, please log in again"))
		return nil
	case !u.Role.IsStaff():
		s.writeJSONError(w, r, errs.New(errs.Forbidden, "仅供工作人员使用", "for staff only"))
		return nil
	}
	if text {
		if err := s.Limits.CheckText(u.ID); err != nil {
			errs.SetRetryAfter(w.Header(), err)
			s.writeJSONError(w, r, err)
			return nil
		}
	}
	return u
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (s *Server) writeJSONError(w http.ResponseWriter, r *http.Request, err error) {
	e := errs.As(err)
	if e.Code == errs.Internal {
		s.Log.Error("web request", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	msg := e.Msg
	if state(r).lang == "en" {
		msg = e.MsgEn
	}
	writeJSON(w, statusOf(e), map[string]string{"error": string(e.Code), "message": msg})
}

// CategoryItem is a category suggestion.
type CategoryItem struct {
	Code string `json:"code"`
	Name string `json:"name"`
	Path string `json:"path"`
}

func (s *Server) consoleCategories(w http.ResponseWriter, r *http.Request) {
	if s.consoleJSONUser(w, r) == nil {
		return
	}
	ms, err := s.Tickets.SearchCategories(r.Context(), r.URL.Query().Get("q"), 8)
	if err != nil {
		s.writeJSONError(w, r, err)
		return
	}
	lang := state(r).lang
	out := make([]CategoryItem, 0, len(ms))
	for _, m := range ms {
		out = append(out, CategoryItem{Code: m.Code, Name: catName(lang, m.Category), Path: m.Path})
	}
	writeJSON(w, http.StatusOK, out)
}

// ArticleItem is a knowledge-base suggestion.
type ArticleItem struct {
	ID           string `json:"id"`
	CategoryCode string `json:"category_code"`
	Title        string `json:"title"`
	Body         string `json:"body"`
}

func (s *Server) consoleKB(w http.ResponseWriter, r *http.Request) {
	if s.consoleJSONUser(w, r) == nil {
		return
	}
	q := r.URL.Query()
	items, err := s.consoleArticles(r.Context(), q.Get("q"), strings.TrimSpace(q.Get("category_code")))
	if err != nil {
		s.writeJSONError(w, r, err)
		return
	}
	out := make([]ArticleItem, 0, len(items))
	for _, a := range items {
		out = append(out, ArticleItem{ID: a.ID, CategoryCode: a.CategoryCode, Title: a.Title, Body: a.Body})
	}
	writeJSON(w, http.StatusOK, out)
}

// DupItem is a possible duplicate.
type DupItem struct {
	Number      string `json:"number"`
	Similarity  int    `json:"similarity"` // percent, of the descriptions
	Score       int    `json:"score"`      // percent, the duplicate score
	DistanceM   *int   `json:"distance_m"`
	Distance    string `json:"distance"`
	Status      string `json:"status"`
	StatusLabel string `json:"status_label"`
	Category    string `json:"category"`
	Description string `json:"description"`
	URL         string `json:"url"`
}

func (s *Server) consoleDuplicates(w http.ResponseWriter, r *http.Request) {
	u := s.consoleJSONUser(w, r)
	if u == nil {
		return
	}
	in := newTicket(r)
	if in.CategoryCode == "" {
		in.CategoryCode = strings.TrimSpace(r.PostForm.Get("category_pick"))
	}
	dups, err := s.Tickets.PossibleDuplicates(r.Context(), *u, in, 5)
	if err != nil {
		s.writeJSONError(w, r, err)
		return
	}
	lang := state(r).lang
	out := make([]DupItem, 0, len(dups))
	for i, v := range s.dupViews(r.Context(), lang, dups) {
		out = append(out, DupItem{Number: v.T.Number, Similarity: v.Similarity, Score: v.Score, DistanceM: dups[i].DistanceM, Distance: v.Distance,
			Status: string(v.T.Status), StatusLabel: tr(lang, "status."+string(v.T.Status)), Category: v.Category,
			Description: v.T.Description, URL: "/staff/tickets/" + url.PathEscape(v.T.Number)})
	}
	writeJSON(w, http.StatusOK, out)
}
