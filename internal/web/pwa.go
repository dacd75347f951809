package web

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/idem"
)

// The installable phone app: a manifest, icons drawn here, and a service
// worker served from the root so that its scope is the whole site.

// manifest answers GET /manifest.webmanifest in the visitor's language.
func (s *Server) manifest(w http.ResponseWriter, r *http.Request) {
	lang := state(r).lang
	m := map[string]any{
		"name":             tr(lang, "pwa.name"),
		"short_name":       tr(lang, "pwa.short"),
		"description":      tr(lang, "pwa.description"),
		"lang":             map[string]string{"zh": "zh-CN", "en": "en"}[lang],
		"start_url":        "/",
		"scope":            "/",
		"display":          "standalone",
		"background_color": "#f4f6f9",
		"theme_color":      "#b4262b",
		"icons": []map[string]string{
			{"src": "/icons/192.png", "sizes": "192x192", "type": "image/png", "purpose": "any maskable"},
			{"src": "/icons/512.png", "sizes": "512x512", "type": "image/png", "purpose": "any maskable"},
		},
	}
	w.Header().Set("Content-Type", "application/manifest+json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	json.NewEncoder(w).Encode(m)
}

var (
	iconOnce sync.Once
	icons    map[string][]byte // "192", "512" → PNG
)

// icon answers GET /icons/{file}: 192.png or 512.png.
func (s *Server) icon(w http.ResponseWriter, r *http.Request) {
	iconOnce.Do(func() {
		icons = map[string][]byte{"192": drawIcon(192), "512": drawIcon(512)}
	})
	size, ok := strings.CutSuffix(r.PathValue("file"), ".png")
	b := icons[size]
	if !ok || b == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Write(b)
}

// drawIcon draws the app's icon: the brand's red, filling the square (an
// Android mask may cut its corners), with a white speech bubble whose three
// dots say "tell us". Everything sits in the middle 60%, the safe zone of a
// maskable icon.
func drawIcon(n int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	red := color.NRGBA{0xb4, 0x26, 0x2b, 0xff}
	white := color.NRGBA{0xff, 0xff, 0xff, 0xff}
	f := float64(n)
	inBubble := func(x, y float64) bool {
		// A rounded rectangle from 22% to 78% across, 26% to 66% down,
		// and a tail below its left part.
		l, r, t, b, rad := 0.22*f, 0.78*f, 0.26*f, 0.66*f, 0.08*f
		cx, cy := clamp(x, l+rad, r-rad), clamp(y, t+rad, b-rad)
		if x >= l && x <= r && y >= t && y <= b && (x-cx)*(x-cx)+(y-cy)*(y-cy) <= rad*rad {
			return true
		}
		tx, ty := x-0.34*f, y-0.66*f // the tail: a triangle under the bubble
		return ty >= 0 && ty <= 0.12*f && tx >= 0 && tx <= 0.12*f-ty
	}
	inDot := func(x, y float64) bool {
		for _, dx := range []float64{0.36, 0.5, 0.64} {
			ddx, ddy := x-dx*f, y-0.46*f
			if ddx*ddx+ddy*ddy <= (0.045*f)*(0.045*f) {
				return true
			}
		}
		return false
	}
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			px, py := float64(x)+0.5, float64(y)+0.5
			c := red
			if inBubble(px, py) && !inDot(px, py) {
				c = white
			}
			img.SetNRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

func clamp(v, lo, hi float64) float64 { return max(lo, min(v, hi)) }

// serviceWorker answers GET /sw.js: the worker lives in static/ but must be
// served from the root for its scope to be the whole site.
func (s *Server) serviceWorker(w http.ResponseWriter, r *http.Request) {
	b, err := files.ReadFile("static/sw.js")
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(b)
}

// submitKey is the form field that carries a submission's Idempotency-Key
// when the browser sends the form itself (a header wins over it).
const submitKey = "idem_key"

// idemSubmit makes POST /submit safe to send again: a submission that
// carries an Idempotency-Key (the header, or the idem_key field the phone
// app adds to the form) creates one ticket however often it is sent. A
// resend after the first answer is sent straight to that ticket's page,
// photos not added again; a resend racing the first, or after a crash
// between the ticket and its answer, gets the same ticket from the
// ticket service, which claims the key in the ticket's own transaction.
func (s *Server) idemSubmit(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("Idempotency-Key")
		if key == "" {
			key = r.PostForm.Get(submitKey)
		}
		if key == "" {
			next(w, r)
			return
		}
		if !idem.Valid(key) {
			s.fail(w, r, errs.Invalidf("Idempotency-Key 须为1到%d个可见ASCII字符", "Idempotency-Key must be 1 to %d visible ASCII characters", idem.MaxKey))
			return
		}
		scope := "web:anon"
		if u := s.user(r); u != nil {
			scope = "web:user:" + u.ID
		}
		k := idem.Key{Scope: scope, Key: key, RequestHash: submitHash(r)}
		if s.Idem != nil {
			ans, found, err := s.Idem.Lookup(r.Context(), k)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			if found {
				w.Header().Set("Idempotent-Replayed", "true")
				redirect(w, r, "/submitted/"+string(ans.Body))
				return
			}
		}
		rec := &locationWriter{ResponseWriter: w}
		next(rec, r.WithContext(idem.With(r.Context(), k)))
		number, ok := strings.CutPrefix(rec.location, "/submitted/")
		if s.Idem != nil && rec.status == http.StatusSeeOther && ok {
			if err := s.Idem.Save(r.Context(), k, time.Now(), idem.Answer{Status: rec.status, Body: []byte(number)}); err != nil {
				s.Log.Error("store idempotent submission", "err", err)
			}
		}
	}
}

// submitHash is the request hash of a submission: its text fields, sorted,
// without the CSRF token (which a resend from the phone renews) and the key.
func submitHash(r *http.Request) string {
	h := idem.NewHash(r.Method, r.URL.Path)
	names := make([]string, 0, len(r.PostForm))
	for name := range r.PostForm {
		if name != "csrf" && name != submitKey {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		for _, v := range r.PostForm[name] {
			h.Write([]byte(name + "=" + v + "\x00"))
		}
	}
	return idem.Sum(h)
}

// locationWriter notes the status and the redirect a handler answers.
type locationWriter struct {
	http.ResponseWriter
	status   int
	location string
}

func (l *locationWriter) WriteHeader(code int) {
	if l.status == 0 {
		l.status, l.location = code, l.Header().Get("Location")
	}
	l.ResponseWriter.WriteHeader(code)
}
