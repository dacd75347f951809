package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Session kinds and their lifetimes.
const (
	KindWeb = "web"
	KindAPI = "api"

	WebSessionTTL = 12 * time.Hour
	APITokenTTL   = 24 * time.Hour
)

// Session is a logged-in user: a browser session (cookie) or an API bearer token.
type Session struct {
	Token     string    // shown once; only its hash is stored
	CSRF      string    // the form token of a web session
	User      User      //
	Kind      string    //
	ExpiresAt time.Time //
}

func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// openSession opens a session for u; a failure count under clearKey, if
// given, goes in the same transaction.
func (s *Service) openSession(ctx context.Context, u User, kind string, clearKey string) (Session, error) {
	ttl := APITokenTTL
	if kind == KindWeb {
		ttl = WebSessionTTL
	} else {
		kind = KindAPI
	}
	// The gate is asked before the session is written, so a refused
	// account leaves none behind.
	u, err := s.withScope(ctx, u)
	if err != nil {
		return Session{}, err
	}
	now := s.clock.Now()
	sess := Session{Token: randomToken(32), CSRF: randomToken(24), User: u, Kind: kind, ExpiresAt: now.Add(ttl).Truncate(time.Second)}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		// Expired sessions of this user go as a new one comes, so the table stays small.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND expires_at < $2`, u.ID, db.Millis(now)); err != nil {
			return errs.Wrap(err, "prune sessions")
		}
		if clearKey != "" {
			if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE key = $1`, clearKey); err != nil {
				return errs.Wrap(err, "clear login failures")
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, kind, csrf, created_at, expires_at, last_seen) VALUES ($1, $2, $3, $4, $5, $6, $5)`,
			hashToken(sess.Token), u.ID, kind, sess.CSRF, db.Millis(now), db.Millis(sess.ExpiresAt))
		return errs.Wrap(err, "insert session")
	})
	if err != nil {
		return Session{}, err
	}
	return sess, nil
}

// withScope fills in the level of the user's area and what her
// organisation's agreement grants (the gate may refuse her).
func (s *Service) withScope(ctx context.Context, u User) (User, error) {
	if u.AreaCode == "" {
		return s.admit(ctx, u)
	}
	if l, ok := s.levels.Load(u.AreaCode); ok {
		u.AreaLevel = l.(gov.Level)
		return s.admit(ctx, u)
	}
	a, err := s.gov.Area(ctx, u.AreaCode)
	if err != nil {
		return u, err
	}
	s.levels.Store(a.Code, a.Level)
	u.AreaLevel = a.Level
	return s.admit(ctx, u)
}

// Authenticate returns the session of a token (bearer or cookie) that is
// current and of the given kind.
func (s *Service) Authenticate(ctx context.Context, token, kind string) (Session, error) {
	if token == "" || len(token) > 100 {
		return Session{}, errs.ErrUnauthorized
	}
	// The session and its user in one query.
	var csrf string
	var expires, lastSeen int64
	u, _, err := scanUser(withExtra{s.db.QueryRow(ctx, s.db.R, sessionUserQuery, hashToken(token), kind), []any{&csrf, &expires, &lastSeen}})
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, errs.New(errs.Unauthorized, "登录已失效，请重新登录", "your session has ended, please log in again")
	}
	if err != nil {
		return Session{}, errs.Wrap(err, "get session")
	}
	exp := time.UnixMilli(expires)
	if !s.clock.Now().Before(exp) {
		return Session{}, errs.New(errs.Unauthorized, "登录已过期，请重新登录", "your session has expired, please log in again")
	}
	if u.Disabled {
		return Session{}, errDisabled
	}
	if kind == KindWeb && u.Role.StaffAccount() && s.opts.IdleTimeout > 0 {
		if err := s.seen(ctx, token, time.UnixMilli(lastSeen)); err != nil {
			return Session{}, err
		}
	}
	u, err = s.withScope(ctx, u)
	return Session{Token: token, CSRF: csrf, User: u, Kind: kind, ExpiresAt: exp}, err
}

// lastSeenEvery is how stale a session's last_seen may grow before a use
// writes it again: the idle timeout is kept to the minute without a write
// on every page.
const lastSeenEvery = time.Minute

// seen ends a staff web session that was idle past the timeout, and
// otherwise notes its use.
func (s *Service) seen(ctx context.Context, token string, last time.Time) error {
	now := s.clock.Now()
	idle := now.Sub(last)
	if idle >= s.opts.IdleTimeout {
		if err := s.Logout(ctx, token); err != nil {
			return err
		}
		return errs.New(errs.Unauthorized, "长时间未操作，登录已失效，请重新登录", "you were idle too long and have been logged out; please log in again")
	}
	if idle < lastSeenEvery {
		return nil
	}
	return s.db.GroupTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen = $1 WHERE token_hash = $2`, db.Millis(now), hashToken(token))
		return errs.Wrap(err, "session last seen")
	})
}

var sessionUserQuery = `SELECT u.` + strings.ReplaceAll(userCols, ", ", ", u.") + `, s.csrf, s.expires_at, s.last_seen
FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.kind = $2`

// withExtra scans a row whose last columns follow those its reader expects.
type withExtra struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.row.Scan(append(dest, w.extra...)...) }

// Logout ends the session of the token.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hashToken(token))
		return errs.Wrap(err, "logout")
	})
}

// EnsureAdmin creates the admin account on first start. It returns the
// password when it made one up, so the caller can print it once.
func (s *Service) EnsureAdmin(ctx context.Context, password string) (created bool, generated string, err error) {
	var n int
	if err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE username = 'admin'`).Scan(&n); err != nil {
		return false, "", errs.Wrap(err, "look for admin")
	}
	if n > 0 {
		return false, "", nil
	}
	if password == "" {
		password = randomPassword("admin")
		generated = password
	}
	_, err = s.CreateUser(ctx, System(), NewUser{Username: "admin", Password: password, Name: "系统管理员", Role: RoleAdmin})
	if errs.Is(err, errs.Conflict) { // another process made it first
		return false, "", nil
	}
	return err == nil, generated, err
}

// scopeLevelCoversUnplaced reports whether a scope at this level covers
// tickets that have no area code yet (a district or higher sees them).
func scopeLevelCoversUnplaced(l gov.Level) bool {
	return l == gov.LevelProvince || l == gov.LevelCity || l == gov.LevelDistrict
}
