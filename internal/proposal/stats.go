package proposal

import (
	"context"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/evaluation"
)

// AnswerCounts counts, by organisation, the answers due in [from, to) —
// those given in it (an escalation is the lower unit's answer) and those
// whose time ran out in it without one — and how many of them were given on
// time: the participation indicator "proposals answered on time".
func (s *Service) AnswerCounts(ctx context.Context, from, to time.Time) (map[string][2]int64, error) {
	out := map[string][2]int64{}
	rows, err := s.db.R.QueryContext(ctx, `SELECT org_code, COUNT(*), COALESCE(SUM(CASE WHEN late THEN 0 ELSE 1 END), 0) FROM proposal_events
WHERE kind = 'answer' AND at >= $1 AND at < $2 GROUP BY org_code`, db.Millis(from), db.Millis(to))
	if err != nil {
		return nil, errs.Wrap(err, "answer counts")
	}
	defer rows.Close()
	for rows.Next() {
		var org string
		var n, onTime int64
		if err := rows.Scan(&org, &n, &onTime); err != nil {
			return nil, errs.Wrap(err, "scan answer counts")
		}
		out[org] = [2]int64{n, onTime}
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "answer counts")
	}
	end := min(db.Millis(to), db.Millis(s.clock.Now()))
	over, err := s.db.R.QueryContext(ctx, `SELECT org_code, COUNT(*) FROM proposals
WHERE status IN ('accepted', 'escalated') AND answer_due >= $1 AND answer_due < $2 GROUP BY org_code`, db.Millis(from), end)
	if err != nil {
		return nil, errs.Wrap(err, "overdue answers")
	}
	defer over.Close()
	for over.Next() {
		var org string
		var n int64
		if err := over.Scan(&org, &n); err != nil {
			return nil, errs.Wrap(err, "scan overdue answers")
		}
		c := out[org]
		out[org] = [2]int64{c[0] + n, c[1]}
	}
	return out, errs.Wrap(over.Err(), "overdue answers")
}

// Participants are the residents who raised or co-signed a proposal in
// [from, to), with the area where it was raised.
func (s *Service) Participants(ctx context.Context, from, to time.Time) ([]evaluation.Act, error) {
	return evaluation.QueryActs(ctx, s.db.R, `SELECT proposer_phone, origin_area_code FROM proposals WHERE created_at >= $1 AND created_at < $2
UNION SELECT c.phone, p.origin_area_code FROM proposal_cosigns c JOIN proposals p ON p.number = c.number WHERE c.at >= $1 AND c.at < $2`,
		db.Millis(from), db.Millis(to))
}
