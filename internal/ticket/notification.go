package ticket

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Notification tells a unit (OrgCode), the staff of a role in an area (Role
// and AreaCode), or a reporter (Phone) about a ticket.
type Notification struct {
	ID           string     `json:"id"`
	At           time.Time  `json:"at"`
	OrgCode      string     `json:"org_code,omitempty"`
	AreaCode     string     `json:"area_code,omitempty"`
	Role         string     `json:"role,omitempty"`
	Phone        string     `json:"-"`
	TicketNumber string     `json:"ticket_number"`
	Kind         string     `json:"kind"`
	Text         string     `json:"text"`
	ReadAt       *time.Time `json:"read_at"`
}

// notify records a notification in the caller's transaction; delivery by
// SMS or push reads the table.
func (s *Service) notify(ctx context.Context, tx *sql.Tx, now time.Time, n Notification) error {
	_, err := s.db.Exec(ctx, tx, insertNotificationSQL, notificationArgs(now, n)...)
	return errs.Wrap(err, "notify")
}

const insertNotificationSQL = `INSERT INTO notifications (id, at, org_code, area_code, role, phone, ticket_number, kind, text) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`

func notificationArgs(now time.Time, n Notification) []any {
	return []any{db.NewID(), db.Millis(now), n.OrgCode, n.AreaCode, n.Role, n.Phone, n.TicketNumber, n.Kind, n.Text}
}

// Notifications returns the latest notifications for u: those to her unit,
// to her role within her area, or (for a resident) to her phone.
func (s *Service) Notifications(ctx context.Context, u auth.User, limit int) ([]Notification, error) {
	if limit <= 0 || limit > MaxLimit {
		limit = DefaultLimit
	}
	var rows *sql.Rows
	var err error
	cols := `id, at, org_code, area_code, role, phone, ticket_number, kind, text, read_at`
	switch {
	case u.Role == auth.RoleResident:
		rows, err = s.db.R.QueryContext(ctx, `SELECT `+cols+` FROM notifications WHERE phone = $1 ORDER BY at DESC LIMIT $2`, u.Phone, limit)
	case u.Role.IsStaff():
		lo, hi := gov.UnderRange(u.AreaCode)
		if u.Role == auth.RoleAdmin {
			lo, hi = "", "~"
		}
		rows, err = s.db.R.QueryContext(ctx, `SELECT `+cols+` FROM notifications
WHERE (org_code <> '' AND org_code = $1) OR (role = $2 AND ((area_code >= $3 AND area_code < $4) OR (area_code = '' AND $5)))
ORDER BY at DESC LIMIT $6`, u.OrgCode, string(u.Role), lo, hi, u.InArea(""), limit)
	default:
		return nil, errs.ErrForbidden
	}
	if err != nil {
		return nil, errs.Wrap(err, "list notifications")
	}
	defer rows.Close()
	items := []Notification{}
	for rows.Next() {
		var n Notification
		var at int64
		var read sql.NullInt64
		if err := rows.Scan(&n.ID, &at, &n.OrgCode, &n.AreaCode, &n.Role, &n.Phone, &n.TicketNumber, &n.Kind, &n.Text, &read); err != nil {
			return nil, errs.Wrap(err, "scan notification")
		}
		n.At = time.UnixMilli(at).In(s.loc)
		if read.Valid {
			r := time.UnixMilli(read.Int64).In(s.loc)
			n.ReadAt = &r
		}
		items = append(items, n)
	}
	return items, errs.Wrap(rows.Err(), "list notifications")
}

// SMSSender delivers a text message to a phone (an SMS gateway in production).
type SMSSender interface {
	SendSMS(phone, text string) error
}

// LogSender writes messages to the log instead of sending them, with the
// phone masked: what gongzhi does until a gateway is configured.
type LogSender struct{ Log *slog.Logger }

// SendSMS logs the message.
func (l LogSender) SendSMS(phone, text string) error {
	l.Log.Info("sms", "to", auth.MaskPhone(phone), "text", text)
	return nil
}

// SetSMSSender sets how reporters are told of news about their tickets.
func (s *Service) SetSMSSender(sender SMSSender) { s.sms = sender }

// deliver sends the notifications addressed to phones that are not sent yet.
// Each is claimed before sending, so with several processes a message goes
// out at most once; a failed send is logged and not retried.
func (s *Service) deliver(ctx context.Context, now time.Time) (int, error) {
	if s.sms == nil {
		return 0, nil
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT id, phone, text FROM notifications WHERE sent_at IS NULL AND phone <> '' ORDER BY at LIMIT $1`, sweepBatch)
	if err != nil {
		return 0, errs.Wrap(err, "read unsent")
	}
	type msg struct{ id, phone, text string }
	var list []msg
	for rows.Next() {
		var m msg
		if err := rows.Scan(&m.id, &m.phone, &m.text); err != nil {
			rows.Close()
			return 0, errs.Wrap(err, "read unsent")
		}
		list = append(list, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, errs.Wrap(err, "read unsent")
	}
	sent := 0
	for _, m := range list {
		var claimed bool
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `UPDATE notifications SET sent_at = $1 WHERE id = $2 AND sent_at IS NULL`, db.Millis(now), m.id)
			if err != nil {
				return errs.Wrap(err, "claim message")
			}
			n, _ := res.RowsAffected()
			claimed = n == 1
			return nil
		})
		if err != nil {
			return sent, err
		}
		if !claimed {
			continue
		}
		if err := s.sms.SendSMS(m.phone, "【共治】"+m.text); err != nil {
			s.log.Warn("sms not sent", "to", auth.MaskPhone(m.phone), "err", err)
			continue
		}
		sent++
	}
	return sent, nil
}
