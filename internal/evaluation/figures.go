package evaluation

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Figures lists the names a figure may be opened by.
func Figures() []string {
	var out []string
	for _, f := range ticketFigures {
		out = append(out, f.name)
	}
	for _, f := range extraFigures {
		out = append(out, f.name)
	}
	for _, f := range eventFigures {
		out = append(out, f.name)
	}
	return out
}

// FigureQuery names the tickets behind one figure of one unit or area.
type FigureQuery struct {
	Period   Period
	Figure   string
	OrgCode  string // one of OrgCode and AreaCode
	AreaCode string
	Cursor   string // the last ticket number of the previous page
	Limit    int
	// CategoryCode narrows the tickets of a ticket figure to one category.
	CategoryCode string
}

// FigureTicket is one ticket behind a figure, with the times it was judged on.
type FigureTicket struct {
	Number             string     `json:"number"`
	OrgCode            string     `json:"org_code"`
	AreaCode           string     `json:"area_code"`
	Status             string     `json:"status"`
	CreatedAt          time.Time  `json:"created_at"`
	ContactedAt        *time.Time `json:"contacted_at"`
	DueContactAt       *time.Time `json:"due_contact_at"`
	SignedAt           *time.Time `json:"signed_at"`
	RepliedAt          *time.Time `json:"replied_at"`
	DueCompleteAt      *time.Time `json:"due_complete_at"`
	ClosedAt           *time.Time `json:"closed_at"`
	RatingResolved     *bool      `json:"rating_resolved"`
	RatingSatisfaction string     `json:"rating_satisfaction"`
	RatedAt            *time.Time `json:"rated_at"`
	EventAt            *time.Time `json:"event_at,omitempty"`  // for returns, extensions, redos, overdue: when
	EventOrg           string     `json:"event_org,omitempty"` // and the unit the event counted for
	ReturnCount        int        `json:"return_count"`
	ExtensionCount     int        `json:"extension_count"`
	RedoCount          int        `json:"redo_count"`
	ParentNumber       string     `json:"parent_number,omitempty"`
}

// FigurePage is a page of the tickets behind a figure, by ticket number.
type FigurePage struct {
	Items      []FigureTicket `json:"items"`
	NextCursor string         `json:"next_cursor"`
}

const figureCols = `t.number, t.assigned_org_code, t.area_code, t.status, t.created_at, t.contacted_at, t.due_contact_at, t.signed_at,
t.replied_at, t.due_complete_at, t.closed_at, t.rating_resolved, t.rating_satisfaction, t.rated_at, t.return_count, t.extension_count,
t.redo_count, t.parent_number`

// FigureTickets lists, a page at a time, the tickets a figure counts.
func (s *Service) FigureTickets(ctx context.Context, q FigureQuery) (FigurePage, error) {
	if (q.OrgCode == "") == (q.AreaCode == "") {
		return FigurePage{}, errs.Invalidf("请给出 org_code 或 area_code 之一", "give one of org_code and area_code")
	}
	for _, c := range []string{q.OrgCode, q.AreaCode} {
		if c != "" && !gov.ValidCode(c) {
			return FigurePage{}, errs.Invalidf("代码格式不正确：%q", "malformed code: %q", c)
		}
	}
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 100
	}
	query, args, err := figureTicketsQuery(q)
	if err != nil {
		return FigurePage{}, err
	}
	rows, err := s.db.Reader(ctx).QueryContext(ctx, query, args...)
	if err != nil {
		return FigurePage{}, errs.Wrap(err, "figure tickets")
	}
	defer rows.Close()
	page := FigurePage{Items: []FigureTicket{}}
	for rows.Next() {
		var f FigureTicket
		var created int64
		var contacted, dueContact, signed, replied, dueComplete, closed, rated, eventAt sql.NullInt64
		var resolved sql.NullBool
		if err := rows.Scan(&f.Number, &f.OrgCode, &f.AreaCode, &f.Status, &created, &contacted, &dueContact, &signed,
			&replied, &dueComplete, &closed, &resolved, &f.RatingSatisfaction, &rated, &f.ReturnCount, &f.ExtensionCount,
			&f.RedoCount, &f.ParentNumber, &eventAt, &f.EventOrg); err != nil {
			return FigurePage{}, errs.Wrap(err, "scan figure ticket")
		}
		f.CreatedAt = time.UnixMilli(created).In(s.loc)
		f.ContactedAt, f.DueContactAt, f.SignedAt = s.tp(contacted), s.tp(dueContact), s.tp(signed)
		f.RepliedAt, f.DueCompleteAt, f.ClosedAt = s.tp(replied), s.tp(dueComplete), s.tp(closed)
		f.RatedAt, f.EventAt = s.tp(rated), s.tp(eventAt)
		if resolved.Valid {
			b := resolved.Bool
			f.RatingResolved = &b
		}
		page.Items = append(page.Items, f)
	}
	if err := rows.Err(); err != nil {
		return FigurePage{}, errs.Wrap(err, "figure tickets")
	}
	if len(page.Items) > q.Limit {
		page.Items = page.Items[:q.Limit]
		page.NextCursor = page.Items[q.Limit-1].Number
	}
	return page, nil
}

// figureTicketsQuery is the statement listing a figure's tickets: those
// counted by a ticket figure's condition, or those with an event figure's
// action in the period.
func figureTicketsQuery(q FigureQuery) (string, []any, error) {
	args := []any{db.Millis(q.Period.From), db.Millis(q.Period.To), q.Cursor}
	var query string
	cond := ""
	for _, f := range append(append([]ticketFigure{}, ticketFigures...), extraFigures...) {
		if f.name == q.Figure {
			cond = f.cond
		}
	}
	action := ""
	for _, f := range eventFigures {
		if f.name == q.Figure {
			action = f.action
		}
	}
	// Tickets judged in the period were made before its end: no partition
	// of a later month is read (PostgreSQL). below appends the bound and
	// returns the condition on each column given.
	below := func(cols ...string) string {
		args = append(args, ticket.CreatedBefore(q.Period.To, clock.BusinessZone()))
		conds := make([]string, len(cols))
		for i, c := range cols {
			conds[i] = ticket.NumberBelow(c, fmt.Sprintf("$%d", len(args)))
		}
		return strings.Join(conds, " AND ")
	}
	switch {
	case cond != "":
		where := ""
		if q.OrgCode != "" {
			args = append(args, q.OrgCode)
			where = `t.assigned_org_code = $4`
		} else {
			lo, hi := gov.UnderRange(q.AreaCode)
			args = append(args, lo, hi)
			where = `t.area_code >= $4 AND t.area_code < $5`
		}
		if q.CategoryCode != "" {
			args = append(args, q.CategoryCode)
			where += ` AND t.category_code = $` + fmt.Sprint(len(args))
		}
		query = `SELECT ` + figureCols + `, NULL, '' FROM tickets t WHERE ` + where + ` AND ` + prefixed(baseCond) + ` AND (` + prefixed(cond) + `)
AND t.number > $3 AND ` + below("t.number") + ` ORDER BY t.number LIMIT ` + fmt.Sprint(q.Limit+1)
	case action != "":
		args = append(args, action)
		agg := "MIN"
		if q.OrgCode != "" {
			args = append(args, q.OrgCode)
			query = `e.org_code = $5`
		} else {
			lo, hi := gov.UnderRange(q.AreaCode)
			args = append(args, lo, hi)
			query = `t.area_code >= $5 AND t.area_code < $6`
		}
		// One line per ticket; a ticket returned twice shows its first return
		// in the period (the figure counts both).
		query = `SELECT ` + figureCols + `, ` + agg + `(e.at), MIN(e.org_code) FROM ticket_events e JOIN tickets t ON t.number = e.ticket_number
WHERE e.action = $4 AND e.at >= $1 AND e.at < $2 AND ` + query + ` AND t.number > $3 AND ` + below("t.number", "e.ticket_number") + `
GROUP BY ` + figureCols + ` ORDER BY t.number LIMIT ` + fmt.Sprint(q.Limit+1)
	default:
		return "", nil, errs.Invalidf("未知的指标：%q", "unknown figure: %q", q.Figure)
	}
	return query, args, nil
}

func (s *Service) tp(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := time.UnixMilli(v.Int64).In(s.loc)
	return &t
}

// prefixed qualifies the columns of a figure's condition with "t.".
func prefixed(cond string) string {
	out := cond
	for _, c := range []string{"closed_at", "status", "rated_at", "rating_resolved", "rating_satisfaction", "due_contact_at", "contacted_at", "due_complete_at", "replied_at"} {
		out = replaceWord(out, c, "t."+c)
	}
	return out
}

func replaceWord(s, word, with string) string {
	var b []byte
	for i := 0; i < len(s); {
		if i+len(word) <= len(s) && s[i:i+len(word)] == word && (i == 0 || !isIdent(s[i-1])) && (i+len(word) == len(s) || !isIdent(s[i+len(word)])) {
			b = append(b, with...)
			i += len(word)
			continue
		}
		b = append(b, s[i])
		i++
	}
	return string(b)
}

func isIdent(c byte) bool {
	return c == '_' || c == '.' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// times fills the medians and 90th percentiles of the rows: a second pass
// over the period's tickets that reads two durations per ticket.
func (s *Service) times(ctx context.Context, q Query, rows []Row, keyLen int) error {
	key := "assigned_org_code"
	if q.Group == GroupArea {
		key = fmt.Sprintf("substr(area_code, 1, %d)", keyLen)
	}
	rs, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT `+key+`, created_at, contacted_at, signed_at, replied_at FROM tickets WHERE `+baseCond,
		db.Millis(q.Period.From), db.Millis(q.Period.To))
	if err != nil {
		return errs.Wrap(err, "times")
	}
	defer rs.Close()
	contact, complete := map[string][]int64{}, map[string][]int64{}
	for rs.Next() {
		var k string
		var created int64
		var contacted, signed, replied sql.NullInt64
		if err := rs.Scan(&k, &created, &contacted, &signed, &replied); err != nil {
			return errs.Wrap(err, "scan times")
		}
		if contacted.Valid {
			contact[k] = append(contact[k], contacted.Int64-created)
		}
		if signed.Valid && replied.Valid {
			complete[k] = append(complete[k], replied.Int64-signed.Int64)
		}
	}
	if err := rs.Err(); err != nil {
		return errs.Wrap(err, "times")
	}
	for i := range rows {
		k := rows[i].Key()
		c, d := contact[k], complete[k]
		rows[i].Times = &Times{ContactMedian: Percentile(c, 0.5), ContactP90: Percentile(c, 0.9),
			CompleteMedian: Percentile(d, 0.5), CompleteP90: Percentile(d, 0.9)}
	}
	return nil
}

// Percentile returns the p-quantile of durations in milliseconds, in hours,
// by linear interpolation between the closest ranks (percentile_cont):
// position p×(n−1) in the sorted values. nil for no values. It sorts ms.
func Percentile(ms []int64, p float64) *float64 {
	if len(ms) == 0 {
		return nil
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i] < ms[j] })
	pos := p * float64(len(ms)-1)
	lo := int(pos)
	v := float64(ms[lo])
	if lo+1 < len(ms) {
		v += (pos - float64(lo)) * float64(ms[lo+1]-ms[lo])
	}
	h := v / 3600000
	return &h
}
