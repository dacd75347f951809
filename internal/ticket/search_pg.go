package ticket

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// A search by words on PostgreSQL reads, in turn, until a step answers:
//
//  1. the walk: the newest searchWindow tickets in scope, in number order,
//     each checked for the words — a word common enough fills the page here;
//  2. the recent slice: the GIN index's matches among the newest
//     searchRecent tickets of the district (a bitmap of the words ANDed
//     with a range of numbers), so a word too rare for the walk fetches
//     only its matches of the last days, not of years;
//  3. everything: the GIN index's matches — reached only by words with
//     fewer than a page of matches in the recent slice, so few in all.
//
// The planner cannot tell how many tickets hold a pair of characters (its
// estimate of an array's elements knows only the most common ones), so it
// is not asked to choose: the steps bound what each reads, whatever the
// word. In steps 2 and 3 the area of the scope is a filter on the rows
// fetched, never a bitmap of its own: a district's area is every ticket.
//
// Count walks countWindow tickets, then asks the GIN index once for all
// the matches (the bitmap of a word is read whole whatever the range, and
// a count stops at CountLimit's few matches).
var (
	searchWindow = 2000
	countWindow  = 5000
	searchRecent = 100000
)

// recentFloorTTL is how long the number where the recent slice starts is
// kept before it is read again.
const recentFloorTTL = time.Minute

// recentFloor caches the number of the searchRecent-th newest ticket.
type recentFloor struct {
	mu     sync.Mutex
	number string // "": fewer tickets than searchRecent
	at     time.Time
}

// recentFloor returns the number the recent slice starts at, "" when the
// database holds fewer than searchRecent tickets (step 2 is then step 3).
func (s *Service) recentFloor(ctx context.Context) (string, error) {
	f := &s.recent
	f.mu.Lock()
	defer f.mu.Unlock()
	now := s.clock.Now()
	if !f.at.IsZero() && now.Sub(f.at) < recentFloorTTL && now.After(f.at) {
		return f.number, nil
	}
	var n string
	err := s.db.R.QueryRowContext(ctx, `SELECT number FROM tickets ORDER BY number DESC OFFSET $1 LIMIT 1`, searchRecent-1).Scan(&n)
	if err != nil && err != sql.ErrNoRows {
		return "", errs.Wrap(err, "search tickets")
	}
	f.number, f.at = n, now
	return n, nil
}

// splitText returns the conditions of qc without the last (the words),
// the last, and the arguments they take.
func splitText(qc *db.Conds) (rest, text string, args []any) {
	n := len(qc.Where)
	rest = strings.Join(qc.Where[:n-1], " AND ")
	if rest == "" {
		rest = "TRUE"
	}
	return rest, qc.Where[n-1], qc.Args
}

// windowed is one query of a search by words: the walk (sql of the
// conditions and their args), the recent slice and everything.
type windowed struct {
	rest, text string
	args       []any
	floor      string
}

func (s *Service) windowedOf(ctx context.Context, qc *db.Conds) (windowed, error) {
	rest, text, args := splitText(qc)
	floor, err := s.recentFloor(ctx)
	return windowed{rest: rest, text: text, args: args, floor: floor}, err
}

// walkSQL is the matches among the newest searchWindow tickets in scope,
// newest first, with the given columns.
func (w windowed) walkSQL(c *db.Conds, cols string, window int) string {
	return `SELECT ` + cols + ` FROM (SELECT number, search_terms FROM tickets WHERE ` + w.rest +
		` ORDER BY number DESC LIMIT ` + c.Arg(window) + `) AS recent WHERE ` + w.text
}

// indexSQL is the matches the GIN index finds, from floor on if given.
func (w windowed) indexSQL(c *db.Conds, cols, floor string) string {
	q := `SELECT ` + cols + ` FROM tickets WHERE ` + w.text + ` AND ` + w.rest
	if floor != "" {
		q += ` AND number >= ` + c.Arg(floor)
	}
	return q
}

// floors are the GIN steps: the recent slice if there is one, then
// everything ("").
func (w windowed) floors() []string {
	if w.floor == "" {
		return []string{""}
	}
	return []string{w.floor, ""}
}

// conds returns fresh conditions holding w's arguments, for more of them.
func (w windowed) conds() *db.Conds {
	return &db.Conds{Args: append([]any(nil), w.args...)}
}

// listWindowed is listPage for a search by words on PostgreSQL.
func (s *Service) listWindowed(ctx context.Context, u auth.User, qc *db.Conds, limit int) (Page, error) {
	w, err := s.windowedOf(ctx, qc)
	if err != nil {
		return Page{}, err
	}
	c := w.conds()
	q := `SELECT ` + ticketCols + ` FROM tickets WHERE number IN (` + w.walkSQL(c, "number", searchWindow) +
		` ORDER BY number DESC LIMIT ` + c.Arg(limit+1) + `) ORDER BY number DESC`
	page, err := s.queryPage(ctx, s.db.R, u, q, c.Args, limit)
	if err != nil || page.NextCursor != "" {
		return page, errs.Wrap(err, "search tickets")
	}
	for _, floor := range w.floors() {
		err = s.byIndex(ctx, func(tx *sql.Tx) error {
			c := w.conds()
			q := w.indexSQL(c, ticketCols, floor) + ` ORDER BY number DESC LIMIT ` + c.Arg(limit+1)
			page, err = s.queryPage(ctx, tx, u, q, c.Args, limit)
			return err
		})
		if err != nil || page.NextCursor != "" {
			break
		}
	}
	return page, errs.Wrap(err, "search tickets")
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func (s *Service) queryPage(ctx context.Context, db querier, u auth.User, q string, args []any, limit int) (Page, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return Page{}, err
	}
	defer rows.Close()
	return s.readPage(u, rows, limit)
}

// countWindowed is Count for a search by words on PostgreSQL, up to
// limit: the walk, then everything.
func (s *Service) countWindowed(ctx context.Context, qc *db.Conds, limit int) (int, error) {
	w, err := s.windowedOf(ctx, qc)
	if err != nil {
		return 0, err
	}
	c := w.conds()
	q := `SELECT COUNT(*) FROM (` + w.walkSQL(c, "1", countWindow) + ` LIMIT ` + c.Arg(limit) + `) AS matched`
	var n int
	if err := s.db.R.QueryRowContext(ctx, q, c.Args...).Scan(&n); err != nil || n >= limit {
		return n, errs.Wrap(err, "count tickets")
	}
	err = s.byIndex(ctx, func(tx *sql.Tx) error {
		c := w.conds()
		q := `SELECT COUNT(*) FROM (` + w.indexSQL(c, "1", "") + ` LIMIT ` + c.Arg(limit) + `) AS matched`
		return tx.QueryRowContext(ctx, q, c.Args...).Scan(&n)
	})
	return n, errs.Wrap(err, "count tickets")
}

// byIndex runs fn in a read-only transaction whose planner takes bitmap
// scans (the GIN index) rather than walk an index in order.
func (s *Service) byIndex(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.R.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SET LOCAL enable_indexscan = off`); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `SET LOCAL enable_indexonlyscan = off`); err != nil {
		return err
	}
	// A common word's bitmap stays exact (not a page's every row to
	// check), and each plan sees the numbers it is given: a generic plan
	// cannot tell a range of the newest tickets from a third of them.
	for _, set := range []string{`SET LOCAL work_mem = '32MB'`, `SET LOCAL plan_cache_mode = force_custom_plan`} {
		if _, err := tx.ExecContext(ctx, set); err != nil {
			return err
		}
	}
	return fn(tx)
}
