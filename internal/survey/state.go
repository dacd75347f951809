package survey

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// OpenIn is what opening may change: the closing time, when the one set at
// creation no longer fits.
type OpenIn struct {
	ClosesAt *time.Time `json:"closes_at"`
}

// Open publishes a draft survey with at least one question: it takes
// answers from its opening time (now, when none was set) until it closes.
func (s *Service) Open(ctx context.Context, u auth.User, id string, in OpenIn) (Survey, error) {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		v, err := s.lock(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if v.Status != StatusDraft {
			return errs.Conflictf("问卷已发布", "the survey is already open")
		}
		now := s.clock.Now()
		closes := v.ClosesAt
		if in.ClosesAt != nil {
			closes = *in.ClosesAt
		}
		opens := now
		if v.OpensAt != nil && v.OpensAt.After(now) {
			opens = *v.OpensAt
		}
		if err := checkWindow(&opens, closes, now); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM survey_questions WHERE survey_id = $1`, id).Scan(&n); err != nil {
			return errs.Wrap(err, "count questions")
		}
		if n == 0 {
			return errs.Conflictf("问卷还没有题目，不能发布", "the survey has no questions yet: it cannot be opened")
		}
		_, err = tx.ExecContext(ctx, `UPDATE surveys SET status = $2, opens_at = $3, closes_at = $4, updated_at = $5 WHERE id = $1`,
			id, string(StatusOpen), db.Millis(opens), db.Millis(closes), db.Millis(now))
		if err != nil {
			return errs.Wrap(err, "open survey")
		}
		return s.event(ctx, tx, id, "open", map[string]any{"opens_at": db.Millis(opens), "closes_at": db.Millis(closes)}, u, now)
	})
	if err != nil {
		return Survey{}, err
	}
	return s.Get(ctx, u, id)
}

// Close ends an open survey now.
func (s *Service) Close(ctx context.Context, u auth.User, id string) (Survey, error) {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		v, err := s.lock(ctx, tx, u, id)
		if err != nil {
			return err
		}
		return s.close(ctx, tx, u, v, false)
	})
	if err != nil {
		return Survey{}, err
	}
	return s.Get(ctx, u, id)
}

// close ends the survey in the caller's transaction, which holds its row;
// due asks that its closing time has passed (the background work's close).
func (s *Service) close(ctx context.Context, tx *sql.Tx, u auth.User, v Survey, due bool) error {
	now := s.clock.Now()
	if v.Status != StatusOpen || (due && now.Before(v.ClosesAt)) {
		return errs.Conflictf("只有进行中的问卷可以结束", "only an open survey can be closed")
	}
	if _, err := tx.ExecContext(ctx, `UPDATE surveys SET status = $2, closed_at = $3, updated_at = $3 WHERE id = $1`, v.ID, string(StatusClosed), db.Millis(now)); err != nil {
		return errs.Wrap(err, "close survey")
	}
	if err := s.event(ctx, tx, v.ID, "close", map[string]any{"responses": v.Responses, "due": due}, u, now); err != nil {
		return err
	}
	return s.notify(ctx, tx, now, v.OrgCode, fmt.Sprintf("问卷「%s」（%s）已结束，共收到%d份答卷。", v.Title, v.ID, v.Responses))
}

// CloseDue closes, as the system, the open surveys whose closing time has
// passed, at most 100 a call, and returns how many it closed. The
// background work calls it; several processes may.
func (s *Service) CloseDue(ctx context.Context) (int, error) {
	return db.SweepIDs(ctx, s.db.R, `SELECT id FROM surveys WHERE status = $1 AND closes_at <= $2 ORDER BY closes_at LIMIT 100`,
		[]any{string(StatusOpen), db.Millis(s.clock.Now())}, func(id string) error {
			return s.db.Tx(ctx, func(tx *sql.Tx) error {
				v, err := s.read(ctx, tx, id, true)
				if err != nil {
					return err
				}
				return s.close(ctx, tx, auth.System(), v, true)
			})
		})
}
