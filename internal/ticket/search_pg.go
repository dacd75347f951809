package ticket

import (
	"context"
	"database/sql"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// searchWindow is how many of the newest tickets in scope a search by
// words on PostgreSQL reads first, in number order, before it asks the GIN
// index instead.
//
// The planner cannot tell how many tickets hold a pair of characters (its
// estimate of an array's elements knows only the most common ones), and
// each of its two ways is ruinous on the other kind of word: walking the
// tickets newest first reads all ten million for a word no ticket has; the
// GIN index fetches and sorts every match of a word half the tickets have.
// So the walk goes first, bounded: a word common enough fills the page
// within the window; otherwise the GIN index, forced, finds the few
// matches there are.
const searchWindow = 5000

// splitText returns the conditions of qc without the last (the words) and
// the last.
func splitText(qc *db.Conds) (rest, text string) {
	n := len(qc.Where)
	rest = strings.Join(qc.Where[:n-1], " AND ")
	if rest == "" {
		rest = "TRUE"
	}
	return rest, qc.Where[n-1]
}

// listWindowed is listPage for a search by words on PostgreSQL.
func (s *Service) listWindowed(ctx context.Context, u auth.User, qc *db.Conds, limit int) (Page, error) {
	rest, text := splitText(qc)
	lim := qc.Arg(limit + 1)
	q := `SELECT ` + ticketCols + ` FROM tickets WHERE number IN (SELECT number FROM (SELECT number, search_terms FROM tickets WHERE ` + rest +
		` ORDER BY number DESC LIMIT ` + qc.Arg(searchWindow) + `) AS recent WHERE ` + text + ` ORDER BY number DESC LIMIT ` + lim + `) ORDER BY number DESC`
	rows, err := s.db.R.QueryContext(ctx, q, qc.Args...)
	if err != nil {
		return Page{}, errs.Wrap(err, "search tickets")
	}
	page, err := s.readPage(u, rows, limit)
	rows.Close()
	if err != nil || page.NextCursor != "" {
		return page, err
	}
	page = Page{}
	err = s.byIndex(ctx, func(tx *sql.Tx) error {
		q := `SELECT ` + ticketCols + ` FROM tickets WHERE ` + rest + ` AND ` + text + ` ORDER BY number DESC LIMIT ` + lim
		rows, err := tx.QueryContext(ctx, q, qc.Args[:len(qc.Args)-1]...) // all but the window
		if err != nil {
			return err
		}
		defer rows.Close()
		page, err = s.readPage(u, rows, limit)
		return err
	})
	return page, errs.Wrap(err, "search tickets")
}

// countWindowed is Count for a search by words on PostgreSQL: within the
// window if it holds CountCap matches, else by the index.
func (s *Service) countWindowed(ctx context.Context, qc *db.Conds) (int, error) {
	rest, text := splitText(qc)
	capArg := qc.Arg(CountCap)
	var n int
	q := `SELECT COUNT(*) FROM (SELECT 1 FROM (SELECT search_terms FROM tickets WHERE ` + rest + ` ORDER BY number DESC LIMIT ` + qc.Arg(searchWindow) +
		`) AS recent WHERE ` + text + ` LIMIT ` + capArg + `) AS matched`
	if err := s.db.R.QueryRowContext(ctx, q, qc.Args...).Scan(&n); err != nil || n >= CountCap {
		return n, errs.Wrap(err, "count tickets")
	}
	err := s.byIndex(ctx, func(tx *sql.Tx) error {
		q := `SELECT COUNT(*) FROM (SELECT 1 FROM tickets WHERE ` + rest + ` AND ` + text + ` LIMIT ` + capArg + `) AS matched`
		return tx.QueryRowContext(ctx, q, qc.Args[:len(qc.Args)-1]...).Scan(&n)
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
	return fn(tx)
}
