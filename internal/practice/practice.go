// Package practice is the practice mode of an account: while it is on, the
// account works in a sandbox of its own (built and routed in internal/app),
// so the tickets it files or handles there never reach a unit, a webhook or
// an indicator. This package keeps who practises, since when, and every
// switch as an event.
//
// Who may switch is policy.go.
package practice

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Event kinds of practice_events.
const (
	EventOn  = "practice.on"
	EventOff = "practice.off"
)

// State is an account's practice mode.
type State struct {
	On    bool      `json:"on"`
	Since time.Time `json:"since,omitzero"`
}

// Service is the practice capability.
type Service struct {
	db    *db.DB
	clock clock.Clock

	// Whether any account practises, as last read (Anyone).
	anyMu   sync.Mutex
	anyRead time.Time
	anyOn   bool
}

// anyFor is how long Anyone's answer is kept: a switch on another server
// is seen within it, one on this server at once.
const anyFor = time.Second

// Anyone reports whether any account practises. Every request with a
// session asks it before anything else, so it is read from the database
// at most once per anyFor and costs nothing while nobody practises.
func (s *Service) Anyone(ctx context.Context) (bool, error) {
	s.anyMu.Lock()
	defer s.anyMu.Unlock()
	now := s.clock.Now()
	if !s.anyRead.IsZero() && now.Sub(s.anyRead) < anyFor && !now.Before(s.anyRead) {
		return s.anyOn, nil
	}
	var n int
	err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM practice_accounts LIMIT 1) x`).Scan(&n)
	if err != nil {
		return false, errs.Wrap(err, "anyone practising")
	}
	s.anyRead, s.anyOn = now, n > 0
	return s.anyOn, nil
}

// forget makes the next Anyone read the database.
func (s *Service) forget() {
	s.anyMu.Lock()
	s.anyRead = time.Time{}
	s.anyMu.Unlock()
}

// NewService returns the service.
func NewService(d *db.DB, c clock.Clock) *Service {
	return &Service{db: d, clock: c}
}

// On switches practice on for u. Switching on what is on changes nothing.
func (s *Service) On(ctx context.Context, u auth.User) (State, error) {
	return s.set(ctx, u, true)
}

// Off switches practice off for u.
func (s *Service) Off(ctx context.Context, u auth.User) (State, error) {
	return s.set(ctx, u, false)
}

func (s *Service) set(ctx context.Context, u auth.User, on bool) (State, error) {
	if !CanSwitch(u) {
		return State{}, errs.ErrForbidden
	}
	defer s.forget()
	now := s.clock.Now()
	var st State
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var since int64
		err := tx.QueryRowContext(ctx, `SELECT since FROM practice_accounts WHERE user_id = $1`, u.ID).Scan(&since)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return errs.Wrap(err, "practice state")
		}
		was := err == nil
		if was == on {
			if on {
				st = State{On: true, Since: time.UnixMilli(since)}
			}
			return nil
		}
		kind := EventOff
		if on {
			kind = EventOn
			_, err = tx.ExecContext(ctx, `INSERT INTO practice_accounts (user_id, since) VALUES ($1, $2)`, u.ID, db.Millis(now))
			st = State{On: true, Since: time.UnixMilli(db.Millis(now))}
		} else {
			_, err = tx.ExecContext(ctx, `DELETE FROM practice_accounts WHERE user_id = $1`, u.ID)
		}
		if err != nil {
			return errs.Wrap(err, "practice switch")
		}
		return db.AppendEvent(ctx, tx, db.Event{Table: "practice_events", KeyColumn: "user_id", Key: u.ID,
			At: now, Actor: u.ID, Kind: kind})
	})
	if err != nil {
		return State{}, err
	}
	return st, nil
}

// State reads whether the account practises.
func (s *Service) State(ctx context.Context, userID string) (State, error) {
	var since int64
	err := s.db.QueryRow(ctx, s.db.W, `SELECT since FROM practice_accounts WHERE user_id = $1`, userID).Scan(&since)
	if errors.Is(err, sql.ErrNoRows) {
		return State{}, nil
	}
	if err != nil {
		return State{}, errs.Wrap(err, "practice state")
	}
	return State{On: true, Since: time.UnixMilli(since)}, nil
}

// IsOn reports whether the account practises. It reads the database every
// time: another server may have switched it.
func (s *Service) IsOn(ctx context.Context, userID string) (bool, error) {
	if userID == "" {
		return false, nil
	}
	st, err := s.State(ctx, userID)
	return st.On, err
}

// Events is the account's switches, oldest first.
func (s *Service) Events(ctx context.Context, userID string) ([]string, error) {
	rows, err := s.db.W.QueryContext(ctx, `SELECT kind FROM practice_events WHERE user_id = $1 ORDER BY seq`, userID)
	if err != nil {
		return nil, errs.Wrap(err, "practice events")
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, errs.Wrap(err, "practice events")
		}
		out = append(out, k)
	}
	return out, errs.Wrap(rows.Err(), "practice events")
}
