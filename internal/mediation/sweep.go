package mediation

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

const remindBatch = 200

// Remind tells the parties and the committee, once per case, that the
// window to apply for judicial confirmation closes within RemindDays days
// and nobody has applied: a step of the background work. Several
// processes may run it: each reminder is claimed before it is written. It
// returns how many were sent.
func (s *Service) Remind(ctx context.Context) (int, error) {
	now := s.clock.Now()
	today := now.In(s.loc).Format(DateLayout)
	soon := now.In(s.loc).AddDate(0, 0, RemindDays).Format(DateLayout)
	rows, err := s.db.R.QueryContext(ctx, `SELECT number FROM mediation_cases WHERE status = 'agreed' AND agreement = 'written' AND confirmation = 'none'
AND reminded_at IS NULL AND confirmation_deadline >= $1 AND confirmation_deadline <= $2 ORDER BY confirmation_deadline LIMIT `+fmt.Sprint(remindBatch), today, soon)
	if err != nil {
		return 0, errs.Wrap(err, "closing windows")
	}
	var numbers []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return 0, errs.Wrap(err, "scan case")
		}
		numbers = append(numbers, n)
	}
	rows.Close()
	sent := 0
	for _, n := range numbers {
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			x, err := tx.ExecContext(ctx, `UPDATE mediation_cases SET reminded_at = $1 WHERE number = $2 AND reminded_at IS NULL AND confirmation = 'none'`, db.Millis(now), n)
			if err != nil {
				return errs.Wrap(err, "claim reminder")
			}
			if k, _ := x.RowsAffected(); k == 0 {
				return nil
			}
			c, err := s.loadQ(ctx, tx, n)
			if err != nil {
				return err
			}
			sent++
			text := fmt.Sprintf("调解案件 %s 的调解协议申请司法确认的期限将于%s届满。如需申请，请双方当事人共同向人民法院提出。", c.Number, c.Agreement.ConfirmationDeadline)
			ns := []notice{{org: c.Committee, text: text}}
			for _, p := range c.Parties {
				ns = append(ns, notice{phone: p.Phone, text: text})
			}
			if err := s.notify(ctx, tx, now, ns...); err != nil {
				return err
			}
			return s.event(ctx, tx, c.Number, auth.System(), "remind_confirmation", map[string]any{"deadline": c.Agreement.ConfirmationDeadline}, now)
		})
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}
