package ticket

import (
	"context"
	"database/sql"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// ActionAttach is the timeline line of a photo added to a ticket.
const ActionAttach = "attach"

// RecordAttachment writes to the ticket's timeline that u added an
// attachment (note: purpose and attachment id), and, when lat and lng are
// given (read from the photo) and the ticket has no location yet, makes them
// its location, unless staff took the photo outside their area's boundary;
// both in one transaction. The caller has already checked that
// u may attach to the ticket. A nil u is the reporter who has just
// submitted the ticket without logging in.
func (s *Service) RecordAttachment(ctx context.Context, u *auth.User, number, purpose, attachmentID string, lat, lng *float64) error {
	if attachmentID == "" || len(attachmentID) > 64 || runes(purpose) > 20 {
		return errs.Invalidf("附件信息不正确", "malformed attachment record")
	}
	if (lat == nil) != (lng == nil) {
		return errs.Invalidf("经纬度须同时提供", "lat and lng go together")
	}
	if lat != nil && !(*lat >= -90 && *lat <= 90 && *lng >= -180 && *lng <= 180) { // also refuses NaN
		return errs.Invalidf("经纬度超出范围", "lat or lng out of range")
	}
	if u == nil {
		// eventFor names a nil actor "system" except on create; a guest's
		// photo is the reporter's, as her submission is.
		u = &auth.User{Role: auth.RoleResident}
	}
	now := s.clock.Now()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		t, err := s.get(ctx, tx, number)
		if err != nil {
			return err
		}
		c := &change{s: s, tx: tx, u: u, now: now, before: t, t: t, action: ActionAttach, note: purpose + " " + attachmentID}
		c.t.UpdatedAt = now
		if lat != nil && t.Lat == nil {
			// A photo staff took outside their area does not place the
			// request there (placeInScope); the photo itself is kept.
			if out, err := s.placeOutside(ctx, u, t.AreaCode, *lat, *lng); err != nil {
				return err
			} else if out != "" {
				lat, lng = nil, nil
			}
		}
		if lat != nil && t.Lat == nil {
			// updateTicket does not write the place, which changes only here.
			if _, err := tx.ExecContext(ctx, `UPDATE tickets SET lat = $1, lng = $2 WHERE number = $3 AND lat IS NULL`, *lat, *lng, number); err != nil {
				return errs.Wrap(err, "set ticket place")
			}
			c.t.Lat, c.t.Lng = lat, lng
		}
		return c.commit(ctx)
	})
}
