package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"time"

	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/idem"
)

// idempotent makes a POST safe to retry: with an Idempotency-Key header, the
// first answer is stored and every retry gets it back, marked with
// Idempotent-Replayed: true. Keys are scoped to the caller.
func (a *API) idempotent(next http.HandlerFunc) http.HandlerFunc {
	return a.idempotentUpTo(MaxBody, errTooLarge, nil, next)
}

// idempotentWithout is idempotent for a JSON body that carries a secret in
// the named fields (the new account's password): the stored request hash
// leaves them out, since a fast hash of a password kept for a day (and in
// every backup) could be reversed by guessing. A retry that differs only in
// those fields is taken as the same request.
func (a *API) idempotentWithout(fields []string, next http.HandlerFunc) http.HandlerFunc {
	return a.idempotentUpTo(MaxBody, errTooLarge, fields, next)
}

// idempotentUpload is idempotent for an upload: the body, up to MaxUpload,
// is hashed on its way to a temporary file, never held whole in memory.
func (a *API) idempotentUpload(next http.HandlerFunc) http.HandlerFunc {
	return a.idempotentUpTo(MaxUpload, errUploadTooLarge, nil, next)
}

func (a *API) idempotentUpTo(limit int64, tooLarge error, secret []string, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key, ok := a.idemKey(w, r, next)
		if !ok {
			return
		}
		if r.ContentLength > limit {
			a.fail(w, r, tooLarge)
			return
		}
		target := r.URL.Path
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		h := idem.NewHash(r.Method, target)
		src := io.Reader(http.MaxBytesReader(w, r.Body, limit))
		if secret == nil {
			src = io.TeeReader(src, h)
		}
		body, cleanup, err := keepBody(src, limit > MaxBody)
		defer cleanup()
		var mbe *http.MaxBytesError
		var ours *errs.Error
		switch {
		case errors.As(err, &mbe):
			a.fail(w, r, tooLarge)
			return
		case errors.As(err, &ours):
			a.fail(w, r, err) // the temporary file failed: ours, not the caller's
			return
		case err != nil:
			a.fail(w, r, errs.Invalidf("无法读取请求内容", "could not read the request body"))
			return
		}
		if secret != nil {
			b, _ := io.ReadAll(body) // in memory: bodies with secrets are small
			h.Write(withoutFields(b, secret))
			body = io.NopCloser(bytes.NewReader(b))
		}
		r.Body = body
		r, scope, err := a.keyScope(r)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		k := idem.Key{Scope: scope, Key: key, RequestHash: idem.Sum(h)}
		if err := a.Idem.Serve(w, r, k, time.Now(), "application/json; charset=utf-8", a.Log, next); err != nil {
			a.fail(w, r, err)
		}
	}
}

// withoutFields returns a JSON object with the named fields removed, its
// other fields in a fixed order; a body that is not a JSON object gives
// nothing (the handler refuses it anyway), so no secret reaches the hash.
func withoutFields(body []byte, fields []string) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return nil
	}
	for _, f := range fields {
		delete(m, f)
	}
	out, _ := json.Marshal(m) // map keys are sorted
	return out
}

// idempotentSecret takes an Idempotency-Key on a POST whose answer carries a
// secret: the answer is never stored, and a retry with the key is answered
// 409 (see idem.Store.ServeOnce). The stored request hash covers the method
// and path, never the body: a hash of a login request is a fast hash of its
// password.
func (a *API) idempotentSecret(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key, ok := a.idemKey(w, r, next)
		if !ok {
			return
		}
		r, scope, err := a.keyScope(r)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		k := idem.Key{Scope: scope, Key: key, RequestHash: idem.Hash(r.Method, r.URL.Path, nil)}
		if err := a.Idem.ServeOnce(w, r, k, time.Now(), a.Log, next); err != nil {
			a.fail(w, r, err)
		}
	}
}

// keepBody reads src whole and returns a body that reads it again: from
// memory, or from a temporary file when toFile is set. cleanup removes the
// file; it is never nil.
func keepBody(src io.Reader, toFile bool) (body io.ReadCloser, cleanup func(), err error) {
	if !toFile {
		b, err := io.ReadAll(src)
		return io.NopCloser(bytes.NewReader(b)), func() {}, err
	}
	f, err := os.CreateTemp("", "gongzhi-upload-*")
	if err != nil {
		return nil, func() {}, errs.Wrap(err, "spool upload")
	}
	cleanup = func() { f.Close(); os.Remove(f.Name()) }
	if _, err := io.Copy(f, src); err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, cleanup, errs.Wrap(err, "spool upload") // writing the file failed, not the caller
		}
		return nil, cleanup, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, cleanup, errs.Wrap(err, "spool upload")
	}
	return io.NopCloser(f), cleanup, nil
}

// keyScope reads the caller once for the handler behind and names whose keys
// the request's key is among: the user's, or the anonymous callers'.
func (a *API) keyScope(r *http.Request) (*http.Request, string, error) {
	u, ok, err := a.caller(r)
	if err != nil {
		return r, "", err
	}
	scope := "anon"
	if ok {
		scope = "user:" + u.ID
	}
	return withCaller(r, u, ok), scope, nil
}

// idemKey returns the request's Idempotency-Key. ok is false when the request
// has been answered already: served as it is when it has no key (or keys are
// off), refused when its key is malformed.
func (a *API) idemKey(w http.ResponseWriter, r *http.Request, next http.HandlerFunc) (key string, ok bool) {
	key = r.Header.Get("Idempotency-Key")
	if key == "" || a.Idem == nil {
		next(w, r)
		return "", false
	}
	if !idem.Valid(key) {
		a.fail(w, r, errs.Invalidf("Idempotency-Key 须为1到%d个可见ASCII字符", "Idempotency-Key must be 1 to %d visible ASCII characters", idem.MaxKey))
		return "", false
	}
	return key, true
}
