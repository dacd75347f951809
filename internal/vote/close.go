package vote

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Close ends the vote now and stores its result.
func (s *Service) Close(ctx context.Context, u auth.User, id string) (Vote, error) {
	v, err := s.Get(ctx, u, id)
	if err != nil {
		return Vote{}, err
	}
	if !CanRun(u, v) {
		return Vote{}, errs.New(errs.Forbidden, "只有组织表决的工作人员可以结束表决", "only the staff running the vote close it")
	}
	if err := s.close(ctx, u, id, false); err != nil {
		return Vote{}, err
	}
	return s.Get(ctx, u, id)
}

// close computes and stores the result in one transaction; due asks that
// the closing time has passed (the background work's close).
func (s *Service) close(ctx context.Context, u auth.User, id string, due bool) error {
	now := s.clock.Now()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		v, err := s.lock(ctx, tx, id)
		if err != nil {
			return err
		}
		if v.Status != StatusOpen || (due && now.Before(v.ClosesAt)) {
			return errs.Conflictf("表决已结束", "the vote is already closed")
		}
		units, err := s.cast(ctx, tx, id)
		if err != nil {
			return err
		}
		r := Tally(v.Matter, units)
		_, err = tx.ExecContext(ctx, `UPDATE votes SET status = $1, closed_by = $2, closed_at = $3, area_total = $4, owners_total = $5,
area_voted = $6, owners_voted = $7, area_agree = $8, owners_agree = $9, quorum_met = $10, passed = $11 WHERE id = $12`,
			StatusClosed, u.ID, db.Millis(now), int64(r.AreaTotal), r.OwnersTotal, int64(r.AreaVoted), r.OwnersVoted, int64(r.AreaAgree), r.OwnersAgree, r.QuorumMet, r.Passed, id)
		if err != nil {
			return errs.Wrap(err, "close vote")
		}
		if _, err := db.NotifyPhones(ctx, tx, now, "vote", fmt.Sprintf("业主表决「%s」已结束，结果已公布，请登录查看。", v.Title),
			`SELECT owner AS phone FROM vote_units WHERE vote_id = $1`, id); err != nil {
			return err
		}
		return s.event(ctx, tx, id, "closed", map[string]any{"result": r, "due": due}, u, now)
	})
}

// CloseDue closes, as the system, the open votes whose closing time has
// passed, at most 100 a call, and returns how many it closed. The
// background work calls it; several processes may.
func (s *Service) CloseDue(ctx context.Context) (int, error) {
	return db.SweepIDs(ctx, s.db.R, `SELECT id FROM votes WHERE status = $1 AND closes_at <= $2 ORDER BY closes_at LIMIT 100`,
		[]any{StatusOpen, db.Millis(s.clock.Now())}, func(id string) error { return s.close(ctx, auth.System(), id, true) })
}

// TakesBallots reports whether the vote takes ballots now: open, and its
// closing time not yet come.
func (s *Service) TakesBallots(v Vote) bool {
	return v.Status == StatusOpen && s.clock.Now().Before(v.ClosesAt)
}
