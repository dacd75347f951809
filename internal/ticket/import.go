package ticket

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// ImportTicket is a ticket written as it stands, with its history, rather
// than taken through the loop: a seeded one (package seed) or one imported
// from another system (package transfer). ImportBatch is the one place such
// tickets are written.
type ImportTicket struct {
	// Ticket is written as given: every column of the loop's own fields,
	// the clocks (SetClocks) and the rating included. An empty Number takes
	// the next one of the business day of CreatedAt; an empty Urgency is
	// normal.
	Ticket
	// Events are the ticket's timeline, in order, with their Seq set.
	Events []ImportEvent
	// Source and ExternalID name the record in the system it came from;
	// when Source is set, a record already imported from that source is
	// skipped, and the pair is kept in ticket_sources.
	Source, ExternalID string
}

// ImportEvent is one event of an imported ticket, and the account (if any)
// that took it.
type ImportEvent struct {
	Event
	ActorID string
}

// ImportResult tells what ImportBatch wrote.
type ImportResult struct {
	// Numbers holds, for each ticket of the batch in order, its number, or
	// "" when it was skipped as imported before.
	Numbers []string
	Tickets int // tickets written
	Events  int // events written
}

// CanImport reports whether u may write tickets in bulk (seed, import): the
// administrator, and the installation acting as auth.System().
func CanImport(u auth.User) bool { return u.Role == auth.RoleAdmin }

// SetClocks sets the ticket's deadlines and their 75% points, as ClocksOf
// worked them out, for a ticket to import.
func (t *Ticket) SetClocks(c Clocks) {
	t.DueSignAt, t.warnSignAt, t.DueContactAt, t.warnContactAt = c.DueSign, c.WarnSign, c.DueContact, c.WarnContact
	t.DueCompleteAt, t.warnCompleteAt, t.WarnAt, t.DueAt = c.DueComplete, c.WarnComplete, c.Warn, c.Due
}

// ImportBatch writes a batch of tickets with their events in one
// transaction, as actor: it skips records imported before (ImportTicket's
// Source), takes numbers from the day counters for tickets without one,
// writes the tickets, their events and their sources (PostgreSQL: COPY;
// SQLite: multi-row INSERTs), and marks the evaluation's aggregates stale,
// since a refresh only looks for recent changes and these are history.
// Either all of it is written or none.
func (s *Service) ImportBatch(ctx context.Context, actor auth.User, batch []ImportTicket) (ImportResult, error) {
	if !CanImport(actor) {
		return ImportResult{}, errs.New(errs.Forbidden, "只有管理员可以批量写入工单", "only an administrator may write tickets in bulk")
	}
	if err := checkImport(batch); err != nil {
		return ImportResult{}, err
	}
	res := ImportResult{Numbers: make([]string, len(batch))}
	if len(batch) == 0 {
		return res, nil
	}
	if err := s.ensureMonths(ctx, true, importPartitions(batch)...); err != nil {
		return ImportResult{}, err
	}
	conn, err := s.db.W.Conn(ctx)
	if err != nil {
		return ImportResult{}, errs.Wrap(err, "import tickets")
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return ImportResult{}, errs.Wrap(err, "import tickets: begin")
	}
	defer tx.Rollback()
	w := &importWriter{engine: s.db.Engine, now: s.clock.Now(), conn: conn, tx: tx}
	keep, err := w.skipImported(ctx, batch)
	if err != nil {
		return ImportResult{}, err
	}
	if err := s.numberImports(ctx, tx, batch, keep, res.Numbers); err != nil {
		return ImportResult{}, err
	}
	if res.Tickets, res.Events, err = w.write(ctx, batch, keep, res.Numbers); err != nil {
		return ImportResult{}, err
	}
	if err := markAggregatesStale(ctx, tx); err != nil {
		return ImportResult{}, err
	}
	if err := tx.Commit(); err != nil {
		return ImportResult{}, errs.Wrap(db.MapError(err), "import tickets: commit")
	}
	return res, nil
}

// checkImport refuses a batch whose tickets the loop could not have made:
// an unknown kind, status, channel or urgency, no event, or events not
// numbered 1, 2, … up to the version (the next action's event follows the
// last).
func checkImport(batch []ImportTicket) error {
	for i := range batch {
		t := &batch[i]
		bad := ""
		switch {
		case !slices.Contains(Kinds, t.Kind):
			bad = "kind " + strconv.Quote(string(t.Kind))
		case !slices.Contains(Statuses, t.Status):
			bad = "status " + strconv.Quote(string(t.Status))
		case !slices.Contains(Channels, t.Channel):
			bad = "channel " + strconv.Quote(string(t.Channel))
		case t.Urgency != "" && !slices.Contains(Urgencies, t.Urgency):
			bad = "urgency " + strconv.Quote(string(t.Urgency))
		case !importRequesterOK(t.Ticket):
			bad = "requester_kind " + strconv.Quote(string(t.RequesterKind)) + " with credit_code " + strconv.Quote(t.CreditCode)
		case len(t.Events) == 0:
			bad = "no event"
		case t.Version != len(t.Events) || !numbered(t.Events):
			bad = "events not numbered 1 to the version"
		case t.Source != "" && t.ExternalID == "":
			bad = "a source without an external id"
		case !importNumberOK(t.Number, t.CreatedAt):
			bad = "number " + strconv.Quote(t.Number) + " begins neither with a letter nor with the business date of created_at"
		}
		if bad != "" {
			return errs.Invalidf("第 %d 条待导入工单有误：%s", "ticket %d of the batch to import: %s", i+1, bad)
		}
	}
	return nil
}

// importNumberOK reports whether an imported ticket's own number (none is
// fine) can be kept: another system's begins with a letter; one that
// begins with a digit is one of ours and begins with its business date,
// which lists and figures by date rely on (see NumberBelow).
func importNumberOK(n string, created time.Time) bool {
	if n == "" || n[0] >= 'A' && n[0] <= 'Z' {
		return true
	}
	return strings.HasPrefix(n, created.In(clock.BusinessZone()).Format("20060102"))
}

// importPartitions are numbers standing for the partitions the batch's
// tickets go in: each given number, or the first day of the month the
// ticket was made.
func importPartitions(batch []ImportTicket) []string {
	seen := map[string]bool{}
	var out []string
	for i := range batch {
		n := batch[i].Number
		if n == "" {
			n = batch[i].CreatedAt.In(clock.BusinessZone()).Format("200601") + "01"
		}
		if m := PartitionOf(n); !seen[m] {
			seen[m] = true
			out = append(out, n)
		}
	}
	return out
}

func numbered(evs []ImportEvent) bool {
	for i := range evs {
		if evs[i].Seq != i+1 {
			return false
		}
	}
	return true
}

// markAggregatesStale tells the evaluation (through its state row, which
// this package does not otherwise touch) that its aggregates must be
// rebuilt: the refresher only looks at recent changes.
func markAggregatesStale(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `UPDATE evaluation_state SET status = 'stale' WHERE id = 1 AND status = 'built'`)
	return errs.Wrap(err, "mark evaluation stale")
}

// numberImports gives each kept ticket without a number the next of its
// business day: one atomic upsert of the day's counter per day (the counter
// live submissions take theirs from), so nothing else takes the same.
func (s *Service) numberImports(ctx context.Context, tx *sql.Tx, batch []ImportTicket, keep []bool, numbers []string) error {
	count := map[string]int64{}
	for i := range batch {
		if !keep[i] {
			continue
		}
		if batch[i].Number != "" {
			numbers[i] = batch[i].Number
			continue
		}
		count[batch[i].CreatedAt.In(s.loc).Format("20060102")]++
	}
	days := make([]string, 0, len(count))
	for d := range count {
		days = append(days, d)
	}
	sort.Strings(days)
	next := map[string]int64{}
	for _, d := range days {
		var end int64
		err := tx.QueryRowContext(ctx, `INSERT INTO counters (name, value) VALUES ($1, $2)
ON CONFLICT (name) DO UPDATE SET value = counters.value + excluded.value RETURNING value`, "ticket:"+d, count[d]).Scan(&end)
		if err != nil {
			return errs.Wrap(err, "reserve ticket numbers of "+d)
		}
		if end > 999999 {
			return errs.Invalidf("%s 这一天的工单序号将到 %d，超出工单编号的六位", "day %s would need ticket sequence %d, beyond the six digits of a ticket number", d, end)
		}
		next[d] = end - count[d] + 1
	}
	for i := range batch {
		if keep[i] && numbers[i] == "" {
			d := batch[i].CreatedAt.In(s.loc).Format("20060102")
			numbers[i] = fmt.Sprintf("%s%06d", d, next[d])
			next[d]++
		}
	}
	return nil
}

// Imported returns which of ids were imported from source before.
func (s *Service) Imported(ctx context.Context, source string, ids []string) (map[string]bool, error) {
	return importedFrom(ctx, s.db.R, s.db.Engine, source, ids)
}

// importedFrom reads ticket_sources for ids. PostgreSQL takes them as one
// array, joined to the table: an IN list of hundreds of parameters is
// compared row by row when the planner scans the table (as it does while
// its statistics say a freshly filled table is empty), seconds per batch.
// SQLite takes IN lists of a few hundred, each looked up in the key.
func importedFrom(ctx context.Context, q db.Queryer, engine, source string, ids []string) (map[string]bool, error) {
	done := map[string]bool{}
	per := 500
	if engine == db.Postgres {
		per = len(ids)
	}
	for start := 0; start < len(ids); start += per {
		chunk := ids[start:min(start+per, len(ids))]
		var rows *sql.Rows
		var err error
		if engine == db.Postgres {
			rows, err = q.QueryContext(ctx, `SELECT s.external_id FROM ticket_sources s JOIN unnest($2::text[]) AS x (id) ON s.external_id = x.id
WHERE s.source = $1`, source, chunk)
		} else {
			args := []any{source}
			for _, id := range chunk {
				args = append(args, id)
			}
			rows, err = q.QueryContext(ctx, `SELECT external_id FROM ticket_sources WHERE source = ? AND external_id IN (`+
				strings.Repeat("?,", len(chunk)-1)+`?)`, args...)
		}
		if err != nil {
			return nil, errs.Wrap(err, "check imported records")
		}
		if err := scanIDs(rows, done); err != nil {
			return nil, errs.Wrap(err, "check imported records")
		}
	}
	return done, nil
}

func scanIDs(rows *sql.Rows, into map[string]bool) error {
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		into[id] = true
	}
	return rows.Err()
}
