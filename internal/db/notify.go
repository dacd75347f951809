package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// Notifications to residents' phones (the table the ticket capability
// lists and delivers by SMS) are written by each capability in its own
// change's transaction. NotifyPhones writes one to each distinct phone a
// query returns, in one statement however many there are; the ids are a
// fresh prefix and a row number, never the phone.

// NotifyPhones adds a notification of kind with text at now to every
// distinct non-empty phone of phonesSQL, a query of one column named
// phone whose arguments are args ($1 … $n), and returns how many it added.
func NotifyPhones(ctx context.Context, tx *sql.Tx, now time.Time, kind, text, phonesSQL string, args ...any) (int64, error) {
	n := len(args)
	q := fmt.Sprintf(`INSERT INTO notifications (id, at, org_code, area_code, role, phone, ticket_number, kind, text)
SELECT CAST($%d AS TEXT) || CAST(ROW_NUMBER() OVER (ORDER BY x.phone) AS TEXT), $%d, '', '', '', x.phone, '', $%d, $%d
FROM (SELECT DISTINCT phone FROM (%s) y WHERE phone <> '') x`,
		n+1, n+2, n+3, n+4, phonesSQL)
	res, err := tx.ExecContext(ctx, q, append(args, NewID()+"-", Millis(now), kind, text)...)
	if err != nil {
		return 0, errs.Wrap(err, "notify "+kind)
	}
	added, err := res.RowsAffected()
	return added, errs.Wrap(err, "notify "+kind)
}

// Note is one notification: to an organisation, to a role within an area,
// or to a resident's phone.
type Note struct {
	At                             time.Time
	OrgCode, AreaCode, Role, Phone string
	Kind, Text                     string
}

// Notify adds the notification in the caller's transaction.
func Notify(ctx context.Context, tx *sql.Tx, n Note) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO notifications (id, at, org_code, area_code, role, phone, ticket_number, kind, text) VALUES ($1, $2, $3, $4, $5, $6, '', $7, $8)`,
		NewID(), Millis(n.At), n.OrgCode, n.AreaCode, n.Role, n.Phone, n.Kind, n.Text)
	return errs.Wrap(err, "notify "+n.Kind)
}
