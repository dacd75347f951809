package ticket

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/calendar"
	"github.com/gongzhi/gongzhi/internal/trail"
)

// TrailOf tells the ticket's steps for the responsibility trail
// (internal/trail), read from its events: who held it from each dispatch,
// signature, return and reply to the next. Those who may read the ticket
// read it (canView), as its staff view shows them; its reporter too, who
// sees the units only (the trail leaves the people and reasons to staff).
// A co-reporter (我也遇到) reads the public view only, and no trail.
//
// A helper unit (协办) has a step of its own beside the lead's, from its
// addition to its reply. Each lead unit's span is two steps: waiting for its signature against the
// sign limit from the dispatch, then handling against the completion limit
// from the signature, both worked out on the calendar under the ticket's
// limits as they are now; the last handling step takes the ticket's own
// completion deadline, which holds an approved extension.
func (s *Service) TrailOf(ctx context.Context, u auth.User, number string) (trail.Item, error) {
	t, err := s.viewable(ctx, u, number)
	if err != nil {
		return trail.Item{}, err
	}
	if coReaderOnly(u, t) {
		return trail.Item{}, errNotYours(u, number)
	}
	evs, err := s.events(ctx, s.db.Reader(ctx), number)
	if err != nil {
		return trail.Item{}, err
	}
	lim, err := s.limitsFor(ctx, t.CategoryCode, t.Kind, t.Urgency)
	if err != nil {
		return trail.Item{}, err
	}
	w := &ticketWalk{cal: s.cal, lim: lim, helpers: map[string]int{}}
	for _, e := range evs {
		w.step(e)
	}
	for i := len(w.steps) - 1; i >= 0; i-- {
		if w.steps[i].Stage == "handling" {
			if t.DueCompleteAt != nil && w.steps[i].Org == t.AssignedOrgCode {
				w.steps[i].Due = t.DueCompleteAt
			}
			break
		}
	}
	title := t.Description
	if utf8.RuneCountInString(title) > 40 {
		title = string([]rune(title)[:40]) + "…"
	}
	return trail.Item{Number: t.Number, Title: title, Status: string(t.Status), Steps: w.steps, Staff: u.Role.IsStaff()}, nil
}

// ticketWalk builds the steps event by event.
type ticketWalk struct {
	cal   *calendar.Calendar
	lim   TimeLimit
	steps []trail.Step
	cur   int        // 1 + the index of the step held still; 0 for none
	held  trail.Step // the step a refused return or a failed check resumes
	// helpers are the steps of the helper units (协办) under way, each
	// 1 + its index: they run beside the lead unit's.
	helpers map[string]int
}

// end closes the step held still with the event that ended it.
func (w *ticketWalk) end(e Event) {
	if w.cur == 0 {
		return
	}
	w.finish(w.cur, e)
	w.cur = 0
}

// finish closes step i (1 + its index) with the event that ended it.
func (w *ticketWalk) finish(i int, e Event) {
	st := &w.steps[i-1]
	st.To, st.EndKind = tp(e.At), e.Action
	if passes[e.Action] {
		st.Reason = reasonWords(e.Action, e.Note)
	}
	st.EndByID, st.EndBy = e.actorID, ""
	switch {
	case e.Actor == "system":
		st.EndBy = "系统"
	case e.actorID == "":
		st.EndBy = e.Actor
	}
}

// passes are the kinds of event whose note says why the ticket moved on:
// the trail shows it as the reason (a reply's or a rating's words are the
// ticket's own).
var passes = map[string]bool{ActionDispatch: true, ActionRedispatch: true, ActionReturn: true, ActionApproveReturn: true,
	ActionRejectReturn: true, ActionEscalate: true, ActionWhistle: true, ActionRedo: true, ActionInvalidate: true,
	ActionCheck: true, ActionMerge: true, ActionClose: true}

// reasonCodes word the codes a return's or an invalidation's note starts
// with (ReturnReasons, InvalidReasons), as the trail shows them.
var reasonCodes = map[string]string{"wrong_area": "属地不符", "unclear_ownership": "权属不清", "overlapping_duties": "职能交叉",
	"not_our_duty": "非本单位职责", "spam": "骚扰/恶意", "out_of_scope": "不属受理范围", "redirected": "已转其他渠道"}

func reasonWords(action, note string) string {
	if action != ActionReturn && action != ActionInvalidate {
		return note
	}
	code, rest, _ := strings.Cut(note, " ")
	if w, ok := reasonCodes[code]; ok {
		if rest == "" {
			return w
		}
		return w + "：" + rest
	}
	return note
}

// keep remembers the step held still, which a refused return or a failed
// check resumes.
func (w *ticketWalk) keep() {
	if w.cur > 0 {
		w.held = w.steps[w.cur-1]
	}
}

func (w *ticketWalk) start(st trail.Step) {
	w.steps = append(w.steps, st)
	w.cur = len(w.steps)
}

// resume holds the step again from at, as it was before it was ended.
func (w *ticketWalk) resume(prev trail.Step, at time.Time) {
	w.start(trail.Step{Stage: prev.Stage, Org: prev.Org, Desk: prev.Desk, PersonID: prev.PersonID, Person: prev.Person, From: at, Due: prev.Due})
}

func (w *ticketWalk) step(e Event) {
	switch e.Action {
	case ActionCreate, ActionImport:
		switch {
		case e.ToStatus == StatusDispatched:
			w.start(trail.Step{Stage: "dispatched", Org: e.OrgCode, From: e.At, Due: tp(w.lim.Sign.Due(w.cal, e.At))})
		case !e.ToStatus.Ended():
			w.start(trail.Step{Stage: "registered", Desk: "dispatch", From: e.At})
		}
	case ActionDispatch, ActionRedispatch, ActionApproveReturn, ActionRedo:
		w.end(e)
		w.start(trail.Step{Stage: "dispatched", Org: e.OrgCode, From: e.At, Due: tp(w.lim.Sign.Due(w.cal, e.At))})
	case ActionSign:
		if w.cur == 0 {
			return
		}
		org := w.steps[w.cur-1].Org
		w.end(e)
		w.start(trail.Step{Stage: "handling", Org: org, PersonID: e.actorID, From: e.At, Due: tp(w.lim.Complete.Due(w.cal, e.At))})
	case ActionReturn:
		w.keep()
		w.end(e)
		w.start(trail.Step{Stage: "returned", Desk: "dispatch", From: e.At})
	case ActionRejectReturn:
		w.end(e)
		w.resume(w.held, e.At)
	case ActionCheck:
		if e.ToStatus == StatusInProgress {
			w.end(e)
			w.resume(w.held, e.At)
		}
	case ActionReply:
		w.keep()
		w.end(e)
		w.start(trail.Step{Stage: "replied", Desk: "reporter", From: e.At})
	case ActionEscalate, ActionWhistle:
		if w.cur > 0 {
			prev := w.steps[w.cur-1]
			w.end(e)
			w.resume(prev, e.At)
		}
	case ActionAddHelper:
		w.steps = append(w.steps, trail.Step{Stage: "helper", Org: e.OrgCode, From: e.At})
		w.helpers[e.OrgCode] = len(w.steps)
	case ActionHelperSign:
		if i := w.helpers[e.OrgCode]; i > 0 {
			w.steps[i-1].PersonID = e.actorID
		}
	case ActionHelperReply:
		if i := w.helpers[e.OrgCode]; i > 0 {
			w.finish(i, e)
			delete(w.helpers, e.OrgCode)
		}
	case ActionRate, ActionClose, ActionAnswer, ActionSelfResolve, ActionInvalidate, ActionMerge, ActionWithdraw:
		w.end(e)
	}
}
