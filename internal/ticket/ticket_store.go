package ticket

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

func nullTime(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return db.NullMillis(*t)
}

func nullFloat(f *float64) sql.NullFloat64 {
	if f == nil {
		return sql.NullFloat64{}
	}
	return sql.NullFloat64{Float64: *f, Valid: true}
}

func nullBool(b *bool) sql.NullBool {
	if b == nil {
		return sql.NullBool{}
	}
	return sql.NullBool{Bool: *b, Valid: true}
}

// insertTicketSQL writes a new ticket: the columns a ticket has when it is
// registered (the rest keep their defaults until actions set them).
const insertTicketSQL = `INSERT INTO tickets (number, kind, status, category_code, area_code, description, address, lat, lng, channel, assigned_org_code, confidential, reporter_name, reporter_phone, reporter_user_id, created_by, created_at, updated_at, dispatched_at, signed_at, contacted_at, replied_at, closed_at, due_sign_at, due_contact_at, due_complete_at, warn_sign_at, warn_contact_at, warn_complete_at, warn_at, due_at, urgency, version, reporter_id_last4, reporter_phone_last4, requester_kind, credit_code)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37)`

func ticketArgs(t Ticket) []any {
	return []any{t.Number, t.Kind, t.Status, t.CategoryCode, t.AreaCode, t.Description, t.Address, nullFloat(t.Lat), nullFloat(t.Lng), t.Channel, t.AssignedOrgCode, t.Confidential, t.ReporterName, t.ReporterPhone, t.ReporterUserID, t.CreatedBy, db.Millis(t.CreatedAt), db.Millis(t.UpdatedAt), nullTime(t.DispatchedAt), nullTime(t.SignedAt), nullTime(t.ContactedAt), nullTime(t.RepliedAt), nullTime(t.ClosedAt), nullTime(t.DueSignAt), nullTime(t.DueContactAt), nullTime(t.DueCompleteAt), nullTime(t.warnSignAt), nullTime(t.warnContactAt), nullTime(t.warnCompleteAt), nullTime(t.WarnAt), nullTime(t.DueAt), t.Urgency, t.Version, t.ReporterIDLast4, phoneLast4(t.ReporterPhone), requesterOf(t.RequesterKind), t.CreditCode}
}

// updateTicket writes every column that changes over a ticket's life, if the
// ticket is still at the version it was read at.
func (s *Service) updateTicket(ctx context.Context, tx *sql.Tx, t Ticket, readVersion int) error {
	var rs sql.NullString
	var rr sql.NullBool
	var ratedAt sql.NullInt64
	var comment string
	if t.Rating != nil {
		rs = sql.NullString{String: string(t.Rating.Satisfaction), Valid: true}
		rr = sql.NullBool{Bool: t.Rating.Resolved, Valid: true}
		ratedAt = db.NullMillis(t.Rating.RatedAt)
		comment = t.Rating.Comment
	}
	res, err := s.db.Exec(ctx, tx, `UPDATE tickets SET status = $1, kind = $2, category_code = $3, area_code = $4, assigned_org_code = $5, urgency = $6,
  dispatched_at = $7, signed_at = $8, contacted_at = $9, replied_at = $10, closed_at = $11,
  due_sign_at = $12, due_contact_at = $13, due_complete_at = $14, warn_sign_at = $15, warn_contact_at = $16, warn_complete_at = $17,
  warn_at = $18, due_at = $19, overdue = $20, reminded_yellow = $21, reminded_red = $22, escalated = $23,
  reply_text = $24, reply_resolved = $25, rating_resolved = $26, rating_satisfaction = $27, rating_comment = $28, rated_at = $29,
  return_count = $30, redo_count = $31, extension_count = $32, review_pending = $33, parent_number = $34, invalid_reason = $35,
  return_reason = $36, status_before = $37, extension_until = $38, extension_reason = $39, updated_at = $40, version = $41,
  check_status = $44, check_note = $45
WHERE number = $42 AND version = $43`,
		t.Status, t.Kind, t.CategoryCode, t.AreaCode, t.AssignedOrgCode, t.Urgency,
		nullTime(t.DispatchedAt), nullTime(t.SignedAt), nullTime(t.ContactedAt), nullTime(t.RepliedAt), nullTime(t.ClosedAt),
		nullTime(t.DueSignAt), nullTime(t.DueContactAt), nullTime(t.DueCompleteAt), nullTime(t.warnSignAt), nullTime(t.warnContactAt), nullTime(t.warnCompleteAt),
		nullTime(t.WarnAt), nullTime(t.DueAt), t.Overdue, t.remindedYellow, t.remindedRed, t.escalated,
		t.ReplyText, nullBool(t.ReplyResolved), rr, rs.String, comment, ratedAt,
		t.ReturnCount, t.RedoCount, t.ExtensionCount, t.ReviewPending, t.ParentNumber, t.InvalidReason,
		t.ReturnReason, t.statusBefore, nullTime(t.ExtensionUntil), t.ExtensionReason, db.Millis(t.UpdatedAt), t.Version,
		t.Number, readVersion, t.CheckStatus, t.CheckNote)
	return checkUpdated(res, err)
}

func (s *Service) insertEvent(ctx context.Context, tx *sql.Tx, number string, e Event) error {
	_, err := s.db.Exec(ctx, tx, insertEventSQL, eventArgs(number, e)...)
	if db.IsUnique(err) {
		return errs.Conflictf("工单已被他人更新，请刷新后重试", "the ticket was changed by someone else; reload and try again")
	}
	return errs.Wrap(err, "insert event")
}

const insertEventSQL = `INSERT INTO ticket_events (ticket_number, seq, at, actor_id, actor_name, actor_role, action, from_status, to_status, org_code, note, resident_note)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`

func eventArgs(number string, e Event) []any {
	return []any{number, e.Seq, db.Millis(e.At), e.actorID, e.Actor, e.ActorRole, e.Action, e.FromStatus, e.ToStatus, e.OrgCode, e.Note, e.residentNote}
}

const ticketCols = `number, kind, status, category_code, area_code, description, address, lat, lng, channel,
  assigned_org_code, confidential, reporter_name, reporter_phone, reporter_user_id, created_by, created_at, updated_at,
  dispatched_at, signed_at, contacted_at, replied_at, closed_at, due_sign_at, due_contact_at, due_complete_at,
  reply_text, reply_resolved, rating_resolved, rating_satisfaction, rating_comment, rated_at, version,
  urgency, warn_sign_at, warn_contact_at, warn_complete_at, warn_at, due_at, overdue, reminded_yellow, reminded_red, escalated,
  return_count, redo_count, extension_count, review_pending, parent_number, invalid_reason, return_reason, status_before,
  extension_until, extension_reason, check_status, check_note, reporter_id_last4, requester_kind, credit_code`

func (s *Service) scanTicket(sc interface{ Scan(...any) error }) (Ticket, error) {
	var t Ticket
	var lat, lng sql.NullFloat64
	var created, updated int64
	var dispatched, signed, contacted, replied, closed, dueSign, dueContact, dueComplete, rated sql.NullInt64
	var warnSign, warnContact, warnComplete, warnAt, dueAt, extUntil sql.NullInt64
	var replyResolved, ratingResolved sql.NullBool
	var satisfaction, comment string
	err := sc.Scan(&t.Number, &t.Kind, &t.Status, &t.CategoryCode, &t.AreaCode, &t.Description, &t.Address, &lat, &lng, &t.Channel,
		&t.AssignedOrgCode, &t.Confidential, &t.ReporterName, &t.ReporterPhone, &t.ReporterUserID, &t.CreatedBy, &created, &updated,
		&dispatched, &signed, &contacted, &replied, &closed, &dueSign, &dueContact, &dueComplete,
		&t.ReplyText, &replyResolved, &ratingResolved, &satisfaction, &comment, &rated, &t.Version,
		&t.Urgency, &warnSign, &warnContact, &warnComplete, &warnAt, &dueAt, &t.Overdue, &t.remindedYellow, &t.remindedRed, &t.escalated,
		&t.ReturnCount, &t.RedoCount, &t.ExtensionCount, &t.ReviewPending, &t.ParentNumber, &t.InvalidReason, &t.ReturnReason, &t.statusBefore,
		&extUntil, &t.ExtensionReason, &t.CheckStatus, &t.CheckNote, &t.ReporterIDLast4, &t.RequesterKind, &t.CreditCode)
	if err != nil {
		return t, err
	}
	if lat.Valid && lng.Valid {
		t.Lat, t.Lng = &lat.Float64, &lng.Float64
	}
	t.CreatedAt = time.UnixMilli(created).In(s.loc)
	t.UpdatedAt = time.UnixMilli(updated).In(s.loc)
	opt := func(v sql.NullInt64) *time.Time {
		if !v.Valid {
			return nil
		}
		x := time.UnixMilli(v.Int64).In(s.loc)
		return &x
	}
	t.DispatchedAt, t.SignedAt, t.ContactedAt, t.RepliedAt, t.ClosedAt = opt(dispatched), opt(signed), opt(contacted), opt(replied), opt(closed)
	t.DueSignAt, t.DueContactAt, t.DueCompleteAt = opt(dueSign), opt(dueContact), opt(dueComplete)
	t.warnSignAt, t.warnContactAt, t.warnCompleteAt = opt(warnSign), opt(warnContact), opt(warnComplete)
	t.WarnAt, t.DueAt, t.ExtensionUntil = opt(warnAt), opt(dueAt), opt(extUntil)
	if replyResolved.Valid {
		t.ReplyResolved = &replyResolved.Bool
	}
	if rated.Valid {
		t.Rating = &Rating{Resolved: ratingResolved.Bool, Satisfaction: Satisfaction(satisfaction), Comment: comment, RatedAt: *opt(rated)}
	}
	t.Light = lightAt(t, s.clock.Now())
	return t, nil
}

func (s *Service) get(ctx context.Context, q db.Queryer, number string) (Ticket, error) {
	t, err := s.scanTicket(s.db.QueryRow(ctx, q, `SELECT `+ticketCols+` FROM tickets WHERE number = $1`, number))
	if errors.Is(err, sql.ErrNoRows) {
		return Ticket{}, s.errMissing(ctx, q, number)
	}
	return t, errs.Wrap(err, "get ticket")
}

// getFull reads a ticket with its helper units, summons and merged children.
func (s *Service) getFull(ctx context.Context, q db.Queryer, number string) (Ticket, error) {
	t, err := s.get(ctx, q, number)
	if err != nil {
		return t, err
	}
	rows, err := q.QueryContext(ctx, `SELECT org_code, status, note, reply_text, added_at, signed_at, replied_at FROM ticket_helpers WHERE ticket_number = $1 ORDER BY added_at, org_code`, number)
	if err != nil {
		return t, errs.Wrap(err, "read helpers")
	}
	defer rows.Close()
	opt := func(v sql.NullInt64) *time.Time {
		if !v.Valid {
			return nil
		}
		x := time.UnixMilli(v.Int64).In(s.loc)
		return &x
	}
	for rows.Next() {
		var h Helper
		var added int64
		var signed, replied sql.NullInt64
		if err := rows.Scan(&h.OrgCode, &h.Status, &h.Note, &h.ReplyText, &added, &signed, &replied); err != nil {
			return t, errs.Wrap(err, "scan helper")
		}
		h.AddedAt, h.SignedAt, h.RepliedAt = time.UnixMilli(added).In(s.loc), opt(signed), opt(replied)
		t.Helpers = append(t.Helpers, h)
	}
	if err := rows.Err(); err != nil {
		return t, errs.Wrap(err, "read helpers")
	}
	srows, err := q.QueryContext(ctx, `SELECT id, kind, org_code, note, created_at, due_at, status, reported_at, report_note FROM ticket_summons WHERE ticket_number = $1 ORDER BY created_at, id`, number)
	if err != nil {
		return t, errs.Wrap(err, "read summons")
	}
	defer srows.Close()
	for srows.Next() {
		var sm Summons
		var created, due int64
		var reported sql.NullInt64
		if err := srows.Scan(&sm.ID, &sm.Kind, &sm.OrgCode, &sm.Note, &created, &due, &sm.Status, &reported, &sm.ReportNote); err != nil {
			return t, errs.Wrap(err, "scan summons")
		}
		sm.CreatedAt, sm.DueAt, sm.ReportedAt = time.UnixMilli(created).In(s.loc), time.UnixMilli(due).In(s.loc), opt(reported)
		t.Summons = append(t.Summons, sm)
	}
	if err := srows.Err(); err != nil {
		return t, errs.Wrap(err, "read summons")
	}
	var lastUrged sql.NullInt64
	err = q.QueryRowContext(ctx, `SELECT COUNT(*), MAX(at) FROM ticket_events WHERE ticket_number = $1 AND action = $2`, number, ActionUrge).
		Scan(&t.UrgeCount, &lastUrged)
	if err != nil {
		return t, errs.Wrap(err, "count urges")
	}
	t.lastUrgedAt = opt(lastUrged)
	crows, err := q.QueryContext(ctx, `SELECT number FROM tickets WHERE parent_number = $1 ORDER BY number LIMIT 1000`, number)
	if err != nil {
		return t, errs.Wrap(err, "read children")
	}
	defer crows.Close()
	for crows.Next() {
		var n string
		if err := crows.Scan(&n); err != nil {
			return t, errs.Wrap(err, "scan child")
		}
		t.Children = append(t.Children, n)
	}
	if err := crows.Err(); err != nil {
		return t, errs.Wrap(err, "read children")
	}
	t.coReporters, err = coReportersQ(ctx, q, number)
	t.CoReporterCount = len(t.coReporters)
	return t, err
}

func errNoTicket(number string) error {
	return errs.NotFoundf("工单 %s 不存在", "ticket %s not found", number)
}

func (s *Service) events(ctx context.Context, q db.Queryer, number string) ([]Event, error) {
	rows, err := q.QueryContext(ctx, `SELECT seq, at, actor_id, actor_name, actor_role, action, from_status, to_status, org_code, note, resident_note
FROM ticket_events WHERE ticket_number = $1 ORDER BY seq`, number)
	if err != nil {
		return nil, errs.Wrap(err, "list events")
	}
	defer rows.Close()
	items := []Event{}
	for rows.Next() {
		var e Event
		var at int64
		if err := rows.Scan(&e.Seq, &at, &e.actorID, &e.Actor, &e.ActorRole, &e.Action, &e.FromStatus, &e.ToStatus, &e.OrgCode, &e.Note, &e.residentNote); err != nil {
			return nil, errs.Wrap(err, "scan event")
		}
		e.At = time.UnixMilli(at).In(s.loc)
		items = append(items, e)
	}
	return items, errs.Wrap(rows.Err(), "list events")
}
