package ticket

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/textsearch"
)

// MaxQuery is the longest free text a list is searched by, in characters.
const MaxQuery = 100

// CountCap is where Count stops counting: a tab shows "10000+" rather
// than make the database count a district's every ticket.
const CountCap = 10000

// TextCountCap is where Count stops for a filter with free text q: a
// workbench with q counts each of its tabs and saved filters, and a word
// in half the tickets would otherwise have each count read 10,000 matches
// (on SQLite, a unit's count of a common word reads every match of the
// district until it has found its own).
const TextCountCap = 100

// CountLimit returns where Count stops counting for f: a count of that
// many means "that many or more".
func CountLimit(f Filter) int {
	if strings.TrimSpace(f.Q) != "" {
		return TextCountCap
	}
	return CountCap
}

// checkSearch refuses a filter's search fields out of range and trims Q.
func checkSearch(f *Filter) error {
	f.Q = strings.TrimSpace(f.Q)
	if utf8.RuneCountInString(f.Q) > MaxQuery {
		return errs.Invalidf("搜索内容不能超过%d字", "q must be at most %d characters", MaxQuery)
	}
	if f.CategoryCode != "" && !validCategoryCode(f.CategoryCode) {
		return errs.Invalidf("分类代码格式不正确", "malformed category code")
	}
	if f.Channel != "" && !validChannel(f.Channel) {
		return errs.Invalidf("未知的渠道：%q", "unknown channel: %q", f.Channel)
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return errs.Invalidf("起始日期须早于截止日期", "from must be before to")
	}
	return nil
}

func validCategoryCode(c string) bool {
	if len(c) > 64 {
		return false
	}
	for _, r := range c {
		if (r < '0' || r > '9') && (r < 'A' || r > 'Z') && (r < 'a' || r > 'z') && r != '-' && r != '_' && r != '.' {
			return false
		}
	}
	return true
}

// searchConds adds the conditions of the filter's search fields: category
// (its tree), channel, creation dates and the free text Q.
func (s *Service) searchConds(ctx context.Context, qc *db.Conds, c *listCols, u auth.User, f Filter) error {
	if f.CategoryCode != "" {
		lo, hi := gov.UnderRange(f.CategoryCode)
		qc.Add("category_code >= ? AND category_code < ?", lo, hi)
	}
	if f.Channel != "" {
		qc.Add("channel = ?", string(f.Channel))
	}
	if !f.From.IsZero() {
		qc.Add("created_at >= ? AND number >= ?", db.Millis(f.From), CreatedFrom(f.From, s.loc))
	}
	if !f.To.IsZero() {
		qc.Add("created_at < ? AND "+NumberBelow("number", "?"), db.Millis(f.To), CreatedBefore(f.To, s.loc))
	}
	if f.Q != "" {
		return s.queryConds(ctx, qc, c, u, f)
	}
	return nil
}

// queryConds adds the condition of free text q: a ticket number matches
// that ticket, a phone its reporter's tickets, four digits the tickets whose
// reporter's phone ends in them; anything else is words of the description
// and replies, every term of which must be in a ticket's text index.
func (s *Service) queryConds(ctx context.Context, qc *db.Conds, c *listCols, u auth.User, f Filter) error {
	q := f.Q
	switch kind, key := queryKind(q); kind {
	case queryPhone:
		qc.Add("reporter_phone = ?", key)
		return nil
	case queryNumber:
		qc.Add("number = ?", key)
		return nil
	case queryLast4:
		qc.Add("reporter_phone_last4 = ?", key)
		return nil
	}
	terms := textsearch.QueryTerms(q)
	if len(terms) == 0 {
		qc.Add("1 = 0") // nothing to look for: punctuation only
		return nil
	}
	if s.db.Engine == db.Postgres {
		// listWindowed and countWindowed add the words to the conditions,
		// step by step (search_pg.go).
		c.window, c.terms, c.keys = true, terms, scopeKeys(u, f)
		if f.Cursor != "" {
			after, err := decodeCursor(f.Cursor)
			if err != nil {
				return err
			}
			c.cursor = after
		}
		return nil
	}
	// SQLite: the FTS index leads, newest first (its rowid orders tickets
	// as their numbers do), and each match is joined to its ticket for the
	// scope and the other filters; CROSS JOIN keeps that order of loops.
	// A rowid below oddKeyBase is the number itself (textKey), so the join
	// reads the stored ticket_number only for other numbers: reading it is
	// a lookup of its own, and a unit's search of a word mostly in other
	// units' tickets joins every match (measured on 1.1M tickets: 30-45 ms
	// → 3-5 ms for a word with 2,600 matches, none the unit's).
	c.from = "ticket_text CROSS JOIN tickets ON tickets.number = CASE WHEN ticket_text.rowid < " +
		strconv.FormatInt(oddKeyBase, 10) + " THEN printf('%014d', ticket_text.rowid) ELSE ticket_text.ticket_number END"
	// Once every entry holds its scopes' words, the scope's keys are asked
	// for as words too: FTS5 then steps through the words' matches and the
	// scope's together (search_scope.go).
	scoped, err := s.textScoped(ctx)
	if err != nil {
		return err
	}
	if scoped {
		for _, k := range scopeKeys(u, f) {
			terms = append(terms, scopeWord(k))
		}
	}
	match := ftsQuery(terms)
	// Imported numbers of other forms have text keys that do not sort as
	// their numbers: if the words match any, the matches are sorted by
	// number (the cursor is then only the number's, listConds').
	var odd int
	err = s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM ticket_text WHERE ticket_text MATCH $1 AND rowid >= $2 LIMIT 1) AS o`, match, oddKeyBase).Scan(&odd)
	if err != nil {
		return errs.Wrap(err, "search tickets")
	}
	c.order = "ticket_text.rowid"
	if odd > 0 {
		c.order = "tickets.number"
	}
	qc.Add("ticket_text MATCH ?", match)
	if f.Cursor != "" && odd == 0 {
		after, err := decodeCursor(f.Cursor)
		if err != nil {
			return err
		}
		if k := textKey(after); k < oddKeyBase {
			qc.Add("ticket_text.rowid < ?", k)
		}
	}
	return nil
}

// The kinds of free text q.
const (
	queryWords = iota
	queryPhone
	queryNumber
	queryLast4
)

// queryKind tells what free text q is looked up as, and the key it is
// looked up by (for words, q itself).
func queryKind(q string) (int, string) {
	phone := auth.NormalizePhone(q)
	switch n := strings.ToUpper(q); {
	case auth.ValidPhone(phone):
		return queryPhone, phone
	case ValidNumber(n):
		return queryNumber, n
	case isLast4(phone):
		return queryLast4, phone
	}
	return queryWords, q
}

// isLast4 reports whether q is exactly four ASCII digits.
func isLast4(q string) bool {
	if len(q) != 4 {
		return false
	}
	for i := 0; i < 4; i++ {
		if q[i] < '0' || q[i] > '9' {
			return false
		}
	}
	return true
}

// ftsQuery is an FTS5 query that every term must match: each quoted, as
// terms hold no quotes or spaces (textsearch.Terms keeps letters, digits
// and Han characters only).
func ftsQuery(terms []string) string {
	quoted := make([]string, len(terms))
	for i, t := range terms {
		quoted[i] = `"` + t + `"`
	}
	return strings.Join(quoted, " ")
}

// Count returns how many tickets u may see match f, counting no further
// than CountLimit(f) (a result of that means "that many or more"). f's
// Limit and Cursor are ignored.
func (s *Service) Count(ctx context.Context, u auth.User, f Filter) (int, error) {
	limit := CountLimit(f)
	f.Limit, f.Cursor = 1, ""
	qc, cols, err := s.listConds(ctx, u, f)
	if err != nil {
		return 0, err
	}
	if cols.window {
		return s.countWindowed(ctx, &qc, cols, limit)
	}
	q := `SELECT COUNT(*) FROM (SELECT 1 FROM ` + cols.from
	if len(qc.Where) > 0 {
		q += ` WHERE ` + qc.And()
	}
	q += ` LIMIT ` + qc.Arg(limit) + `) AS matched`
	var n int
	if err := s.db.Reader(ctx).QueryRowContext(ctx, q, qc.Args...).Scan(&n); err != nil {
		return 0, errs.Wrap(err, "count tickets")
	}
	return n, nil
}

// ParseDays reads a range of days as a person gives it, "2026-12-01" to
// "2026-12-05", both days included and either one may be empty, into
// Filter.From and Filter.To (To is the start of the day after the last) in
// the district's time zone.
func (s *Service) ParseDays(from, to string) (time.Time, time.Time, error) {
	var f, t time.Time
	var err error
	if from != "" {
		if f, err = time.ParseInLocation("2006-01-02", from, s.loc); err != nil {
			return f, t, errs.Invalidf("起始日期格式应为 2026-12-01：%q", "from must be a date like 2026-12-01: %q", from)
		}
	}
	if to != "" {
		if t, err = time.ParseInLocation("2006-01-02", to, s.loc); err != nil {
			return f, t, errs.Invalidf("截止日期格式应为 2026-12-01：%q", "to must be a date like 2026-12-01: %q", to)
		}
		t = t.AddDate(0, 0, 1)
	}
	if !f.IsZero() && !t.IsZero() && !f.Before(t) {
		return f, t, errs.Invalidf("起始日期不能晚于截止日期", "from must not be after to")
	}
	return f, t, nil
}
