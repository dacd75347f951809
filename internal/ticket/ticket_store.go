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

func insertTicket(ctx context.Context, tx *sql.Tx, t Ticket) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO tickets (number, kind, status, category_code, area_code, description, address, lat, lng, channel,
  assigned_org_code, confidential, reporter_name, reporter_phone, reporter_user_id, created_by, created_at, updated_at,
  due_sign_at, due_contact_at, due_complete_at, version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)`,
		t.Number, t.Kind, t.Status, t.CategoryCode, t.AreaCode, t.Description, t.Address, nullFloat(t.Lat), nullFloat(t.Lng), t.Channel,
		t.AssignedOrgCode, t.Confidential, t.ReporterName, t.ReporterPhone, t.ReporterUserID, t.CreatedBy, db.Millis(t.CreatedAt), db.Millis(t.UpdatedAt),
		nullTime(t.DueSignAt), nullTime(t.DueContactAt), nullTime(t.DueCompleteAt), t.Version)
	if db.IsUnique(err) {
		return errs.Conflictf("工单编号重复", "duplicate ticket number")
	}
	return errs.Wrap(err, "insert ticket")
}

func insertEvent(ctx context.Context, tx *sql.Tx, number string, e Event) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO ticket_events (ticket_number, seq, at, actor_id, actor_name, actor_role, action, from_status, to_status, org_code, note)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		number, e.Seq, db.Millis(e.At), e.actorID, e.Actor, e.ActorRole, e.Action, e.FromStatus, e.ToStatus, e.OrgCode, e.Note)
	if db.IsUnique(err) {
		return errs.Conflictf("工单已被他人更新，请刷新后重试", "the ticket was changed by someone else; reload and try again")
	}
	return errs.Wrap(err, "insert event")
}

const ticketCols = `number, kind, status, category_code, area_code, description, address, lat, lng, channel,
  assigned_org_code, confidential, reporter_name, reporter_phone, reporter_user_id, created_by, created_at, updated_at,
  dispatched_at, signed_at, contacted_at, replied_at, closed_at, due_sign_at, due_contact_at, due_complete_at,
  reply_text, reply_resolved, rating_resolved, rating_satisfaction, rating_comment, rated_at, version`

func (s *Service) scanTicket(sc interface{ Scan(...any) error }) (Ticket, error) {
	var t Ticket
	var lat, lng sql.NullFloat64
	var created, updated int64
	var dispatched, signed, contacted, replied, closed, dueSign, dueContact, dueComplete, rated sql.NullInt64
	var replyResolved, ratingResolved sql.NullBool
	var satisfaction, comment string
	err := sc.Scan(&t.Number, &t.Kind, &t.Status, &t.CategoryCode, &t.AreaCode, &t.Description, &t.Address, &lat, &lng, &t.Channel,
		&t.AssignedOrgCode, &t.Confidential, &t.ReporterName, &t.ReporterPhone, &t.ReporterUserID, &t.CreatedBy, &created, &updated,
		&dispatched, &signed, &contacted, &replied, &closed, &dueSign, &dueContact, &dueComplete,
		&t.ReplyText, &replyResolved, &ratingResolved, &satisfaction, &comment, &rated, &t.Version)
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
	if replyResolved.Valid {
		t.ReplyResolved = &replyResolved.Bool
	}
	if rated.Valid {
		t.Rating = &Rating{Resolved: ratingResolved.Bool, Satisfaction: Satisfaction(satisfaction), Comment: comment, RatedAt: *opt(rated)}
	}
	return t, nil
}

func (s *Service) get(ctx context.Context, q db.Queryer, number string) (Ticket, error) {
	t, err := s.scanTicket(q.QueryRowContext(ctx, `SELECT `+ticketCols+` FROM tickets WHERE number = $1`, number))
	if errors.Is(err, sql.ErrNoRows) {
		return Ticket{}, errNoTicket(number)
	}
	return t, errs.Wrap(err, "get ticket")
}

func errNoTicket(number string) error {
	return errs.NotFoundf("工单 %s 不存在", "ticket %s not found", number)
}

func (s *Service) events(ctx context.Context, q db.Queryer, number string) ([]Event, error) {
	rows, err := q.QueryContext(ctx, `SELECT seq, at, actor_id, actor_name, actor_role, action, from_status, to_status, org_code, note
FROM ticket_events WHERE ticket_number = $1 ORDER BY seq`, number)
	if err != nil {
		return nil, errs.Wrap(err, "list events")
	}
	defer rows.Close()
	items := []Event{}
	for rows.Next() {
		var e Event
		var at int64
		if err := rows.Scan(&e.Seq, &at, &e.actorID, &e.Actor, &e.ActorRole, &e.Action, &e.FromStatus, &e.ToStatus, &e.OrgCode, &e.Note); err != nil {
			return nil, errs.Wrap(err, "scan event")
		}
		e.At = time.UnixMilli(at).In(s.loc)
		items = append(items, e)
	}
	return items, errs.Wrap(rows.Err(), "list events")
}
