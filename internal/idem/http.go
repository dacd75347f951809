package idem

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"time"
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

// Serve answers a request that carries the key k: with the stored first
// answer (marked Idempotent-Replayed: true, sent as contentType) when there
// is one, or else by running next with k in its context and storing what it
// answered. Server faults (5xx) are not stored, so a retry may succeed. An
// error is returned only when the look-up failed, before anything was
// written; the caller answers it in its own format.
func (s *Store) Serve(w http.ResponseWriter, r *http.Request, k Key, now time.Time, contentType string, log *slog.Logger, next http.HandlerFunc) error {
	ans, found, err := s.Lookup(r.Context(), k)
	if err != nil {
		return err
	}
	if found {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Idempotent-Replayed", "true")
		w.WriteHeader(ans.Status)
		w.Write(ans.Body)
		return nil
	}
	rec := &recorder{header: w.Header()}
	next(rec, r.WithContext(With(r.Context(), k)))
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	if rec.status < 500 {
		// The change is made: a client that went away does not stop its answer being kept.
		if err := s.Save(context.WithoutCancel(r.Context()), k, now, Answer{Status: rec.status, Body: rec.body.Bytes()}); err != nil {
			log.Error("store idempotent answer", "err", err)
		}
	}
	w.WriteHeader(rec.status)
	w.Write(rec.body.Bytes())
	return nil
}
