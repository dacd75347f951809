package warning

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// DetectStats says what a detection step did.
type DetectStats struct {
	Read     int           // tickets read past the watermark (with the overlap)
	Clusters int           // clusters looked at
	Raised   int           // warnings raised
	Updated  int           // active warnings that grew or changed
	Rolled   int           // weeks rolled up for the baselines
	Full     bool          // the batch was full: more are waiting
	Took     time.Duration // wall time
}

// overlap is how long a ticket may commit after one numbered higher and
// still be read: the watermark read from (safe) trails by at least this.
const overlap = time.Minute

type state struct {
	safe, seen, mark string
	markAt           int64
}

// winTicket is a ticket of the window, as the clusters count it.
type winTicket struct {
	area, category, org string
	lat, lng            *float64
	at                  int64
}

// cluster is what the window holds of one place and category.
type cluster struct {
	place, category string
	tickets         []*winTicket
}

// Detect runs one step of the detection: it reads the tickets numbered
// past its watermark (at most Options.Batch), and raises or updates the
// warnings of the clusters they touch. The background work runs it every
// 15 s; tests call it directly.
func (s *Service) Detect(ctx context.Context) (DetectStats, error) {
	began := time.Now()
	now := s.clock.Now()
	var st DetectStats
	first, any, err := s.firstWeek(ctx)
	if err != nil || !any {
		return st, err
	}
	cur := s.weekOf(now)
	if st.Rolled, err = s.ensureWeeks(ctx, neededWeeks(cur, first)); err != nil {
		return st, err
	}
	// The tickets are read on the reader pool, outside the writing
	// transaction, which then only judges the clusters: a step holds the
	// writer (SQLite's only one) for as short a time as it can.
	stt, err := s.readState(ctx, now)
	if err != nil {
		return st, err
	}
	touched, cats, last, err := s.readNew(ctx, stt.safe, &st)
	if err != nil {
		return st, err
	}
	var clusters map[countKey]*cluster
	if len(touched) > 0 {
		if clusters, err = s.window(ctx, now, cats); err != nil {
			return st, err
		}
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		st.Clusters, st.Raised, st.Updated = 0, 0, 0
		locked, err := s.lockState(ctx, tx)
		if err != nil || locked != stt {
			return err // another process took this step meanwhile
		}
		for _, k := range byLevel(touched) {
			if c := clusters[k]; c != nil {
				st.Clusters++
				if err := s.judge(ctx, tx, now, cur, first, c, &st); err != nil {
					return err
				}
			}
		}
		return s.saveState(ctx, tx, now, stt, last, st.Read >= s.opt.Batch)
	})
	st.Took = time.Since(began)
	st.Full = st.Read >= s.opt.Batch
	return st, err
}

// byLevel orders the touched clusters communities first, then cells, then
// streets, so that a wider cluster can see whether a smaller one's warning
// already tells of its tickets.
func byLevel(touched map[countKey]bool) []countKey {
	rank := map[string]int{LevelCommunity: 0, LevelCell: 1, LevelStreet: 2}
	out := make([]countKey, 0, len(touched))
	for k := range touched {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		ri, rj := rank[levelOf(out[i].place)], rank[levelOf(out[j].place)]
		if ri != rj {
			return ri < rj
		}
		return out[i].place < out[j].place || (out[i].place == out[j].place && out[i].category < out[j].category)
	})
	return out
}

// readState reads the detection's state, making it on the first step with
// its watermark at the start of the window, so that the first step reads the
// window's tickets.
func (s *Service) readState(ctx context.Context, now time.Time) (state, error) {
	var st state
	err := s.db.R.QueryRowContext(ctx, `SELECT safe, seen, mark, mark_at FROM warning_state WHERE id = 1`).Scan(&st.safe, &st.seen, &st.mark, &st.markAt)
	if err != sql.ErrNoRows {
		return st, errs.Wrap(err, "read warning state")
	}
	start := now.Add(-s.opt.Window).In(s.loc).Format("20060102")
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO warning_state (id, safe, seen, mark, mark_at) VALUES (1, $1, $1, $1, $2) ON CONFLICT (id) DO NOTHING`,
			start, now.UnixMilli())
		return errs.Wrap(err, "make warning state")
	})
	if err != nil {
		return st, err
	}
	return s.readState(ctx, now)
}

// lockState takes the detection's state row in the writing transaction.
func (s *Service) lockState(ctx context.Context, tx *sql.Tx) (state, error) {
	q := `SELECT safe, seen, mark, mark_at FROM warning_state WHERE id = 1`
	if s.db.Engine == db.Postgres {
		q += ` FOR UPDATE`
	}
	var st state
	err := tx.QueryRowContext(ctx, q).Scan(&st.safe, &st.seen, &st.mark, &st.markAt)
	return st, errs.Wrap(err, "lock warning state")
}

// saveState moves the watermarks: seen to the last ticket read; safe to
// where seen stood at least a minute ago, or straight to the last ticket
// read when the batch was full (a backlog is read without overlap).
func (s *Service) saveState(ctx context.Context, tx *sql.Tx, now time.Time, st state, last string, full bool) error {
	if last > st.seen {
		st.seen = last
	}
	switch {
	case full:
		st.safe = last
	case now.UnixMilli()-st.markAt >= overlap.Milliseconds():
		if st.mark > st.safe {
			st.safe = st.mark
		}
		st.mark, st.markAt = st.seen, now.UnixMilli()
	}
	_, err := tx.ExecContext(ctx, `UPDATE warning_state SET safe = $1, seen = $2, mark = $3, mark_at = $4 WHERE id = 1`, st.safe, st.seen, st.mark, st.markAt)
	return errs.Wrap(err, "save warning state")
}

// readNew reads the tickets made after the watermark safe (their
// created_at, not their numbers: servers numbering as nodes of their own
// give numbers that do not follow the order of filing) and returns the
// clusters and categories they touch and the watermark of the last read.
func (s *Service) readNew(ctx context.Context, safe string, st *DetectStats) (map[countKey]bool, []string, string, error) {
	since := s.markMillis(safe)
	rows, err := s.db.R.QueryContext(ctx, `SELECT created_at, area_code, category_code, lat, lng FROM tickets WHERE created_at > $1 AND number >= $3 ORDER BY created_at LIMIT $2`,
		since, s.opt.Batch, ticket.CreatedFrom(time.UnixMilli(since), s.loc))
	if err != nil {
		return nil, nil, "", errs.Wrap(err, "read new tickets")
	}
	defer rows.Close()
	touched := map[countKey]bool{}
	cats := map[string]bool{}
	last := ""
	for rows.Next() {
		var at int64
		var area, cat string
		var lat, lng sql.NullFloat64
		if err := rows.Scan(&at, &area, &cat, &lat, &lng); err != nil {
			return nil, nil, "", errs.Wrap(err, "scan new ticket")
		}
		st.Read++
		last = timeMark(at)
		if cat == "" {
			continue
		}
		cats[cat] = true
		for _, p := range s.placesOf(area, nullable(lat), nullable(lng)) {
			touched[countKey{p.code, cat}] = true
		}
	}
	list := make([]string, 0, len(cats))
	for c := range cats {
		list = append(list, c)
	}
	return touched, list, last, errs.Wrap(rows.Err(), "read new tickets")
}

// timeMark is the watermark of a ticket made at ms (Unix milliseconds):
// "t:" and the time in 15 digits, so that marks compare as strings, and
// above every mark of the older form (a ticket number, or the first day's
// YYYYMMDD).
func timeMark(ms int64) string { return fmt.Sprintf("t:%015d", ms) }

// markMillis is the creation time a watermark stands at; a mark of the
// older form stands at the start of its business day (a step after an
// upgrade reads that day again: counting is the same whenever done).
func (s *Service) markMillis(mark string) int64 {
	if ms, ok := strings.CutPrefix(mark, "t:"); ok {
		n, _ := strconv.ParseInt(ms, 10, 64)
		return n
	}
	if len(mark) < 8 {
		return 0
	}
	d, err := time.ParseInLocation("20060102", mark[:8], s.loc)
	if err != nil {
		return 0
	}
	return d.UnixMilli()
}

// window reads the window's tickets of the categories and groups them by
// cluster. Ticket numbers begin with their business day, so the window is a
// range of the primary key.
func (s *Service) window(ctx context.Context, now time.Time, cats []string) (map[countKey]*cluster, error) {
	from := now.Add(-s.opt.Window)
	args := []any{from.In(s.loc).Format("20060102"), from.UnixMilli()}
	ph := make([]string, len(cats))
	for i, c := range cats {
		args = append(args, c)
		ph[i] = fmt.Sprintf("$%d", len(args))
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT area_code, category_code, assigned_org_code, lat, lng, created_at FROM tickets
WHERE number >= $1 AND created_at >= $2 AND category_code IN (`+strings.Join(ph, ",")+`)`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "read window")
	}
	defer rows.Close()
	out := map[countKey]*cluster{}
	for rows.Next() {
		t := &winTicket{}
		var lat, lng sql.NullFloat64
		if err := rows.Scan(&t.area, &t.category, &t.org, &lat, &lng, &t.at); err != nil {
			return nil, errs.Wrap(err, "scan window")
		}
		t.lat, t.lng = nullable(lat), nullable(lng)
		for _, p := range s.placesOf(t.area, t.lat, t.lng) {
			k := countKey{p.code, t.category}
			c := out[k]
			if c == nil {
				c = &cluster{place: p.code, category: t.category}
				out[k] = c
			}
			c.tickets = append(c.tickets, t)
		}
	}
	return out, errs.Wrap(rows.Err(), "read window")
}
