package mediation

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/trail"
)

// TrailOf tells the case's steps for the responsibility trail
// (internal/trail), from its events: its committee screening it from its
// opening, then mediating it by the mediators named, to its end (with the
// reason of a refusal or a termination), a red grading's report to the
// street's leadership marked where it came, and the hand-over as a ticket
// after an end without agreement. Mediation has no time limit in law, so
// no step has one. Staff who may read the case read it (CanSeeTrail).
func (s *Service) TrailOf(ctx context.Context, u auth.User, number string) (trail.Item, error) {
	c, runs, err := s.visibleQ(ctx, s.db.R, u, number)
	if err != nil {
		return trail.Item{}, err
	}
	if !CanSeeTrail(u, c, runs) {
		return trail.Item{}, errNotFound
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT at, actor, kind, detail FROM mediation_events WHERE case_number = $1 ORDER BY seq LIMIT 1000`, c.Number)
	if err != nil {
		return trail.Item{}, errs.Wrap(err, "case trail")
	}
	defer rows.Close()
	var w trail.Walk
	var ended time.Time
	for rows.Next() {
		var at int64
		var actor, kind, raw string
		if err := rows.Scan(&at, &actor, &kind, &raw); err != nil {
			return trail.Item{}, errs.Wrap(err, "scan case trail")
		}
		var d map[string]any
		_ = json.Unmarshal([]byte(raw), &d)
		when := s.at(at)
		if kind == "agree" || kind == "refuse" || kind == "terminate" {
			ended = when
		}
		caseStep(&w, c.Committee, when, ended, actor, kind, d)
	}
	if err := rows.Err(); err != nil {
		return trail.Item{}, errs.Wrap(err, "case trail")
	}
	return trail.Item{Number: c.Number, Title: DisputeTypeNames[c.DisputeType], Status: string(c.Status), Steps: w.Steps(), Staff: true}, nil
}

func caseStep(w *trail.Walk, committee string, at, ended time.Time, actor, kind string, d map[string]any) {
	str := func(k string) string {
		if v, ok := d[k].(string); ok {
			return v
		}
		return ""
	}
	switch kind {
	case "open":
		w.Start(trail.Step{Stage: "screening", Org: committee, PersonID: actor, From: at}, "")
	case "mediators":
		w.End(at, kind, actor, "")
		w.Start(trail.Step{Stage: "mediating", Org: committee, Person: str("names"), From: at}, "")
	case "escalate":
		if h := w.Held(); h != nil {
			prev := *h
			w.End(at, kind, actor, "风险等级为红色，已报告街道领导")
			w.Start(trail.Step{Stage: prev.Stage, Org: prev.Org, PersonID: prev.PersonID, Person: prev.Person, From: at}, "")
		}
	case "agree", "refuse", "terminate":
		w.End(at, kind, actor, str("reason"))
	case "to_ticket":
		w.Start(trail.Step{Stage: "ended", Org: committee, From: ended}, "")
		w.End(at, kind, actor, fmt.Sprintf("工单 %s", str("ticket_number")))
	}
}
