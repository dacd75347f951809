package citylink

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/privacy"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// How what we send is found.
//
// The ticket event log is the source of truth, read by time from a
// watermark kept Margin behind the clock (as the webhooks' scan does, for
// the same reason: events are not committed in the order of their times).
// Each event is queued at most once per platform and kind by the unique key
// of citylink_deliveries, so the overlap is read again and queues nothing.
// Events of tickets an upper platform sent become updates to it; a
// dispatch to the unit of a lower platform becomes a dispatch to it; and
// once a month each upper platform gets the figures of the month before.

// Delivery kinds.
const (
	KindDispatch = "dispatch"
	KindUpdate   = "update"
	KindStats    = "stats"
)

// Reported are the ticket event kinds an upper platform hears of.
var Reported = []string{ticket.ActionCreate, ticket.ActionDispatch, ticket.ActionRedispatch, ticket.ActionApproveReturn,
	ticket.ActionSign, ticket.ActionContact, ticket.ActionReply, ticket.ActionAnswer, ticket.ActionSelfResolve, ticket.ActionRate,
	ticket.ActionClose, ticket.ActionInvalidate, ticket.ActionMerge, ticket.ActionRedo, ticket.ActionParentReply, ticket.ActionParentClosed}

// forwarding are the event kinds that hand a ticket to a unit.
var forwarding = []string{ticket.ActionDispatch, ticket.ActionRedispatch, ticket.ActionApproveReturn}

const scanBatch = 500

// Stats of one round.
type RoundStats struct {
	Queued, Delivered, Retried, Failed int
}

// queue finds what is new and queues it.
func (s *Service) queue(ctx context.Context, st *RoundStats) error {
	now := s.clock.Now()
	floor := db.Millis(now.Add(-s.opts.Margin))
	var mark int64
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO citylink_cursor (id, watermark, updated_at) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING`,
			floor, db.Millis(now)); err != nil {
			return errs.Wrap(err, "start citylink cursor")
		}
		return errs.Wrap(tx.QueryRowContext(ctx, `SELECT watermark FROM citylink_cursor WHERE id = 1`).Scan(&mark), "read citylink cursor")
	})
	if err != nil {
		return err
	}
	var platforms int
	if err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM citylink_platforms`).Scan(&platforms); err != nil {
		return errs.Wrap(err, "count platforms")
	}
	if platforms == 0 {
		return s.advance(ctx, floor, now)
	}
	full, err := s.queueUpdates(ctx, mark, now, st)
	if err != nil {
		return err
	}
	full2, err := s.queueDispatches(ctx, mark, now, st)
	if err != nil {
		return err
	}
	if err := s.queueStats(ctx, now, st); err != nil {
		return err
	}
	if full || full2 {
		return nil // the next round reads on from the same mark
	}
	return s.advance(ctx, floor, now)
}

// advance moves the watermark up to floor.
func (s *Service) advance(ctx context.Context, floor int64, now time.Time) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE citylink_cursor SET watermark = $1, updated_at = $2 WHERE id = 1 AND watermark < $1`, floor, db.Millis(now))
		return errs.Wrap(err, "advance citylink cursor")
	})
}

type pendingEvent struct {
	number, action, note, platform string
	seq                            int
	at                             time.Time
	to                             ticket.Status
}

func inList(col string, vals []string, args *[]any) string {
	ph := make([]string, len(vals))
	for i, v := range vals {
		*args = append(*args, v)
		ph[i] = "$" + strconv.Itoa(len(*args))
	}
	return col + ` IN (` + strings.Join(ph, ", ") + `)`
}

func (s *Service) readEvents(ctx context.Context, query string, args []any) ([]pendingEvent, error) {
	rows, err := s.db.R.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, errs.Wrap(err, "scan ticket events")
	}
	defer rows.Close()
	var out []pendingEvent
	for rows.Next() {
		var e pendingEvent
		var at int64
		var to string
		if err := rows.Scan(&e.number, &e.seq, &at, &e.action, &to, &e.note, &e.platform); err != nil {
			return nil, errs.Wrap(err, "scan ticket event")
		}
		e.at, e.to = time.UnixMilli(at), ticket.Status(to)
		out = append(out, e)
	}
	return out, errs.Wrap(rows.Err(), "scan ticket events")
}

// queueUpdates queues an update for each reported event of a ticket an
// upper platform sent.
func (s *Service) queueUpdates(ctx context.Context, mark int64, now time.Time, st *RoundStats) (bool, error) {
	args := []any{mark, RoleUpper, KindUpdate, SourcePrefix}
	q := `SELECT e.ticket_number, e.seq, e.at, e.action, e.to_status, e.note, p.id
FROM ticket_events e
JOIN ticket_sources src ON src.ticket_number = e.ticket_number
JOIN citylink_platforms p ON src.source = $4 || p.id
WHERE e.at >= $1 AND p.role = $2 AND ` + inList("e.action", Reported, &args) + `
  AND NOT EXISTS (SELECT 1 FROM citylink_deliveries d WHERE d.platform_id = p.id AND d.kind = $3 AND d.ticket_number = e.ticket_number AND d.seq = e.seq)
ORDER BY e.at, e.ticket_number, e.seq LIMIT ` + strconv.Itoa(scanBatch)
	evs, err := s.readEvents(ctx, q, args)
	if err != nil {
		return false, err
	}
	for _, e := range evs {
		src, err := s.sourceNumber(ctx, e.platform, e.number)
		if err != nil {
			return false, err
		}
		t, err := s.tickets.Get(ctx, auth.System(), e.number)
		if err != nil {
			return false, err
		}
		id := db.NewID()
		body, err := json.Marshal(updateOf(id, src, e, t, s.tickets.Location()))
		if err != nil {
			return false, errs.Wrap(err, "encode update")
		}
		if err := s.insertDelivery(ctx, id, e.platform, KindUpdate, e.number, e.seq, e.action, string(body), now, st); err != nil {
			return false, err
		}
	}
	return len(evs) == scanBatch, nil
}

// sourceNumber is the platform's own number of a ticket it sent.
func (s *Service) sourceNumber(ctx context.Context, platform, number string) (string, error) {
	var ext string
	err := s.db.R.QueryRowContext(ctx, `SELECT external_id FROM ticket_sources WHERE source = $1 AND ticket_number = $2`,
		SourcePrefix+platform, number).Scan(&ext)
	return ext, errs.Wrap(err, "read source number")
}

// updateOf is the service request update of an event: status_notes the
// event's note, or the reply for a reply; the extensions say what happened
// in our terms. Mobile numbers written in texts are masked.
func updateOf(id, src string, e pendingEvent, t ticket.Ticket, loc *time.Location) Update {
	ext := map[string]any{"ticket_number": t.Number, "action": e.action, "seq": e.seq, "gongzhi_status": string(t.Status)}
	notes := e.note
	if t.ReplyText != "" {
		ext["reply_text"] = privacy.Mask(t.ReplyText)
		if t.ReplyResolved != nil {
			ext["resolved"] = *t.ReplyResolved
		}
		if e.action == ticket.ActionReply || e.action == ticket.ActionAnswer || e.action == ticket.ActionSelfResolve {
			notes = t.ReplyText
		}
	}
	if t.Rating != nil {
		ext["rating"] = map[string]any{"resolved": t.Rating.Resolved, "satisfaction": string(t.Rating.Satisfaction),
			"comment": privacy.Mask(t.Rating.Comment), "rated_at": t.Rating.RatedAt.In(loc).Format(time.RFC3339)}
	}
	if notes == "" {
		notes = statusNote[e.action]
	}
	return Update{UpdateID: id, ServiceRequestID: src, Status: openClosed(e.to), StatusNotes: privacy.Mask(notes),
		UpdatedDatetime: e.at.In(loc).Format(time.RFC3339), Extensions: ext}
}

// statusNote says what an event without a note of its own means.
var statusNote = map[string]string{
	ticket.ActionCreate:        "已受理",
	ticket.ActionDispatch:      "已派单",
	ticket.ActionRedispatch:    "已改派",
	ticket.ActionApproveReturn: "已改派",
	ticket.ActionSign:          "承办单位已签收",
	ticket.ActionContact:       "承办单位已联系诉求人，办理中",
	ticket.ActionRate:          "诉求人已评价",
	ticket.ActionClose:         "已办结",
	ticket.ActionInvalidate:    "已作无效处理",
	ticket.ActionMerge:         "已与相同诉求合并办理",
	ticket.ActionRedo:          "重新办理",
	ticket.ActionParentReply:   "合并办理的诉求已答复",
	ticket.ActionParentClosed:  "合并办理的诉求已办结",
}

// queueDispatches queues a dispatch to a lower platform for each ticket
// handed to the unit that stands for it and not yet sent to it.
func (s *Service) queueDispatches(ctx context.Context, mark int64, now time.Time, st *RoundStats) (bool, error) {
	args := []any{mark, RoleLower}
	q := `SELECT e.ticket_number, e.seq, e.at, e.action, e.to_status, e.note, p.id
FROM ticket_events e
JOIN tickets t ON t.number = e.ticket_number
JOIN citylink_platforms p ON p.org_code = t.assigned_org_code
WHERE e.at >= $1 AND p.role = $2 AND e.org_code = p.org_code AND e.at >= p.created_at AND ` + inList("e.action", forwarding, &args) + `
  AND NOT EXISTS (SELECT 1 FROM citylink_forwards f WHERE f.platform_id = p.id AND f.ticket_number = e.ticket_number)
ORDER BY e.at, e.ticket_number, e.seq LIMIT ` + strconv.Itoa(scanBatch)
	evs, err := s.readEvents(ctx, q, args)
	if err != nil {
		return false, err
	}
	sent := map[[2]string]bool{}
	for _, e := range evs {
		if k := [2]string{e.platform, e.number}; sent[k] {
			continue // handed to the same unit again within the batch
		} else {
			sent[k] = true
		}
		p, err := s.get(ctx, s.db.R, e.platform)
		if err != nil {
			return false, err
		}
		t, err := s.tickets.Get(ctx, auth.System(), e.number)
		if err != nil {
			return false, err
		}
		body := dispatchForm(p, t).Encode()
		err = s.db.Tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO citylink_forwards (platform_id, ticket_number, created_at) VALUES ($1, $2, $3)
ON CONFLICT (platform_id, ticket_number) DO NOTHING`, p.ID, t.Number, db.Millis(now)); err != nil {
				return errs.Wrap(err, "insert forward")
			}
			return s.insertDeliveryTx(ctx, tx, db.NewID(), p.ID, KindDispatch, t.Number, e.seq, e.action, body, now, st)
		})
		if err != nil {
			return false, err
		}
	}
	return len(evs) == scanBatch, nil
}

// dispatchForm is a ticket as a GeoReport v2 POST requests, without the
// api_key (added as it is sent): our number as service_request_id, so the
// platform's updates name it, its service code and jurisdiction through the
// maps reversed (our codes where none), the place, and the reporter, whom
// the unit handling the request must be able to call back.
func dispatchForm(p Platform, t ticket.Ticket) url.Values {
	v := url.Values{}
	v.Set("service_request_id", t.Number)
	code := reverse(p.ServiceMap)[t.CategoryCode]
	if code == "" {
		code = t.CategoryCode
	}
	v.Set("service_code", code)
	v.Set("description", t.Description)
	if j := reverse(p.AreaMap)[t.AreaCode]; j != "" {
		v.Set("jurisdiction_id", j)
	}
	if t.Lat != nil && t.Lng != nil {
		v.Set("lat", strconv.FormatFloat(*t.Lat, 'f', -1, 64))
		v.Set("long", strconv.FormatFloat(*t.Lng, 'f', -1, 64))
	}
	if t.Address != "" {
		v.Set("address_string", t.Address)
	}
	if t.ReporterName != "" {
		v.Set("last_name", t.ReporterName)
	}
	if t.ReporterPhone != "" {
		v.Set("phone", t.ReporterPhone)
	}
	v.Set("requested_datetime", t.CreatedAt.Format(time.RFC3339))
	if t.Confidential {
		v.Set("confidential", "true") // an extension: the reporter asked that her request stay private
	}
	return v
}

// queueStats queues, for each upper platform registered before the end of
// the last complete month, that month's figures, once.
func (s *Service) queueStats(ctx context.Context, now time.Time, st *RoundStats) error {
	cur, _ := s.monthOf(now)
	start := cur.AddDate(0, -1, 0)
	month, _ := strconv.Atoi(start.Format("200601"))
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+platformCols+` FROM citylink_platforms p WHERE role = $1 AND created_at < $2
  AND NOT EXISTS (SELECT 1 FROM citylink_deliveries d WHERE d.platform_id = p.id AND d.kind = $3 AND d.ticket_number = '' AND d.seq = $4)`,
		RoleUpper, db.Millis(cur), KindStats, month)
	if err != nil {
		return errs.Wrap(err, "read platforms")
	}
	var ps []Platform
	for rows.Next() {
		p, err := scanPlatform(rows)
		if err != nil {
			rows.Close()
			return errs.Wrap(err, "read platforms")
		}
		ps = append(ps, p)
	}
	rows.Close()
	for _, p := range ps {
		figs, err := s.monthStats(ctx, s.db.R, p, start)
		if err != nil {
			return err
		}
		id := db.NewID()
		figs.StatsID = id
		body, _ := json.Marshal(figs)
		if err := s.insertDelivery(ctx, id, p.ID, KindStats, "", month, "", string(body), now, st); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) insertDelivery(ctx context.Context, id, platform, kind, number string, seq int, action, payload string, now time.Time, st *RoundStats) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		return s.insertDeliveryTx(ctx, tx, id, platform, kind, number, seq, action, payload, now, st)
	})
}

func (s *Service) insertDeliveryTx(ctx context.Context, tx *sql.Tx, id, platform, kind, number string, seq int, action, payload string, now time.Time, st *RoundStats) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO citylink_deliveries (id, platform_id, kind, ticket_number, seq, action, payload, status, next_at, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $8)
ON CONFLICT (platform_id, kind, ticket_number, seq) DO NOTHING`, id, platform, kind, number, seq, action, payload, db.Millis(now))
	if err != nil {
		return errs.Wrap(err, "queue delivery")
	}
	if n, _ := res.RowsAffected(); n > 0 {
		st.Queued++
	}
	return nil
}

func urlEscape(s string) string { return url.QueryEscape(s) }
