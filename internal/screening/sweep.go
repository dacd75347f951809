package screening

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

const sweepBatch = 200

// Swept counts what a sweep did.
type Swept struct {
	Reminded int `json:"reminded"`
	Ended    int `json:"ended"`
}

// Sweep is the rounds' step of the background work. It tells the grid
// workers and the supervisors of a round's grid, once, when the round ends
// within RemindBefore with places unchecked; and it ends the rounds whose
// end has passed: the places not checked stay on the list, as missed. At
// most a batch of each per call; several processes may run it, each
// change claimed in its transaction.
func (s *Service) Sweep(ctx context.Context) (Swept, error) {
	now := s.clock.Now()
	var st Swept
	ids, err := s.due(ctx, `status = 'open' AND reminded_at IS NULL AND checked < listed AND ends_at > $1 AND ends_at <= $2`, db.Millis(now), db.Millis(now.Add(RemindBefore)))
	if err != nil {
		return st, err
	}
	for _, id := range ids {
		ok, err := s.remind(ctx, id, now)
		if err != nil {
			return st, err
		}
		if ok {
			st.Reminded++
		}
	}
	ids, err = s.due(ctx, `status = 'open' AND ends_at <= $1`, db.Millis(now))
	if err != nil {
		return st, err
	}
	for _, id := range ids {
		ok, err := s.end(ctx, id, now)
		if err != nil {
			return st, err
		}
		if ok {
			st.Ended++
		}
	}
	return st, nil
}

func (s *Service) due(ctx context.Context, cond string, args ...any) ([]string, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT id FROM screening_rounds WHERE `+cond+` ORDER BY ends_at LIMIT `+fmt.Sprint(sweepBatch), args...)
	if err != nil {
		return nil, errs.Wrap(err, "due rounds")
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, errs.Wrap(err, "scan round")
		}
		ids = append(ids, id)
	}
	return ids, errs.Wrap(rows.Err(), "due rounds")
}

func (s *Service) remind(ctx context.Context, id string, now time.Time) (bool, error) {
	sent := false
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		r, err := s.lock(ctx, tx, id)
		if err != nil {
			return err
		}
		x, err := tx.ExecContext(ctx, `UPDATE screening_rounds SET reminded_at = $1 WHERE id = $2 AND reminded_at IS NULL AND status = 'open'`, db.Millis(now), id)
		if err != nil {
			return errs.Wrap(err, "claim reminder")
		}
		if n, _ := x.RowsAffected(); n == 0 {
			return nil
		}
		sent = true
		text := fmt.Sprintf("%s排查「%s」将于%s结束，还有%d户（处）未排查。", r.AreaName, r.Title, r.EndsAt.Format("2006-01-02 15:04"), r.Listed-r.Checked)
		for _, role := range []auth.Role{auth.RoleGridWorker, auth.RoleSupervisor} {
			if err := s.notify(ctx, tx, now, role, r.AreaCode, text); err != nil {
				return err
			}
		}
		return s.event(ctx, tx, id, auth.System(), "remind", map[string]any{"unchecked": r.Listed - r.Checked}, now)
	})
	return sent, err
}

func (s *Service) end(ctx context.Context, id string, now time.Time) (bool, error) {
	ended := false
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		r, err := s.lock(ctx, tx, id)
		if err != nil {
			return err
		}
		if r.Status != StatusOpen || now.Before(r.EndsAt) {
			return nil
		}
		x, err := tx.ExecContext(ctx, `UPDATE screening_places SET status = $1 WHERE round_id = $2 AND status IN ($3, $4)`, PlaceMissed, id, PlaceListed, placeClaimed)
		if err != nil {
			return errs.Wrap(err, "missed places")
		}
		missed, _ := x.RowsAffected()
		if _, err := tx.ExecContext(ctx, `UPDATE screening_rounds SET status = $1, ended_at = $2, updated_at = $2 WHERE id = $3`, string(StatusEnded), db.Millis(now), id); err != nil {
			return errs.Wrap(err, "end round")
		}
		ended = true
		return s.event(ctx, tx, id, auth.System(), "end", map[string]any{"listed": r.Listed, "checked": r.Checked, "missed": missed, "coverage": r.Coverage}, now)
	})
	return ended, err
}
