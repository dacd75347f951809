package ticket

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// MaxQuery is the longest free text a list is searched by, in characters.
const MaxQuery = 100

// CountCap is where Count stops counting: a tab shows "10000+" rather
// than make the database count a district's every ticket.
const CountCap = 10000

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
func (s *Service) searchConds(qc *db.Conds, f Filter) {
	if f.CategoryCode != "" {
		lo, hi := gov.UnderRange(f.CategoryCode)
		qc.Add("category_code >= ? AND category_code < ?", lo, hi)
	}
	if f.Channel != "" {
		qc.Add("channel = ?", string(f.Channel))
	}
	if !f.From.IsZero() {
		qc.Add("created_at >= ?", db.Millis(f.From))
	}
	if !f.To.IsZero() {
		qc.Add("created_at < ?", db.Millis(f.To))
	}
	if f.Q != "" {
		s.queryConds(qc, f.Q)
	}
}

// queryConds adds the condition of free text q: a ticket number matches
// that ticket, a phone its reporter's tickets, four digits the tickets whose
// reporter's phone ends in them; anything else is words of the description
// and replies.
func (s *Service) queryConds(qc *db.Conds, q string) {
	if n := strings.ToUpper(q); ValidNumber(n) && !auth.ValidPhone(auth.NormalizePhone(q)) {
		qc.Add("number = ?", n)
		return
	}
	if p := auth.NormalizePhone(q); auth.ValidPhone(p) {
		qc.Add("reporter_phone = ?", p)
		return
	}
	qc.Add("1 = 0") // words: see textConds
}

// Count returns how many tickets u may see match f, counting no further
// than CountCap (a result of CountCap means "CountCap or more"). f's Limit
// and Cursor are ignored.
func (s *Service) Count(ctx context.Context, u auth.User, f Filter) (int, error) {
	f.Limit, f.Cursor = 1, ""
	qc, _, err := s.listConds(u, f)
	if err != nil {
		return 0, err
	}
	q := `SELECT COUNT(*) FROM (SELECT 1 FROM tickets`
	if len(qc.Where) > 0 {
		q += ` WHERE ` + qc.And()
	}
	q += ` LIMIT ` + qc.Arg(CountCap) + `) AS matched`
	var n int
	if err := s.db.R.QueryRowContext(ctx, q, qc.Args...).Scan(&n); err != nil {
		return 0, errs.Wrap(err, "count tickets")
	}
	return n, nil
}
