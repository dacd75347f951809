package warning

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// tally is what a cluster's window holds, counted from since on.
type tally struct {
	count       int
	first, last int64
	lat, lng    *float64
	area, org   string // the most frequent community (or street) and unit
}

func (c *cluster) tally(since int64) tally {
	var t tally
	var sLat, sLng float64
	var located int
	areas, orgs := map[string]int{}, map[string]int{}
	for _, x := range c.tickets {
		if x.at <= since {
			continue
		}
		t.count++
		if t.first == 0 || x.at < t.first {
			t.first = x.at
		}
		t.last = max(t.last, x.at)
		if x.lat != nil {
			sLat, sLng, located = sLat+*x.lat, sLng+*x.lng, located+1
		}
		switch {
		case len(x.area) >= communityDigits:
			areas[x.area[:communityDigits]]++
		case x.area != "":
			areas[x.area]++
		}
		if x.org != "" {
			orgs[x.org]++
		}
	}
	if located > 0 {
		lat, lng := sLat/float64(located), sLng/float64(located)
		t.lat, t.lng = &lat, &lng
	}
	t.area, t.org = mostOf(areas), mostOf(orgs)
	return t
}

// mostOf returns the key counted most (the smallest of a tie), or "".
func mostOf(m map[string]int) string {
	best, n := "", 0
	for k, v := range m {
		if v > n || (v == n && k < best) {
			best, n = k, v
		}
	}
	return best
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// judge raises, updates or leaves the warning of one touched cluster.
func (s *Service) judge(ctx context.Context, tx *sql.Tx, now time.Time, cur, first int, c *cluster, st *DetectStats) error {
	prev, err := s.latest(ctx, tx, c.place, c.category)
	if err != nil {
		return err
	}
	var since int64
	if prev != nil && !prev.Active() && prev.ActedAt != nil {
		since = prev.ActedAt.UnixMilli()
	}
	t := c.tally(since)
	active := prev != nil && prev.Active()
	if t.count == 0 || (!active && t.count < s.opt.MinCount) {
		return nil
	}
	counts, err := s.weekCounts(ctx, tx, c.place, c.category, cur-weeksPerYear*seasonYears-seasonSpan)
	if err != nil {
		return err
	}
	base := round2(baseline(counts, cur, first))
	score := round2(Score(t.count, base))
	if active {
		if prev.Count == t.count && prev.LastAt.UnixMilli() == t.last && prev.Baseline == base && prev.Score == score {
			return nil
		}
		_, err := s.db.Exec(ctx, tx, `UPDATE warnings SET count = $1, baseline = $2, score = $3, first_at = $4, last_at = $5, lat = $6, lng = $7, updated_at = $8 WHERE id = $9`,
			t.count, base, score, t.first, t.last, t.lat, t.lng, now.UnixMilli(), prev.ID)
		st.Updated++
		return errs.Wrap(err, "update warning")
	}
	if score < s.opt.Threshold {
		return nil
	}
	if told, err := s.toldBySmaller(ctx, tx, levelOf(c.place), c.place, t.area, c.category); err != nil || told {
		return err
	}
	w := Warning{ID: db.NewID(), Level: levelOf(c.place), Place: c.place, AreaCode: t.area, CategoryCode: c.category,
		WindowDays: int(s.opt.Window / (24 * time.Hour)), Count: t.count, Baseline: base, Score: score, Lat: t.lat, Lng: t.lng,
		FirstAt: time.UnixMilli(t.first), LastAt: time.UnixMilli(t.last), CreatedAt: now, Status: StatusOpen}
	if w.Level != LevelCell {
		w.AreaCode = c.place
	}
	if w.OrgCode, err = s.tickets.SuggestOrg(ctx, c.category, w.AreaCode); err != nil {
		return err
	}
	if w.OrgCode == "" {
		w.OrgCode = t.org
	}
	if err := s.insert(ctx, tx, w); err != nil {
		return err
	}
	st.Raised++
	return s.notify(ctx, tx, now, w)
}

// toldBySmaller reports whether a cell's or a street's cluster is already
// told of by a smaller one's active warning: a cell by that of the community
// most of its tickets are in; a street by any of a community or a cell
// within it. One surge raises one warning, and a wider one only when it is
// spread out.
func (s *Service) toldBySmaller(ctx context.Context, tx *sql.Tx, level, place, area, category string) (bool, error) {
	switch level {
	case LevelCell:
		if len(area) < communityDigits {
			return false, nil
		}
		w, err := s.latest(ctx, tx, area[:communityDigits], category)
		return w != nil && w.Active(), err
	case LevelStreet:
		var n int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM warnings WHERE category_code = $1 AND status IN ($2, $3) AND level <> $4
AND area_code >= $5 AND area_code < $6`, category, StatusOpen, StatusAcknowledged, LevelStreet, place, place+"~").Scan(&n)
		return n > 0, errs.Wrap(err, "read smaller warnings")
	}
	return false, nil
}

const warningCols = `id, level, place, area_code, category_code, org_code, window_days, count, baseline, score, lat, lng,
first_at, last_at, created_at, status, reason, ticket_number, rect_id, acted_by, acted_at, kind`

func (s *Service) insert(ctx context.Context, tx *sql.Tx, w Warning) error {
	_, err := s.db.Exec(ctx, tx, `INSERT INTO warnings (`+warningCols+`, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, '', '', '', '', NULL, $17, $15)`,
		w.ID, w.Level, w.Place, w.AreaCode, w.CategoryCode, w.OrgCode, w.WindowDays, w.Count, w.Baseline, w.Score, w.Lat, w.Lng,
		w.FirstAt.UnixMilli(), w.LastAt.UnixMilli(), w.CreatedAt.UnixMilli(), w.Status, kindOr(w.Kind))
	return errs.Wrap(err, "insert warning")
}

// latest returns the cluster's newest warning, or nil.
func (s *Service) latest(ctx context.Context, q db.Queryer, place, category string) (*Warning, error) {
	w, err := s.scan(q.QueryRowContext(ctx, `SELECT `+warningCols+` FROM warnings WHERE place = $1 AND category_code = $2 ORDER BY created_at DESC LIMIT 1`, place, category))
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, errs.Wrap(err, "read cluster's warning")
	}
	return &w, nil
}

func (s *Service) scan(sc interface{ Scan(...any) error }) (Warning, error) {
	var w Warning
	var lat, lng sql.NullFloat64
	var first, last, created int64
	var acted sql.NullInt64
	err := sc.Scan(&w.ID, &w.Level, &w.Place, &w.AreaCode, &w.CategoryCode, &w.OrgCode, &w.WindowDays, &w.Count, &w.Baseline, &w.Score,
		&lat, &lng, &first, &last, &created, &w.Status, &w.Reason, &w.TicketNumber, &w.RectID, &w.ActedBy, &acted, &w.Kind)
	if err != nil {
		return w, err
	}
	w.Lat, w.Lng = nullable(lat), nullable(lng)
	w.FirstAt, w.LastAt, w.CreatedAt = time.UnixMilli(first).In(s.loc), time.UnixMilli(last).In(s.loc), time.UnixMilli(created).In(s.loc)
	if acted.Valid {
		a := time.UnixMilli(acted.Int64).In(s.loc)
		w.ActedAt = &a
	}
	return w, nil
}

// notify tells the responsible unit and the supervisors of the area, in the
// notifications the staff read.
func (s *Service) notify(ctx context.Context, tx *sql.Tx, now time.Time, w Warning) error {
	text := s.describe(ctx, w)
	ins := `INSERT INTO notifications (id, at, org_code, area_code, role, phone, ticket_number, kind, text) VALUES ($1, $2, $3, $4, $5, '', '', 'warning', $6)`
	if w.OrgCode != "" {
		if _, err := s.db.Exec(ctx, tx, ins, db.NewID(), now.UnixMilli(), w.OrgCode, "", "", text); err != nil {
			return errs.Wrap(err, "notify unit of warning")
		}
	}
	_, err := s.db.Exec(ctx, tx, ins, db.NewID(), now.UnixMilli(), "", w.AreaCode, "supervisor", text)
	return errs.Wrap(err, "notify supervisors of warning")
}

// describe says what a warning is about, in the words of a notification
// and of a ticket made from it.
func (s *Service) describe(ctx context.Context, w Warning) string {
	if w.Kind == KindSupply {
		return s.describeSupply(ctx, w)
	}
	where := w.AreaCode
	if a, err := s.gov.Area(ctx, w.AreaCode); err == nil {
		where = a.Name
	}
	if w.Level == LevelCell {
		where += fmt.Sprintf("附近（约%.0f米范围内）", s.opt.CellMetres)
	}
	what := w.CategoryCode
	if c, err := s.tickets.Category(ctx, w.CategoryCode); err == nil {
		what = c.Name
	}
	return fmt.Sprintf("未诉先办预警：%s「%s」近%d日诉求%d件，常态约每周%.1f件，请提前研判处置。", where, what, w.WindowDays, w.Count, w.Baseline)
}
