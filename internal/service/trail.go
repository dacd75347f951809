package service

import (
	"context"
	"encoding/json"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/trail"
)

// TrailOf tells the request's steps for the responsibility trail
// (internal/trail), from its events: the provider holds it waiting for its
// answer against the time to answer (DueAt), then, confirmed, to serve it
// by the end of its slot, until both sides complete it; a refusal ends it
// with its reason. Staff who may read the request read it (CanSeeTrail).
func (s *Service) TrailOf(ctx context.Context, u auth.User, number string) (trail.Item, error) {
	r, err := s.Get(ctx, u, number)
	if err != nil {
		return trail.Item{}, err
	}
	if !CanSeeTrail(u, r) {
		return trail.Item{}, errNotFound
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT at, actor, kind, detail FROM service_events WHERE subject = $1 ORDER BY seq LIMIT 1000`, r.Number)
	if err != nil {
		return trail.Item{}, errs.Wrap(err, "request trail")
	}
	defer rows.Close()
	var w trail.Walk
	for rows.Next() {
		var at int64
		var actor, kind, raw string
		if err := rows.Scan(&at, &actor, &kind, &raw); err != nil {
			return trail.Item{}, errs.Wrap(err, "scan request trail")
		}
		requestStep(&w, r, s.at(at), actor, kind, raw)
	}
	if err := rows.Err(); err != nil {
		return trail.Item{}, errs.Wrap(err, "request trail")
	}
	return trail.Item{Number: r.Number, Title: r.ServiceName, Status: string(r.Status), Steps: w.Steps(), Staff: true}, nil
}

func requestStep(w *trail.Walk, r Request, at time.Time, actor, kind, raw string) {
	switch kind {
	case "create":
		due := r.DueAt
		w.Start(trail.Step{Stage: string(StatusRequested), Org: r.OrgCode, From: at, Due: &due}, "")
	case "confirm":
		if h := w.Held(); h != nil {
			h.PersonID = actor
		}
		w.End(at, kind, actor, "")
		w.Start(trail.Step{Stage: string(StatusConfirmed), Org: r.OrgCode, PersonID: actor, From: at, Due: r.SlotEndsAt}, "")
	case "decline":
		var d struct {
			Reason string `json:"reason"`
		}
		_ = json.Unmarshal([]byte(raw), &d)
		if h := w.Held(); h != nil && h.PersonID == "" {
			h.PersonID = actor
		}
		w.End(at, kind, actor, d.Reason)
	case "cancel", "expire":
		w.End(at, kind, actor, "")
	case "complete":
		if r.DoneAt != nil && !at.Before(*r.DoneAt) {
			w.End(at, kind, actor, "")
		}
	}
}
