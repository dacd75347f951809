package indicator

import (
	"context"
	"math"
	"sort"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// MaxRows bounds the tickets one month's handling time or cost reads; a
// month with more is measured on the first MaxRows by time.
const MaxRows = 200000

// onlineChannels are the channels that count as online: all but the
// hotline, the grid workers' patrols and staff filing for a resident (代办).
var onlineChannels = []string{"web", "app", "snapshot", "mailbox", "open311"}

// redoActions are the events that mean a ticket was not settled at the
// first contact.
var redoActions = []string{"return", "approve_return", "redispatch", "redo"}

// Item is one indicator's value in a month.
type Item struct {
	Code           string    `json:"code"`
	Name           string    `json:"name"`
	NameEn         string    `json:"name_en"`
	Dimension      Dimension `json:"dimension"`
	Value          *float64  `json:"value"` // null when there is nothing to measure
	Score          *float64  `json:"score"` // the value normalised to 0–100
	Unit           string    `json:"unit"`
	Weight         float64   `json:"weight"`
	StandardWeight float64   `json:"standard_weight"`
	Enabled        bool      `json:"enabled"`
}

// Month is the indicators of one month.
type Month struct {
	Month     string    `json:"month"` // YYYY-MM
	From      time.Time `json:"from"`
	To        time.Time `json:"to"`
	Partial   bool      `json:"partial"`   // the month is still under way
	Composite *float64  `json:"composite"` // weighted mean of the enabled scores
	Items     []Item    `json:"items"`
}

// ParseMonth reads YYYY-MM as a month in business time; empty is the last
// complete month. A month after the current one is refused.
func (s *Service) ParseMonth(month string) (time.Time, error) {
	now := s.clock.Now().In(clock.BusinessZone())
	cur := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, clock.BusinessZone())
	if month == "" {
		return cur.AddDate(0, -1, 0), nil
	}
	m, err := time.ParseInLocation("2006-01", month, clock.BusinessZone())
	if err != nil || m.Year() < 2000 || m.After(cur) {
		return time.Time{}, errs.Invalidf("月份须为YYYY-MM格式且不晚于本月", "the month must be YYYY-MM and not after this one")
	}
	return m, nil
}

// Compute returns the indicators of the month starting at m, for u: the
// whole installation.
func (s *Service) Compute(ctx context.Context, u auth.User, m time.Time) (Month, error) {
	if !CanRead(u) {
		return Month{}, errs.ErrForbidden
	}
	return s.compute(ctx, m, "")
}

// compute returns the indicators of the month starting at m in the area
// (its subtree of codes; "" is the whole installation). The caller has
// checked who asks.
func (s *Service) compute(ctx context.Context, m time.Time, area string) (Month, error) {
	settings, err := s.Settings(ctx)
	if err != nil {
		return Month{}, err
	}
	from, to := m, m.AddDate(0, 1, 0)
	out := Month{Month: m.Format("2006-01"), From: from, To: to, Partial: s.clock.Now().Before(to)}
	vals, err := s.values(ctx, from, to, area)
	if err != nil {
		return Month{}, err
	}
	costs, err := s.Costs(ctx)
	if err != nil {
		return Month{}, err
	}
	var sum, weights float64
	for _, st := range settings {
		it := Item{Code: st.Code, Name: st.Name, NameEn: st.NameEn, Dimension: st.Dimension, Unit: st.Unit,
			Weight: st.Weight, StandardWeight: st.StandardWeight, Enabled: st.Enabled, Value: vals[st.Code]}
		if it.Value != nil {
			sc := normalise(st.Code, *it.Value, costs)
			it.Score = &sc
			if st.Enabled && st.Weight > 0 {
				sum += st.Weight * sc
				weights += st.Weight
			}
		}
		out.Items = append(out.Items, it)
	}
	if weights > 0 {
		c := round2(sum / weights)
		out.Composite = &c
	}
	return out, nil
}

// normalise turns a value into a score of 0–100 (each line's Normalisation
// says how).
func normalise(code string, v float64, c Costs) float64 {
	var sc float64
	switch code {
	case CodeHandling:
		sc = 100 * (1 - v/HandlingCeilingHours)
	case CodeParticipation:
		sc = 100 * v / ParticipationFull
	case CodeShared:
		sc = 100 * v / SharedFull
	case CodeCost:
		sc = 100 * (1 - v/c.Ceiling)
	default: // a percentage
		sc = v
	}
	return round2(math.Max(0, math.Min(100, sc)))
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

func pct(num, den int64) *float64 {
	if den == 0 {
		return nil
	}
	v := round2(float64(num) * 100 / float64(den))
	return &v
}

// under is the range [lo, hi) of the area codes in the area's subtree; the
// whole installation ("") is every code (codes hold only characters below
// '~').
func under(area string) (lo, hi string) { return area, area + "~" }

// values computes every indicator's value in [from, to) in the area.
func (s *Service) values(ctx context.Context, from, to time.Time, area string) (map[string]*float64, error) {
	out := map[string]*float64{}
	var err error
	if out[CodeOnline], err = s.online(ctx, from, to, area); err != nil {
		return nil, err
	}
	if out[CodeDigital], err = s.digital(ctx, from, to, area); err != nil {
		return nil, err
	}
	if out[CodeHandling], out[CodeOnTime], err = s.handling(ctx, from, to, area); err != nil {
		return nil, err
	}
	if out[CodeFirstContact], err = s.firstContact(ctx, from, to, area); err != nil {
		return nil, err
	}
	if out[CodeParticipation], err = s.participation(ctx, from, to, area); err != nil {
		return nil, err
	}
	if out[CodeShared], err = s.shared(ctx, from, to); err != nil {
		return nil, err
	}
	if out[CodeCost], err = s.cost(ctx, from, to, area); err != nil {
		return nil, err
	}
	if out[CodeStaffTrained], err = s.staffTrained(ctx, from); err != nil {
		return nil, err
	}
	return out, nil
}

// online is the platform's online rate: the mean of the server's
// (serverOnline) and the self-service terminals' in the area (their share
// of terminal-minutes online, which the kiosks' capability measures and app
// wires in); either alone when the other has nothing to measure.
func (s *Service) online(ctx context.Context, from, to time.Time, area string) (*float64, error) {
	server, err := s.serverOnline(ctx, from, to)
	if err != nil || s.terminals == nil {
		return server, err
	}
	share, ok, err := s.terminals(ctx, from, area)
	if err != nil {
		return nil, errs.Wrap(err, "terminals' online share")
	}
	if !ok {
		return server, nil
	}
	v := share * 100
	if server != nil {
		v = (*server + v) / 2
	}
	v = round2(v)
	return &v, nil
}

// serverOnline is the share of the month's minutes with a heartbeat, as the
// evaluation's health counts it: minutes before the first heartbeat ever
// and after the current minute are not counted.
func (s *Service) serverOnline(ctx context.Context, from, to time.Time) (*float64, error) {
	f, t := db.Millis(from), db.Millis(to)
	if now := s.clock.Now().UnixMilli()/60000*60000 + 60000; t > now {
		t = now
	}
	var first *int64
	if err := s.db.R.QueryRowContext(ctx, `SELECT MIN(minute) FROM health_minutes`).Scan(&first); err != nil {
		return nil, errs.Wrap(err, "online rate")
	}
	if first == nil {
		return nil, nil
	}
	f = max(f, *first)
	if t <= f {
		return nil, nil
	}
	var up int64
	if err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM health_minutes WHERE minute >= $1 AND minute < $2`, f, t).Scan(&up); err != nil {
		return nil, errs.Wrap(err, "online rate")
	}
	return pct(up, (t-f)/60000), nil
}

func (s *Service) digital(ctx context.Context, from, to time.Time, area string) (*float64, error) {
	var all, online int64
	lo, hi := under(area)
	err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN channel IN ($3, $4, $5, $6, $7) THEN 1 ELSE 0 END), 0)
FROM tickets WHERE created_at >= $1 AND created_at < $2 AND area_code >= $8 AND area_code < $9 AND number >= $10 AND `+ticket.NumberBelow("number", "$11"), db.Millis(from), db.Millis(to),
		onlineChannels[0], onlineChannels[1], onlineChannels[2], onlineChannels[3], onlineChannels[4], lo, hi,
		ticket.CreatedFrom(from, clock.BusinessZone()), before(to)).Scan(&all, &online)
	if err != nil {
		return nil, errs.Wrap(err, "digital share")
	}
	return pct(online, all), nil
}

// handling is the median working hours from creation to reply of the
// tickets replied in the month, and the share replied on time.
func (s *Service) handling(ctx context.Context, from, to time.Time, area string) (*float64, *float64, error) {
	lo, hi := under(area)
	rows, err := s.db.R.QueryContext(ctx, `SELECT created_at, replied_at, due_complete_at FROM tickets
WHERE replied_at >= $1 AND replied_at < $2 AND area_code >= $4 AND area_code < $5 AND `+ticket.NumberBelow("number", "$6")+` ORDER BY replied_at LIMIT $3`,
		db.Millis(from), db.Millis(to), MaxRows, lo, hi, before(to))
	if err != nil {
		return nil, nil, errs.Wrap(err, "handling")
	}
	defer rows.Close()
	var hours []float64
	var onTime int64
	for rows.Next() {
		var created, replied int64
		var due *int64
		if err := rows.Scan(&created, &replied, &due); err != nil {
			return nil, nil, errs.Wrap(err, "handling")
		}
		if due == nil || replied <= *due {
			onTime++
		}
		hours = append(hours, s.hours(time.UnixMilli(created), time.UnixMilli(replied)).Hours())
	}
	if err := rows.Err(); err != nil {
		return nil, nil, errs.Wrap(err, "handling")
	}
	if len(hours) == 0 {
		return nil, nil, nil
	}
	sort.Float64s(hours)
	n := len(hours)
	med := hours[n/2]
	if n%2 == 0 {
		med = (hours[n/2-1] + hours[n/2]) / 2
	}
	med = round2(med)
	return &med, pct(onTime, int64(n)), nil
}

func (s *Service) firstContact(ctx context.Context, from, to time.Time, area string) (*float64, error) {
	var closed, first int64
	lo, hi := under(area)
	err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN NOT EXISTS (SELECT 1 FROM ticket_events e
WHERE e.ticket_number = t.number AND e.action IN ($3, $4, $5, $6)) THEN 1 ELSE 0 END), 0)
FROM tickets t WHERE t.closed_at >= $1 AND t.closed_at < $2 AND t.status = 'closed' AND t.area_code >= $7 AND t.area_code < $8 AND `+ticket.NumberBelow("t.number", "$9"), db.Millis(from), db.Millis(to),
		redoActions[0], redoActions[1], redoActions[2], redoActions[3], lo, hi, before(to)).Scan(&closed, &first)
	if err != nil {
		return nil, errs.Wrap(err, "first-contact resolution")
	}
	return pct(first, closed), nil
}

// participation is the distinct participants per 1,000 residents on the
// roster. In an area (a district compared with others) only the
// participants on the area's roster count: a resident registered in one
// district counts for that one, wherever she took part.
func (s *Service) participation(ctx context.Context, from, to time.Time, area string) (*float64, error) {
	var residents int64
	var roster map[string]bool
	if area == "" {
		if err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(DISTINCT phone) FROM area_residents`).Scan(&residents); err != nil {
			return nil, errs.Wrap(err, "participation")
		}
	} else {
		var err error
		if roster, err = s.roster(ctx, area); err != nil {
			return nil, err
		}
		residents = int64(len(roster))
	}
	if residents == 0 {
		return nil, nil
	}
	people := map[string]bool{}
	for _, src := range s.acts {
		phones, err := src(ctx, from, to)
		if err != nil {
			return nil, err
		}
		for _, p := range phones {
			if roster == nil || roster[p] {
				people[p] = true
			}
		}
	}
	v := round2(float64(len(people)) * 1000 / float64(residents))
	return &v, nil
}

func (s *Service) shared(ctx context.Context, from, to time.Time) (*float64, error) {
	var n int64
	err := s.db.R.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM webhook_deliveries WHERE delivered_at >= $1 AND delivered_at < $2 AND status = 'delivered')
 + (SELECT COUNT(*) FROM citylink_deliveries WHERE delivered_at >= $1 AND delivered_at < $2 AND status = 'delivered')`,
		db.Millis(from), db.Millis(to)).Scan(&n)
	if err != nil {
		return nil, errs.Wrap(err, "data shared")
	}
	v := float64(n)
	return &v, nil
}

// roster is the phones of the residents registered in the area's subtree.
func (s *Service) roster(ctx context.Context, area string) (map[string]bool, error) {
	lo, hi := under(area)
	rows, err := s.db.R.QueryContext(ctx, `SELECT DISTINCT phone FROM area_residents WHERE area_code >= $1 AND area_code < $2`, lo, hi)
	if err != nil {
		return nil, errs.Wrap(err, "participation")
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, errs.Wrap(err, "participation")
		}
		out[p] = true
	}
	return out, errs.Wrap(rows.Err(), "participation")
}

// before bounds the numbers of tickets made before t, so that a month's
// figures read no partition of a later month (PostgreSQL): a ticket
// replied or closed before t was made before it.
func before(t time.Time) string { return ticket.CreatedBefore(t, clock.BusinessZone()) }
