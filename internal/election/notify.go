package election

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// The voters on the roll are told, on their phones (我的 and SMS), when the
// polls open and when the result is out.

// rollPhones is the query of the roll's phones and its arguments: the
// register's owners, or the residents verified in the area.
func rollPhones(e Election) (string, []any) {
	if e.Kind == KindResidents {
		lo, hi := gov.UnderRange(e.AreaCode)
		return `SELECT phone FROM area_residents WHERE area_code >= $1 AND area_code < $2`, []any{lo, hi}
	}
	return `SELECT owner AS phone FROM election_units WHERE election_id = $1`, []any{e.ID}
}

// notifyRoll tells every voter on the roll, in tx.
func (s *Service) notifyRoll(ctx context.Context, tx *sql.Tx, e Election, text string) (int64, error) {
	q, args := rollPhones(e)
	return db.NotifyPhones(ctx, tx, s.clock.Now(), "election", text, q, args...)
}

// Announce tells the voters of the open elections whose polls have opened,
// once each election, at most 100 elections a call, and returns how many it
// announced. An owners' committee's election whose register is still empty
// waits for it. The background work calls it; several processes may.
func (s *Service) Announce(ctx context.Context) (int, error) {
	now := s.clock.Now()
	rows, err := s.db.R.QueryContext(ctx, `SELECT id FROM elections WHERE status = $1 AND announced_at IS NULL AND opens_at <= $2 AND closes_at > $2
ORDER BY opens_at LIMIT 100`, StatusOpen, db.Millis(now))
	if err != nil {
		return 0, errs.Wrap(err, "elections to announce")
	}
	ids, err := db.ScanStrings(rows)
	if err != nil {
		return 0, errs.Wrap(err, "elections to announce")
	}
	n := 0
	for _, id := range ids {
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			e, err := s.lock(ctx, tx, id)
			if err != nil {
				return err
			}
			var announced sql.NullInt64
			if err := tx.QueryRowContext(ctx, `SELECT announced_at FROM elections WHERE id = $1`, id).Scan(&announced); err != nil {
				return errs.Wrap(err, "read announced")
			}
			if announced.Valid || e.Status != StatusOpen {
				return nil // announced or closed meanwhile
			}
			told, err := s.notifyRoll(ctx, tx, e, fmt.Sprintf("「%s」开始投票，请于%s前登录投票，或到社区领取纸质选票。", e.Title, e.ClosesAt.In(clock.BusinessZone()).Format("1月2日15:04")))
			if err != nil || (told == 0 && e.Kind == KindOwnersCommittee) {
				return err // an empty register: wait for it
			}
			if _, err := tx.ExecContext(ctx, `UPDATE elections SET announced_at = $1 WHERE id = $2`, db.Millis(now), id); err != nil {
				return errs.Wrap(err, "mark announced")
			}
			n++
			return s.event(ctx, tx, id, "announced", map[string]any{"voters": told}, auth.System(), now)
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
