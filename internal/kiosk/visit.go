package kiosk

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Why a visit ended.
const (
	EndedByResident = "end"
	EndedIdle       = "idle"
)

// Visit is one resident's visit at a terminal.
type Visit struct {
	ID         string
	TerminalID string
	UserID     string
	StartedAt  time.Time
	LastInput  time.Time
}

// ErrIdle is a visit that ended for want of input: its session is to be
// logged out.
var ErrIdle = errs.New(errs.Unauthorized, "长时间未操作，本次办理已结束，请重新开始", "nothing was done for a while, so the visit has ended; please start again")

var errNotResident = errs.New(errs.Forbidden, "自助终端仅供居民办理", "the self-service terminal is for residents")

// StartVisit opens a visit of the resident whose web session (its token)
// was just opened on the terminal.
func (s *Service) StartVisit(ctx context.Context, t Terminal, u auth.User, sessionToken string) (Visit, error) {
	if u.Role != auth.RoleResident {
		return Visit{}, errNotResident
	}
	now := s.clock.Now()
	v := Visit{ID: token(12), TerminalID: t.ID, UserID: u.ID, StartedAt: now, LastInput: now}
	err := s.db.GroupTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO kiosk_visits (id, terminal_id, session_hash, user_id, started_at, last_input)
VALUES ($1, $2, $3, $4, $5, $5)`, v.ID, t.ID, Hash(sessionToken), u.ID, db.Millis(now))
		return errs.Wrap(err, "start visit")
	})
	return v, err
}

// visitOf returns the open visit of a session, ok false when the session
// opened none (or it ended).
func (s *Service) visitOf(ctx context.Context, q db.Queryer, sessionToken string) (v Visit, ok bool, err error) {
	var started, last int64
	err = s.db.QueryRow(ctx, q, `SELECT id, terminal_id, user_id, started_at, last_input FROM kiosk_visits
WHERE session_hash = $1 AND ended_at = 0`, Hash(sessionToken)).Scan(&v.ID, &v.TerminalID, &v.UserID, &started, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return v, false, nil
	}
	if err != nil {
		return v, false, errs.Wrap(err, "get visit")
	}
	v.StartedAt, v.LastInput = fromMillis(started), fromMillis(last)
	return v, true, nil
}

// Touch is the server's idle bound: for a request of a kiosk session it
// notes the input, or, when the visit has been idle IdleTimeout or more,
// ends it and returns ErrIdle (the caller logs the session out). A session
// that is not a visit's is left alone (ok false).
func (s *Service) Touch(ctx context.Context, sessionToken string) (v Visit, ok bool, err error) {
	v, ok, err = s.visitOf(ctx, s.db.R, sessionToken)
	if err != nil || !ok {
		return v, ok, err
	}
	now := s.clock.Now()
	if now.Sub(v.LastInput) >= IdleTimeout {
		if err := s.end(ctx, v.ID, EndedIdle, v.LastInput.Add(IdleTimeout)); err != nil {
			return v, true, err
		}
		return v, true, ErrIdle
	}
	err = s.db.GroupTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE kiosk_visits SET last_input = $1 WHERE id = $2 AND ended_at = 0`, db.Millis(now), v.ID)
		return errs.Wrap(err, "visit input")
	})
	v.LastInput = now
	return v, true, err
}

// Visit returns the open visit of a session without noting input.
func (s *Service) Visit(ctx context.Context, sessionToken string) (Visit, bool, error) {
	return s.visitOf(ctx, s.db.R, sessionToken)
}

// EndVisit ends the visit of a session, as the resident asks (the caller
// logs the session out).
func (s *Service) EndVisit(ctx context.Context, sessionToken string) error {
	v, ok, err := s.visitOf(ctx, s.db.R, sessionToken)
	if err != nil || !ok {
		return err
	}
	return s.end(ctx, v.ID, EndedByResident, s.clock.Now())
}

func (s *Service) end(ctx context.Context, id, reason string, at time.Time) error {
	return s.db.GroupTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE kiosk_visits SET ended_at = $1, end_reason = $2 WHERE id = $3 AND ended_at = 0`,
			db.Millis(at), reason, id)
		return errs.Wrap(err, "end visit")
	})
}

// TicketFiled counts a ticket filed in the session's visit for its
// terminal; a session that is no visit's counts nothing.
func (s *Service) TicketFiled(ctx context.Context, sessionToken, number string) error {
	v, ok, err := s.visitOf(ctx, s.db.R, sessionToken)
	if err != nil || !ok {
		return err
	}
	return s.db.GroupTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO kiosk_tickets (ticket_number, terminal_id, visit_id, filed_at)
VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, number, v.TerminalID, v.ID, db.Millis(s.clock.Now()))
		return errs.Wrap(err, "count kiosk ticket")
	})
}
