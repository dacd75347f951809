package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/kiosk"
	"github.com/gongzhi/gongzhi/internal/limit"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// The self-service terminals' pages (自助终端): the enrolment of a
// terminal's browser, the kiosk start page where a resident identifies with
// her phone and a one-time code for one visit, the receipt to print, and
// the heartbeat. Which browser is a terminal, and when a visit ends, is
// the kiosk capability's; this file only maps.

const kioskCookie = "gz_kiosk" // the enrolled terminal's token

var errKioskMonth = errs.Invalidf("月份格式应为 2026-01", "the month must look like 2026-01")

var errNoKiosk = errs.New(errs.Unavailable, "自助终端功能未启用", "self-service terminals are not enabled")

func (s *Server) kioskRoutes(h route) {
	h("GET /kiosk/enrol", s.kioskEnrolForm)
	h("POST /kiosk/enrol", s.kioskEnrol)
	h("GET /kiosk", s.kioskStart)
	h("POST /kiosk/code", s.kioskCode)
	h("POST /kiosk/login", s.kioskLogin)
	h("POST /kiosk/end", s.kioskEnd)
	h("GET /kiosk/beat", s.kioskBeat)
	h("GET /kiosk/receipt/{number}", s.kioskReceipt)
	h("GET /staff/kiosks", s.kioskStaff)
	h("POST /staff/kiosks", s.kioskRegister)
	h("POST /staff/kiosks/{id}/rekey", s.kioskRekey)
}

// KioskBar is the terminal's line on every page it shows: the spoken
// prompt of the step, the button that ends the visit, the idle time.
type KioskBar struct {
	Prompt      string // a key of kiosk.prompt.*
	InVisit     bool
	IdleSeconds int
}

func kioskCookieOf(r *http.Request) string {
	if c, err := r.Cookie(kioskCookie); err == nil {
		return c.Value
	}
	return ""
}

// kioskPage puts the kiosk's bar on a resident page shown on a terminal,
// and the elderly mode with it.
func (s *Server) kioskPage(r *http.Request, p *Page) {
	if s.Kiosk == nil || p.Staff || kioskCookieOf(r) == "" {
		return
	}
	p.Big = true
	step := "other"
	path := r.URL.Path
	switch {
	case path == "/kiosk/enrol":
		return
	case path == "/kiosk" || path == "/kiosk/code" || path == "/kiosk/login":
		step = "phone"
	case path == "/submit":
		step = "file"
	case strings.HasPrefix(path, "/kiosk/receipt/"):
		step = "receipt"
	case path == "/my":
		step = "my"
	case strings.HasPrefix(path, "/tickets/"):
		step = "ticket"
	}
	p.Kiosk = &KioskBar{Prompt: "kiosk.prompt." + step, IdleSeconds: int(kiosk.IdleTimeout / time.Second),
		InVisit: p.User != nil && p.User.Role == auth.RoleResident}
}

// kioskIdle holds the server's idle bound for a terminal's browser: a
// resident's session there is a visit's, ended after the idle time; a
// resident's session that is no visit's (a login outside the kiosk start)
// is not kept on a terminal. It reports whether it answered the request.
func (s *Server) kioskIdle(w http.ResponseWriter, r *http.Request, sess *auth.Session) bool {
	if s.Kiosk == nil || sess == nil || sess.User.Role != auth.RoleResident || kioskCookieOf(r) == "" || r.URL.Path == "/kiosk/beat" {
		return false
	}
	_, ok, err := s.Kiosk.Touch(r.Context(), sess.Token)
	if err == nil && ok {
		return false
	}
	if err != nil && err != kiosk.ErrIdle {
		s.Log.Error("kiosk touch", "err", err)
		return false
	}
	if err := s.Auth.Logout(r.Context(), sess.Token); err != nil {
		s.Log.Error("kiosk logout", "err", err)
	}
	s.clearCookie(w, r, sessionCookie)
	redirect(w, r, "/kiosk?idle=1")
	return true
}

// kioskFiledTo is where the resident goes after filing: on a terminal, in
// a visit, the receipt to print; elsewhere the page of the number.
func (s *Server) kioskFiledTo(r *http.Request, number string) string {
	sess := state(r).sess
	if s.Kiosk == nil || sess == nil || kioskCookieOf(r) == "" {
		return "/submitted/" + number
	}
	if err := s.Kiosk.TicketFiled(r.Context(), sess.Token, number); err != nil {
		s.Log.Error("kiosk ticket", "err", err)
		return "/submitted/" + number
	}
	if _, ok, _ := s.Kiosk.Visit(r.Context(), sess.Token); ok {
		return "/kiosk/receipt/" + number
	}
	return "/submitted/" + number
}

// KioskData is the state of the kiosk start page.
type KioskData struct {
	Terminal kiosk.Terminal
	Step     int // 1: phone, 2: code, 3: in a visit
	DevCode  string
	Idle     bool // the last visit ended for want of input
}

// terminal returns the enrolled terminal of this browser, or sends it to
// the enrolment page.
func (s *Server) terminal(w http.ResponseWriter, r *http.Request) *kiosk.Terminal {
	if s.Kiosk == nil {
		s.fail(w, r, errNoKiosk)
		return nil
	}
	t, err := s.Kiosk.Terminal(r.Context(), kioskCookieOf(r))
	if errs.Is(err, errs.Unauthorized) {
		redirect(w, r, "/kiosk/enrol")
		return nil
	}
	if err != nil {
		s.fail(w, r, err)
		return nil
	}
	return &t
}

func (s *Server) kioskStart(w http.ResponseWriter, r *http.Request) {
	t := s.terminal(w, r)
	if t == nil {
		return
	}
	s.setBigCookie(w, r, true)
	p := s.page(w, r, "kiosk.title")
	d := &KioskData{Terminal: *t, Step: 1, Idle: r.URL.Query().Get("idle") == "1"}
	if u := p.User; u != nil && u.Role == auth.RoleResident {
		d.Step = 3
		p.Kiosk.Prompt = "kiosk.prompt.menu"
	}
	if d.Idle {
		p.Flash = tr(p.Lang, "kiosk.idle")
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "kiosk", p)
}

func (s *Server) kioskCode(w http.ResponseWriter, r *http.Request) {
	t := s.terminal(w, r)
	if t == nil {
		return
	}
	p := s.page(w, r, "kiosk.title")
	d := &KioskData{Terminal: *t, Step: 1}
	p.Data = d
	code, ok := s.requestCode(w, r, p, "kiosk")
	if !ok {
		return
	}
	d.Step, d.DevCode = 2, code
	p.Kiosk.Prompt = "kiosk.prompt.code"
	p.Flash = tr(p.Lang, "login.sent")
	s.render(w, r, http.StatusOK, "kiosk", p)
}

func (s *Server) kioskLogin(w http.ResponseWriter, r *http.Request) {
	t := s.terminal(w, r)
	if t == nil {
		return
	}
	sess, err := s.Auth.LoginWithCode(r.Context(), r.PostForm.Get("phone"), strings.TrimSpace(r.PostForm.Get("code")), auth.KindWeb)
	if err == nil {
		if _, err = s.Kiosk.StartVisit(r.Context(), *t, sess.User, sess.Token); err != nil {
			s.Auth.Logout(r.Context(), sess.Token)
		}
	}
	if err != nil {
		p := s.page(w, r, "kiosk.title")
		p.Data = &KioskData{Terminal: *t, Step: 2}
		p.Kiosk.Prompt = "kiosk.prompt.code"
		status := s.formError(r, p, err)
		s.render(w, r, status, "kiosk", p)
		return
	}
	// A cookie of the browser's session only: nothing is remembered on a
	// terminal beyond the visit.
	s.setCookie(w, r, &http.Cookie{Name: sessionCookie, Value: sess.Token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	redirect(w, r, "/kiosk")
}

// kioskEnd ends the visit: the session is logged out on the server.
func (s *Server) kioskEnd(w http.ResponseWriter, r *http.Request) {
	if sess := state(r).sess; sess != nil && s.Kiosk != nil {
		if err := s.Kiosk.EndVisit(r.Context(), sess.Token); err != nil {
			s.Log.Error("kiosk end", "err", err)
		}
		if err := s.Auth.Logout(r.Context(), sess.Token); err != nil {
			s.Log.Error("kiosk logout", "err", err)
		}
	}
	s.clearCookie(w, r, sessionCookie)
	redirect(w, r, "/kiosk")
}

// kioskBeat is the terminal page's heartbeat (GET, as it changes nothing
// but the terminal's last sign of life; the cookie is SameSite=Lax, so
// another site's page cannot send it).
func (s *Server) kioskBeat(w http.ResponseWriter, r *http.Request) {
	if s.Kiosk == nil {
		s.fail(w, r, errNoKiosk)
		return
	}
	if _, err := s.Kiosk.Heartbeat(r.Context(), kioskCookieOf(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) kioskEnrolForm(w http.ResponseWriter, r *http.Request) {
	if s.Kiosk == nil {
		s.fail(w, r, errNoKiosk)
		return
	}
	p := s.page(w, r, "kiosk.enrol.title")
	s.render(w, r, http.StatusOK, "kiosk_enrol", p)
}

func (s *Server) kioskEnrol(w http.ResponseWriter, r *http.Request) {
	if s.Kiosk == nil {
		s.fail(w, r, errNoKiosk)
		return
	}
	// Enrolment keys are guessed like ticket numbers: the same bound per address.
	if s.Limits != nil && s.Limits.TrackIP != nil {
		if err := limit.Check(s.Limits.TrackIP, limit.ClientIP(r)); err != nil {
			errs.SetRetryAfter(w.Header(), err)
			s.fail(w, r, err)
			return
		}
	}
	_, cookie, err := s.Kiosk.Enrol(r.Context(), r.PostForm.Get("key"))
	if err != nil {
		p := s.page(w, r, "kiosk.enrol.title")
		status := s.formError(r, p, err)
		s.render(w, r, status, "kiosk_enrol", p)
		return
	}
	s.setCookie(w, r, &http.Cookie{Name: kioskCookie, Value: cookie, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, MaxAge: int(kiosk.CookieTTL / time.Second)})
	s.setBigCookie(w, r, true)
	redirect(w, r, "/kiosk")
}

// ReceiptData is the printed receipt: the number, the date, what comes
// next, and the phone masked; nothing else of the resident.
type ReceiptData struct {
	Number   string
	Filed    time.Time
	Phone    string
	Terminal string
}

func (s *Server) kioskReceipt(w http.ResponseWriter, r *http.Request) {
	u := s.resident(w, r)
	if u == nil {
		return
	}
	number := r.PathValue("number")
	if !ticket.ValidNumber(number) {
		s.fail(w, r, errs.NotFoundf("未找到该工单", "no such ticket"))
		return
	}
	t, err := s.Tickets.Get(r.Context(), *u, number)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "kiosk.receipt.title")
	d := &ReceiptData{Number: t.Number, Filed: t.CreatedAt, Phone: maskPhone(u.Phone)}
	if s.Kiosk != nil {
		if term, err := s.Kiosk.Terminal(r.Context(), kioskCookieOf(r)); err == nil {
			d.Terminal = term.Name
		}
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "kiosk_receipt", p)
}

// maskPhone keeps the first three and last four digits of a phone.
func maskPhone(p string) string {
	if len(p) < 8 {
		return strings.Repeat("*", len(p))
	}
	return p[:3] + strings.Repeat("*", len(p)-7) + p[len(p)-4:]
}
