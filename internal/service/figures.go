package service

import (
	"context"
	"sort"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Figure is supply against need in one community and category over a
// period: the requests made, those the providers declined, the median time
// from the request to its confirmation (of those confirmed), and the unmet
// ones (declined or expired unanswered).
type Figure struct {
	AreaCode          string   `json:"area_code"`
	AreaName          string   `json:"area_name"`
	Category          Category `json:"category"`
	Requests          int      `json:"requests"`
	Declines          int      `json:"declines"`
	Expired           int      `json:"expired"`
	Unmet             int      `json:"unmet"`
	Confirmed         int      `json:"confirmed"`
	MedianWaitMinutes *int64   `json:"median_wait_minutes"`
}

// MaxFigureDays bounds the period of the figures.
const MaxFigureDays = 366

// Figures returns the figures of the requests made in [from, to) in the
// communities under areaCode (u's area when empty), per community and
// category, by community code and category.
func (s *Service) Figures(ctx context.Context, u auth.User, areaCode string, from, to time.Time) ([]Figure, error) {
	if !CanSeeFigures(u) {
		return nil, errs.ErrForbidden
	}
	if areaCode == "" {
		areaCode = u.AreaCode
	}
	if areaCode != "" && !u.InArea(areaCode) {
		return nil, errs.ErrForbidden
	}
	if !to.After(from) || to.Sub(from) > MaxFigureDays*24*time.Hour {
		return nil, errs.Invalidf("统计期间须为1到%d天", "the period must be 1 to %d days", MaxFigureDays)
	}
	var c db.Conds
	c.Add(`r.created_at >= ? AND r.created_at < ?`, db.Millis(from), db.Millis(to))
	if areaCode != "" {
		c.Add(`r.area_code >= ? AND r.area_code < ?`, areaCode, areaCode+"~")
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT r.area_code, a.name, r.category, r.status, r.created_at, r.confirmed_at FROM service_requests r
JOIN areas a ON a.code = r.area_code WHERE `+c.And(), c.Args...)
	if err != nil {
		return nil, errs.Wrap(err, "service figures")
	}
	defer rows.Close()
	type key struct{ area, cat string }
	figs := map[key]*Figure{}
	waits := map[key][]int64{}
	for rows.Next() {
		var area, name, cat, st string
		var created int64
		var conf *int64
		if err := rows.Scan(&area, &name, &cat, &st, &created, &conf); err != nil {
			return nil, errs.Wrap(err, "scan figure")
		}
		k := key{area, cat}
		f := figs[k]
		if f == nil {
			f = &Figure{AreaCode: area, AreaName: name, Category: Category(cat)}
			figs[k] = f
		}
		f.Requests++
		switch Status(st) {
		case StatusDeclined:
			f.Declines++
		case StatusExpired:
			f.Expired++
		}
		if conf != nil {
			f.Confirmed++
			waits[k] = append(waits[k], *conf-created)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "service figures")
	}
	out := []Figure{}
	for k, f := range figs {
		f.Unmet = f.Declines + f.Expired
		if w := waits[k]; len(w) > 0 {
			m := median(w) / 60000
			f.MedianWaitMinutes = &m
		}
		out = append(out, *f)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].AreaCode != out[j].AreaCode {
			return out[i].AreaCode < out[j].AreaCode
		}
		return catRank(out[i].Category) < catRank(out[j].Category)
	})
	return out, nil
}

func median(xs []int64) int64 {
	sort.Slice(xs, func(i, j int) bool { return xs[i] < xs[j] })
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

func catRank(c Category) int {
	for i, x := range Categories {
		if x == c {
			return i
		}
	}
	return len(Categories)
}

// Period reads the days of the figures, YYYY-MM-DD each, both counted (the
// last 30 days to today unless named), as the instants [from, to).
func (s *Service) Period(from, to string) (time.Time, time.Time, error) {
	today := s.clock.Now().In(s.loc)
	end := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, s.loc).AddDate(0, 0, 1)
	if to != "" {
		d, err := time.ParseInLocation(time.DateOnly, to, s.loc)
		if err != nil {
			return time.Time{}, time.Time{}, errs.Invalidf("截止日期须为 YYYY-MM-DD", "to must be YYYY-MM-DD")
		}
		end = d.AddDate(0, 0, 1)
	}
	start := end.AddDate(0, 0, -30)
	if from != "" {
		d, err := time.ParseInLocation(time.DateOnly, from, s.loc)
		if err != nil {
			return time.Time{}, time.Time{}, errs.Invalidf("起始日期须为 YYYY-MM-DD", "from must be YYYY-MM-DD")
		}
		start = d
	}
	if !end.After(start) || end.Sub(start) > MaxFigureDays*24*time.Hour {
		return time.Time{}, time.Time{}, errs.Invalidf("统计期间须为1到%d天", "the period must be 1 to %d days", MaxFigureDays)
	}
	return start, end, nil
}

// Wait is the median wait in minutes, -1 when none was confirmed.
func (f Figure) Wait() int64 {
	if f.MedianWaitMinutes == nil {
		return -1
	}
	return *f.MedianWaitMinutes
}
