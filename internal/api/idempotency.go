package api

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/idem"
)

// recorder keeps a response so it can be stored as the first answer.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

// idempotent makes a POST safe to retry: with an Idempotency-Key header, the
// first answer is stored and every retry gets it back, marked with
// Idempotent-Replayed: true. Keys are scoped to the caller.
func (a *API) idempotent(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("Idempotency-Key")
		if key == "" || a.Idem == nil {
			next(w, r)
			return
		}
		if !idem.Valid(key) {
			a.fail(w, r, errs.Invalidf("Idempotency-Key 须为1到%d个可见ASCII字符", "Idempotency-Key must be 1 to %d visible ASCII characters", idem.MaxKey))
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			a.fail(w, r, errTooLarge)
			return
		}
		if err != nil {
			a.fail(w, r, errs.Invalidf("无法读取请求内容", "could not read the request body"))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		scope := "anon"
		u, ok, err := a.caller(r)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if ok {
			scope = "user:" + u.ID
		}
		r = withCaller(r, u, ok)
		k := idem.Key{Scope: scope, Key: key, RequestHash: idem.Hash(r.Method, r.URL.Path, body)}
		ans, found, err := a.Idem.Lookup(r.Context(), k)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if found {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.Header().Set("Idempotent-Replayed", "true")
			w.WriteHeader(ans.Status)
			w.Write(ans.Body)
			return
		}
		rec := &recorder{header: w.Header()}
		next(rec, r.WithContext(idem.With(r.Context(), k)))
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		// Server faults are not answers: a retry may succeed, so they are not kept.
		if rec.status < 500 {
			if err := a.Idem.Save(r.Context(), k, time.Now(), idem.Answer{Status: rec.status, Body: rec.body.Bytes()}); err != nil {
				a.Log.Error("store idempotent answer", "err", err)
			}
		}
		w.WriteHeader(rec.status)
		w.Write(rec.body.Bytes())
	}
}
