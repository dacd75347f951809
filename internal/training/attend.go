package training

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/privacy"
)

// Attend records that someone attended a session: an account (staff and
// grid workers' sessions take accounts of those roles), or for a residents'
// session a phone. Each person is recorded once; a session is recorded only
// once it has started.
func (s *Service) Attend(ctx context.Context, u auth.User, id string, who Attendee) (Attendance, error) {
	who.UserID, who.Phone = strings.TrimSpace(who.UserID), strings.TrimSpace(who.Phone)
	if (who.UserID == "") == (who.Phone == "") || len(who.UserID) > 64 || (who.Phone != "" && !phoneRe.MatchString(who.Phone)) {
		return Attendance{}, errWho
	}
	now := s.clock.Now()
	var out Attendance
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		x, err := s.session(ctx, tx, id)
		if err != nil {
			return err
		}
		if !CanRecord(u, x.AreaCode) {
			return errs.ErrForbidden
		}
		if now.Before(x.StartsAt) {
			return errEarly
		}
		if x.Attendees >= MaxAttend {
			return errFull
		}
		person, phone, err := s.person(ctx, tx, x.Audience, who)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM training_attendance WHERE session_id = $1 AND (person = $2 OR ($3 <> '' AND phone = $3))`,
			id, person, phone).Scan(&n); err != nil {
			return errs.Wrap(err, "training attendance")
		}
		if n > 0 {
			return errTwice
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO training_attendance (session_id, person, user_id, phone, recorded_by, recorded_at)
VALUES ($1, $2, $3, $4, $5, $6)`, id, person, who.UserID, phone, u.ID, db.Millis(now)); err != nil {
			return errs.Wrap(err, "record attendance")
		}
		out = Attendance{SessionID: id, UserID: who.UserID, Phone: privacy.Mask(phone), RecordedAt: now}
		return s.event(ctx, tx, id, u.ID, EventAttended, map[string]string{"user_id": who.UserID, "phone": privacy.Mask(phone)})
	})
	return out, err
}

// person checks the attendee against the session's audience and returns
// her key and phone.
func (s *Service) person(ctx context.Context, tx *sql.Tx, audience string, who Attendee) (string, string, error) {
	if who.Phone != "" {
		if audience != Residents {
			return "", "", errPhoneOut
		}
		return "phone:" + who.Phone, who.Phone, nil
	}
	var role string
	var phone sql.NullString
	var disabled bool
	err := tx.QueryRowContext(ctx, `SELECT role, phone, disabled FROM users WHERE id = $1`, who.UserID).Scan(&role, &phone, &disabled)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && disabled) {
		return "", "", errAccount
	}
	if err != nil {
		return "", "", errs.Wrap(err, "attendee")
	}
	switch r := auth.Role(role); {
	case audience == Staff && !r.IsStaff():
		return "", "", errNotStaff
	case audience == GridWorkers && r != auth.RoleGridWorker:
		return "", "", errNotGrid
	}
	return who.UserID, phone.String, nil
}

// Mine is the attendance of u herself: by her account, or by her phone for
// a resident. Each line comes with its session.
func (s *Service) Mine(ctx context.Context, u auth.User) ([]Detail, error) {
	if u.ID == "" {
		return nil, errs.ErrForbidden
	}
	att, err := s.attendance(ctx, `WHERE user_id = $1 OR ($2 <> '' AND phone = $2) ORDER BY recorded_at DESC LIMIT $3`, u.ID, u.Phone, MaxSessions)
	if err != nil {
		return nil, err
	}
	out := []Detail{}
	for _, a := range att {
		x, err := s.session(ctx, s.db.R, a.SessionID)
		if err != nil {
			return nil, err
		}
		out = append(out, Detail{Session: x, Attendance: []Attendance{a}})
	}
	return out, nil
}

// staffRoles are the roles whose active accounts StaffTrained counts.
func staffRoles() []any {
	var out []any
	for _, r := range auth.Roles {
		if r.IsStaff() {
			out = append(out, string(r))
		}
	}
	return out
}

// StaffTrained is the share (0–100) of staff accounts that attended at
// least one session in the twelve months up to the end of the month that
// starts at m: of the accounts of staff roles, not disabled, created before
// the month's end, those recorded at a session that started in
// [end − 12 months, end). Nil when there is no such account, and nil
// before the installation recorded its first session: a month before
// training was kept here is not measured, rather than read as none trained.
func (s *Service) StaffTrained(ctx context.Context, m time.Time) (*float64, error) {
	end := m.AddDate(0, 1, 0)
	var kept int64
	if err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM training_sessions WHERE starts_at < $1`, db.Millis(end)).Scan(&kept); err != nil {
		return nil, errs.Wrap(err, "staff trained")
	}
	if kept == 0 {
		return nil, nil
	}
	roles := staffRoles()
	in := make([]string, len(roles))
	for i := range roles {
		in[i] = "$" + strconv.Itoa(4+i)
	}
	args := append([]any{db.Millis(end.AddDate(-1, 0, 0)), db.Millis(end), false}, roles...)
	var all, trained int64
	err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM training_attendance a
JOIN training_sessions t ON t.id = a.session_id
WHERE a.user_id = u.id AND t.starts_at >= $1 AND t.starts_at < $2) THEN 1 ELSE 0 END), 0)
FROM users u WHERE u.disabled = $3 AND u.created_at < $2 AND u.role IN (`+strings.Join(in, ", ")+`)`, args...).Scan(&all, &trained)
	if err != nil {
		return nil, errs.Wrap(err, "staff trained")
	}
	if all == 0 {
		return nil, nil
	}
	v := math.Round(float64(trained)*10000/float64(all)) / 100
	return &v, nil
}
