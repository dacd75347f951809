package kiosk

import (
	"context"
	"sort"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Row is a terminal in the registry with its use in a month.
type Row struct {
	Terminal
	Visits    int64     `json:"visits"`  // visits started in the month
	Tickets   int64     `json:"tickets"` // tickets filed in the month
	LastVisit time.Time `json:"last_visit,omitzero"`
	Idle      bool      `json:"idle"` // no visit in the last IdleEquipment (and registered that long)
}

// Registry is the terminals u may read, with their use in the month that
// holds month (business time).
type Registry struct {
	Month       string  `json:"month"` // 2026-11
	Rows        []Row   `json:"terminals"`
	OnlineShare float64 `json:"online_share"` // of terminal-minutes in the month so far
}

// MonthOf returns the bounds of the month that holds t.
func MonthOf(t time.Time) (from, to time.Time) {
	t = t.In(clock.BusinessZone())
	from = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location())
	return from, from.AddDate(0, 1, 0)
}

// List returns the registry for u; the zero month is the month under way.
func (s *Service) List(ctx context.Context, u auth.User, month time.Time) (Registry, error) {
	if !CanRead(u) {
		return Registry{}, errs.ErrForbidden
	}
	if month.IsZero() {
		month = s.clock.Now()
	}
	from, to := MonthOf(month)
	reg := Registry{Month: from.Format("2006-01"), Rows: []Row{}}
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+terminalCols+` FROM kiosk_terminals ORDER BY id`)
	if err != nil {
		return reg, errs.Wrap(err, "list terminals")
	}
	defer rows.Close()
	for rows.Next() {
		t, err := s.scan(rows)
		if err != nil {
			return reg, errs.Wrap(err, "scan terminal")
		}
		if CanReadArea(u, t.AreaCode) {
			reg.Rows = append(reg.Rows, Row{Terminal: t})
		}
	}
	if err := rows.Err(); err != nil {
		return reg, errs.Wrap(err, "list terminals")
	}
	if err := s.use(ctx, reg.Rows, from, to); err != nil {
		return reg, err
	}
	share, err := s.OnlineShare(ctx, month)
	reg.OnlineShare = share
	return reg, err
}

// use fills the rows' visits, tickets, last visit and idle flag.
func (s *Service) use(ctx context.Context, rows []Row, from, to time.Time) error {
	idx := map[string]*Row{}
	for i := range rows {
		idx[rows[i].ID] = &rows[i]
	}
	q, err := s.db.R.QueryContext(ctx, `SELECT terminal_id,
  COUNT(CASE WHEN started_at >= $1 AND started_at < $2 THEN 1 END), MAX(started_at)
FROM kiosk_visits GROUP BY terminal_id`, db.Millis(from), db.Millis(to))
	if err != nil {
		return errs.Wrap(err, "count visits")
	}
	for q.Next() {
		var id string
		var n, last int64
		if err := q.Scan(&id, &n, &last); err != nil {
			q.Close()
			return errs.Wrap(err, "count visits")
		}
		if r := idx[id]; r != nil {
			r.Visits, r.LastVisit = n, fromMillis(last)
		}
	}
	q.Close()
	q, err = s.db.R.QueryContext(ctx, `SELECT terminal_id, COUNT(*) FROM kiosk_tickets
WHERE filed_at >= $1 AND filed_at < $2 GROUP BY terminal_id`, db.Millis(from), db.Millis(to))
	if err != nil {
		return errs.Wrap(err, "count kiosk tickets")
	}
	defer q.Close()
	for q.Next() {
		var id string
		var n int64
		if err := q.Scan(&id, &n); err != nil {
			return errs.Wrap(err, "count kiosk tickets")
		}
		if r := idx[id]; r != nil {
			r.Tickets = n
		}
	}
	now := s.clock.Now()
	for i := range rows {
		r := &rows[i]
		since := now.Add(-IdleEquipment)
		r.Idle = !r.CreatedAt.After(since) && !r.LastVisit.After(since)
	}
	return errs.Wrap(q.Err(), "count kiosk tickets")
}

// OnlineShare is the share of terminal-minutes online in the month that
// holds month, up to now: each registered terminal counts every minute of
// the month since its registration, and those within OnlineWithin after a
// heartbeat are online. No terminal: 0. The zero month is the month under
// way.
func (s *Service) OnlineShare(ctx context.Context, month time.Time) (float64, error) {
	share, _, err := s.OnlineShareIn(ctx, month, "")
	return share, err
}

// OnlineShareIn is OnlineShare over the terminals placed in the area's
// subtree of codes ("" every terminal); terminals is how many were
// registered by the month's end (or now), so that none is told from all
// offline.
func (s *Service) OnlineShareIn(ctx context.Context, month time.Time, area string) (share float64, terminals int, err error) {
	if month.IsZero() {
		month = s.clock.Now()
	}
	from, to := MonthOf(month)
	if now := s.clock.Now(); now.Before(to) {
		to = now
	}
	if !to.After(from) {
		return 0, 0, nil
	}
	lo, hi := from.Unix()/60, to.Unix()/60 // minutes [lo, hi)
	starts := map[string]int64{}
	rows, err := s.db.R.QueryContext(ctx, `SELECT id, created_at FROM kiosk_terminals WHERE created_at < $1 AND area_code >= $2 AND area_code < $3`,
		db.Millis(to), area, area+"~")
	if err != nil {
		return 0, 0, errs.Wrap(err, "online share")
	}
	var total int64
	for rows.Next() {
		var id string
		var created int64
		if err := rows.Scan(&id, &created); err != nil {
			rows.Close()
			return 0, 0, errs.Wrap(err, "online share")
		}
		start := max(lo, created/60000)
		starts[id] = start
		total += hi - start
		terminals++
	}
	rows.Close()
	if total <= 0 {
		return 0, terminals, nil
	}
	span := int64(OnlineWithin / time.Minute)
	beats := map[string][]int64{}
	rows, err = s.db.R.QueryContext(ctx, `SELECT terminal_id, minute FROM kiosk_beats WHERE minute >= $1 AND minute < $2`, lo-span, hi)
	if err != nil {
		return 0, 0, errs.Wrap(err, "online share")
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var m int64
		if err := rows.Scan(&id, &m); err != nil {
			return 0, 0, errs.Wrap(err, "online share")
		}
		beats[id] = append(beats[id], m)
	}
	if err := rows.Err(); err != nil {
		return 0, 0, errs.Wrap(err, "online share")
	}
	var online int64
	for id, ms := range beats {
		start, ok := starts[id]
		if !ok {
			continue
		}
		online += covered(ms, span, start, hi)
	}
	return float64(online) / float64(total), terminals, nil
}

// covered counts the minutes of [lo, hi) within span minutes from one of
// the beats.
func covered(beats []int64, span, lo, hi int64) int64 {
	sort.Slice(beats, func(i, j int) bool { return beats[i] < beats[j] })
	var n, upTo int64 = 0, lo
	for _, b := range beats {
		a, e := max(b, upTo), min(b+span, hi)
		if e > a {
			n += e - a
			upTo = e
		}
	}
	return n
}
