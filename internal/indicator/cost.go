package indicator

import (
	"context"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// cost is the cost per ticket closed in the month: the staff's working
// hours on each (from its first signing to its last reply, on the working
// calendar; none for a ticket never signed or replied, such as a
// consultation answered at once) times the cost of an hour, plus the fixed
// monthly costs, over the tickets closed. In a district the fixed costs
// are shared by all the installation's closed tickets alike.
func (s *Service) cost(ctx context.Context, from, to time.Time, area string) (*float64, error) {
	c, err := s.Costs(ctx)
	if err != nil {
		return nil, err
	}
	lo, hi := under(area)
	rows, err := s.db.R.QueryContext(ctx, `SELECT t.number,
MIN(CASE WHEN e.action = 'sign' THEN e.at END), MAX(CASE WHEN e.action = 'reply' THEN e.at END)
FROM tickets t LEFT JOIN ticket_events e ON e.ticket_number = t.number AND e.action IN ('sign', 'reply') AND `+ticket.NumberBelow("e.ticket_number", "$6")+`
WHERE t.closed_at >= $1 AND t.closed_at < $2 AND t.status = 'closed' AND t.area_code >= $4 AND t.area_code < $5 AND `+ticket.NumberBelow("t.number", "$6")+`
GROUP BY t.number ORDER BY t.number LIMIT $3`, db.Millis(from), db.Millis(to), MaxRows, lo, hi, before(to))
	if err != nil {
		return nil, errs.Wrap(err, "cost")
	}
	defer rows.Close()
	var closed int64
	var hours float64
	for rows.Next() {
		var number string
		var signed, replied *int64
		if err := rows.Scan(&number, &signed, &replied); err != nil {
			return nil, errs.Wrap(err, "cost")
		}
		closed++
		if signed != nil && replied != nil && *replied > *signed {
			hours += s.hours(time.UnixMilli(*signed), time.UnixMilli(*replied)).Hours()
		}
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "cost")
	}
	if closed == 0 {
		return nil, nil
	}
	fixed := c.FixedMonthly / float64(closed)
	if area != "" {
		// A district bears the fixed costs in proportion to the matters it
		// closed: each closed matter of the installation the same share.
		var all int64
		if err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets WHERE closed_at >= $1 AND closed_at < $2 AND status = 'closed' AND `+ticket.NumberBelow("number", "$3"),
			db.Millis(from), db.Millis(to), before(to)).Scan(&all); err != nil {
			return nil, errs.Wrap(err, "cost")
		}
		fixed = c.FixedMonthly / float64(max(all, closed))
	}
	v := round2(hours*c.PerHour/float64(closed) + fixed)
	return &v, nil
}
