package webhook

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// How the scan finds new events.
//
// Events are appended to ticket_events by many transactions, in several
// processes, and a transaction's events carry the time it read the clock,
// not the time it committed: an event stamped 10:00:00.100 may become visible
// after one stamped 10:00:00.300 has been seen. A cursor on the last
// (at, ticket_number, seq) seen would skip the late one. ticket_events has no
// insertion-ordered key, and gives none without changing it. So the scan
// keeps a watermark that stays Margin behind the clock, reads every event at
// or after it that webhook_outbox does not yet hold, and records each one it
// takes in webhook_outbox, whose key (ticket_number, seq) makes a second take
// impossible, even by two processes scanning at once. An event is missed
// only if its transaction commits more than Margin (default one minute) after
// reading the clock, or if the clocks of two processes disagree by more; the
// margin costs nothing but a re-read of the last minute's events, so it can
// be generous. Outbox rows behind the watermark are pruned.

// outboxKeep is how long outbox rows stay behind the watermark.
const outboxKeep = time.Hour

// maxScanSteps bounds the scan steps of one RunOnce.
const maxScanSteps = 50

// Payload is the JSON body of a delivery. ID is the delivery's id, the same
// on every attempt: receivers de-duplicate by it.
type Payload struct {
	ID     string      `json:"id"`
	Event  EventData   `json:"event"`
	Ticket TicketState `json:"ticket"`
}

// EventData is one line of the ticket's event log.
type EventData struct {
	TicketNumber string    `json:"ticket_number"`
	Seq          int       `json:"seq"`
	Action       string    `json:"action"`
	At           time.Time `json:"at"`
	FromStatus   string    `json:"from_status"`
	ToStatus     string    `json:"to_status"`
	OrgCode      string    `json:"org_code"`
	Note         string    `json:"note"`
}

// TicketState is the ticket when the delivery was queued, within seconds of
// the event; it never holds the reporter's name or phone.
type TicketState struct {
	Number          string     `json:"number"`
	Kind            string     `json:"kind"`
	Status          string     `json:"status"`
	CategoryCode    string     `json:"category_code"`
	AreaCode        string     `json:"area_code"`
	AssignedOrgCode string     `json:"assigned_org_code"`
	HelperOrgCodes  []string   `json:"helper_org_codes"`
	Channel         string     `json:"channel"`
	Urgency         string     `json:"urgency"`
	Description     string     `json:"description"`
	Address         string     `json:"address"`
	Lat             *float64   `json:"lat"`
	Lng             *float64   `json:"lng"`
	Confidential    bool       `json:"confidential"`
	Overdue         bool       `json:"overdue"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	DispatchedAt    *time.Time `json:"dispatched_at"`
	SignedAt        *time.Time `json:"signed_at"`
	RepliedAt       *time.Time `json:"replied_at"`
	ClosedAt        *time.Time `json:"closed_at"`
	DueSignAt       *time.Time `json:"due_sign_at"`
	DueContactAt    *time.Time `json:"due_contact_at"`
	DueCompleteAt   *time.Time `json:"due_complete_at"`
	Version         int        `json:"version"`
}

// Stats counts what RunOnce did.
type Stats struct {
	Scanned   int // events taken from the log
	Queued    int // deliveries queued
	Delivered int // deliveries answered with 2xx
	Retried   int // failed attempts to be tried again
	Failed    int // deliveries given up
}

// scan queues deliveries for the events not yet taken.
func (s *Service) scan(ctx context.Context, st *Stats) error {
	for range maxScanSteps {
		full, err := s.scanStep(ctx, st)
		if err != nil || !full {
			return err
		}
	}
	return nil
}

// scanStep takes up to Batch events in one transaction and reports whether
// it took a full batch (more may wait).
func (s *Service) scanStep(ctx context.Context, st *Stats) (full bool, err error) {
	now := s.clock.Now()
	floor := db.Millis(now.Add(-s.opts.Margin))
	var scanned, queued int
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		scanned, queued, full = 0, 0, false
		if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_cursor (id, watermark, updated_at) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING`,
			floor, db.Millis(now)); err != nil {
			return errs.Wrap(err, "start webhook cursor")
		}
		var mark int64
		if err := tx.QueryRowContext(ctx, `SELECT watermark FROM webhook_cursor WHERE id = 1`).Scan(&mark); err != nil {
			return errs.Wrap(err, "read webhook cursor")
		}
		subs, err := readHooks(ctx, tx)
		if err != nil {
			return err
		}
		next := floor
		if len(subs) > 0 {
			evs, err := s.newEvents(ctx, tx, mark)
			if err != nil {
				return err
			}
			tickets := map[string]*TicketState{}
			for _, ev := range evs {
				q, taken, err := s.take(ctx, tx, ev, subs, tickets, now)
				if err != nil {
					return err
				}
				if taken {
					scanned++
				}
				queued += q
			}
			if full = len(evs) == s.opts.Batch; full {
				next = min(next, db.Millis(evs[len(evs)-1].At))
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE webhook_cursor SET watermark = $1, updated_at = $2 WHERE id = 1 AND watermark < $1`,
			next, db.Millis(now)); err != nil {
			return errs.Wrap(err, "advance webhook cursor")
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM webhook_outbox WHERE at < $1`, mark-outboxKeep.Milliseconds())
		return errs.Wrap(err, "prune webhook outbox")
	})
	if err != nil {
		return false, err
	}
	st.Scanned += scanned
	st.Queued += queued
	return full, nil
}

// hook is what the scan needs of a subscription.
type hook struct {
	Webhook
	createdAt int64
}

// readHooks reads every subscription: while there is none, the scan takes no
// events; a paused one takes none of the events it misses.
func readHooks(ctx context.Context, tx *sql.Tx) ([]hook, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+webhookCols+` FROM webhooks ORDER BY id`)
	if err != nil {
		return nil, errs.Wrap(err, "read webhooks")
	}
	defer rows.Close()
	var out []hook
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan webhook")
		}
		out = append(out, hook{Webhook: w, createdAt: w.CreatedAt.UnixMilli()})
	}
	return out, errs.Wrap(rows.Err(), "read webhooks")
}

// newEvents reads, oldest first, the events at or after mark not yet taken.
func (s *Service) newEvents(ctx context.Context, tx *sql.Tx, mark int64) ([]EventData, error) {
	rows, err := tx.QueryContext(ctx, `SELECT e.ticket_number, e.seq, e.at, e.action, e.from_status, e.to_status, e.org_code, e.note
FROM ticket_events e
WHERE e.at >= $1 AND NOT EXISTS (SELECT 1 FROM webhook_outbox o WHERE o.ticket_number = e.ticket_number AND o.seq = e.seq)
ORDER BY e.at, e.ticket_number, e.seq
LIMIT $2`, mark, s.opts.Batch)
	if err != nil {
		return nil, errs.Wrap(err, "scan ticket events")
	}
	defer rows.Close()
	var out []EventData
	for rows.Next() {
		var e EventData
		var at int64
		if err := rows.Scan(&e.TicketNumber, &e.Seq, &at, &e.Action, &e.FromStatus, &e.ToStatus, &e.OrgCode, &e.Note); err != nil {
			return nil, errs.Wrap(err, "scan ticket event")
		}
		e.At = time.UnixMilli(at).UTC()
		out = append(out, e)
	}
	return out, errs.Wrap(rows.Err(), "scan ticket events")
}

// take records the event as taken and queues a delivery for every
// subscription it concerns: one of the event's unit, of the unit the ticket
// is assigned to, or of one of its helper units, made no later than the event
// and taking its kind. taken is false when another scan took it first.
func (s *Service) take(ctx context.Context, tx *sql.Tx, ev EventData, hooks []hook, tickets map[string]*TicketState, now time.Time) (queued int, taken bool, err error) {
	at := db.Millis(ev.At)
	res, err := tx.ExecContext(ctx, `INSERT INTO webhook_outbox (ticket_number, seq, at, scanned_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (ticket_number, seq) DO NOTHING`, ev.TicketNumber, ev.Seq, at, db.Millis(now))
	if err != nil {
		return 0, false, errs.Wrap(err, "take event")
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return 0, false, errs.Wrap(err, "take event")
	}
	for _, h := range hooks {
		if !h.Active || h.createdAt > at || !h.wants(ev.Action) {
			continue
		}
		t := tickets[ev.TicketNumber]
		if t == nil {
			if t, err = readTicket(ctx, tx, ev.TicketNumber); err != nil {
				return 0, true, err
			}
			tickets[ev.TicketNumber] = t
		}
		if !concerns(h.OrgCode, ev, t) {
			continue
		}
		id := db.NewID()
		body, err := json.Marshal(Payload{ID: id, Event: ev, Ticket: *t})
		if err != nil {
			return 0, true, errs.Wrap(err, "encode payload")
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (id, webhook_id, ticket_number, seq, action, payload, status, next_at, created_at)
VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $7)
ON CONFLICT (webhook_id, ticket_number, seq) DO NOTHING`, id, h.ID, ev.TicketNumber, ev.Seq, ev.Action, string(body), db.Millis(now))
		if err != nil {
			return 0, true, errs.Wrap(err, "queue delivery")
		}
		if n, _ := res.RowsAffected(); n > 0 {
			queued++
		}
	}
	return queued, true, nil
}

func concerns(orgCode string, ev EventData, t *TicketState) bool {
	if orgCode == ev.OrgCode || orgCode == t.AssignedOrgCode {
		return true
	}
	for _, h := range t.HelperOrgCodes {
		if h == orgCode {
			return true
		}
	}
	return false
}

// readTicket reads the ticket as a payload shows it.
func readTicket(ctx context.Context, tx *sql.Tx, number string) (*TicketState, error) {
	var t TicketState
	var lat, lng sql.NullFloat64
	var created, updated int64
	var dispatched, signed, replied, closed, dueSign, dueContact, dueComplete sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT number, kind, status, category_code, area_code, assigned_org_code, channel, urgency,
  description, address, lat, lng, confidential, overdue, created_at, updated_at, dispatched_at, signed_at, replied_at, closed_at,
  due_sign_at, due_contact_at, due_complete_at, version
FROM tickets WHERE number = $1`, number).Scan(&t.Number, &t.Kind, &t.Status, &t.CategoryCode, &t.AreaCode, &t.AssignedOrgCode,
		&t.Channel, &t.Urgency, &t.Description, &t.Address, &lat, &lng, &t.Confidential, &t.Overdue, &created, &updated,
		&dispatched, &signed, &replied, &closed, &dueSign, &dueContact, &dueComplete, &t.Version)
	if err != nil {
		return nil, errs.Wrap(err, "read ticket "+number)
	}
	if lat.Valid && lng.Valid {
		t.Lat, t.Lng = &lat.Float64, &lng.Float64
	}
	t.CreatedAt, t.UpdatedAt = time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC()
	for p, v := range map[**time.Time]sql.NullInt64{&t.DispatchedAt: dispatched, &t.SignedAt: signed, &t.RepliedAt: replied,
		&t.ClosedAt: closed, &t.DueSignAt: dueSign, &t.DueContactAt: dueContact, &t.DueCompleteAt: dueComplete} {
		if v.Valid {
			tm := time.UnixMilli(v.Int64).UTC()
			*p = &tm
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT org_code FROM ticket_helpers WHERE ticket_number = $1 ORDER BY org_code`, number)
	if err != nil {
		return nil, errs.Wrap(err, "read helpers")
	}
	defer rows.Close()
	t.HelperOrgCodes = []string{}
	for rows.Next() {
		var org string
		if err := rows.Scan(&org); err != nil {
			return nil, errs.Wrap(err, "read helpers")
		}
		t.HelperOrgCodes = append(t.HelperOrgCodes, org)
	}
	return &t, errs.Wrap(rows.Err(), "read helpers")
}
