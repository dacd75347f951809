package service

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

// Remind is a step of the background work: it tells the provider, once
// each, that a request is to be answered soon (within ReminderLeadTime of
// its due time) and that it is overdue (marking it so), and lets lapse the
// requests still unanswered at their expiry (the slot having begun, or
// ExpireAfterDays working days gone), giving their places back and telling
// the resident. Several processes may run it: each change is claimed by a
// conditional update. It returns how many requests it touched.
func (s *Service) Remind(ctx context.Context) (int, error) {
	now := s.clock.Now()
	n := 0
	for _, step := range []struct {
		kind string // remind, overdue or expire
		find string
		args []any
		do   func(tx *sql.Tx, x stored) error
	}{
		{"remind", `reminded_at IS NULL AND due_at > $1 AND due_at <= $2`, []any{db.Millis(now), db.Millis(now.Add(ReminderLeadTime))}, func(tx *sql.Tx, x stored) error {
			return s.notify(ctx, tx, now, "", x.OrgCode, fmt.Sprintf("服务申请 %s（%s）须于%s前确认或婉拒。", x.Number, x.ServiceName, x.DueAt.Format("01-02 15:04")))
		}},
		{"overdue", `overdue_at IS NULL AND due_at <= $1 AND expires_at > $1`, []any{db.Millis(now)}, func(tx *sql.Tx, x stored) error {
			return s.notify(ctx, tx, now, "", x.OrgCode, fmt.Sprintf("服务申请 %s（%s）已超过确认时限（%s），请尽快答复。", x.Number, x.ServiceName, x.DueAt.Format("01-02 15:04")))
		}},
		{"expire", `expires_at <= $1`, []any{db.Millis(now)}, func(tx *sql.Tx, x stored) error {
			if err := release(ctx, tx, x); err != nil {
				return err
			}
			return s.notify(ctx, tx, now, x.phone, "", fmt.Sprintf("很抱歉，您的服务申请 %s（%s）未获机构确认，已失效，可另选服务或时段。", x.Number, x.ServiceName))
		}},
	} {
		numbers, err := s.due(ctx, step.find, step.args)
		if err != nil {
			return n, err
		}
		for _, number := range numbers {
			ok, err := s.claim(ctx, number, step.kind, step.find, step.args, now, step.do)
			if err != nil {
				return n, err
			}
			if ok {
				n++
			}
		}
	}
	return n, nil
}

func (s *Service) due(ctx context.Context, cond string, args []any) ([]string, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT number FROM service_requests WHERE status = 'requested' AND `+cond+` ORDER BY due_at LIMIT `+fmt.Sprint(sweepBatch), args...)
	if err != nil {
		return nil, errs.Wrap(err, "due requests")
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var x string
		if err := rows.Scan(&x); err != nil {
			return nil, errs.Wrap(err, "scan request")
		}
		out = append(out, x)
	}
	return out, errs.Wrap(rows.Err(), "due requests")
}

// claim re-checks the request under its lock, writes what the step of the
// kind sets and runs do, in one transaction; false when it no longer fits.
func (s *Service) claim(ctx context.Context, number, kind, find string, args []any, now time.Time, do func(tx *sql.Tx, x stored) error) (bool, error) {
	done := false
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		x, err := s.lock(ctx, tx, number)
		if err != nil {
			return err
		}
		var still int
		q := `SELECT COUNT(*) FROM service_requests WHERE number = $` + fmt.Sprint(len(args)+1) + ` AND status = 'requested' AND ` + find
		if err := tx.QueryRowContext(ctx, q, append(append([]any{}, args...), number)...).Scan(&still); err != nil {
			return errs.Wrap(err, "recheck request")
		}
		if still == 0 {
			return nil
		}
		set := map[string]string{
			"remind":  `reminded_at = $2`,
			"overdue": `overdue_at = $2, reminded_at = COALESCE(reminded_at, $2)`,
			"expire":  `status = 'expired', closed_at = $2, overdue_at = COALESCE(overdue_at, $2), updated_at = $2`,
		}[kind]
		if _, err := tx.ExecContext(ctx, `UPDATE service_requests SET `+set+` WHERE number = $1`, number, db.Millis(now)); err != nil {
			return errs.Wrap(err, "claim "+kind)
		}
		if err := do(tx, x); err != nil {
			return err
		}
		done = true
		return s.event(ctx, tx, number, auth.System(), "", kind, nil, now)
	})
	return done, err
}
