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

// A search by words on PostgreSQL reads, in turn, until a page is full:
//
//  1. the walk: the newest searchWindow tickets in scope, in number order,
//     each checked for the words — only for a word common enough to fill
//     the page there (judged on a sample of the newest tickets' words);
//  2. the months: the GIN index's matches month by month, newest first,
//     for searchMonths months — a ticket's month, unit, street and
//     community are keys of its own in that index (scopedTermsExpr), so the
//     index alone finds a word's matches in one unit and one month without
//     reading its matches elsewhere or the unit's other tickets;
//  3. everything: the GIN index's matches in scope, reached only by words
//     with under a page of matches in the last months, so few in all.
//
// Numbers that sort after this month's (imported ones of other forms), if
// any, are read before the months. The planner cannot tell how many tickets hold a
// pair of characters (its estimate of an array's elements knows only the
// most common ones), so it is not asked to choose: the steps bound what
// each reads, whatever the word.
//
// Count walks countWindow tickets if the word is common, then asks the
// index for all the matches in scope (a count stops at CountLimit's few
// matches); in a scope with no keys (a district), a word the sample holds
// is counted in the last months first.
var (
	searchWindow = 2000
	countWindow  = 5000
	searchMonths = 3
)

// scopedTermsExpr is the expression of the GIN index of words (migration
// 0110, word for word): a ticket's terms, and the keys of its unit
// ("o:"), street and community ("a:") and month ("m:", the first six
// characters of its number).
const scopedTermsExpr = `(search_terms || ARRAY['o:' || assigned_org_code, 'a:' || substr(area_code, 1, 9), 'a:' || substr(area_code, 1, 12), 'm:' || substr(number, 1, 6)])`

// searchState is a sample of the newest tickets' terms, kept between
// searches to tell how common a word is. It is read again after
// searchStateTTL, in the background once there is a sample to answer with.
type searchState struct {
	mu         sync.Mutex
	counts     map[string]int32 // tickets of the sample holding each term
	sampled    int
	at         time.Time // zero: never read
	refreshing bool
}

// searchSample is how many of the newest tickets the sample reads.
const searchSample = 2000

const searchStateTTL = time.Minute

// searchNow returns the sample, reading it first if it was never read,
// and in the background when it is stale.
func (s *Service) searchNow(ctx context.Context) (*searchState, error) {
	st := &s.search
	now := s.clock.Now()
	st.mu.Lock()
	never := st.at.IsZero()
	stale := !never && !st.refreshing && (now.Sub(st.at) >= searchStateTTL || now.Before(st.at))
	if stale {
		st.refreshing = true
	}
	st.mu.Unlock()
	switch {
	case never:
		return st, s.readSample(ctx, now)
	case stale:
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			s.readSample(ctx, now) // an error keeps the old sample until the next try
		}()
	}
	return st, nil
}

// readSample reads the terms of the newest searchSample tickets.
func (s *Service) readSample(ctx context.Context, now time.Time) error {
	counts := map[string]int32{}
	n := 0
	rows, err := s.db.R.QueryContext(ctx, `SELECT array_to_string(search_terms, ' ') FROM tickets ORDER BY number DESC LIMIT $1`, searchSample)
	if err == nil {
		for rows.Next() {
			var terms sql.NullString
			if err = rows.Scan(&terms); err != nil {
				break
			}
			n++
			for _, t := range strings.Fields(terms.String) {
				counts[t]++
			}
		}
		rows.Close()
		if err == nil {
			err = rows.Err()
		}
	}
	st := &s.search
	st.mu.Lock()
	defer st.mu.Unlock()
	st.refreshing = false
	if err != nil {
		return errs.Wrap(err, "search tickets")
	}
	st.counts, st.sampled, st.at = counts, n, now
	return nil
}

// nextMonthPrefix is the first six characters of next month's numbers:
// every number of this month and before sorts below it.
func nextMonthPrefix(now time.Time) string {
	return time.Date(now.Year(), now.Month()+1, 1, 0, 0, 0, 0, now.Location()).Format("200601")
}

// share is the part of the sampled tickets that hold every term, at most:
// that of the rarest term. With no sample it is 1 (the walk decides).
func (st *searchState) share(terms []string) float64 {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.sampled == 0 {
		return 1
	}
	least := int32(st.sampled)
	for _, t := range terms {
		least = min(least, st.counts[t])
	}
	return float64(least) / float64(st.sampled)
}

// worthWalking reports whether the walk of window tickets likely finds
// need matches: at least half of them, by the sample.
func (st *searchState) worthWalking(terms []string, window, need int) bool {
	return st.share(terms)*float64(window) >= float64(need)/2
}

// windowed is one search by words: the other conditions (rest, with
// their args), the terms, the keys of the scope and the state.
type windowed struct {
	rest   string
	args   []any
	terms  []string
	keys   []string
	cursor string // the list goes on after this number; "" from the newest
	state  *searchState
}

func (s *Service) windowedOf(ctx context.Context, qc *db.Conds, c listCols) (windowed, error) {
	rest := strings.Join(qc.Where, " AND ")
	if rest == "" {
		rest = "TRUE"
	}
	st, err := s.searchNow(ctx)
	return windowed{rest: rest, args: qc.Args, terms: c.terms, keys: c.keys, cursor: c.cursor, state: st}, err
}

// conds returns fresh conditions holding w's arguments, for more of them.
func (w windowed) conds() *db.Conds {
	return &db.Conds{Args: append([]any(nil), w.args...)}
}

// walkSQL is the matches among the newest window tickets in scope, newest
// first, with the given columns of those the walk reads (inner).
func (w windowed) walkSQL(c *db.Conds, cols, inner string, window int) string {
	return `SELECT ` + cols + ` FROM (SELECT ` + inner + ` FROM tickets WHERE ` + w.rest +
		` ORDER BY number DESC LIMIT ` + c.Arg(window) + `) AS recent WHERE search_terms @> string_to_array(` +
		c.Arg(strings.Join(w.terms, " ")) + `, ' ')`
}

// indexSQL is the matches the GIN index finds with the terms, the keys of
// the scope and more keys (a month).
func (w windowed) indexSQL(c *db.Conds, cols string, more ...string) string {
	keys := append(append(append([]string(nil), w.terms...), w.keys...), more...)
	return `SELECT ` + cols + ` FROM tickets WHERE ` + scopedTermsExpr + ` @> string_to_array(` +
		c.Arg(strings.Join(keys, " ")) + `, ' ') AND ` + w.rest
}

// monthSQL is indexSQL for one month ("m:200601"), with the month's own
// numbers too, so that only its partition is read.
func (w windowed) monthSQL(c *db.Conds, cols, m string) string {
	lo, _ := time.Parse("200601", m[2:])
	return w.indexSQL(c, cols, m) + ` AND number >= ` + c.Arg(m[2:]) + ` AND number < ` + c.Arg(lo.AddDate(0, 1, 0).Format("200601"))
}

// months are the months the second step reads, newest first: from this
// month, or the cursor's if the list goes on from an earlier one.
func (w windowed) months(now time.Time) []string {
	start := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, now.Location())
	if len(w.cursor) == 14 {
		if t, err := time.ParseInLocation("200601", w.cursor[:6], now.Location()); err == nil && t.Before(start) {
			start = t
		}
	}
	out := make([]string, searchMonths)
	for i := range out {
		out[i] = "m:" + start.AddDate(0, -i, 0).Format("200601")
	}
	return out
}

// listWindowed is listPage for a search by words on PostgreSQL.
func (s *Service) listWindowed(ctx context.Context, u auth.User, qc *db.Conds, cols listCols, limit int) (Page, error) {
	w, err := s.windowedOf(ctx, qc, cols)
	if err != nil {
		return Page{}, err
	}
	if w.state.worthWalking(w.terms, searchWindow, limit+1) {
		c := w.conds()
		// The walk reads the rows whole: looking them up again by number
		// would probe every month's partition on PostgreSQL.
		q := w.walkSQL(c, ticketCols, "*", searchWindow) + ` ORDER BY number DESC LIMIT ` + c.Arg(limit+1)
		var page Page
		err := s.searchTx(ctx, walkSettings, func(tx *sql.Tx) (err error) {
			page, err = s.queryPage(ctx, tx, u, q, c.Args, limit)
			return err
		})
		if err != nil || page.NextCursor != "" {
			return page, errs.Wrap(err, "search tickets")
		}
	}
	var page Page
	err = s.byIndex(ctx, func(tx *sql.Tx) error {
		// Numbers after this month's, then month by month: each step's
		// matches all sort after the next one's.
		var got []Ticket
		step := func(sql string, c *db.Conds) error {
			p, err := s.queryPage(ctx, tx, u, sql+` ORDER BY number DESC LIMIT `+c.Arg(limit+1-len(got)), c.Args, limit+1)
			got = append(got, p.Items...)
			return err
		}
		now := s.clock.Now().In(s.loc)
		high := nextMonthPrefix(now)
		var highExists bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM tickets WHERE number >= $1)`, high).Scan(&highExists); err != nil {
			return err
		}
		if highExists {
			c := w.conds()
			if err := step(w.indexSQL(c, ticketCols)+` AND number >= `+c.Arg(high), c); err != nil {
				return err
			}
		}
		for _, m := range w.months(now) {
			if len(got) > limit {
				break
			}
			c := w.conds()
			if err := step(w.monthSQL(c, ticketCols, m), c); err != nil {
				return err
			}
		}
		if len(got) <= limit {
			// Too few in the last months: every match, fewer than a page
			// of which are the ones already read.
			got = nil
			c := w.conds()
			if err := step(w.indexSQL(c, ticketCols), c); err != nil {
				return err
			}
		}
		page = pageOf(got, limit)
		return nil
	})
	return page, errs.Wrap(err, "search tickets")
}

// pageOf makes a page of at most limit of items (read limit+1 at most).
func pageOf(items []Ticket, limit int) Page {
	page := Page{Items: items}
	if page.Items == nil {
		page.Items = []Ticket{}
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		page.NextCursor = encodeCursor(page.Items[limit-1].Number)
	}
	return page
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
// limit: the walk if the word is common, then (in a district) the last
// months, then everything.
func (s *Service) countWindowed(ctx context.Context, qc *db.Conds, cols listCols, limit int) (int, error) {
	w, err := s.windowedOf(ctx, qc, cols)
	if err != nil {
		return 0, err
	}
	var n int
	if w.state.worthWalking(w.terms, countWindow, limit) {
		c := w.conds()
		q := `SELECT COUNT(*) FROM (` + w.walkSQL(c, "1", "number, search_terms", countWindow) + ` LIMIT ` + c.Arg(limit) + `) AS matched`
		err := s.searchTx(ctx, walkSettings, func(tx *sql.Tx) error { return tx.QueryRowContext(ctx, q, c.Args...).Scan(&n) })
		if err != nil || n >= limit {
			return n, errs.Wrap(err, "count tickets")
		}
	}
	err = s.byIndex(ctx, func(tx *sql.Tx) error {
		// Where the scope has no keys of its own (a district's), a word
		// the newest tickets hold is counted in the last months first:
		// found limit times there, it needs no bitmap of all its matches
		// (at 10M tickets, 80,000 for a word in 0.8% of them, 60 ms). Their
		// sum is at most the whole count. A unit's key already narrows the
		// index's matches, and a month's key only adds its posting tree.
		var months []string
		if len(w.keys) == 0 && w.state.share(w.terms) > 0 {
			months = w.months(s.clock.Now().In(s.loc))
		}
		got := 0
		for _, m := range months {
			c := w.conds()
			var k int
			q := `SELECT COUNT(*) FROM (` + w.monthSQL(c, "1", m) + ` LIMIT ` + c.Arg(limit-got) + `) AS matched`
			if err := tx.QueryRowContext(ctx, q, c.Args...).Scan(&k); err != nil {
				return err
			}
			if got += k; got >= limit {
				n = got
				return nil
			}
		}
		c := w.conds()
		q := `SELECT COUNT(*) FROM (` + w.indexSQL(c, "1") + ` LIMIT ` + c.Arg(limit) + `) AS matched`
		return tx.QueryRowContext(ctx, q, c.Args...).Scan(&n)
	})
	return n, errs.Wrap(err, "count tickets")
}

// walkSettings are the planner's settings for a walk of the newest
// tickets: no parallel workers, whose start cost more than the walk of
// 2,000 rows (at 10M tickets the planner, guessing the scope's share of the
// tickets, asked for two, and the walk took up to 170 ms instead of 2).
var walkSettings = []string{`SET LOCAL max_parallel_workers_per_gather = 0`}

// indexSettings make the planner take bitmap scans (the GIN index) rather
// than walk an index in order. A common word's bitmap stays exact (not a
// page's every row to check), and each plan sees the keys it is given: a
// generic plan cannot tell a rare word from a common one.
var indexSettings = append([]string{`SET LOCAL enable_indexscan = off`, `SET LOCAL enable_indexonlyscan = off`,
	`SET LOCAL work_mem = '32MB'`, `SET LOCAL plan_cache_mode = force_custom_plan`}, walkSettings...)

// byIndex runs fn in a read-only transaction with indexSettings.
func (s *Service) byIndex(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.searchTx(ctx, indexSettings, fn)
}

// searchTx runs fn in a read-only transaction with the planner's settings.
func (s *Service) searchTx(ctx context.Context, settings []string, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.Reader(ctx).BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, set := range settings {
		if _, err := tx.ExecContext(ctx, set); err != nil {
			return err
		}
	}
	return fn(tx)
}
