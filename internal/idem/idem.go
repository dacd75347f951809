// Package idem makes POST requests safe to retry: a request that carries an
// Idempotency-Key gets, on every retry, the answer of its first run, and the
// change it made is never made twice.
//
// Two layers work together. The HTTP layer stores the first answer and replays
// it. The service layer claims the key inside the transaction of the change
// (ClaimTx), so that even when the process dies after committing and before
// the answer was stored, the retry finds the change and does not repeat it.
package idem

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"hash"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// MaxKey is the longest key accepted.
const MaxKey = 128

// TTL is how long keys are kept.
const TTL = 24 * time.Hour

// Key identifies one logical request: who sent it, the key, and a hash of
// the request itself (method, path and body).
type Key struct {
	Scope       string
	Key         string
	RequestHash string
}

type ctxKey struct{}

// With returns a context that carries k to the services.
func With(ctx context.Context, k Key) context.Context { return context.WithValue(ctx, ctxKey{}, k) }

// From returns the key the request carries, if any.
func From(ctx context.Context) (Key, bool) {
	k, ok := ctx.Value(ctxKey{}).(Key)
	return k, ok && k.Key != ""
}

// Valid reports whether s may be used as a key: 1 to MaxKey visible ASCII characters.
func Valid(s string) bool {
	if s == "" || len(s) > MaxKey {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// Hash returns the request hash of a method, a path and a body.
func Hash(method, path string, body []byte) string {
	h := NewHash(method, path)
	h.Write(body)
	return Sum(h)
}

// NewHash starts the request hash of a method and a path, for a body that
// is written to it as it streams; Sum gives the request hash.
func NewHash(method, path string) hash.Hash {
	h := sha256.New()
	h.Write([]byte(method + " " + path + "\n"))
	return h
}

// Sum returns the request hash that h has computed.
func Sum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

var errReused = errs.New(errs.Conflict, "该幂等键已用于另一个不同的请求", "this Idempotency-Key was already used for a different request")

// ClaimTx claims the key of ctx for a resource inside the caller's
// transaction. It returns the resource already recorded for the key when the
// request ran before (the caller then returns that resource instead of
// changing anything), or "" when the claim is new. Without a key it does
// nothing.
func ClaimTx(ctx context.Context, tx *sql.Tx, now time.Time, resource string) (existing string, err error) {
	k, ok := From(ctx)
	if !ok {
		return "", nil
	}
	// The claim first: a new key (the usual case) costs one statement. DO
	// NOTHING, not an update: on PostgreSQL a concurrent twin waits here for
	// the first claim to commit and must then see it, not overwrite it.
	insert, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (scope, key, request_hash, resource, created_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (scope, key) DO NOTHING`, k.Scope, k.Key, k.RequestHash, resource, db.Millis(now))
	if err != nil {
		return "", errs.Wrap(err, "claim idempotency key")
	}
	if n, _ := insert.RowsAffected(); n == 1 {
		return "", nil
	}
	var hash, res string
	err = tx.QueryRowContext(ctx, `SELECT request_hash, resource FROM idempotency_keys WHERE scope = $1 AND key = $2`, k.Scope, k.Key).Scan(&hash, &res)
	if err != nil {
		return "", errs.Wrap(err, "read idempotency key")
	}
	if hash != k.RequestHash {
		return "", errReused
	}
	if res == "" {
		return "", errInFlight
	}
	return res, nil
}

var errInFlight = errs.New(errs.Conflict, "相同幂等键的请求正在处理，请稍后重试", "a request with this Idempotency-Key is being processed; retry shortly")

// Answer is a stored first answer.
type Answer struct {
	Status int
	Body   []byte
}

// Store keeps the answers.
type Store struct{ db *db.DB }

// NewStore returns the store of answers in d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// Lookup returns the stored answer of a key. found is false when the request
// has not been answered yet. A key used for another request is a conflict.
func (s *Store) Lookup(ctx context.Context, k Key) (a Answer, found bool, err error) {
	d := s.db
	var hash, body string
	var status int
	err = d.R.QueryRowContext(ctx, `SELECT request_hash, status, response FROM idempotency_keys WHERE scope = $1 AND key = $2`, k.Scope, k.Key).Scan(&hash, &status, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return Answer{}, false, nil
	}
	if err != nil {
		return Answer{}, false, errs.Wrap(err, "read idempotency key")
	}
	if hash != k.RequestHash {
		return Answer{}, false, errReused
	}
	if status == 0 {
		return Answer{}, false, nil
	}
	return Answer{Status: status, Body: []byte(body)}, true, nil
}

// Save stores the first answer of a key; a later answer never replaces it.
// It joins the group commit of the moment instead of a commit of its own.
func (s *Store) Save(ctx context.Context, k Key, now time.Time, a Answer) error {
	return s.db.GroupTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (scope, key, request_hash, status, response, created_at) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (scope, key) DO UPDATE SET status = excluded.status, response = excluded.response WHERE idempotency_keys.status = 0`,
			k.Scope, k.Key, k.RequestHash, a.Status, string(a.Body), db.Millis(now))
		return errs.Wrap(err, "save idempotency answer")
	})
}

// Prune removes keys older than TTL.
func (s *Store) Prune(ctx context.Context, now time.Time) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, db.Millis(now.Add(-TTL)))
		return errs.Wrap(err, "prune idempotency keys")
	})
}
