package ticket

// Tickets another system sends one at a time with its own record number (a
// city's 12345 platform dispatching down, see internal/citylink): the pair
// of source and number is kept in ticket_sources, as the import keeps its
// records, in the ticket's own transaction, so a second send of the same
// number finds the ticket and never makes another.

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// MaxExternalID is the longest record number another system may send.
const MaxExternalID = 100

type sourceRef struct{ source, externalID string }

func (r *sourceRef) insert(ctx context.Context, tx *sql.Tx, number string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO ticket_sources (source, external_id, ticket_number, imported_at) VALUES ($1, $2, $3, $4)`,
		r.source, r.externalID, number, db.Millis(now))
	return errs.Wrap(err, "insert ticket source")
}

// sourcedQ returns the number of the ticket made from the record, or "".
func sourcedQ(ctx context.Context, q db.Queryer, source, externalID string) (string, error) {
	var n string
	err := q.QueryRowContext(ctx, `SELECT ticket_number FROM ticket_sources WHERE source = $1 AND external_id = $2`, source, externalID).Scan(&n)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return n, errs.Wrap(err, "read ticket source")
}

// CreateFromSource registers, as actor, the record externalID that the
// system source sent, exactly as Create does, unless a ticket was made from
// that record before: then it returns that ticket and existed is true,
// whatever in says now.
func (s *Service) CreateFromSource(ctx context.Context, actor auth.User, in NewTicket, source, externalID string) (t Ticket, existed bool, err error) {
	externalID = strings.TrimSpace(externalID)
	if source == "" || externalID == "" {
		return Ticket{}, false, errs.Invalidf("缺少来源编号", "the record number of the source is required")
	}
	if len(externalID) > MaxExternalID || strings.ContainsFunc(externalID, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return Ticket{}, false, errs.Invalidf("来源编号不能超过%d个字符且不能含控制字符", "the record number must be at most %d characters, without control characters", MaxExternalID)
	}
	find := func() (Ticket, bool, error) {
		n, err := sourcedQ(ctx, s.db.R, source, externalID)
		if err != nil || n == "" {
			return Ticket{}, false, err
		}
		t, err := s.get(ctx, s.db.R, n)
		return t, true, err
	}
	if t, ok, err := find(); ok || err != nil {
		return t, ok, err
	}
	t, err = s.create(ctx, &actor, in, &sourceRef{source: source, externalID: externalID})
	if err != nil && db.IsUnique(err) {
		// A concurrent send of the same record won the race.
		if t, ok, ferr := find(); ok || ferr != nil {
			return t, ok, ferr
		}
	}
	return t, false, err
}

// SourceOf returns the number of the ticket made from a record of source, or
// "" when there is none.
func (s *Service) SourceOf(ctx context.Context, source, externalID string) (string, error) {
	return sourcedQ(ctx, s.db.R, source, externalID)
}
