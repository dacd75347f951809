package project

import (
	"context"
	"database/sql"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/trail"
)

// TrailOf tells the project's steps for the responsibility trail
// (internal/trail), from its events: its unit holds it through each phase,
// moved on by the one who set the next. The works have the day after their
// last planned milestone as their time limit; the other phases none. Staff
// who may read the project read it (CanSeeTrail).
func (s *Service) TrailOf(ctx context.Context, u auth.User, number string) (trail.Item, error) {
	p, resident, err := s.visible(ctx, s.db.R, u, number)
	if err != nil {
		return trail.Item{}, err
	}
	if !CanSeeTrail(u, p, resident) {
		return trail.Item{}, errNotFound
	}
	var last sql.NullInt64
	if err := s.db.R.QueryRowContext(ctx, `SELECT MAX(planned) FROM project_milestones WHERE number = $1`, p.Number).Scan(&last); err != nil {
		return trail.Item{}, errs.Wrap(err, "project milestones")
	}
	var works *time.Time
	if last.Valid {
		end := s.at(last.Int64).AddDate(0, 0, 1)
		works = &end
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT at, actor_id, kind, to_phase FROM project_events
WHERE number = $1 AND kind IN ('create', 'phase') ORDER BY seq LIMIT 100`, p.Number)
	if err != nil {
		return trail.Item{}, errs.Wrap(err, "project trail")
	}
	defer rows.Close()
	var w trail.Walk
	for rows.Next() {
		var at int64
		var actor, kind string
		var to Phase
		if err := rows.Scan(&at, &actor, &kind, &to); err != nil {
			return trail.Item{}, errs.Wrap(err, "scan project trail")
		}
		when := s.at(at)
		w.End(when, "phase", actor, "")
		if to == Closed {
			continue
		}
		st := trail.Step{Stage: string(to), Org: p.OrgCode, From: when}
		if to == Building {
			st.Due = works
		}
		w.Start(st, "")
	}
	if err := rows.Err(); err != nil {
		return trail.Item{}, errs.Wrap(err, "project trail")
	}
	return trail.Item{Number: p.Number, Title: p.Title, Status: string(p.Phase), Steps: w.Steps(), Staff: true}, nil
}
