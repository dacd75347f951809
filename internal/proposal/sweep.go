package proposal

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

const lapseBatch = 200

// Lapse ends the collecting of proposals whose period is over without
// reaching their threshold: a step of the background work, at most a batch
// per call. It returns how many lapsed.
func (s *Service) Lapse(ctx context.Context) (int, error) {
	now := s.clock.Now()
	rows, err := s.db.R.QueryContext(ctx, `SELECT number FROM proposals WHERE status = 'collecting' AND collect_until <= $1 ORDER BY collect_until LIMIT $2`,
		db.Millis(now), lapseBatch)
	if err != nil {
		return 0, errs.Wrap(err, "lapsed proposals")
	}
	var numbers []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return 0, errs.Wrap(err, "scan number")
		}
		numbers = append(numbers, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, errs.Wrap(err, "lapsed proposals")
	}
	done := 0
	for _, n := range numbers {
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			p, err := s.read(ctx, tx, n)
			if err != nil {
				return err
			}
			x, err := tx.ExecContext(ctx, `UPDATE proposals SET status = 'lapsed', updated_at = $2 WHERE number = $1 AND status = 'collecting'`, n, db.Millis(now))
			if err != nil {
				return errs.Wrap(err, "lapse proposal")
			}
			if k, _ := x.RowsAffected(); k == 0 {
				return nil
			}
			done++
			ev := Event{Kind: "lapse", FromStatus: StatusCollecting, ToStatus: StatusLapsed, Level: p.Level, AreaCode: p.AreaCode, Percent: p.Cosigns}
			if err := s.event(ctx, tx, n, auth.System(), now, ev); err != nil {
				return err
			}
			return s.notify(ctx, tx, now, p.proposerPhone, "", fmt.Sprintf("您的提案「%s」（%s）附议期满，附议%d人，未达%d人，未能受理。", p.Title, n, p.Cosigns, p.Threshold))
		})
		if err != nil {
			return done, err
		}
	}
	return done, nil
}
