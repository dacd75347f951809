package auth

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	At       time.Time `json:"at"`
	UserID   string    `json:"user_id"`
	Username string    `json:"username"`
	Action   string    `json:"action"`
	Object   string    `json:"object"`
	Detail   string    `json:"detail"`
}

// Audit actions.
const (
	AuditViewPersonal = "view_personal_data" // a staff member saw a resident's name or phone
	AuditCreateUser   = "create_user"
)

// AuditTx appends an entry inside the caller's transaction.
func AuditTx(ctx context.Context, tx *sql.Tx, at time.Time, u User, action, object, detail string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (id, at, user_id, username, action, object, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		newID(), db.Millis(at), u.ID, u.Username, action, object, detail)
	return errs.Wrap(err, "audit")
}

// Audit appends an entry to the audit log.
func (s *Service) Audit(ctx context.Context, u User, action, object, detail string) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error { return AuditTx(ctx, tx, s.clock.Now(), u, action, object, detail) })
}

// AuditLog returns the latest entries, newest first; object narrows to one
// object (a ticket number, say).
func (s *Service) AuditLog(ctx context.Context, object string, limit int) ([]AuditEntry, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	q := `SELECT at, user_id, username, action, object, detail FROM audit_log`
	args := []any{limit}
	if object != "" {
		q += ` WHERE object = $2`
		args = append(args, object)
	}
	rows, err := s.db.R.QueryContext(ctx, q+` ORDER BY at DESC LIMIT $1`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "read audit log")
	}
	defer rows.Close()
	items := []AuditEntry{}
	for rows.Next() {
		var e AuditEntry
		var at int64
		if err := rows.Scan(&at, &e.UserID, &e.Username, &e.Action, &e.Object, &e.Detail); err != nil {
			return nil, errs.Wrap(err, "scan audit")
		}
		e.At = time.UnixMilli(at)
		items = append(items, e)
	}
	return items, errs.Wrap(rows.Err(), "read audit log")
}

// MaskPhone shows a mobile number as 138****1234.
func MaskPhone(p string) string {
	if len(p) < 7 {
		return strings.Repeat("*", len(p))
	}
	return p[:3] + strings.Repeat("*", len(p)-7) + p[len(p)-4:]
}

// MaskName keeps the first character of a name: 张**.
func MaskName(n string) string {
	if n == "" {
		return ""
	}
	r, size := utf8.DecodeRuneInString(n)
	return string(r) + strings.Repeat("*", utf8.RuneCountInString(n[size:]))
}
