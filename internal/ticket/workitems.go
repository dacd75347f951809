package ticket

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// The tickets' holdings and passes for the evaluation's workload and its
// report of returns and re-dispatches. They come from the same walk of the
// event log as the responsibility trail (TrailOf), for every ticket held in
// a period at once. The evaluation decides who sees the figures made of
// them; this reads as the system.

// WorkSpan is one span in which a unit, and once one signed a person of
// it, held a ticket: waiting for the signature (dispatched), handling, or
// helping (helper).
type WorkSpan struct {
	Stage    string
	Org      string
	PersonID string
	From     time.Time
	To       *time.Time // nil while held still
	EndKind  string
	// Received: the span began with the ticket reaching the unit (a
	// dispatch, re-dispatch, granted return, redo or a helper's addition)
	// or, for a handling span, the person (her signature); not a span
	// resumed after a refused return, a failed check or an escalation.
	Received bool
}

// Passes of a ticket from one unit to another.
const (
	PassReturn     = "return"     // 退单: the unit asked to give it back
	PassRedispatch = "redispatch" // 改派: the dispatcher moved it
)

// WorkPass is a ticket passed from one unit: a return (granted or not) or a
// re-dispatch, with its reason (a return's reason code, a re-dispatch's
// note; "" when none was given).
type WorkPass struct {
	Kind    string
	Reason  string
	FromOrg string
	ToOrg   string // the next unit; "" for a return not granted
	At      time.Time
	Granted bool
}

// WorkItem is one ticket's spans and passes. AcceptedBy is the lead unit
// that signed it and kept it (its handling span not ended by a return or
// a re-dispatch); "" when none has yet.
type WorkItem struct {
	Number, CategoryCode, AreaCode string
	Spans                          []WorkSpan
	Passes                         []WorkPass
	AcceptedBy                     string
}

// WorkItems calls fn with each ticket created before to that was not
// ended before from (its spans may overlap [from, to)), in number order.
func (s *Service) WorkItems(ctx context.Context, from, to time.Time, fn func(WorkItem) error) error {
	rows, err := s.db.R.QueryContext(ctx, `SELECT t.number, t.category_code, t.area_code, e.at, e.actor_id, e.action, e.to_status, e.org_code, e.note
FROM tickets t JOIN ticket_events e ON e.ticket_number = t.number AND `+NumberBelow("e.ticket_number", "$3")+`
WHERE t.created_at < $2 AND `+NumberBelow("t.number", "$3")+` AND (t.status NOT IN ('closed', 'merged', 'invalid', 'withdrawn')
  OR t.number IN (SELECT ticket_number FROM ticket_events WHERE at >= $1 AND `+NumberBelow("ticket_number", "$3")+`))
ORDER BY t.number, e.seq`, db.Millis(from), db.Millis(to), CreatedBefore(to, s.loc))
	if err != nil {
		return errs.Wrap(err, "work items")
	}
	defer rows.Close()
	var cur *WorkItem
	var walk *workWalk
	flush := func() error {
		if cur == nil {
			return nil
		}
		walk.done(cur)
		return fn(*cur)
	}
	for rows.Next() {
		var num, cat, area string
		var at int64
		var e Event
		if err := rows.Scan(&num, &cat, &area, &at, &e.actorID, &e.Action, &e.ToStatus, &e.OrgCode, &e.Note); err != nil {
			return errs.Wrap(err, "scan work item")
		}
		e.At = time.UnixMilli(at).In(s.loc)
		if cur == nil || cur.Number != num {
			if err := flush(); err != nil {
				return err
			}
			cur = &WorkItem{Number: num, CategoryCode: cat, AreaCode: area}
			walk = &workWalk{w: ticketWalk{cal: s.cal, helpers: map[string]int{}}}
		}
		walk.step(e)
	}
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "work items")
	}
	return flush()
}

// workWalk follows the trail's walk and notes the passes beside it.
type workWalk struct {
	w       ticketWalk
	lead    string     // the lead unit now
	pending *WorkPass  // a return asked for, not yet decided
	passes  []WorkPass // decided
	resumed map[int]bool
}

func (k *workWalk) step(e Event) {
	switch e.Action {
	case ActionRedispatch:
		k.passes = append(k.passes, WorkPass{Kind: PassRedispatch, Reason: strings.TrimSpace(e.Note), FromOrg: k.lead, ToOrg: e.OrgCode, At: e.At, Granted: true})
	case ActionReturn:
		org := e.OrgCode
		if org == "" {
			org = k.lead
		}
		code, _, _ := strings.Cut(strings.TrimSpace(e.Note), " ")
		k.pending = &WorkPass{Kind: PassReturn, Reason: code, FromOrg: org, At: e.At}
	case ActionApproveReturn, ActionRejectReturn:
		if k.pending != nil {
			p := *k.pending
			p.Granted = e.Action == ActionApproveReturn
			if p.Granted {
				p.ToOrg = e.OrgCode
			}
			k.passes = append(k.passes, p)
			k.pending = nil
		}
	}
	before := len(k.w.steps)
	k.w.step(e)
	switch e.Action {
	case ActionDispatch, ActionRedispatch, ActionApproveReturn, ActionRedo:
		k.lead = e.OrgCode
	case ActionCreate, ActionImport:
		if e.ToStatus == StatusDispatched {
			k.lead = e.OrgCode
		}
	case ActionRejectReturn, ActionCheck, ActionEscalate, ActionWhistle:
		if len(k.w.steps) > before {
			if k.resumed == nil {
				k.resumed = map[int]bool{}
			}
			k.resumed[len(k.w.steps)-1] = true
		}
	}
}

// done fills the item from the walk.
func (k *workWalk) done(it *WorkItem) {
	if k.pending != nil {
		k.passes = append(k.passes, *k.pending)
	}
	it.Passes = k.passes
	for i, st := range k.w.steps {
		if st.Org == "" {
			continue
		}
		sp := WorkSpan{Stage: st.Stage, Org: st.Org, PersonID: st.PersonID, From: st.From, To: st.To, EndKind: st.EndKind}
		sp.Received = !k.resumed[i]
		it.Spans = append(it.Spans, sp)
		if st.Stage == "handling" && st.EndKind != ActionReturn && st.EndKind != ActionRedispatch {
			it.AcceptedBy = st.Org
		}
	}
}

// RuleFor is the unit the dispatch catalogue names for a category and an
// area now ("" for none): the most specific category, then area.
func (s *Service) RuleFor(ctx context.Context, categoryCode, areaCode string) (string, error) {
	return s.matchRule(ctx, categoryCode, areaCode)
}

// CanEditCatalogue reports whether u may set a line of the dispatch
// catalogue for an area: the administrator, and supervisors whose scope
// covers the area (a line for every area, the district's).
func CanEditCatalogue(u auth.User, areaCode string) bool {
	switch u.Role {
	case auth.RoleAdmin:
		return true
	case auth.RoleSupervisor:
		return areaCode != "" && u.InArea(areaCode) || areaCode == "" && u.AreaLevel == gov.LevelDistrict
	}
	return false
}

var errNotCatalogue = errs.New(errs.Forbidden, "只有管理员和辖区督办人员可以修改派单目录", "only the administrator and the area's supervisors change the dispatch catalogue")

// UpsertRuleAs sets a line of the dispatch catalogue as u, who must be
// allowed to (CanEditCatalogue); the change goes to the audit log in its
// own transaction.
func (s *Service) UpsertRuleAs(ctx context.Context, u auth.User, r Rule) error {
	if !CanEditCatalogue(u, r.AreaCode) {
		return errNotCatalogue
	}
	return s.upsertRule(ctx, r, func(tx *sql.Tx) error {
		return auth.AuditTx(ctx, tx, s.clock.Now(), u, auth.AuditDispatchRule, "dispatch_rule:"+r.CategoryCode+"|"+r.AreaCode, r.OrgCode)
	})
}
