package project

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// change runs fn on the project in one transaction, its row locked, once u
// is known to run it and it is not closed; it marks the project updated.
func (s *Service) change(ctx context.Context, u auth.User, number string, fn func(tx *sql.Tx, p Project, now time.Time) error) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		p, err := s.lock(ctx, tx, number)
		if err != nil {
			return err
		}
		resident, err := disclosure.Resident(ctx, tx, u, p.AreaCode)
		if err != nil {
			return err
		}
		if !CanSee(u, p, resident) {
			return errNotFound
		}
		if !CanRun(u, p) {
			return errs.New(errs.Forbidden, "只有负责实施的单位可以办理此项目", "only the unit that runs the project may do this")
		}
		if p.Phase == Closed {
			return errClosed
		}
		now := s.clock.Now()
		if err := fn(tx, p, now); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE projects SET updated_at = $2 WHERE number = $1`, number, db.Millis(now))
		return errs.Wrap(err, "touch project")
	})
}

// after reads the project for the one who just changed it.
func (s *Service) after(ctx context.Context, u auth.User, number string, err error) (Detail, error) {
	if err != nil {
		return Detail{}, err
	}
	return s.Get(ctx, u, number)
}

// SetPhase moves the project to its next phase: planning → building →
// evaluating → closed, one step at a time and never back. It closes only
// when every need and opinion has its answer.
func (s *Service) SetPhase(ctx context.Context, u auth.User, number string, to Phase) (Detail, error) {
	if !to.Valid() {
		return Detail{}, errs.Invalidf("阶段须为 planning、building、evaluating 或 closed", "phase must be planning, building, evaluating or closed")
	}
	err := s.change(ctx, u, number, func(tx *sql.Tx, p Project, now time.Time) error {
		next, _ := p.Phase.Next()
		switch {
		case to == p.Phase:
			return errs.Conflictf("项目已处于该阶段", "the project is already in that phase")
		case to.index() < p.Phase.index():
			return errs.Conflictf("项目阶段不能回退", "a project's phase cannot go back")
		case to != next:
			return errs.Conflictf("项目阶段须逐一推进，下一阶段是 %s", "phases go one at a time; the next is %s", next)
		case to == Closed && p.Unanswered > 0:
			return errs.New(errs.Conflict, fmt.Sprintf("还有%d条居民需求或意见未答复，全部答复后才能结束项目", p.Unanswered),
				fmt.Sprintf("%d residents' needs or opinions are still unanswered; answer them all before closing the project", p.Unanswered))
		}
		closed := sql.NullInt64{}
		if to == Closed {
			closed = sql.NullInt64{Int64: db.Millis(now), Valid: true}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE projects SET phase = $2, phase_at = $3, closed_at = $4 WHERE number = $1`,
			number, string(to), db.Millis(now), closed); err != nil {
			return errs.Wrap(err, "project phase")
		}
		return s.event(ctx, tx, number, u, "", now, Event{Kind: "phase", FromPhase: p.Phase, ToPhase: to})
	})
	return s.after(ctx, u, number, err)
}
