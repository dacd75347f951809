package proposal

import (
	"context"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/trail"
)

// TrailOf tells the proposal's steps for the responsibility trail
// (internal/trail), from its events: the residents while it collects
// co-signatures (until its collecting time), then the responsible
// organisation of each level, against the answer's time limit in working
// days, escalations passing it up with the answer's reasons. Staff who may
// read the proposal read it (CanSeeTrail).
func (s *Service) TrailOf(ctx context.Context, u auth.User, number string) (trail.Item, error) {
	p, resident, err := s.visible(ctx, s.db.R, u, number)
	if err != nil {
		return trail.Item{}, err
	}
	if !CanSeeTrail(u, p, resident) {
		return trail.Item{}, errNotFound
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT at, actor_id, kind, to_status, org_code, text FROM proposal_events
WHERE number = $1 AND kind <> 'cosign' ORDER BY seq LIMIT 1000`, p.Number)
	if err != nil {
		return trail.Item{}, errs.Wrap(err, "proposal trail")
	}
	defer rows.Close()
	var w trail.Walk
	for rows.Next() {
		var at int64
		var actor, kind, org, text string
		var to Status
		if err := rows.Scan(&at, &actor, &kind, &to, &org, &text); err != nil {
			return trail.Item{}, errs.Wrap(err, "scan proposal trail")
		}
		s.trailStep(&w, s.at(at), actor, kind, to, org, text, p)
	}
	if err := rows.Err(); err != nil {
		return trail.Item{}, errs.Wrap(err, "proposal trail")
	}
	if h := w.Held(); h != nil && p.Status.Awaiting() && p.AnswerDue != nil {
		h.Due = p.AnswerDue
	}
	return trail.Item{Number: p.Number, Title: p.Title, Status: string(p.Status), Steps: w.Steps(), Staff: true}, nil
}

// answerEnds names how an answer ended a step, by the status it led to.
var answerEnds = map[Status]string{StatusEscalated: "escalate", StatusAdopted: "adopt", StatusRejected: "reject"}

func (s *Service) trailStep(w *trail.Walk, at time.Time, actor, kind string, to Status, org, text string, p Proposal) {
	switch kind {
	case "create":
		due := p.CollectUntil
		w.Start(trail.Step{Stage: "collecting", Desk: "residents", From: at, Due: &due}, "")
	case "accept", "escalate":
		due := s.cal.AddWorkingDays(at, s.rules.AnswerDays)
		w.End(at, kind, actor, "")
		w.Start(trail.Step{Stage: string(to), Org: org, From: at, Due: &due}, kind)
	case "answer":
		if h := w.Held(); h != nil {
			h.PersonID = actor
		}
		w.End(at, answerEnds[to], actor, text)
		if to == StatusAdopted {
			w.Start(trail.Step{Stage: string(StatusAdopted), Org: org, PersonID: actor, From: at}, "")
		}
	case "lapse":
		w.End(at, kind, actor, "")
	case "progress":
		if to == StatusDone {
			w.End(at, kind, actor, text)
		}
	}
}
