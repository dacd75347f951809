package idem

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
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

var errShownOnce = errs.New(errs.Conflict, "该幂等键已使用过；令牌、密钥等机密只显示一次（在第一次答复中），请不带此键（或换一个新键）重新请求",
	"this Idempotency-Key was already used; a secret (a token, a key) is shown only once, in the first answer: send the request again without the key, or with a new one")

// ServeOnce answers a request with the key k whose answer carries a secret
// (a bearer token, an API key, a signing secret, a login code). Such an
// answer is never stored: kept for replay it would be a live credential in
// the database and in every backup for a day. The key is claimed before
// next runs and kept, without the answer, only when next succeeded, so that
// a retry is told the secret was already handed out (409) rather than
// getting it again or making a second one; a refused request frees the key
// for the retry. next does not see the key: the services must not claim it
// again.
func (s *Store) ServeOnce(w http.ResponseWriter, r *http.Request, k Key, now time.Time, log *slog.Logger, next http.HandlerFunc) error {
	claimed := false
	err := s.db.Tx(r.Context(), func(tx *sql.Tx) error {
		res, err := tx.ExecContext(r.Context(), `INSERT INTO idempotency_keys (scope, key, request_hash, created_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (scope, key) DO NOTHING`, k.Scope, k.Key, k.RequestHash, db.Millis(now))
		if err != nil {
			return errs.Wrap(err, "claim idempotency key")
		}
		n, _ := res.RowsAffected()
		claimed = n == 1
		return nil
	})
	if err != nil {
		return err
	}
	if !claimed {
		return errShownOnce
	}
	rec := &recorder{header: w.Header()}
	next(rec, r)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	// Whatever became of the client, the key's fate follows the answer.
	ctx := context.WithoutCancel(r.Context())
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if rec.status < 300 {
			_, err = tx.ExecContext(ctx, `UPDATE idempotency_keys SET status = $1 WHERE scope = $2 AND key = $3`, rec.status, k.Scope, k.Key)
		} else {
			_, err = tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status = 0`, k.Scope, k.Key)
		}
		return err
	})
	if err != nil {
		log.Error("settle idempotency key", "err", err)
	}
	w.WriteHeader(rec.status)
	w.Write(rec.body.Bytes())
	return nil
}
