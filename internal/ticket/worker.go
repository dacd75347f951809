package ticket

import (
	"context"
	"database/sql"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// SweepStats counts what one pass of the background work did.
type SweepStats struct {
	Yellow    int `json:"yellow"`    // reminders at 75% of a limit
	Red       int `json:"red"`       // tickets marked overdue
	Escalated int `json:"escalated"` // unsigned tickets past their sign limit, raised to the dispatchers
	Missed    int `json:"missed"`    // summons not reported in time
	Sent      int `json:"sent"`      // text messages sent to reporters
}

// sweepBatch bounds the work of one query, so a backlog is taken in steps.
const sweepBatch = 200

// Sweep does the background work due at now: it reminds units at the yellow
// light, marks overdue tickets and reminds again, escalates unsigned tickets
// to the dispatchers, and records summons that were not answered in time.
//
// Every step claims a ticket by its version inside a transaction, so several
// processes may sweep at once: each ticket is reminded once per deadline.
func (s *Service) Sweep(ctx context.Context) (SweepStats, error) {
	var st SweepStats
	now := s.clock.Now()
	ms := db.Millis(now)
	steps := []struct {
		query string
		args  []any
		count *int
		apply func(c *change) (bool, error)
	}{
		{`SELECT number FROM tickets WHERE warn_at <= $1 AND due_at > $1 AND reminded_yellow = FALSE ORDER BY warn_at LIMIT $2`, []any{ms, sweepBatch}, &st.Yellow,
			func(c *change) (bool, error) {
				t := &c.t
				if t.remindedYellow || t.WarnAt == nil || now.Before(*t.WarnAt) {
					return false, nil
				}
				t.remindedYellow = true
				c.note = "时限已用75%，请抓紧办理"
				return true, s.notify(ctx, c.tx, now, Notification{OrgCode: t.AssignedOrgCode, AreaCode: t.AreaCode, TicketNumber: t.Number, Kind: "yellow", Text: c.note})
			}},
		{`SELECT number FROM tickets WHERE due_at <= $1 AND reminded_red = FALSE ORDER BY due_at LIMIT $2`, []any{ms, sweepBatch}, &st.Red,
			func(c *change) (bool, error) {
				t := &c.t
				if t.remindedRed || t.DueAt == nil || now.Before(*t.DueAt) {
					return false, nil
				}
				t.remindedRed, t.Overdue = true, true
				c.note = "已超时限，请立即办理"
				if err := s.notify(ctx, c.tx, now, Notification{OrgCode: t.AssignedOrgCode, AreaCode: t.AreaCode, TicketNumber: t.Number, Kind: "red", Text: c.note}); err != nil {
					return false, err
				}
				return true, s.notify(ctx, c.tx, now, Notification{Role: string(auth.RoleSupervisor), AreaCode: t.AreaCode, TicketNumber: t.Number, Kind: "red", Text: "工单超时：" + t.Number})
			}},
		{`SELECT number FROM tickets WHERE status = 'dispatched' AND due_sign_at <= $1 AND escalated = FALSE ORDER BY due_sign_at LIMIT $2`, []any{ms, sweepBatch}, &st.Escalated,
			func(c *change) (bool, error) {
				t := &c.t
				if t.escalated || t.Status != StatusDispatched || t.DueSignAt == nil || now.Before(*t.DueSignAt) {
					return false, nil
				}
				t.escalated = true
				c.note = "超时未签收，已提请派单员处理"
				return true, s.notify(ctx, c.tx, now, Notification{Role: string(auth.RoleDispatcher), AreaCode: t.AreaCode, TicketNumber: t.Number, Kind: "unsigned", Text: "超时未签收：" + t.Number})
			}},
	}
	actions := []string{ActionYellowLight, ActionOverdue, ActionUnsignedEscalated}
	for i, step := range steps {
		numbers, err := s.numbersWhere(ctx, step.query, step.args...)
		if err != nil {
			return st, err
		}
		for _, n := range numbers {
			done, err := s.sweepOne(ctx, n, actions[i], now, step.apply)
			if err != nil {
				return st, err
			}
			if done {
				*step.count++
			}
		}
	}
	missed, err := s.sweepSummons(ctx, now)
	st.Missed = missed
	if err != nil {
		return st, err
	}
	if _, err := s.tellCoReporters(ctx, now); err != nil {
		return st, err
	}
	st.Sent, err = s.deliver(ctx, now)
	return st, err
}

func (s *Service) numbersWhere(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := s.db.R.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, errs.Wrap(err, "sweep")
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, errs.Wrap(err, "sweep")
		}
		out = append(out, n)
	}
	return out, errs.Wrap(rows.Err(), "sweep")
}

// sweepOne applies one step to one ticket as the system; a ticket another
// process changed meanwhile is left for the next pass.
func (s *Service) sweepOne(ctx context.Context, number, action string, now time.Time, apply func(c *change) (bool, error)) (bool, error) {
	var done bool
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		t, err := s.get(ctx, tx, number)
		if err != nil {
			return err
		}
		c := &change{s: s, tx: tx, now: now, before: t, t: t, action: action}
		c.t.UpdatedAt = now
		ok, err := apply(c)
		if err != nil || !ok {
			return err
		}
		if err := c.commit(ctx); err != nil {
			return err
		}
		done = true
		return nil
	})
	if errs.Is(err, errs.Conflict) {
		return false, nil
	}
	return done, err
}

// sweepSummons marks summons past their time as missed, on the ticket's timeline.
func (s *Service) sweepSummons(ctx context.Context, now time.Time) (int, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT id, ticket_number, org_code FROM ticket_summons WHERE status = 'pending' AND due_at <= $1 ORDER BY due_at LIMIT $2`, db.Millis(now), sweepBatch)
	if err != nil {
		return 0, errs.Wrap(err, "sweep summons")
	}
	type due struct{ id, number, org string }
	var list []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.id, &d.number, &d.org); err != nil {
			rows.Close()
			return 0, errs.Wrap(err, "sweep summons")
		}
		list = append(list, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, errs.Wrap(err, "sweep summons")
	}
	n := 0
	for _, d := range list {
		done, err := s.sweepOne(ctx, d.number, ActionSummonsMissed, now, func(c *change) (bool, error) {
			res, err := c.tx.ExecContext(ctx, `UPDATE ticket_summons SET status = 'missed' WHERE id = $1 AND status = 'pending'`, d.id)
			if err != nil {
				return false, errs.Wrap(err, "miss summons")
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return false, nil
			}
			c.org, c.note = d.org, "未在时限内报到"
			return true, s.notify(ctx, c.tx, now, Notification{Role: string(auth.RoleSupervisor), AreaCode: c.t.AreaCode, TicketNumber: c.t.Number, Kind: "summons_missed", Text: "被召集单位未按时报到：" + d.org})
		})
		if err != nil {
			return n, err
		}
		if done {
			n++
		}
	}
	return n, nil
}
