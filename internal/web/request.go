package web

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/attachment"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Cookies of the HTML interface.
const (
	sessionCookie = "gz_session" // the web session token
	csrfCookie    = "gz_csrf"    // double-submit token of anonymous forms
	langCookie    = "lang"       // "en" or "zh"
	bigCookie     = "big"        // "1": large-text mode

	maxFormBytes = 1 << 20
	// maxUploadBytes is the largest multipart body of a form with photos:
	// nine photos of the largest size and the rest of the form.
	maxUploadBytes  = attachment.MaxPerTicket*attachment.MaxSize + maxFormBytes
	multipartMemory = 2 << 20 // of a multipart form kept in memory; the rest goes to temporary files
)

var errUploadTooLarge = errs.New(errs.TooLarge, "提交的内容过大：照片最多9张，每张不超过10MB，请减少照片后重新提交",
	"the form is too large: at most 9 photos of up to 10 MB each; remove some and submit again")

// csp allows only this site's own styles, scripts and images.
const csp = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// reqState is what wrap learns about a request once, for the handlers.
type reqState struct {
	sess *auth.Session
	lang string
}

type ctxKey struct{}

func state(r *http.Request) *reqState {
	if st, ok := r.Context().Value(ctxKey{}).(*reqState); ok {
		return st
	}
	return &reqState{lang: "zh"}
}

func securityHeaders(h http.Header) {
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", csp)
	h.Set("Referrer-Policy", "same-origin")
}

func (s *Server) staticFiles() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		securityHeaders(w.Header())
		w.Header().Set("Cache-Control", "public, max-age=3600")
		s.static.ServeHTTP(w, r)
	})
}

// wrap sets the security headers, finds the session and the language, and
// for every POST limits the body, parses the form and checks the CSRF token.
func (s *Server) wrap(next http.HandlerFunc) http.Handler { return s.wrapBody(next, false) }

// wrapFiles is wrap for the routes whose forms carry photos: a
// multipart/form-data POST may be up to maxUploadBytes, its files beyond
// multipartMemory kept in temporary files that are removed when the request
// ends. Other routes take no multipart bodies.
func (s *Server) wrapFiles(next http.HandlerFunc) http.Handler { return s.wrapBody(next, true) }

// isMultipart reports whether the request body is multipart/form-data.
func isMultipart(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "multipart/form-data"
}

func (s *Server) wrapBody(next http.HandlerFunc, files bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		securityHeaders(w.Header())
		if s.tileCSP != "" {
			w.Header().Set("Content-Security-Policy", s.tileCSP)
		}
		st := &reqState{lang: "zh"}
		if c, err := r.Cookie(langCookie); err == nil && c.Value == "en" {
			st.lang = "en"
		}
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			sess, err := s.Auth.Authenticate(r.Context(), c.Value, auth.KindWeb)
			if err == nil {
				st.sess = &sess
			} else if errs.CodeOf(err) == errs.Internal {
				s.Log.Error("authenticate", "err", err)
			} else if errs.Is(err, errs.Unavailable) || errs.Is(err, errs.Forbidden) {
				// Forbidden: the gate refused the account (an agreement
				// suspended or ended); she is told why, not sent to log in.
				// Not a logged-out visitor: the session could not be
				// read, and a login page would only fail too.
				s.fail(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, st)), err)
				return
			}
		}
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, st))
		if st.sess != nil && s.pendingStep(w, r, st.sess) {
			return
		}
		if s.kioskIdle(w, r, st.sess) {
			return
		}
		if r.Method == http.MethodPost {
			multi := files && isMultipart(r)
			limit, tooLarge := int64(maxFormBytes), errs.New(errs.TooLarge, "提交的内容过大（上限 1 MB）", "the form is too large (at most 1 MB)")
			if multi {
				limit, tooLarge = maxUploadBytes, errUploadTooLarge
			}
			if r.ContentLength > limit { // refused before a byte of it is read
				w.Header().Set("Connection", "close")
				s.fail(w, r, tooLarge)
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			var err error
			if multi {
				// ParseMultipartForm removes its temporary files itself
				// when it fails; those of a parsed form go when the
				// request ends.
				err = r.ParseMultipartForm(multipartMemory)
				if r.MultipartForm != nil {
					defer r.MultipartForm.RemoveAll()
				}
			} else {
				err = r.ParseForm()
			}
			if err != nil {
				var tooBig *http.MaxBytesError
				if errors.As(err, &tooBig) {
					w.Header().Set("Connection", "close")
					s.fail(w, r, tooLarge)
					return
				}
				s.fail(w, r, errs.Invalidf("表单格式不正确", "malformed form"))
				return
			}
			if !s.csrfOK(r) {
				s.fail(w, r, errs.New(errs.Forbidden, "页面已过期或来源不明（CSRF 校验失败），请返回刷新后重新提交",
					"this form has expired or did not come from this site (CSRF check failed); go back, reload and submit again"))
				return
			}
		}
		if err := plainInput(r); err != nil {
			s.fail(w, r, err)
			return
		}
		next(w, r)
	})
}

// csrfOK compares the form's token with the session's (logged in) or with
// the double-submit cookie (anonymous), in constant time.
func (s *Server) csrfOK(r *http.Request) bool {
	got := r.PostForm.Get("csrf")
	if got == "" {
		return false
	}
	if sess := state(r).sess; sess != nil {
		return subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRF)) == 1
	}
	c, err := r.Cookie(s.csrfName(r))
	if err != nil || !s.csrfSigned(c.Value) {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(c.Value)) == 1
}

// The anonymous token is a random nonce and its HMAC under the server's
// CSRF key: "nonce.mac". A cookie planted by someone who can set cookies for
// this site (a sibling subdomain, a man in the middle of plain HTTP) is
// refused, since they cannot sign a nonce of their own.
func (s *Server) csrfSign(nonce string) string {
	m := hmac.New(sha256.New, s.csrfKey)
	m.Write([]byte(csrfCookie + "\x00" + nonce))
	return nonce + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrfName is the anonymous cookie's name. Over HTTPS it carries the
// __Host- prefix, which browsers accept only from this very host, over
// HTTPS and for the whole site: a sibling subdomain or a man in the middle
// of plain HTTP cannot plant one at all.
func (s *Server) csrfName(r *http.Request) string {
	if s.Secure || r.TLS != nil {
		return "__Host-" + csrfCookie
	}
	return csrfCookie
}

func (s *Server) csrfSigned(tok string) bool {
	nonce, _, ok := strings.Cut(tok, ".")
	return ok && nonce != "" && len(tok) <= 128 && hmac.Equal([]byte(tok), []byte(s.csrfSign(nonce)))
}

// csrfToken returns the token forms on this page carry, setting the
// anonymous cookie when it is missing.
func (s *Server) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if sess := state(r).sess; sess != nil {
		return sess.CSRF
	}
	name := s.csrfName(r)
	if c, err := r.Cookie(name); err == nil && s.csrfSigned(c.Value) {
		return c.Value
	}
	b := make([]byte, 24)
	rand.Read(b)
	tok := s.csrfSign(base64.RawURLEncoding.EncodeToString(b))
	s.setCookie(w, r, &http.Cookie{Name: name, Value: tok, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode})
	// Later reads in this request see the new cookie, not the refused one.
	replaceCookie(r, name, tok)
	return tok
}

// replaceCookie sets the request's cookie name to value, dropping any other
// of that name.
func replaceCookie(r *http.Request, name, value string) {
	cs := r.Cookies()
	r.Header.Del("Cookie")
	for _, c := range cs {
		if c.Name != name {
			r.AddCookie(c)
		}
	}
	r.AddCookie(&http.Cookie{Name: name, Value: value})
}

func (s *Server) setSession(w http.ResponseWriter, r *http.Request, sess auth.Session) {
	s.setCookie(w, r, &http.Cookie{Name: sessionCookie, Value: sess.Token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Expires: sess.ExpiresAt})
}

// setCookie sets c, Secure when the browser reached us over HTTPS or the
// server is reached over HTTPS only.
func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, c *http.Cookie) {
	c.Secure = s.Secure || r.TLS != nil
	http.SetCookie(w, c)
}

func (s *Server) clearCookie(w http.ResponseWriter, r *http.Request, name string) {
	s.setCookie(w, r, &http.Cookie{Name: name, Value: "", Path: "/", HttpOnly: true, MaxAge: -1,
		SameSite: http.SameSiteLaxMode})
}

func (s *Server) user(r *http.Request) *auth.User {
	if sess := state(r).sess; sess != nil {
		return &sess.User
	}
	return nil
}

// Page is what every template gets.
type Page struct {
	Lang    string
	Title   string
	User    *auth.User
	CSRF    string
	Big     bool
	Path    string // the current path and query, for the language switch
	Staff   bool   // staff layout
	Wide    bool   // use the whole width of the screen (the hotline console)
	Demo    bool
	Flash   string
	Err     string // the message of a failed form, in the page's language
	ErrCode string
	Form    url.Values // what the user typed, to fill the form again
	Data    any
	Kiosk   *KioskBar // on a self-service terminal (kiosk.go)
	// Practice: the page is the practice sandbox's (a banner says so);
	// PracticeOffer: the account page offers to start practising.
	Practice, PracticeOffer bool
}

// V returns a value the user typed.
func (p *Page) V(key string) string {
	if p.Form == nil {
		return ""
	}
	return p.Form.Get(key)
}

func (s *Server) page(w http.ResponseWriter, r *http.Request, title string) *Page {
	p := &Page{Lang: state(r).lang, Title: title, User: s.user(r), Demo: s.Demo,
		Path: r.URL.RequestURI(), Staff: strings.HasPrefix(r.URL.Path, "/staff")}
	if c, err := r.Cookie(bigCookie); err == nil && c.Value == "1" {
		p.Big = true
	}
	p.CSRF = s.csrfToken(w, r)
	if r.Method == http.MethodPost {
		p.Form = r.PostForm
		if r.Referer() != "" {
			if u, err := url.Parse(r.Referer()); err == nil && u.Host == r.Host && localTarget(u.RequestURI()) {
				p.Path = u.RequestURI()
			}
		}
	}
	s.kioskPage(r, p)
	p.Practice, p.PracticeOffer = s.PracticeSandbox, s.Practice != nil
	return p
}

// render writes the page with the status, through a buffer so a template
// error becomes a clean 500.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *Page) {
	t := s.pages[p.Lang][name]
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.Log.Error("render page", "page", name, "err", err)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte("系统内部错误，请稍后再试 / internal error, please try again later\n"))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// statusOf maps a domain error to its HTTP status.
func statusOf(err error) int { return errs.HTTPStatus(errs.CodeOf(err)) }

// formError puts err on the page in its language and returns the status;
// internal errors are logged and shown plainly.
func (s *Server) formError(r *http.Request, p *Page, err error) int {
	e := errs.As(err)
	if errs.Logged(e.Code) {
		s.Log.Error("web request", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	p.Err, p.ErrCode = e.Msg, string(e.Code)
	if p.Lang == "en" {
		p.Err = e.MsgEn
	}
	return statusOf(e)
}

// fail renders the error page for err.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	title := "error.title"
	if errs.Is(err, errs.Unavailable) {
		title = "error.unavailable"
	}
	p := s.page(w, r, title)
	status := s.formError(r, p, err)
	errs.SetRetryAfter(w.Header(), err)
	s.render(w, r, status, "error", p)
}

// redirect sends the browser on with 303. Every target passes localTarget:
// one that does not (a bug, or input that slipped through) goes home.
func redirect(w http.ResponseWriter, r *http.Request, to string) {
	if !localTarget(to) {
		to = "/"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// backPath returns the local path in the query or form value key, or def.
func backPath(r *http.Request, key, def string) string {
	if b := r.FormValue(key); localTarget(b) {
		return b
	}
	return def
}

func (s *Server) setLang(w http.ResponseWriter, r *http.Request) {
	to := "zh"
	if r.URL.Query().Get("to") == "en" {
		to = "en"
	}
	s.setCookie(w, r, &http.Cookie{Name: langCookie, Value: to, Path: "/", MaxAge: 365 * 24 * 3600,
		SameSite: http.SameSiteLaxMode, HttpOnly: true})
	redirect(w, r, backPath(r, "back", "/"))
}

// setBig turns the elderly mode on or off on this device (a cookie) and,
// for a logged-in resident, on her account, so it follows her to the next
// device she logs in on.
func (s *Server) setBig(w http.ResponseWriter, r *http.Request) {
	on := r.URL.Query().Get("on") == "1"
	s.setBigCookie(w, r, on)
	if u := s.user(r); u != nil && u.Role == auth.RoleResident {
		if err := s.Auth.SetLargeText(r.Context(), *u, on); err != nil {
			s.Log.Warn("keep the elderly mode on the account", "err", err)
		}
	}
	redirect(w, r, backPath(r, "back", "/"))
}

func (s *Server) setBigCookie(w http.ResponseWriter, r *http.Request, on bool) {
	if on {
		s.setCookie(w, r, &http.Cookie{Name: bigCookie, Value: "1", Path: "/", MaxAge: 365 * 24 * 3600,
			SameSite: http.SameSiteLaxMode, HttpOnly: true})
	} else {
		s.clearCookie(w, r, bigCookie)
	}
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	to := "/"
	if sess := state(r).sess; sess != nil {
		if sess.User.Role.StaffAccount() {
			to = "/staff/login"
		}
		if err := s.Auth.Logout(r.Context(), sess.Token); err != nil {
			s.Log.Error("logout", "err", err)
		}
	}
	s.clearCookie(w, r, sessionCookie)
	redirect(w, r, to)
}

// fmtTime shows a time in Beijing time as 2006-01-02 15:04.
func (s *Server) fmtTime(v any) string {
	switch t := v.(type) {
	case time.Time:
		if t.IsZero() {
			return "—"
		}
		return t.In(s.loc).Format("2006-01-02 15:04")
	case *time.Time:
		if t == nil || t.IsZero() {
			return "—"
		}
		return t.In(s.loc).Format("2006-01-02 15:04")
	}
	return "—"
}
