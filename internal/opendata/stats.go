package opendata

import (
	"context"
	"database/sql"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// cell is the tickets of one street, category and month.
type cell struct {
	month, area, cat           string
	tickets, closed            int64
	hours                      []float64
	limited, onTime            int64
	rated, resolved, satisfied int64
}

// window is the months the statistics cover: the StatsMonths complete
// months before the one under way, in business time.
func (s *Service) window() (from, to time.Time) {
	now := s.clock.Now().In(s.loc)
	to = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, s.loc)
	return to.AddDate(0, -StatsMonths, 0), to
}

// ticketStats reads the tickets received in the window, one row each and
// at most MaxTickets, and counts them into cells.
func (s *Service) ticketStats(ctx context.Context) (Table, error) {
	t := Table{Dataset: definitions[TicketStats]}
	from, to := s.window()
	streets, err := s.names(ctx, `SELECT code, name FROM areas WHERE level IN ('street', 'district') ORDER BY code LIMIT 10000`)
	if err != nil {
		return t, err
	}
	cats, parents, err := s.categories(ctx)
	if err != nil {
		return t, err
	}
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT area_code, category_code, created_at, closed_at, status, due_complete_at, replied_at, rated_at, rating_resolved, rating_satisfaction
FROM tickets WHERE created_at >= $1 AND created_at < $2 AND number >= $4 AND `+ticket.NumberBelow("number", "$5")+` AND status NOT IN ('merged', 'invalid', 'withdrawn') LIMIT $3`,
		db.Millis(from), db.Millis(to), MaxTickets, ticket.CreatedFrom(from, clock.BusinessZone()), ticket.CreatedBefore(to, clock.BusinessZone()))
	if err != nil {
		return t, errs.Wrap(err, "ticket statistics")
	}
	defer rows.Close()
	cells := map[[3]string]*cell{}
	streetOf := map[string]string{}
	for rows.Next() {
		var area, cat, status, sat string
		var created int64
		var closed, due, replied, rated sql.NullInt64
		var resolved sql.NullBool
		if err := rows.Scan(&area, &cat, &created, &closed, &status, &due, &replied, &rated, &resolved, &sat); err != nil {
			return t, errs.Wrap(err, "ticket statistics")
		}
		st, ok := streetOf[area]
		if !ok {
			st = street(streets, area)
			streetOf[area] = st
		}
		k := [3]string{time.UnixMilli(created).In(s.loc).Format("2006-01"), st, top(parents, cat)}
		c := cells[k]
		if c == nil {
			c = &cell{month: k[0], area: k[1], cat: k[2]}
			cells[k] = c
		}
		c.tickets++
		if status == "closed" && closed.Valid {
			c.closed++
			c.hours = append(c.hours, float64(closed.Int64-created)/3.6e6)
			if due.Valid {
				c.limited++
				if replied.Valid && replied.Int64 <= due.Int64 {
					c.onTime++
				}
			}
		}
		if rated.Valid {
			c.rated++
			if resolved.Valid && resolved.Bool {
				c.resolved++
			}
			if sat == "satisfied" {
				c.satisfied++
			}
		}
	}
	if err := rows.Err(); err != nil {
		return t, errs.Wrap(err, "ticket statistics")
	}
	t.Records = s.statRecords(cells, streets, cats)
	t.Modified = to.AddDate(0, 0, -1)
	return t, nil
}

// statRecords lays the cells out in order (month, street, category), a
// cell below the threshold suppressed whole: its count is not shown
// either, as a count of one or two is what tells who. Within a cell shown,
// a time or a rate resting on fewer tickets than the threshold is empty.
func (s *Service) statRecords(cells map[[3]string]*cell, streets, cats map[string]string) [][]any {
	keys := make([][3]string, 0, len(cells))
	for k := range cells {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [3]string) int {
		return strings.Compare(a[0]+"\x00"+a[1]+"\x00"+a[2], b[0]+"\x00"+b[1]+"\x00"+b[2])
	})
	out := make([][]any, 0, len(keys))
	for _, k := range keys {
		c := cells[k]
		rec := []any{c.month, c.area, streets[c.area], c.cat, cats[c.cat]}
		if c.tickets < int64(s.minCell) {
			out = append(out, append(rec, true, nil, nil, nil, nil, nil, nil, nil))
			continue
		}
		rec = append(rec, false, c.tickets, c.closed)
		if len(c.hours) >= s.minCell {
			rec = append(rec, round1(median(c.hours)), round1(mean(c.hours)))
		} else {
			rec = append(rec, nil, nil)
		}
		out = append(out, append(rec, s.rate(c.onTime, c.limited), s.rate(c.resolved, c.rated), s.rate(c.satisfied, c.rated)))
	}
	return out
}

// street is the street (or district) whose code is the longest prefix of
// the area's, or the area itself when none is.
func street(streets map[string]string, area string) string {
	for n := len(area); n > 0; n-- {
		if _, ok := streets[area[:n]]; ok {
			return area[:n]
		}
	}
	return area
}

// top is the top-level category above code.
func top(parents map[string]string, code string) string {
	for i := 0; i < 10; i++ {
		p, ok := parents[code]
		if !ok || p == "" {
			return code
		}
		code = p
	}
	return code
}

func (s *Service) names(ctx context.Context, q string) (map[string]string, error) {
	rows, err := s.db.Reader(ctx).QueryContext(ctx, q)
	if err != nil {
		return nil, errs.Wrap(err, "names")
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, errs.Wrap(err, "names")
		}
		out[k] = v
	}
	return out, errs.Wrap(rows.Err(), "names")
}

func (s *Service) categories(ctx context.Context) (names, parents map[string]string, err error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT code, parent_code, name FROM categories ORDER BY code LIMIT 20000`)
	if err != nil {
		return nil, nil, errs.Wrap(err, "categories")
	}
	defer rows.Close()
	names, parents = map[string]string{}, map[string]string{}
	for rows.Next() {
		var c, p, n string
		if err := rows.Scan(&c, &p, &n); err != nil {
			return nil, nil, errs.Wrap(err, "categories")
		}
		names[c], parents[c] = n, p
	}
	names[""] = "未分类"
	return names, parents, errs.Wrap(rows.Err(), "categories")
}

func median(xs []float64) float64 {
	ys := slices.Clone(xs)
	slices.Sort(ys)
	n := len(ys)
	if n%2 == 1 {
		return ys[n/2]
	}
	return (ys[n/2-1] + ys[n/2]) / 2
}

func mean(xs []float64) float64 {
	var sum float64
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }

// rate is n over of to four places, nil when of is below the threshold:
// a rate of one or two ratings would tell what those residents said.
func (s *Service) rate(n, of int64) any {
	if of <= 0 || of < int64(s.minCell) {
		return nil
	}
	return math.Round(float64(n)/float64(of)*10000) / 10000
}
