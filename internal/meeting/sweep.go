package meeting

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

const remindBatch = 200

// Remind tells the owners of open tasks, once each, that a task is due
// within a working day (its due time falls before the same time on the
// next working day) and that it is overdue: a step of the background work,
// at most a batch of each per call. Several processes may run it: each
// reminder is claimed before it is written. It returns how many were sent.
func (s *Service) Remind(ctx context.Context) (int, error) {
	now := s.clock.Now()
	soon := s.cal.AddWorkingDays(now, 1)
	sent := 0
	for _, step := range []struct {
		find  string // which open tasks, over args
		args  []any
		claim string // what a reminder sets, $k being now (k = len(args)+1)
		word  string
	}{
		{`reminded_at IS NULL AND due_at > $1 AND due_at <= $2`, []any{db.Millis(now), db.Millis(soon)}, `reminded_at = $3`, "将于%s到期"},
		{`overdue_at IS NULL AND due_at <= $1`, []any{db.Millis(now)}, `overdue_at = $2, reminded_at = COALESCE(reminded_at, $2)`, "已于%s到期，尚未办结"},
	} {
		ids, err := s.dueTasks(ctx, step.find, step.args)
		if err != nil {
			return sent, err
		}
		for _, id := range ids {
			ok, err := s.remind(ctx, id, step.find, step.claim, step.word, append(step.args, db.Millis(now)), now)
			if err != nil {
				return sent, err
			}
			if ok {
				sent++
			}
		}
	}
	return sent, nil
}

func (s *Service) dueTasks(ctx context.Context, cond string, args []any) ([]string, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT id FROM meeting_tasks WHERE status = 'open' AND `+cond+` ORDER BY due_at LIMIT `+fmt.Sprint(remindBatch), args...)
	if err != nil {
		return nil, errs.Wrap(err, "due tasks")
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, errs.Wrap(err, "scan task")
		}
		ids = append(ids, id)
	}
	return ids, errs.Wrap(rows.Err(), "due tasks")
}

// remind claims the task's reminder and tells its owner, in one
// transaction; false when another process claimed it first. args are the
// find's and the claim's; the task's ID comes after them.
func (s *Service) remind(ctx context.Context, id, find, claim, word string, args []any, now time.Time) (bool, error) {
	sent := false
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var org, phone, text, title, area string
		var due int64
		err := tx.QueryRowContext(ctx, `SELECT t.owner_org, t.owner_phone, t.text, t.due_at, m.title, a.name FROM meeting_tasks t
JOIN meetings m ON m.id = t.meeting_id JOIN areas a ON a.code = m.area_code WHERE t.id = $1`, id).Scan(&org, &phone, &text, &due, &title, &area)
		if err != nil {
			return errs.Wrap(err, "read task")
		}
		x, err := tx.ExecContext(ctx, `UPDATE meeting_tasks SET `+claim+` WHERE id = $`+fmt.Sprint(len(args)+1)+` AND status = 'open' AND `+find, append(args, id)...)
		if err != nil {
			return errs.Wrap(err, "claim reminder")
		}
		if n, _ := x.RowsAffected(); n == 0 {
			return nil
		}
		sent = true
		when := fmt.Sprintf(word, s.at(due).Format("2006-01-02 15:04"))
		return s.notify(ctx, tx, now, phone, org, fmt.Sprintf("%s议事会「%s」决议的任务「%s」%s。", area, title, text, when))
	})
	return sent, err
}
