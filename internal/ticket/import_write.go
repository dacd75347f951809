package ticket

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// The columns ImportBatch writes; the others (returns, extensions, merges,
// the sweep's marks) keep their defaults.
var (
	importTicketColumns = []string{"number", "kind", "status", "category_code", "area_code", "description", "address", "lat", "lng", "channel",
		"assigned_org_code", "confidential", "reporter_name", "reporter_phone", "reporter_user_id", "created_by", "created_at", "updated_at",
		"dispatched_at", "signed_at", "contacted_at", "replied_at", "closed_at", "due_sign_at", "due_contact_at", "due_complete_at",
		"reply_text", "reply_resolved", "rating_resolved", "rating_satisfaction", "rating_comment", "rated_at", "version",
		"urgency", "warn_sign_at", "warn_contact_at", "warn_complete_at", "warn_at", "due_at", "invalid_reason", "reporter_phone_last4",
		"requester_kind", "credit_code"}
	importEventColumns  = []string{"ticket_number", "seq", "at", "actor_id", "actor_name", "actor_role", "action", "from_status", "to_status", "org_code", "note"}
	importSourceColumns = []string{"source", "external_id", "ticket_number", "imported_at"}
)

// sqliteMaxVars is SQLite's bound on the variables of one statement.
const sqliteMaxVars = 32766

// importWriter writes one ImportBatch on the transaction tx of conn.
type importWriter struct {
	engine string
	now    time.Time // when the sources were imported
	conn   *sql.Conn
	tx     *sql.Tx
	stmts  map[string]*sql.Stmt // SQLite's multi-row INSERTs, by table and rows
}

// skipImported marks which tickets of the batch to write: not those whose
// source record was imported before, nor a second one of the same record.
func (w *importWriter) skipImported(ctx context.Context, batch []ImportTicket) ([]bool, error) {
	keep := make([]bool, len(batch))
	ids := map[string][]string{}
	for i := range batch {
		keep[i] = true
		if src := batch[i].Source; src != "" {
			ids[src] = append(ids[src], batch[i].ExternalID)
		}
	}
	done := map[[2]string]bool{}
	for src, list := range ids {
		imported, err := importedFrom(ctx, w.tx, w.engine, src, list)
		if err != nil {
			return nil, err
		}
		for id := range imported {
			done[[2]string{src, id}] = true
		}
	}
	for i := range batch {
		if src := batch[i].Source; src != "" {
			key := [2]string{src, batch[i].ExternalID}
			keep[i] = !done[key]
			done[key] = true
		}
	}
	return keep, nil
}

// write writes the kept tickets, their events and their sources.
func (w *importWriter) write(ctx context.Context, batch []ImportTicket, keep []bool, numbers []string) (tickets, events int, err error) {
	defer w.closeStmts()
	var kept []int
	sources := 0
	for i := range batch {
		if keep[i] {
			kept = append(kept, i)
			events += len(batch[i].Events)
			if batch[i].Source != "" {
				sources++
			}
		}
	}
	if err := w.tickets(ctx, batch, kept, numbers); err != nil {
		return 0, 0, err
	}
	if err := w.rows(ctx, "ticket_events", importEventColumns, events, eventRows(batch, kept, numbers)); err != nil {
		return 0, 0, err
	}
	now := w.now.UnixMilli()
	var withSource []int
	for _, i := range kept {
		if batch[i].Source != "" {
			withSource = append(withSource, i)
		}
	}
	sourceRows := func(dst []any, k int) []any {
		i := withSource[k]
		return append(dst, batch[i].Source, batch[i].ExternalID, numbers[i], now)
	}
	if err := w.rows(ctx, "ticket_sources", importSourceColumns, sources, sourceRows); err != nil {
		return 0, 0, err
	}
	return len(kept), events, nil
}

// eventRows walks the events of the kept tickets in order.
func eventRows(batch []ImportTicket, kept []int, numbers []string) func(dst []any, k int) []any {
	ti, ei := 0, 0
	return func(dst []any, _ int) []any {
		for ei >= len(batch[kept[ti]].Events) {
			ti, ei = ti+1, 0
		}
		i := kept[ti]
		e := &batch[i].Events[ei]
		ei++
		return append(dst, numbers[i], int64(e.Seq), e.At.UnixMilli(), e.ActorID, e.Actor, e.ActorRole, e.Action,
			string(e.FromStatus), string(e.ToStatus), e.OrgCode, e.Note)
	}
}

func msOrNil(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMilli()
}

func boolOrNil(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

func floatOrNil(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

// appendImportTicket appends the values of importTicketColumns.
func appendImportTicket(dst []any, number string, t *Ticket) []any {
	var ratingResolved, ratedAt any
	var satisfaction, comment string
	if r := t.Rating; r != nil {
		ratingResolved, ratedAt, satisfaction, comment = r.Resolved, r.RatedAt.UnixMilli(), string(r.Satisfaction), r.Comment
	}
	lat, lng := floatOrNil(t.Lat), floatOrNil(t.Lng)
	if lat == nil || lng == nil {
		lat, lng = nil, nil
	}
	urgency := t.Urgency
	if urgency == "" {
		urgency = UrgencyNormal
	}
	return append(dst, number, string(t.Kind), string(t.Status), t.CategoryCode, t.AreaCode, t.Description, t.Address, lat, lng, string(t.Channel),
		t.AssignedOrgCode, t.Confidential, t.ReporterName, t.ReporterPhone, t.ReporterUserID, t.CreatedBy, t.CreatedAt.UnixMilli(), t.UpdatedAt.UnixMilli(),
		msOrNil(t.DispatchedAt), msOrNil(t.SignedAt), msOrNil(t.ContactedAt), msOrNil(t.RepliedAt), msOrNil(t.ClosedAt),
		msOrNil(t.DueSignAt), msOrNil(t.DueContactAt), msOrNil(t.DueCompleteAt),
		t.ReplyText, boolOrNil(t.ReplyResolved), ratingResolved, satisfaction, comment, ratedAt, int64(t.Version),
		string(urgency), msOrNil(t.warnSignAt), msOrNil(t.warnContactAt), msOrNil(t.warnCompleteAt), msOrNil(t.WarnAt), msOrNil(t.DueAt),
		t.InvalidReason, phoneLast4(t.ReporterPhone), string(requesterOf(t.RequesterKind)), t.CreditCode)
}

// rows writes n rows of table, the values of row k appended by fill:
// PostgreSQL COPYs them on the transaction's connection, SQLite takes
// multi-row INSERTs.
func (w *importWriter) rows(ctx context.Context, table string, cols []string, n int, fill func(dst []any, k int) []any) error {
	if n == 0 {
		return nil
	}
	if w.engine == db.Postgres {
		src := &copySource{n: n, fill: fill, vals: make([]any, 0, len(cols))}
		// The transaction runs on this connection: pgx's COPY on it is
		// part of the transaction.
		err := w.conn.Raw(func(dc any) error {
			_, err := dc.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, src)
			return err
		})
		return errs.Wrap(db.MapError(err), "copy "+table)
	}
	per := sqliteMaxVars / len(cols)
	args := make([]any, 0, min(n, per)*len(cols))
	for start := 0; start < n; start += per {
		rows := min(per, n-start)
		args = args[:0]
		for k := start; k < start+rows; k++ {
			args = fill(args, k)
		}
		st, err := w.insert(ctx, table, cols, rows)
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return errs.Wrap(db.MapError(err), "insert "+table)
		}
	}
	return nil
}

// insert prepares, once per batch, the INSERT of rows rows into table, with
// anonymous ? parameters: SQLite looks a numbered one up in a linear list,
// which makes binding thousands of $N parameters quadratic.
func (w *importWriter) insert(ctx context.Context, table string, cols []string, rows int) (*sql.Stmt, error) {
	key := fmt.Sprintf("%s/%d", table, rows)
	if st, ok := w.stmts[key]; ok {
		return st, nil
	}
	var b strings.Builder
	b.Grow(len(cols) * rows * 2)
	b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
	row := "(" + strings.Repeat("?,", len(cols)-1) + "?)"
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(row)
	}
	st, err := w.tx.PrepareContext(ctx, b.String())
	if err != nil {
		return nil, errs.Wrap(err, "prepare insert into "+table)
	}
	if w.stmts == nil {
		w.stmts = map[string]*sql.Stmt{}
	}
	w.stmts[key] = st
	return st, nil
}

func (w *importWriter) closeStmts() {
	for _, st := range w.stmts {
		st.Close()
	}
	w.stmts = nil
}

// copySource feeds pgx's COPY one row at a time, in one reused slice.
type copySource struct {
	n, i int
	fill func(dst []any, k int) []any
	vals []any
}

func (s *copySource) Next() bool { s.i++; return s.i <= s.n }
func (s *copySource) Values() ([]any, error) {
	s.vals = s.fill(s.vals[:0], s.i-1)
	return s.vals, nil
}
func (s *copySource) Err() error { return nil }
