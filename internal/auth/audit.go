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

// Audit appends an entry to the audit log and returns once it is committed.
// Entries written at the same moment share one transaction (group commit),
// so busy ticket pages do not queue one by one behind the database writer.
func (s *Service) Audit(ctx context.Context, u User, action, object, detail string) error {
	s.auditOnce.Do(func() {
		s.audits = make(chan auditReq, 1024)
		go s.writeAudits()
	})
	req := auditReq{at: s.clock.Now(), u: u, action: action, object: object, detail: detail, done: make(chan error, 1)}
	select {
	case s.audits <- req:
	case <-ctx.Done():
		return errs.Wrap(ctx.Err(), "audit")
	}
	select {
	case err := <-req.done:
		return err
	case <-ctx.Done():
		return errs.Wrap(ctx.Err(), "audit")
	}
}

type auditReq struct {
	at                     time.Time
	u                      User
	action, object, detail string
	done                   chan error
}

// auditBatch bounds one group commit.
const auditBatch = 256

// writeAudits takes the waiting entries, writes them in one transaction and
// tells each writer the outcome; it runs for the life of the service.
func (s *Service) writeAudits() {
	for first := range s.audits {
		batch := []auditReq{first}
	more:
		for len(batch) < auditBatch {
			select {
			case r := <-s.audits:
				batch = append(batch, r)
			default:
				break more
			}
		}
		err := s.db.Tx(context.Background(), func(tx *sql.Tx) error {
			for _, r := range batch {
				if err := AuditTx(context.Background(), tx, r.at, r.u, r.action, r.object, r.detail); err != nil {
					return err
				}
			}
			return nil
		})
		for _, r := range batch {
			r.done <- err
		}
	}
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
