package web

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/limit"
)

// A guest finds all her tickets on /track by her phone and a one-time code
// (按手机号查询), without an account: the code sent to the phone (through the
// login's sender, under the login's limits) proves it, and a sealed cookie,
// gz_phone, carries the proof for half an hour, like gz_lookup does for one
// ticket (lookup.go): to /track/mine, her list, and to each of her tickets'
// pages. The answer to "send me a code" is the same whether or not the phone
// has tickets, so the page tells nobody which phones have; every try of a
// code counts against the client's address, and a code dies after a few
// wrong guesses.
const phoneCookie = "gz_phone"

// TrackData is the state of the look-up by phone on /track: Step 2 once a
// code is sent.
type TrackData struct {
	Step    int
	DevCode string
}

// setPhoneProof gives the browser the sealed proof that it holds phone.
func (s *Server) setPhoneProof(w http.ResponseWriter, r *http.Request, phone string) {
	exp := time.Now().Add(lookupTTL)
	plain := phone + "\x00" + strconv.FormatInt(exp.Unix(), 10)
	nonce := make([]byte, s.lookupAEAD.NonceSize())
	rand.Read(nonce)
	sealed := s.lookupAEAD.Seal(nonce, nonce, []byte(plain), []byte(phoneCookie))
	s.setCookie(w, r, &http.Cookie{Name: phoneCookie, Value: base64.RawURLEncoding.EncodeToString(sealed),
		Path: "/", MaxAge: int(lookupTTL / time.Second), HttpOnly: true, SameSite: http.SameSiteStrictMode})
}

// phoneGuest returns the guest whose phone the request's cookie proves, or
// nil. The ticket capability decides what of hers she may see.
func (s *Server) phoneGuest(r *http.Request) *auth.User {
	c, err := r.Cookie(phoneCookie)
	if err != nil {
		return nil
	}
	sealed, err := base64.RawURLEncoding.DecodeString(c.Value)
	ns := s.lookupAEAD.NonceSize()
	if err != nil || len(sealed) < ns {
		return nil
	}
	plain, err := s.lookupAEAD.Open(nil, sealed[:ns], sealed[ns:], []byte(phoneCookie))
	if err != nil {
		return nil
	}
	f := strings.Split(string(plain), "\x00")
	if len(f) != 2 || !auth.ValidPhone(f[0]) {
		return nil
	}
	exp, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil || time.Now().Unix() > exp {
		return nil
	}
	return &auth.User{Role: auth.RoleResident, Phone: f[0]}
}

// trackPhoneCode sends a code to the phone typed on /track.
func (s *Server) trackPhoneCode(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "track.title")
	d := &TrackData{Step: 1}
	p.Data = d
	code, ok := s.requestCode(w, r, p, "track")
	if !ok {
		return
	}
	p.Form.Set("phone", auth.NormalizePhone(r.PostForm.Get("phone")))
	d.Step, d.DevCode = 2, code
	p.Flash = tr(p.Lang, "login.sent")
	s.render(w, r, http.StatusOK, "track", p)
}

// trackPhone checks the code and leads to her list.
func (s *Server) trackPhone(w http.ResponseWriter, r *http.Request) {
	err := limit.Check(s.Limits.TrackIP, limit.ClientIP(r))
	var phone string
	if err == nil {
		phone, err = s.Auth.VerifyCode(r.Context(), r.PostForm.Get("phone"), strings.TrimSpace(r.PostForm.Get("code")))
	}
	if err != nil {
		p := s.page(w, r, "track.title")
		p.Data = &TrackData{Step: 2}
		status := s.formError(r, p, err)
		errs.SetRetryAfter(w.Header(), err)
		s.render(w, r, status, "track", p)
		return
	}
	s.setPhoneProof(w, r, phone)
	redirect(w, r, "/track/mine")
}

// trackMine is the list of the guest's tickets; a logged-in resident has
// hers on /my.
func (s *Server) trackMine(w http.ResponseWriter, r *http.Request) {
	if u := s.user(r); u != nil {
		redirect(w, r, "/my")
		return
	}
	g := s.phoneGuest(r)
	if g == nil {
		redirect(w, r, "/track")
		return
	}
	s.renderMine(w, r, *g, "/track/mine", true)
}

// trackForget ends the guest's proof of her phone (a shared device).
func (s *Server) trackForget(w http.ResponseWriter, r *http.Request) {
	s.clearCookie(w, r, phoneCookie)
	redirect(w, r, "/track")
}
