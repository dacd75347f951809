package attachment

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

const cols = `id, ticket_number, sha256, content_type, size, width, height, name, purpose, uploaded_by, created_at, lat, lng, stripped`

func (s *Service) scan(sc interface{ Scan(...any) error }) (Attachment, error) {
	var a Attachment
	var created int64
	var lat, lng sql.NullFloat64
	if err := sc.Scan(&a.ID, &a.TicketNumber, &a.SHA256, &a.ContentType, &a.Size, &a.Width, &a.Height, &a.Name, &a.Purpose,
		&a.UploadedBy, &created, &lat, &lng, &a.stripped); err != nil {
		return a, err
	}
	a.CreatedAt = time.UnixMilli(created).In(s.tickets.Location())
	if lat.Valid && lng.Valid {
		a.Lat, a.Lng = &lat.Float64, &lng.Float64
	}
	return a, nil
}

func (s *Service) list(ctx context.Context, q db.Queryer, number string) ([]Attachment, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+cols+` FROM attachments WHERE ticket_number = $1 ORDER BY created_at, slot`, number)
	if err != nil {
		return nil, errs.Wrap(err, "list attachments")
	}
	defer rows.Close()
	items := []Attachment{}
	for rows.Next() {
		a, err := s.scan(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan attachment")
		}
		items = append(items, a)
	}
	return items, errs.Wrap(rows.Err(), "list attachments")
}

func (s *Service) get(ctx context.Context, q db.Queryer, number, id string) (Attachment, error) {
	a, err := s.scan(q.QueryRowContext(ctx, `SELECT `+cols+` FROM attachments WHERE id = $1 AND ticket_number = $2`, id, number))
	if errors.Is(err, sql.ErrNoRows) {
		return a, errNoAttachment
	}
	return a, errs.Wrap(err, "get attachment")
}

func nullFloat(f *float64) sql.NullFloat64 {
	if f == nil {
		return sql.NullFloat64{}
	}
	return sql.NullFloat64{Float64: *f, Valid: true}
}

// CountPurpose counts a ticket's attachments of a purpose in the caller's
// transaction. It is the ticket service's PhotoCounter: self-resolving
// (自办自结) needs an after photo.
func (s *Service) CountPurpose(ctx context.Context, tx *sql.Tx, number, purpose string) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM attachments WHERE ticket_number = $1 AND purpose = $2`, number, purpose).Scan(&n)
	return n, errs.Wrap(err, "count attachments")
}

// insert records a, counting the ticket's attachments in the same
// transaction. Each takes the lowest free slot of 1 to 9, unique per ticket,
// so two uploads racing for the last slot cannot both win: the loser tries
// again and finds the ticket full. Every lost race means another upload
// took a slot, so MaxPerTicket tries always end. It returns the ticket's existing
// attachment, and created false, when the ticket already has this content.
func (s *Service) insert(ctx context.Context, a Attachment) (Attachment, bool, error) {
	for try := 0; ; try++ {
		out, created := a, false
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			rows, err := tx.QueryContext(ctx, `SELECT id, slot, sha256 FROM attachments WHERE ticket_number = $1`, a.TicketNumber)
			if err != nil {
				return errs.Wrap(err, "count attachments")
			}
			defer rows.Close()
			used := map[int]bool{}
			same := ""
			for rows.Next() {
				var id, sum string
				var slot int
				if err := rows.Scan(&id, &slot, &sum); err != nil {
					return errs.Wrap(err, "count attachments")
				}
				used[slot] = true
				if sum == a.SHA256 {
					same = id
				}
			}
			if err := rows.Err(); err != nil {
				return errs.Wrap(err, "count attachments")
			}
			rows.Close()
			if same != "" {
				out, err = s.get(ctx, tx, a.TicketNumber, same)
				return err
			}
			slot := 0
			for i := 1; i <= MaxPerTicket && slot == 0; i++ {
				if !used[i] {
					slot = i
				}
			}
			if slot == 0 {
				return errFull
			}
			out.ID, out.stripped = db.NewID(), true
			_, err = tx.ExecContext(ctx, `INSERT INTO attachments (id, ticket_number, slot, sha256, content_type, size, width, height, name, purpose, uploaded_by, created_at, lat, lng, stripped)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, TRUE)`,
				out.ID, out.TicketNumber, slot, out.SHA256, out.ContentType, out.Size, out.Width, out.Height, out.Name, out.Purpose,
				out.UploadedBy, db.Millis(out.CreatedAt), nullFloat(out.Lat), nullFloat(out.Lng))
			if err != nil {
				if isForeignKey(err) {
					return errs.NotFoundf("工单 %s 不存在", "ticket %s not found", a.TicketNumber)
				}
				return errs.Wrap(db.MapError(err), "insert attachment")
			}
			created = true
			return nil
		})
		if db.IsUnique(err) && try < MaxPerTicket {
			continue
		}
		return out, created, err
	}
}

// isForeignKey reports whether err is a foreign-key violation: the ticket
// does not exist.
func isForeignKey(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "FOREIGN KEY constraint failed") || strings.Contains(msg, "SQLSTATE 23503")
}
