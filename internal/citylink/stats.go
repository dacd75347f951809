package citylink

import (
	"context"
	"database/sql"
	"sort"
	"time"

	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Stats are a month's figures of the tickets an upper platform dispatched
// to us, by the month they were filed (in the business zone): counts by
// category (with the platform's service code where the service map has
// one), open and closed as GeoReport says, and by our statuses, and
// three rates, null when nothing was counted: on time (replied tickets
// never overdue, of the replied), resolved (replies marked resolved, of the
// replied) and satisfied (ratings "satisfied", of the rated).
type Stats struct {
	StatsID       string          `json:"stats_id"`
	Month         string          `json:"month"`
	Total         int             `json:"total"`
	ByCategory    []CategoryCount `json:"by_category"`
	Open          int             `json:"open"`
	Closed        int             `json:"closed"`
	ByStatus      map[string]int  `json:"by_status"`
	Replied       int             `json:"replied"`
	OnTime        int             `json:"on_time"`
	Resolved      int             `json:"resolved"`
	Rated         int             `json:"rated"`
	Satisfied     int             `json:"satisfied"`
	OnTimeRate    *float64        `json:"on_time_rate"`
	ResolvedRate  *float64        `json:"resolved_rate"`
	SatisfiedRate *float64        `json:"satisfied_rate"`
}

// CategoryCount is one category's count.
type CategoryCount struct {
	ServiceCode  string `json:"service_code"`
	CategoryCode string `json:"category_code"`
	Count        int    `json:"count"`
}

// monthOf returns the bounds of the month of t in the business zone.
func (s *Service) monthOf(t time.Time) (time.Time, time.Time) {
	t = t.In(s.tickets.Location())
	start := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location())
	return start, start.AddDate(0, 1, 0)
}

// MonthStats computes the figures of the month that begins at start for
// the platform p.
func (s *Service) monthStats(ctx context.Context, q db.Queryer, p Platform, start time.Time) (Stats, error) {
	end := start.AddDate(0, 1, 0)
	st := Stats{Month: start.Format("2006-01"), ByStatus: map[string]int{}, ByCategory: []CategoryCount{}}
	rows, err := q.QueryContext(ctx, `SELECT t.category_code, t.status, t.replied_at, t.reply_resolved, t.overdue, t.rating_satisfaction
FROM tickets t JOIN ticket_sources src ON src.ticket_number = t.number
WHERE src.source = $1 AND t.created_at >= $2 AND t.created_at < $3 AND t.number >= $4 AND `+ticket.NumberBelow("t.number", "$5"), SourcePrefix+p.ID, db.Millis(start), db.Millis(end),
		ticket.CreatedFrom(start, clock.BusinessZone()), ticket.CreatedBefore(end, clock.BusinessZone()))
	if err != nil {
		return st, errs.Wrap(err, "month figures")
	}
	defer rows.Close()
	byCat := map[string]int{}
	for rows.Next() {
		var cat, status, sat string
		var replied sql.NullInt64
		var resolved sql.NullBool
		var overdue bool
		if err := rows.Scan(&cat, &status, &replied, &resolved, &overdue, &sat); err != nil {
			return st, errs.Wrap(err, "month figures")
		}
		st.Total++
		byCat[cat]++
		st.ByStatus[status]++
		if openClosed(ticket.Status(status)) == "closed" {
			st.Closed++
		} else {
			st.Open++
		}
		if replied.Valid {
			st.Replied++
			if !overdue {
				st.OnTime++
			}
			if resolved.Valid && resolved.Bool {
				st.Resolved++
			}
		}
		if sat != "" {
			st.Rated++
			if ticket.Satisfaction(sat) == ticket.Satisfied {
				st.Satisfied++
			}
		}
	}
	if err := rows.Err(); err != nil {
		return st, errs.Wrap(err, "month figures")
	}
	back := reverse(p.ServiceMap)
	for c, n := range byCat {
		st.ByCategory = append(st.ByCategory, CategoryCount{ServiceCode: back[c], CategoryCode: c, Count: n})
	}
	sort.Slice(st.ByCategory, func(i, j int) bool { return st.ByCategory[i].CategoryCode < st.ByCategory[j].CategoryCode })
	st.OnTimeRate, st.ResolvedRate, st.SatisfiedRate = rate(st.OnTime, st.Replied), rate(st.Resolved, st.Replied), rate(st.Satisfied, st.Rated)
	return st, nil
}

func rate(n, of int) *float64 {
	if of == 0 {
		return nil
	}
	r := float64(n*10000/of) / 10000
	return &r
}

// openClosed is a ticket's status as GeoReport v2 says it: closed once it
// was answered (replied, closed) or ended otherwise.
func openClosed(st ticket.Status) string {
	if st == ticket.StatusReplied || st.Ended() {
		return "closed"
	}
	return "open"
}

// reverse maps our codes back to a platform's: the smallest of its codes
// where several map onto one of ours.
func reverse(m map[string]string) map[string]string {
	out := map[string]string{}
	for theirs, ours := range m {
		if cur, ok := out[ours]; !ok || theirs < cur {
			out[ours] = theirs
		}
	}
	return out
}
