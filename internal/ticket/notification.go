package ticket

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
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

func newID() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// notify records a notification in the caller's transaction; delivery by
// SMS or push reads the table.
func notify(ctx context.Context, tx *sql.Tx, now time.Time, n Notification) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO notifications (id, at, org_code, area_code, role, phone, ticket_number, kind, text) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		newID(), db.Millis(now), n.OrgCode, n.AreaCode, n.Role, n.Phone, n.TicketNumber, n.Kind, n.Text)
	return errs.Wrap(err, "notify")
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
	default:
		lo, hi := gov.UnderRange(u.AreaCode)
		if u.Role == auth.RoleAdmin {
			lo, hi = "", "~"
		}
		rows, err = s.db.R.QueryContext(ctx, `SELECT `+cols+` FROM notifications
WHERE (org_code <> '' AND org_code = $1) OR (role = $2 AND ((area_code >= $3 AND area_code < $4) OR (area_code = '' AND $5)))
ORDER BY at DESC LIMIT $6`, u.OrgCode, string(u.Role), lo, hi, u.InArea(""), limit)
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
