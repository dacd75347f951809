package web

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
)

// A guest who is not logged in sees her ticket on the lookup page by proving
// its number and her phone (POST /track). The photos on that page are
// fetched by the browser in requests of their own, which carry no form: the
// proof is carried by a cookie set with the page.
//
// The cookie, gz_lookup, holds the ticket number, the proved phone and an
// expiry 30 minutes on, sealed with AES-256-GCM under the server's lookup
// key (made at random on first start and kept in the database, so every
// process of the server and the server after a restart accept it): it can be
// neither read (the phone stays hidden from whatever sees the cookie) nor
// forged nor moved to another ticket, and it is no longer accepted after its
// expiry. Its Path is /tickets/{number}, so it is sent only to that ticket's
// own pages and photos; HttpOnly keeps it from scripts; SameSite=Strict keeps
// other sites from using it; nothing goes into a URL that could be shared or
// logged.
// With it the guest can also open /tickets/{number} again (after adding a
// photo, or a reload) without typing the phone once more.
const (
	lookupCookie = "gz_lookup"
	lookupTTL    = 30 * time.Minute
)

func newLookupAEAD(key []byte) (cipher.AEAD, error) {
	if key == nil {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func lookupPath(number string) string { return "/tickets/" + number }

// setLookup gives the browser the sealed proof that it knows the phone of
// the ticket.
func (s *Server) setLookup(w http.ResponseWriter, r *http.Request, number, phone string) {
	exp := time.Now().Add(lookupTTL)
	plain := number + "\x00" + phone + "\x00" + strconv.FormatInt(exp.Unix(), 10)
	nonce := make([]byte, s.lookupAEAD.NonceSize())
	rand.Read(nonce)
	sealed := s.lookupAEAD.Seal(nonce, nonce, []byte(plain), []byte(lookupCookie))
	s.setCookie(w, r, &http.Cookie{Name: lookupCookie, Value: base64.RawURLEncoding.EncodeToString(sealed),
		Path: lookupPath(number), MaxAge: int(lookupTTL / time.Second), HttpOnly: true,
		SameSite: http.SameSiteStrictMode})
}

// lookupGuest returns the guest the request's cookie proves for the ticket,
// or nil.
func (s *Server) lookupGuest(r *http.Request, number string) *auth.User {
	for _, c := range r.Cookies() {
		if c.Name != lookupCookie {
			continue
		}
		sealed, err := base64.RawURLEncoding.DecodeString(c.Value)
		ns := s.lookupAEAD.NonceSize()
		if err != nil || len(sealed) < ns {
			continue
		}
		plain, err := s.lookupAEAD.Open(nil, sealed[:ns], sealed[ns:], []byte(lookupCookie))
		if err != nil {
			continue
		}
		f := strings.Split(string(plain), "\x00")
		if len(f) != 3 || f[0] != number {
			continue
		}
		exp, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil || time.Now().Unix() > exp {
			continue
		}
		return &auth.User{Role: auth.RoleResident, Phone: f[1]}
	}
	// Or a guest who proved her phone for all her tickets (phonetrack.go).
	return s.phoneGuest(r)
}
