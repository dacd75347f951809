package agreement

import (
	"context"
	"database/sql"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

func (s *Service) event(ctx context.Context, tx *sql.Tx, id string, u auth.User, kind string, detail any) error {
	return db.AppendEvent(ctx, tx, db.Event{Table: "agreement_events", KeyColumn: "agreement_id", Key: id,
		At: s.clock.Now(), Actor: u.ID, Kind: kind, Detail: detail})
}

// overlaps refuses a second agreement of the organisation active over the
// same days: one agreement in force at a time decides what its staff do.
func overlaps(ctx context.Context, tx *sql.Tx, id string, in Input) error {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM agreements WHERE org_code = $1 AND id <> $2 AND status <> 'ended'
AND starts_on <= $3 AND ends_on >= $4`, in.OrgCode, id, in.EndsOn, in.StartsOn).Scan(&n)
	if err != nil {
		return errs.Wrap(err, "agreement overlap")
	}
	if n > 0 {
		return errs.Conflictf("该组织在这段时间已有未终止的服务协议，请先终止原协议或调整日期",
			"the organisation already has an agreement not ended over these dates; end it or change the dates")
	}
	return nil
}

// writeTerms writes the terms of the input and its duties over the row id.
func writeTerms(ctx context.Context, tx *sql.Tx, id string, in Input, now int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE agreements SET title = $1, areas = $2, categories = $3, services = $4, rights = $5,
data_areas = $6, see_phone = $7, see_name = $8, see_address = $9, starts_on = $10, ends_on = $11, updated_at = $12 WHERE id = $13`,
		in.Title, strings.Join(in.Areas, " "), strings.Join(in.Categories, " "), strings.Join(in.Services, "\n"), in.Rights,
		strings.Join(in.DataAreas, " "), in.SeePhone, in.SeeName, in.SeeAddress, in.StartsOn, in.EndsOn, now, id)
	if err != nil {
		return errs.Wrap(err, "write agreement")
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM agreement_duties WHERE agreement_id = $1`, id); err != nil {
		return errs.Wrap(err, "clear duties")
	}
	for _, d := range in.Duties {
		_, err := tx.ExecContext(ctx, `INSERT INTO agreement_duties (agreement_id, category_code, time_limit, note) VALUES ($1, $2, $3, $4)`,
			id, d.CategoryCode, d.Limit.String(), d.Note)
		if err != nil {
			return errs.Wrap(err, "write duty")
		}
	}
	return nil
}

// Create makes an agreement, active from its start date, for one who
// manages them.
func (s *Service) Create(ctx context.Context, u auth.User, in Input) (Agreement, error) {
	if !CanManage(u) {
		return Agreement{}, errNoManage
	}
	if err := in.clean(); err != nil {
		return Agreement{}, err
	}
	id := db.NewID()
	now := db.Millis(s.clock.Now())
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.check(ctx, tx, in); err != nil {
			return err
		}
		if err := overlaps(ctx, tx, id, in); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO agreements (id, org_code, title, starts_on, ends_on, status, created_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`, id, in.OrgCode, in.Title, in.StartsOn, in.EndsOn, StatusActive, u.ID, now)
		if err != nil {
			return errs.Wrap(err, "insert agreement")
		}
		if err := writeTerms(ctx, tx, id, in, now); err != nil {
			return err
		}
		return s.event(ctx, tx, id, u, EventCreated, map[string]any{"org_code": in.OrgCode, "starts_on": in.StartsOn, "ends_on": in.EndsOn})
	})
	if err != nil {
		return Agreement{}, err
	}
	return s.get(ctx, s.db.R, id)
}

// Update replaces the terms of an agreement not ended; its organisation
// stays.
func (s *Service) Update(ctx context.Context, u auth.User, id string, in Input) (Agreement, error) {
	if !CanManage(u) {
		return Agreement{}, errNoManage
	}
	old, err := s.get(ctx, s.db.R, id)
	if err != nil {
		return Agreement{}, err
	}
	if in.OrgCode != "" && in.OrgCode != old.OrgCode {
		return Agreement{}, errs.Invalidf("协议的组织不能更改，请另签协议", "an agreement's organisation cannot change; make a new one")
	}
	in.OrgCode = old.OrgCode
	if err := in.clean(); err != nil {
		return Agreement{}, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var st Status
		if err := tx.QueryRowContext(ctx, `SELECT status FROM agreements WHERE id = $1`, id).Scan(&st); err != nil {
			return errs.Wrap(err, "agreement status")
		}
		if st == StatusEnded {
			return errs.Conflictf("协议已终止，不能修改", "the agreement has ended and cannot change")
		}
		if _, err := s.check(ctx, tx, in); err != nil {
			return err
		}
		if err := overlaps(ctx, tx, id, in); err != nil {
			return err
		}
		if err := writeTerms(ctx, tx, id, in, db.Millis(s.clock.Now())); err != nil {
			return err
		}
		return s.event(ctx, tx, id, u, EventUpdated, map[string]any{"starts_on": in.StartsOn, "ends_on": in.EndsOn})
	})
	if err != nil {
		return Agreement{}, err
	}
	return s.get(ctx, s.db.R, id)
}

// moves are the status changes: from which statuses each goes, to which.
var moves = map[string]struct {
	from []Status
	to   Status
}{
	EventSuspended: {[]Status{StatusActive}, StatusSuspended},
	EventResumed:   {[]Status{StatusSuspended}, StatusActive},
	EventEnded:     {[]Status{StatusActive, StatusSuspended}, StatusEnded},
}

// Suspend stops an agreement for now: its staff are refused at once, their
// sessions and keys included, until it is resumed.
func (s *Service) Suspend(ctx context.Context, u auth.User, id, reason string) (Agreement, error) {
	return s.move(ctx, u, id, EventSuspended, reason)
}

// Resume makes a suspended agreement active again.
func (s *Service) Resume(ctx context.Context, u auth.User, id, reason string) (Agreement, error) {
	return s.move(ctx, u, id, EventResumed, reason)
}

// End ends an agreement for good.
func (s *Service) End(ctx context.Context, u auth.User, id, reason string) (Agreement, error) {
	return s.move(ctx, u, id, EventEnded, reason)
}

func (s *Service) move(ctx context.Context, u auth.User, id, kind, reason string) (Agreement, error) {
	if !CanManage(u) {
		return Agreement{}, errNoManage
	}
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) > MaxReason {
		return Agreement{}, errs.Invalidf("原因不超过%d字", "the reason must be at most %d characters", MaxReason)
	}
	m := moves[kind]
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		a, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		ok := false
		for _, f := range m.from {
			ok = ok || a.Status == f
		}
		if !ok {
			return errs.Conflictf("协议当前状态为 %s，不能进行此操作", "the agreement is %s and cannot take this step", a.Status)
		}
		if kind == EventResumed {
			in := Input{OrgCode: a.OrgCode, StartsOn: a.StartsOn, EndsOn: a.EndsOn}
			if err := overlaps(ctx, tx, id, in); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE agreements SET status = $1, updated_at = $2 WHERE id = $3`, m.to, db.Millis(s.clock.Now()), id)
		if err != nil {
			return errs.Wrap(err, "agreement status")
		}
		return s.event(ctx, tx, id, u, kind, map[string]any{"reason": reason})
	})
	if err != nil {
		return Agreement{}, err
	}
	return s.get(ctx, s.db.R, id)
}
