package web

import (
	"context"
	"net/http"
)

// notFound answers a path no route of the site knows (the API and Open311
// keep their own answers under their prefixes): a browser's GET gets the
// error page in the site's look and language, with the ways on.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "error.notfound")
	p.Err, p.ErrCode = tr(p.Lang, "error.notfound.msg"), "not_found"
	s.render(w, r, http.StatusNotFound, "error", p)
}

// notFoundHandler is the catch-all of the site: GET and HEAD get the page,
// other methods a plain 404 (no form of this site posts there, so there is
// no CSRF token to check nor a page to show).
func (s *Server) notFoundHandler() http.Handler {
	page := s.wrap(s.notFound)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.NotFound(w, r)
			return
		}
		page.ServeHTTP(w, r)
	})
}

// InternalError answers a request whose handler failed unexpectedly (a
// panic, recovered by the server) with the error page in the site's look:
// in the visitor's language, read from her cookie, and without her session,
// which may be what failed.
func (s *Server) InternalError(w http.ResponseWriter, r *http.Request) {
	securityHeaders(w.Header())
	st := &reqState{lang: "zh"}
	if c, err := r.Cookie(langCookie); err == nil && c.Value == "en" {
		st.lang = "en"
	}
	r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, st))
	p := s.page(w, r, "error.internal")
	p.Err, p.ErrCode = tr(p.Lang, "error.internal.msg"), "internal"
	s.render(w, r, http.StatusInternalServerError, "error", p)
}
